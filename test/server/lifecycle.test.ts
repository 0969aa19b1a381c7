import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { response } from '../../src/pipeline/compose.js';
import type { Handler } from '../../src/pipeline/types.js';
import { encodeAdu } from '../../src/protocol/mbap.js';
import { ManualTimer, realTimer } from '../../src/runtime/timers.js';
import { ModbusTcpServer } from '../../src/server/server.js';
import { silentLogger } from '../../src/log.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { createEnvironment } from '../../src/runtime/environment.js';
import { loadDevice } from '../../src/runtime/load-device.js';
import { startServer } from '../helpers/server.js';
import { hex, RawClient, toHex } from '../helpers/socket.js';
import { within } from '../helpers/within.js';

const read = (tid: number): Uint8Array => encodeAdu(tid, 1, hex('03 00 00 00 01'));
const answer = (value: number): Handler => () => response(Uint8Array.of(0x03, 0x02, 0x00, value));

describe('listen()', () => {
  it('resolves with the bound address; port 0 picks a free port', async () => {
    const t = await startServer();
    expect(t.port).toBeGreaterThan(0);
    expect(t.server.address).toEqual({ host: '127.0.0.1', port: t.port, family: 'IPv4' });
  });

  it('rejects with EADDRINUSE when the port is taken, and leaves reporting it to the caller', async () => {
    const t = await startServer();
    const lines: string[] = [];
    const logger = { log: (_level: string, message: string) => void lines.push(message) };
    const second = new ModbusTcpServer({ handler: answer(0), host: '127.0.0.1', port: t.port, logger, timer: realTimer });
    await expect(second.listen()).rejects.toMatchObject({ code: 'EADDRINUSE' });
    expect(lines).toEqual([]);
    await second.close();
  });
});

describe('close()', () => {
  it('ends every connection, resolves, and resolves again when called twice', async () => {
    const t = await startServer();
    const clients = [await t.connect(), await t.connect(), await t.connect()];
    await Promise.all(clients.map((c) => t.serverSide(c)));
    expect(t.server.connectionCount).toBe(3);
    await t.server.close();
    expect(t.server.connectionCount).toBe(0);
    for (const c of clients) expect((await c.closed).sawEnd).toBe(true);
    await expect(t.server.close()).resolves.toBeUndefined();
    await expect(RawClient.connect(t.port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('does not wait for a request parked on a Promise that never settles', async () => {
    const t = await startServer({ handler: () => new Promise(() => {}) });
    const client = await t.connect();
    const side = await t.serverSide(client);
    await client.send(read(1));
    await side.received(12);
    await t.server.close();
    expect((await client.closed).sawEnd).toBe(true);
    expect(client.totalReceived).toBe(0);
  });

  it('resolves for a server that never listened', async () => {
    await expect(new ModbusTcpServer({ handler: answer(0), timer: realTimer }).close()).resolves.toBeUndefined();
  });

  // A peer that never answers our FIN must not hold close() (or a CLI's exit) hostage.
  it('also closes a connection already half-closed by the idle timeout', async () => {
    const timer = new ManualTimer();
    const t = await startServer({ timer, idleTimeoutMs: 100 });
    const client = await t.connect({ allowHalfOpen: true });
    const side = await t.serverSide(client);
    const sawEnd = within('the server\'s FIN', new Promise((resolve) => client.socket.once('end', resolve)));
    timer.advance(100);
    await sawEnd;
    await t.server.close();
    expect(t.server.connectionCount).toBe(0);
    expect(side.socket.destroyed).toBe(true);
  });

  it('also ends with a connection reset to make room for a newcomer', async () => {
    const timer = new ManualTimer();
    const t = await startServer({ timer, maxConnections: 1, connectionPolicy: 'closeLeastRecentlyActive' });
    const old = await t.connect({ allowHalfOpen: true });
    const oldSide = await t.serverSide(old);
    const newcomer = await t.connect();
    await t.serverSide(newcomer);
    expect((await old.closed).errorCode).toBe('ECONNRESET');
    await t.server.close();
    expect(t.server.connectionCount).toBe(0);
    expect(oldSide.socket.destroyed).toBe(true);
    await newcomer.closed;
  });
});

describe('setHandler()', () => {
  it('swaps the handler for the next request on a live connection', async () => {
    const t = await startServer({ handler: answer(0xa1) });
    const client = await t.connect();
    expect(toHex((await client.roundTrip(read(1))).pdu)).toBe('03 02 00 a1');
    t.server.setHandler(answer(0xb2));
    expect(toHex((await client.roundTrip(read(2))).pdu)).toBe('03 02 00 b2');
    // Still the same connection: nothing was dropped or reopened.
    expect(t.server.connectionCount).toBe(1);
  });

  it('a request already in progress finishes with the handler it started with', async () => {
    let release!: () => void;
    const parked = new Promise<void>((resolve) => (release = resolve));
    const t = await startServer({ handler: () => parked.then(() => response(hex('03 02 00 01'))) });
    const client = await t.connect();
    const side = await t.serverSide(client);
    await client.send(read(1));
    await side.received(12);
    t.server.setHandler(answer(0x02));
    await client.send(read(2));
    await side.received(24);
    release();
    expect(toHex((await client.readAdu()).pdu)).toBe('03 02 00 01');
    expect(toHex((await client.readAdu()).pdu)).toBe('03 02 00 02');
  });
});

describe('a port in use elsewhere', () => {
  it('is reported by listen() without side effects on the other listener', async () => {
    const other = createServer();
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const { port } = other.address() as { port: number };
    const server = new ModbusTcpServer({ handler: answer(0), port, timer: realTimer });
    await expect(server.listen()).rejects.toMatchObject({ code: 'EADDRINUSE' });
    expect(other.listening).toBe(true);
    await server.close();
    await new Promise((resolve) => other.close(resolve));
  });
});

describe('a request parked behind a delay when its client goes', () => {
  /** A one-point device behind a rule delaying every request by an hour (manual wire timer), and a client whose read waits on it. */
  async function delayed() {
    const timer = new ManualTimer();
    const env = createEnvironment({ seed: 1, clock: new ManualClock(), timer, logger: silentLogger });
    const loaded = await loadDevice(
      { version: 1, points: { p: { type: 'uint16', address: 0, value: 7 } }, faults: [{ name: 'slow', do: { delay: '60m' } }] },
      { env },
    );
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
    const t = await startServer({ timer, handler: loaded.profile.handler, idleTimeoutMs: 0 });
    const client = await t.connect();
    const side = await t.serverSide(client);
    await client.send(read(1));
    await side.received(12);
    return { timer, client, side };
  }

  // 20,000 clients that each left a request behind a long injected delay kept ~74 MiB until the
  // delays ran out: the timer held the exchange, the connection and its buffers.
  it('takes its delay timer with it: nothing waits on the wire timer once the connection closed', async () => {
    const { timer, client, side } = await delayed();
    expect(timer.size).toBe(1); // the delay
    client.socket.destroy();
    await side.closed();
    expect(timer.size).toBe(0);
    timer.advance(3_600_000); // had it stayed, it would fire now, into a closed connection
    expect(client.totalReceived).toBe(0);
  });

  it('a delay still answers a client that stays', async () => {
    const { timer, client } = await delayed();
    timer.advance(3_600_000);
    expect(toHex(await client.read(11))).toBe('00 01 00 00 00 05 01 03 02 00 07');
  });
});
