import { describe, expect, it } from 'vitest';
import { response } from '../../src/pipeline/compose.js';
import type { Exchange, Outcome } from '../../src/pipeline/types.js';
import { encodeAdu } from '../../src/protocol/mbap.js';
import type { SocketIoMode } from '../../src/server/socket-io.js';
import { startServer, type ServerSide } from '../helpers/server.js';
import { hex, type RawClient } from '../helpers/socket.js';

/** `count` FC 3 requests with transaction ids first, first + 1, … in one buffer. */
function requests(first: number, count: number): Buffer {
  const one = hex('00 00 00 00 00 06 01 03 00 00 00 01');
  const out = Buffer.alloc(one.length * count);
  for (let i = 0; i < count; i++) {
    out.set(one, i * one.length);
    out.writeUInt16BE((first + i) & 0xffff, i * one.length);
  }
  return out;
}

/** Reads `count` ADUs and checks their transaction ids run on from `first`, in order. */
async function expectInOrder(client: RawClient, first: number, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const adu = await client.readAdu();
    if (adu.transactionId !== ((first + i) & 0xffff)) {
      expect.fail(`reply ${i}: transaction id ${adu.transactionId}, expected ${(first + i) & 0xffff}`);
    }
  }
}

// The largest reply a PDU allows (253 bytes): each 12-byte request asks for 260 bytes back.
const BIG = response(Uint8Array.from({ length: 253 }, (_, i) => (i === 0 ? 0x03 : i === 1 ? 250 : i & 0xff)));

/**
 * Paused for backpressure, not just waiting for its next turn (FRAMES_PER_TURN): still paused,
 * with nothing more handled, after a few turns of the event loop.
 */
async function pausedForGood(side: ServerSide, handled: () => number): Promise<boolean> {
  const before = handled();
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  return side.socket.isPaused() && handled() === before;
}

// Both socket I/O modes: 'stream' waits for 'drain', 'direct' for its own in-flight writes.
describe.each<SocketIoMode>(['direct', 'stream'])('backpressure (%s I/O)', (ioMode) => {
  it('stops reading from a client that sends and never reads; others are unaffected', async () => {
    let handled = 0;
    const t = await startServer({
      ioMode,
      handler: (): Outcome => {
        handled++;
        return BIG;
      },
    });
    const greedy = await t.connect();
    const side = await t.serverSide(greedy);
    greedy.pause();

    // Send in batches until the server pauses the socket: its writes back up once the client's
    // receive buffer and the server's send buffer are full. 20 MB of replies is far beyond both.
    const batch = 2000;
    let sent = 0;
    while (!(await pausedForGood(side, () => handled))) {
      if (sent >= 80_000) expect.fail(`server still reading after ${sent} requests`);
      const read = (): number => side.reads.reduce((n, r) => n + r.length, 0);
      // More only once the server has read what was sent (it may still be taking turns on it).
      if (read() >= sent * 12) {
        greedy.socket.write(requests(sent, batch));
        sent += batch;
      }
      await side.until(() => side.socket.isPaused() || read() >= sent * 12);
    }
    const handledAtPause = handled;

    // Meanwhile: the greedy client keeps sending, and another client is served as usual.
    greedy.socket.write(requests(sent, batch));
    sent += batch;
    const other = await t.connect();
    for (let i = 0; i < 3; i++) expect((await other.roundTrip(encodeAdu(i, 1, hex('03 00 00 00 01')))).transactionId).toBe(i);
    expect(side.socket.isPaused()).toBe(true);
    expect(handled).toBe(handledAtPause + 3);

    // Once the client reads, the server resumes and every request is answered, in order.
    greedy.resume();
    await expectInOrder(greedy, 0, sent);
    expect(handled).toBe(sent + 3);
  });

  it('stops reading while more than 64 KiB waits behind a slow reply, then answers it all in order', async () => {
    let release!: () => void;
    const parked = new Promise<void>((resolve) => (release = resolve));
    let handled = 0;
    const t = await startServer({
      ioMode,
      handler: (x: Exchange): Outcome | Promise<Outcome> => {
        handled++;
        const pdu = Uint8Array.of(0x03, 0x02, x.transactionId >> 8, x.transactionId & 0xff);
        return x.transactionId === 0 ? parked.then(() => response(pdu)) : response(pdu);
      },
    });
    const client = await t.connect();
    const side: ServerSide = await t.serverSide(client);
    const count = 20_000; // 240 000 bytes: well past the 64 KiB limit
    client.socket.write(requests(0, count));
    await side.until(() => side.socket.isPaused());
    const readAtPause = side.reads.reduce((n, r) => n + r.length, 0);
    // Past 64 KiB queued, by at most one read (64 KiB) more, besides the parked request's 12 bytes.
    expect(readAtPause).toBeGreaterThan(64 * 1024);
    expect(readAtPause).toBeLessThanOrEqual(12 + 2 * 64 * 1024);
    expect(handled).toBe(1);

    release();
    await expectInOrder(client, 0, count);
    expect(handled).toBe(count);
  });
});
