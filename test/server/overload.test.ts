import type { Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { LogLevel } from '../../src/log.js';
import { encodeAdu } from '../../src/protocol/mbap.js';
import { ManualTimer } from '../../src/runtime/timers.js';
import { ACCEPT_BACKOFF_MS, type ModbusTcpServer } from '../../src/server/server.js';
import { startServer } from '../helpers/server.js';
import { hex } from '../helpers/socket.js';

const read = (tid: number): Uint8Array => encodeAdu(tid, 1, hex('03 00 00 00 01'));

function capture(): { lines: string[]; logger: { log(level: LogLevel, message: string): void } } {
  const lines: string[] = [];
  // Debug lines (the socket I/O mode at listen) are not what these tests count.
  return { lines, logger: { log: (level, message) => level !== 'debug' && lines.push(`${level}: ${message}`) } };
}

/** The net.Server inside (private: the server is the only module that touches node:net). */
function netServer(server: ModbusTcpServer): Server {
  const inner = (server as unknown as { server?: Server }).server;
  if (!inner) throw new Error('test helper: ModbusTcpServer no longer keeps `server`');
  return inner;
}

describe('warnings under attack are rate-limited', () => {
  it('30 bad frames give 5 lines, then one count when the 5 s window ends', async () => {
    const timer = new ManualTimer();
    const { lines, logger } = capture();
    const t = await startServer({ timer, logger });
    for (let i = 0; i < 30; i++) {
      const attacker = await t.connect();
      await attacker.send('00 01 00 00 ff ff 01 03'); // MBAP length 65535
      await attacker.closed;
    }
    expect(lines.filter((l) => l.includes('outside 2..254'))).toHaveLength(5);
    timer.advance(5000);
    expect(lines.at(-1)).toBe('warn: … 25 more bad frames in the last 5 s');
    expect(lines).toHaveLength(6);
  });

  it("refused connections ('refuse' policy) likewise", async () => {
    const timer = new ManualTimer();
    const { lines, logger } = capture();
    const t = await startServer({ timer, logger, maxConnections: 1, connectionPolicy: 'refuse' });
    await t.serverSide(await t.connect());
    for (let i = 0; i < 12; i++) await (await t.connect()).closed;
    expect(lines.filter((l) => l.includes('refused'))).toHaveLength(5);
    timer.advance(5000);
    expect(lines.at(-1)).toBe('warn: … 7 more refused connections in the last 5 s');
  });

  it('a data source failing on every request: 5 error lines, then the count', async () => {
    const timer = new ManualTimer();
    const { lines, logger } = capture();
    const t = await startServer({
      timer,
      logger,
      handler: () => {
        throw new Error('boom');
      },
    });
    const client = await t.connect();
    const burst = new Uint8Array(20 * 12);
    for (let i = 0; i < 20; i++) burst.set(read(i), i * 12);
    await client.send(burst);
    for (let i = 0; i < 20; i++) expect((await client.readAdu()).pdu).toEqual(hex('83 04'));
    expect(lines.filter((l) => l.includes('handler failed'))).toHaveLength(5);
    timer.advance(5000);
    expect(lines.at(-1)).toBe('error: … 15 more handler failures in the last 5 s');
  });
});

describe('accept failing for want of descriptors (EMFILE)', () => {
  it('is logged, and newcomers are reset at once for the back-off, then served again', async () => {
    const timer = new ManualTimer();
    const { lines, logger } = capture();
    const t = await startServer({ timer, logger });
    const served = await t.connect();
    await t.serverSide(served);
    // How net.Server reports a failed accept (lib/net.js onconnection): 'error' on the server.
    const emfile = Object.assign(new Error('accept EMFILE'), { code: 'EMFILE', errno: -24, syscall: 'accept' });
    netServer(t.server).emit('error', emfile);
    expect(lines).toEqual([`warn: accept failed: EMFILE (out of file descriptors): refusing new connections for ${ACCEPT_BACKOFF_MS} ms`]);

    // The reset may arrive before or after the client saw its connect complete.
    const turnedAway = await t.connect().then(
      async (c) => (await c.closed).errorCode,
      (error: NodeJS.ErrnoException) => error.code,
    );
    expect(turnedAway).toBe('ECONNRESET');
    expect(lines.at(-1)).toMatch(/refused: out of file descriptors$/);
    // The client already served keeps its service.
    expect((await served.roundTrip(read(1))).transactionId).toBe(1);

    timer.advance(ACCEPT_BACKOFF_MS);
    const later = await t.connect();
    expect((await later.roundTrip(read(2))).transactionId).toBe(2);
  });
});
