import { describe, expect, it } from 'vitest';
import { encodeAdu } from '../../src/protocol/mbap.js';
import { ManualTimer } from '../../src/runtime/timers.js';
import { INCOMPLETE_GRACE_MS } from '../../src/server/server.js';
import { startServer } from '../helpers/server.js';
import { hex, type RawClient } from '../helpers/socket.js';
import { within } from '../helpers/within.js';

const read = (tid: number): Uint8Array => encodeAdu(tid, 1, hex('03 00 00 00 01'));

/** Proves a client is still served: one request, its reply. */
async function answers(client: RawClient, tid: number): Promise<boolean> {
  return (await client.roundTrip(read(tid))).transactionId === tid;
}

describe('idle timeout (on the injected timer)', () => {
  it('closes a connection idle for idleTimeoutMs with a FIN', async () => {
    const timer = new ManualTimer();
    const t = await startServer({ timer, idleTimeoutMs: 1000 });
    const client = await t.connect();
    const side = await t.serverSide(client);
    timer.advance(999);
    expect(await answers(client, 1)).toBe(true);
    timer.advance(999);
    expect(t.server.connectionCount).toBe(1);
    timer.advance(1);
    expect(await client.closed).toEqual({ sawEnd: true, errorCode: undefined });
    await side.closed();
    expect(t.server.connectionCount).toBe(0);
  });

  it('each request postpones the deadline', async () => {
    const timer = new ManualTimer();
    const t = await startServer({ timer, idleTimeoutMs: 1000 });
    const client = await t.connect();
    await t.serverSide(client);
    // Requests at 600, 1200 and 1800: never 1000 ms apart, though 2400 ms pass.
    for (let i = 1; i <= 3; i++) {
      timer.advance(600);
      expect(await answers(client, i)).toBe(true);
    }
    timer.advance(600);
    expect(await answers(client, 4)).toBe(true);
    expect(t.server.connectionCount).toBe(1);
    timer.advance(999);
    expect(t.server.connectionCount).toBe(1);
    timer.advance(1);
    expect((await client.closed).sawEnd).toBe(true);
  });

  it('trickled bytes of a frame that never completes do not count: closed idleTimeoutMs after accept', async () => {
    const timer = new ManualTimer();
    const t = await startServer({ timer, idleTimeoutMs: 5000 });
    const client = await t.connect();
    const side = await t.serverSide(client);
    const frame = read(1);
    // One byte a second, a 12-byte frame: it would complete at 12 s.
    for (let s = 1; s <= 4; s++) {
      timer.advance(1000);
      await client.send(frame.subarray(s - 1, s));
      await side.received(s);
    }
    expect(t.server.connectionCount).toBe(1);
    timer.advance(1000);
    expect((await client.closed).sawEnd).toBe(true);
    expect(client.totalReceived).toBe(0);
  });

  it('idle time runs from the last complete request: frames trickled to completion every 12 s do not hold a 5 s timeout', async () => {
    const timer = new ManualTimer();
    const t = await startServer({ timer, idleTimeoutMs: 5000 });
    const client = await t.connect();
    const side = await t.serverSide(client);
    // The first request completes at 1 s (answered), the next one trickles in a byte a second.
    timer.advance(1000);
    expect(await answers(client, 1)).toBe(true);
    const next = read(2);
    for (let s = 1; s <= 4; s++) {
      timer.advance(1000);
      await client.send(next.subarray(s - 1, s));
      await side.received(12 + s);
    }
    timer.advance(999); // 5.999 s: 4.999 s after the request
    expect(t.server.connectionCount).toBe(1);
    timer.advance(1);
    expect((await client.closed).sawEnd).toBe(true);
  });

  it('a reply still in the making is not idleness: a slow wire reply outlasting the timeout arrives', async () => {
    const timer = new ManualTimer();
    const reply = hex('00 01 00 00 00 05 01 03 02 00 2a');
    const t = await startServer({
      timer,
      idleTimeoutMs: 1000,
      handler: () => ({ kind: 'wire', chunks: [{ bytes: reply, delayMs: 3000 }] }),
    });
    const client = await t.connect();
    const side = await t.serverSide(client);
    await client.send(read(1));
    await side.received(12);
    timer.advance(3000);
    expect(await client.read(reply.length)).toEqual(reply);
    expect(t.server.connectionCount).toBe(1);
    // Idle from here on: the timeout applies again.
    timer.advance(1000);
    expect((await client.closed).sawEnd).toBe(true);
  });

  it('nor is a data source Promise that takes longer than the timeout', async () => {
    const timer = new ManualTimer();
    let release!: () => void;
    const parked = new Promise<void>((resolve) => (release = resolve));
    const t = await startServer({ timer, idleTimeoutMs: 1000, handler: () => parked.then(() => ({ kind: 'silence' }) as const) });
    const client = await t.connect();
    const side = await t.serverSide(client);
    await client.send(read(1));
    await side.received(12);
    timer.advance(5000);
    expect(t.server.connectionCount).toBe(1);
    release();
    await parked;
    t.server.setHandler(() => ({ kind: 'response', pdu: hex('03 02 00 07') }));
    expect(await answers(client, 2)).toBe(true);
  });

  it('defaults to 60 s when not given', async () => {
    const timer = new ManualTimer();
    const t = await startServer({ timer, idleTimeoutMs: undefined });
    const client = await t.connect();
    await t.serverSide(client);
    timer.advance(59_999);
    expect(t.server.connectionCount).toBe(1);
    timer.advance(1);
    expect((await client.closed).sawEnd).toBe(true);
  });

  it('idleTimeoutMs 0 never disconnects and arms no timer', async () => {
    const timer = new ManualTimer();
    const t = await startServer({ timer, idleTimeoutMs: 0 });
    const client = await t.connect();
    await t.serverSide(client);
    expect(timer.size).toBe(0);
    timer.advance(1e9);
    expect(await answers(client, 1)).toBe(true);
  });
});

describe('a peer that never answers our FIN', () => {
  it('is destroyed 5 s (injected timer) after the idle close, even while it keeps sending', async () => {
    const timer = new ManualTimer();
    const t = await startServer({ timer, idleTimeoutMs: 1000 });
    const client = await t.connect({ allowHalfOpen: true });
    const side = await t.serverSide(client);
    const sawEnd = within('the server\'s FIN', new Promise((resolve) => client.socket.once('end', resolve)));
    timer.advance(1000);
    await sawEnd;
    timer.advance(4000);
    // Still sending (and ignored): this must not postpone the limit.
    await client.send(read(1));
    await side.received(12);
    timer.advance(999);
    expect(side.socket.destroyed).toBe(false);
    timer.advance(1);
    await side.closed();
    expect(t.server.connectionCount).toBe(0);
    expect(client.totalReceived).toBe(0);
    expect(timer.size).toBe(0);
  });
});

describe('maxConnections', () => {
  it("policy 'refuse': the newcomer is closed at once, the others keep working", async () => {
    const t = await startServer({ maxConnections: 2, connectionPolicy: 'refuse', timer: new ManualTimer() });
    const a = await t.connect();
    const b = await t.connect();
    await Promise.all([t.serverSide(a), t.serverSide(b)]);
    const c = await t.connect();
    expect(await c.closed).toEqual({ sawEnd: true, errorCode: undefined });
    expect(c.totalReceived).toBe(0);
    expect(await answers(a, 1)).toBe(true);
    expect(await answers(b, 2)).toBe(true);
    expect(t.server.connectionCount).toBe(2);
  });

  it("policy 'closeLeastRecentlyActive': the quietest is reset (its descriptor freed at once), the newcomer is served", async () => {
    const timer = new ManualTimer();
    const t = await startServer({ maxConnections: 2, connectionPolicy: 'closeLeastRecentlyActive', timer });
    const a = await t.connect();
    const b = await t.connect();
    await Promise.all([t.serverSide(a), t.serverSide(b)]);
    timer.advance(10);
    expect(await answers(b, 1)).toBe(true); // b active at 10, a last active at 0
    timer.advance(10);
    expect(await answers(a, 2)).toBe(true); // now a at 20 and b at 10: b is the quietest
    const bSide = await t.serverSide(b);
    const c = await t.connect();
    await t.serverSide(c);
    // Destroyed at once, no half-close grace timer: a FIN would hold the descriptor up to 5 s.
    expect(bSide.socket.destroyed).toBe(true);
    expect(await b.closed).toEqual({ sawEnd: false, errorCode: 'ECONNRESET' });
    expect(await answers(c, 3)).toBe(true);
    expect(await answers(a, 4)).toBe(true);
    expect(t.server.connectionCount).toBe(2);
  });

  it('a connection the server already closed, lingering half-open, no longer takes a place', async () => {
    const timer = new ManualTimer();
    const t = await startServer({ timer, idleTimeoutMs: 100, maxConnections: 2, connectionPolicy: 'refuse' });
    const lingering = await t.connect({ allowHalfOpen: true });
    await t.serverSide(lingering);
    const sawEnd = within('the server\'s FIN to the lingering client', new Promise((resolve) => lingering.socket.once('end', resolve)));
    timer.advance(100);
    await sawEnd;
    const a = await t.connect();
    const b = await t.connect();
    expect(await answers(a, 1)).toBe(true);
    expect(await answers(b, 2)).toBe(true);
  });

  // Ten clients trickling a byte a second and reconnecting 50 ms after each idle close let a
  // well-behaved newcomer through on 1 attempt in 80 (scripts/lockout.mjs measures it now).
  it.each(['refuse', 'closeLeastRecentlyActive'] as const)(
    "policy '%s': a connection that has not completed a request gives way first, once past its grace",
    async (connectionPolicy) => {
      const timer = new ManualTimer();
      const t = await startServer({ maxConnections: 2, connectionPolicy, timer });
      const trickler = await t.connect();
      const tricklerSide = await t.serverSide(trickler);
      await trickler.send(read(1).subarray(0, 1));
      await tricklerSide.received(1);
      const client = await t.connect();
      expect(await answers(client, 1)).toBe(true);
      timer.advance(INCOMPLETE_GRACE_MS);
      const newcomer = await t.connect();
      expect(await answers(newcomer, 2)).toBe(true);
      expect(await trickler.closed).toEqual({ sawEnd: false, errorCode: 'ECONNRESET' });
      expect(await answers(client, 3)).toBe(true);
    },
  );

  it('within its grace a connection without a request is spared: under refuse, the newcomer is refused', async () => {
    const timer = new ManualTimer();
    const t = await startServer({ maxConnections: 1, connectionPolicy: 'refuse', timer });
    const early = await t.connect();
    await t.serverSide(early);
    timer.advance(INCOMPLETE_GRACE_MS - 1);
    const newcomer = await t.connect();
    expect(await newcomer.closed).toEqual({ sawEnd: true, errorCode: undefined });
    expect(await answers(early, 1)).toBe(true);
  });

  it('closeLeastRecentlyActive closes a served connection before one still within its grace', async () => {
    const timer = new ManualTimer();
    const t = await startServer({ maxConnections: 2, connectionPolicy: 'closeLeastRecentlyActive', timer });
    // A burst: young was accepted first but its request is not in yet; served's was, later.
    const young = await t.connect();
    await t.serverSide(young);
    timer.advance(10);
    const served = await t.connect();
    expect(await answers(served, 1)).toBe(true);
    const newcomer = await t.connect();
    expect(await answers(newcomer, 2)).toBe(true);
    expect(await served.closed).toEqual({ sawEnd: false, errorCode: 'ECONNRESET' });
    expect(await answers(young, 3)).toBe(true);
  });

  it('unlimited when 0', async () => {
    const t = await startServer({ maxConnections: 0 });
    const clients = await Promise.all(Array.from({ length: 20 }, () => t.connect()));
    const served = await Promise.all(clients.map((c, i) => answers(c, i)));
    expect(served.every(Boolean)).toBe(true);
  });
});
