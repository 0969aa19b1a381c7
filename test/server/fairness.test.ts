import { describe, expect, it } from 'vitest';
import { encodeAdu } from '../../src/protocol/mbap.js';
import { ManualTimer } from '../../src/runtime/timers.js';
import { FRAMES_PER_TURN } from '../../src/server/connection.js';
import type { SocketIoMode } from '../../src/server/socket-io.js';
import { startServer } from '../helpers/server.js';
import { hex } from '../helpers/socket.js';

const read = (tid: number): Uint8Array => encodeAdu(tid, 1, hex('03 00 00 00 01'));
/** 7-byte MBAP header, FC, byte count, one register. */
const REPLY_LENGTH = 11;

function pipelined(count: number): Uint8Array {
  const out = new Uint8Array(count * 12);
  for (let i = 0; i < count; i++) out.set(read(i), i * 12);
  return out;
}

describe.each<SocketIoMode>(['direct', 'stream'])('fair turns (%s I/O)', (ioMode) => {
  it(`answers at most ${FRAMES_PER_TURN} pipelined requests per turn; another client is served in between; none lost or reordered`, async () => {
    const timer = new ManualTimer();
    const t = await startServer({ timer, ioMode });
    const hog = await t.connect();
    const side = await t.serverSide(hog);
    const other = await t.connect();
    const count = 3 * FRAMES_PER_TURN + 5;

    await hog.send(pipelined(count));
    await side.until(() => timer.deferredCount === 1);
    expect(side.socket.isPaused()).toBe(true); // the kernel keeps the rest until the next turn
    // The other client's request is answered before the hog's next turn.
    expect((await other.roundTrip(read(0x7777))).transactionId).toBe(0x7777);
    await side.until(() => hog.totalReceived === FRAMES_PER_TURN * REPLY_LENGTH);
    expect(side.writes).toHaveLength(1); // one turn's replies, one write

    for (let turns = 1; timer.deferredCount > 0; turns++) {
      expect(turns).toBeLessThanOrEqual(3);
      timer.runDeferred();
    }
    for (let i = 0; i < count; i++) expect((await hog.readAdu()).transactionId).toBe(i);
    expect(side.socket.isPaused()).toBe(false);
    expect(await other.roundTrip(read(1)).then((a) => a.transactionId)).toBe(1);
  });

  it('a budget-sized burst is answered in one turn, with no deferral (pipelining keeps its batching)', async () => {
    const timer = new ManualTimer();
    const t = await startServer({ timer, ioMode });
    const client = await t.connect();
    const side = await t.serverSide(client);
    await client.send(pipelined(FRAMES_PER_TURN));
    for (let i = 0; i < FRAMES_PER_TURN; i++) expect((await client.readAdu()).transactionId).toBe(i);
    expect(timer.deferredCount).toBe(0);
    expect(side.writes.length).toBeLessThanOrEqual(side.reads.length);
  });
});
