import { connect, createServer, Socket, type AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { response } from '../../src/pipeline/compose.js';
import type { Exchange, Handler, Outcome } from '../../src/pipeline/types.js';
import { encodeAdu } from '../../src/protocol/mbap.js';
import { createSender, startReading, type Adopt, type SocketIoMode } from '../../src/server/socket-io.js';
import { startServer, testIoMode } from '../helpers/server.js';
import { toHex } from '../helpers/socket.js';

/** FC 8/0 (return query data): the reply echoes the request PDU, so it shows the bytes the server kept. */
const echo = (tid: number, data: number): Uint8Array =>
  encodeAdu(tid, 1, Uint8Array.of(0x08, 0x00, 0x00, data >> 8, data & 0xff));

/** Echoes every request PDU; requests whose data word is 0xdead wait until `release()`. */
function parkingEcho(): { handler: Handler; release: () => void } {
  const parked: Array<() => void> = [];
  const handler: Handler = (x: Exchange) => {
    if (x.pdu[3] !== 0xde || x.pdu[4] !== 0xad) return response(x.pdu);
    return new Promise<Outcome>((resolve) => parked.push(() => resolve(response(x.pdu))));
  };
  return { handler, release: () => parked.splice(0).forEach((go) => go()) };
}

describe.each<SocketIoMode>(['direct', 'stream'])('socket I/O (%s mode)', (ioMode) => {
  it('a request parked on a Promise keeps its own bytes while other connections are read', async () => {
    const { handler, release } = parkingEcho();
    const t = await startServer({ handler, ioMode });
    const a = await t.connect();
    const b = await t.connect();
    const sideA = await t.serverSide(a);

    await a.send(echo(1, 0xdead));
    await sideA.received(12);
    // With one shared read buffer these reads overwrite the bytes A's request arrived in.
    for (let i = 0; i < 4; i++) expect(toHex((await b.roundTrip(echo(100 + i, 0x1111 * i))).pdu)).toBe(toHex(echo(0, 0x1111 * i).subarray(7)));
    // More input for A while it is parked is queued, not lost.
    await a.send(echo(2, 0x0102));
    release();
    expect(toHex((await a.readAdu()).bytes)).toBe('00 01 00 00 00 06 01 08 00 00 de ad');
    expect(toHex((await a.readAdu()).bytes)).toBe('00 02 00 00 00 06 01 08 00 00 01 02');
  });

  it('a frame split across reads, then frames sharing a read with a partial one, are all answered once', async () => {
    const t = await startServer({ handler: parkingEcho().handler, ioMode });
    const client = await t.connect();
    const side = await t.serverSide(client);
    const frames = [echo(1, 0x0a0a), echo(2, 0x0b0b), echo(3, 0x0c0c)];
    const stream = Buffer.concat(frames);

    await client.send(stream.subarray(0, 5));
    await side.received(5);
    await client.send(stream.subarray(5, 20)); // the rest of frame 1 and part of frame 2
    await side.received(20);
    await client.send(stream.subarray(20));
    const replies = [];
    for (let i = 0; i < 3; i++) replies.push(toHex((await client.readAdu()).bytes));
    expect(replies).toEqual(frames.map(toHex));
  });
});

describe('fallbacks to the documented API', () => {
  it("falls back to 'data' events on a socket without a TCP handle and lends each chunk", () => {
    const socket = new Socket();
    const seen: string[] = [];
    const reading = startReading(socket, (bytes, length) => seen.push(toHex(bytes.subarray(0, length))));
    expect(reading).toBe(socket);
    socket.emit('data', Buffer.from([1, 2, 3]));
    expect(seen).toEqual(['01 02 03']);
    socket.destroy();
  });

  it("writes with socket.write and reports 'drain' when the socket has no _writeGeneric", () => {
    const socket = new Socket();
    Object.defineProperty(socket, '_writeGeneric', { value: undefined });
    const written: string[] = [];
    // As a socket whose buffer is full answers: queued, wait for 'drain'.
    socket.write = ((bytes: Uint8Array) => {
      written.push(toHex(bytes));
      return false;
    }) as Socket['write'];
    let drained = 0;
    const send = createSender(socket, () => drained++);
    expect(send(Uint8Array.of(0xab))).toBe(false);
    expect(written).toEqual(['ab']);
    socket.emit('drain');
    expect(drained).toBe(1);
    socket.destroy();
  });
});

describe('the socket path checks itself', () => {
  /** A real accepted socket, paused as the server accepts them, and the client that opened it. */
  async function acceptedPair(): Promise<{ accepted: Socket; client: Socket }> {
    const listener = createServer({ pauseOnConnect: true });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const { port } = listener.address() as AddressInfo;
    const acceptedP = new Promise<Socket>((resolve) => listener.once('connection', resolve));
    const client = connect(port, '127.0.0.1');
    const accepted = await acceptedP;
    onTestFinished(() => {
      client.destroy();
      accepted.destroy();
      listener.close();
    });
    return { accepted, client };
  }

  /** Resolves with the first bytes `startReading` lends, as hex. */
  function firstBytes(): { onBytes: (bytes: Uint8Array, length: number) => void; got: Promise<string> } {
    let done: (hex: string) => void = () => {};
    const got = new Promise<string>((resolve) => (done = resolve));
    return { onBytes: (bytes, length) => done(toHex(bytes.subarray(0, length))), got };
  }

  it('serves a connection whose handle the new socket did not adopt through the stream API, and says why', async () => {
    const { accepted, client } = await acceptedPair();
    const reasons: string[] = [];
    const { onBytes, got } = firstBytes();
    const socket = startReading(accepted, onBytes, 'direct', (r) => reasons.push(r), () => new Socket());
    expect(socket).toBe(accepted);
    client.write(Uint8Array.of(1, 2, 3));
    expect(await got).toBe('01 02 03');
    expect(reasons).toEqual(['a socket built over the accepted handle did not adopt it']);
  });

  it("serves a connection whose adopted socket ignores onread (emits 'data'), and says so", async () => {
    const { accepted, client } = await acceptedPair();
    const reasons: string[] = [];
    const { onBytes, got } = firstBytes();
    const withoutOnread: Adopt = ({ handle }) => new Socket({ handle, readable: true, writable: true } as ConstructorParameters<typeof Socket>[0]);
    const socket = startReading(accepted, onBytes, 'direct', (r) => reasons.push(r), withoutOnread);
    expect(socket).not.toBe(accepted);
    client.write(Uint8Array.of(4, 5));
    expect(await got).toBe('04 05');
    expect(reasons).toEqual(['the adopted socket did not take the onread buffer']);
  });

  it('reads below the streams when the adoption took: no fallback is reported', async () => {
    const { accepted, client } = await acceptedPair();
    const reasons: string[] = [];
    const { onBytes, got } = firstBytes();
    startReading(accepted, onBytes, 'direct', (r) => reasons.push(r));
    client.write(Uint8Array.of(6));
    expect(await got).toBe('06');
    expect(reasons).toEqual([]);
  });

  it('the server logs the first fallback once and serves later connections through streams', async () => {
    const lines: string[] = [];
    const t = await startServer({ handler: parkingEcho().handler, ioMode: 'direct', logger: { log: (level, message) => void lines.push(`${level}: ${message}`) } });
    expect(t.server.ioMode).toBe('direct');
    t.server.ioFallback(7, 'a reason');
    t.server.ioFallback(8, 'another reason');
    expect(t.server.ioMode).toBe('stream');
    expect(lines).toEqual(['debug: socket I/O: direct', "warn: socket I/O: #7 and later connections use Node's stream API: a reason"]);
    const client = await t.connect();
    expect(toHex((await client.roundTrip(echo(1, 0x0102))).pdu)).toBe('08 00 00 01 02');
  });

  it('runs in the mode this test project asks for (MODBUS_EMU_IO_MODE), so the suite really covers both', async () => {
    const t = await startServer();
    expect(t.server.ioMode).toBe(testIoMode ?? 'direct');
  });
});
