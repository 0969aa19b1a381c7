import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { response } from '../../src/pipeline/compose.js';
import type { Exchange, Handler, Outcome } from '../../src/pipeline/types.js';
import { encodeAdu } from '../../src/protocol/mbap.js';
import { createSender, startReading, type SocketIoMode } from '../../src/server/socket-io.js';
import { startServer } from '../helpers/server.js';
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
