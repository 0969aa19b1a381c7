import fc from 'fast-check';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { connectionRandom, fuzzConnection, healthyClient, planConnection } from '../../scripts/fuzz-lib.mjs';
import { hex, toHex } from '../helpers/socket.js';
import { startServer } from '../helpers/server.js';

/** A read of holding register 0 (tid 0x0BAD): a healthy client's probe. */
const PROBE = hex('0b ad 00 00 00 06 01 03 00 00 00 01');
const PROBE_REPLY = '0b ad 00 00 00 05 01 03 02 00 00';

/** Bytes that look like MBAP frames often enough to reach the decoder, plus plain noise. */
const frameish = fc.record({
  tid: fc.integer({ min: 0, max: 0xffff }),
  protocol: fc.constantFrom(0, 0, 0, 1),
  unit: fc.integer({ min: 0, max: 255 }),
  pdu: fc.uint8Array({ minLength: 0, maxLength: 260 }),
  lie: fc.integer({ min: -3, max: 3 }),
}).map(({ tid, protocol, unit, pdu, lie }) => {
  const length = Math.max(0, Math.min(0xffff, pdu.length + 1 + lie));
  return Uint8Array.from([tid >> 8, tid & 0xff, protocol >> 8, protocol & 0xff, length >> 8, length & 0xff, unit, ...pdu]);
});
const garbage = fc.array(fc.oneof(frameish, fc.uint8Array({ minLength: 1, maxLength: 64 })), { minLength: 1, maxLength: 6 });

describe('malformed input over a real socket', () => {
  it('never crashes the server or disturbs another client (fast-check, fixed seed)', async () => {
    const t = await startServer();
    const healthy = await t.connect();
    await fc.assert(
      fc.asyncProperty(garbage, fc.integer({ min: 1, max: 7 }), async (parts, pieces) => {
        const bytes = Uint8Array.from(parts.flatMap((p) => [...p]));
        const attacker = await t.connect();
        // Sent in a few pieces, so frames are also split at arbitrary offsets.
        const step = Math.ceil(bytes.length / pieces);
        // The server may rightly close on a bad length field, so a later piece may not get through.
        for (let i = 0; i < bytes.length; i += step) await attacker.send(bytes.subarray(i, i + step)).catch(() => {});
        // The other connection is answered correctly, in between and after.
        expect(toHex((await healthy.roundTrip(PROBE)).bytes)).toBe(PROBE_REPLY);
        await attacker.destroy();
      }),
      { seed: 20261125, numRuns: 60 },
    );
    expect(t.server.address).not.toBeNull();
  });
});

/** A full collection when V8 lets us ask for one (it does: --expose-gc set at run time). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

describe('live-socket fuzzing (seeded; `npm run fuzz` runs the long version against the build)', () => {
  it('27,591 generated and mutated frames over 600 connections: every reply well formed, a parallel client served, memory back near its baseline', { timeout: 60_000 }, async () => {
    const t = await startServer();
    collectGarbage();
    const baseline = process.memoryUsage().heapUsed;
    let done = false;
    // A generous reply timeout: a loaded machine is slow, but this device never drops a reply.
    const patience = { replyTimeoutMs: 15_000 };
    const healthy = healthyClient(t.port, () => done, patience);
    let frames = 0;
    let malformed = 0;
    let timeouts = 0;
    const problems: string[] = [];
    const connections = 600;
    let started = 0;
    // 16 attackers at a time, each on its own connection of up to 100 frames.
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (started < connections) {
          const r = connectionRandom(20261130, started++);
          const result = await fuzzConnection(t.port, r, planConnection(r), patience);
          frames += result.frames;
          malformed += result.malformed;
          timeouts += result.timeouts;
          problems.push(...result.problems);
        }
      }),
    );
    done = true;
    const served = await healthy;
    expect(problems.slice(0, 5)).toEqual([]);
    expect(malformed).toBe(0);
    expect(frames).toBe(27_591); // the same frames on every run: each connection has its own seeded PRNG
    expect(timeouts).toBe(0);
    expect(served.bad).toBe(0);
    expect(served.timeouts).toBe(0);
    expect(served.ok).toBeGreaterThan(100);
    // Every attacker's connection is gone on the server too, and what it held with it.
    while (t.server.connectionCount > 0) await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
    expect(process.memoryUsage().heapUsed - baseline).toBeLessThan(8 * 1024 * 1024);
  });
});
