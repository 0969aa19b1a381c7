import { describe, expect, it } from 'vitest';
import { REQUEST_STEP_BUDGET } from '../../src/generators/engine.js';
import type { CompiledProfile } from '../../src/model/types.js';
import { errors, device } from './helpers.js';

/**
 * How generated points read each other (docs/generators.md, Evaluation): stateful points of a
 * device step in time order, interleaved; a reader sees the value the point holds (after it was
 * fitted to its type); the per-request step budget holds whatever the points do.
 */
const read = (d: CompiledProfile, name: string) => d.units[0]!.read(name);

describe('stateful points of a device take their steps in time order, interleaved', () => {
  // a steps at 1, 2, 3 s; b at 0.7, 1.4, 2.1, 2.8, 3.5 s and adds what a holds at each of its steps:
  // 0 + 1 + 2 + 2 + 3. Run one point's steps after the other's and b is 0 or 15 instead.
  const A = 'a: { type: float64, address: 0, generate: "prev + 1" }';
  const B = 'b: { type: float64, address: 4, generate: { expression: "prev + a", every: 0.7 } }';

  it.each([
    ['a declared first', [A, B]],
    ['b declared first', [B, A]],
  ])('%s: b reads a as it was at each of b\'s steps, after an idle time as when read at every step', async (_order, points) => {
    const yaml = `version: 1\npoints:\n  ${points.join('\n  ')}\n`;
    const idle = await device(yaml);
    idle.clock.set(3500);
    expect([read(idle.device, 'a'), read(idle.device, 'b')]).toEqual([3, 8]);

    const polled = await device(yaml);
    for (let ms = 0; ms <= 3500; ms += 100) {
      polled.clock.set(ms);
      read(polled.device, 'b');
    }
    expect([read(polled.device, 'a'), read(polled.device, 'b')]).toEqual([3, 8]);
  });
});

describe('a point that reads a generated point reads the value that point holds', () => {
  it('after clamping to the end of its type\'s range (scaled, unscaled, 32-bit float), and the kept value for NaN', async () => {
    const { device: d, clock } = await device(`
      version: 1
      points:
        big:      { type: int16, address: 0, scale: 0.1, generate: "t * 1000" }
        bigSeen:  { type: float64, address: 1, generate: "big" }
        low:      { type: int16, address: 5, generate: "-100000" }
        lowSeen:  { type: float64, address: 6, generate: "low + 0" }
        inf:      { type: float32, address: 10, generate: "1 / (t - t)" }
        infSeen:  { type: float64, address: 12, generate: "inf" }
        nan:      { type: uint16, address: 16, value: 7, generate: "sqrt(-1)" }
        nanSeen:  { type: float64, address: 17, generate: "nan * 2" }
    `);
    clock.set(5000); // big computes 5000: raw 50000 does not fit an int16, so it holds 3276.7
    expect(read(d, 'big')).toBe(3276.7);
    expect(read(d, 'bigSeen')).toBe(3276.7);
    expect(read(d, 'lowSeen')).toBe(-32768);
    expect(read(d, 'infSeen')).toBe(3.4028234663852886e38); // the largest float32
    expect(read(d, 'nanSeen')).toBe(14);
  });

  it('a stateful point clamped at each step goes on from the clamped value, and its readers see that value', async () => {
    const { device: d, clock } = await device(`
      version: 1
      points:
        acc:  { type: uint16, address: 0, generate: "prev + 30000" }
        seen: { type: float64, address: 1, generate: "acc" }
        back: { type: float64, address: 5, generate: { expression: "acc - 60000", every: 0.5 } }
    `);
    clock.set(2000);
    expect([read(d, 'acc'), read(d, 'seen')]).toEqual([60000, 60000]);
    clock.set(3000); // 90000 does not fit a uint16: 65535
    expect([read(d, 'acc'), read(d, 'seen')]).toEqual([65535, 65535]);
    clock.set(4500); // 65535 + 30000 clamps again; back, at 4.5 s, reads acc's step at 4 s
    expect([read(d, 'acc'), read(d, 'seen'), read(d, 'back')]).toEqual([65535, 65535, 5535]);
  });
});

describe(`one request computes at most ${REQUEST_STEP_BUDGET.toLocaleString('en')} steps of a unit's points together`, () => {
  it('also when the points read only their own state but never settle (each step changes them)', async () => {
    // Eleven points 10,000 steps behind each (their own budget) would take 110,000 steps.
    const names = Array.from({ length: 11 }, (_, i) => `p${i}`);
    const points = names.map((n, i) => `  ${n}: { type: float64, address: ${i * 4}, generate: { expression: "prev + 1", every: 0.001 } }`);
    const { device: d, clock } = await device(`version: 1\npoints:\n${points.join('\n')}\n`);
    clock.set(60_000);
    const first = names.map((n) => read(d, n) as number); // each point's value is the number of steps it took
    const total = first.reduce((a, b) => a + b, 0);
    expect(total).toBeLessThanOrEqual(REQUEST_STEP_BUDGET);
    expect(total).toBeGreaterThan(REQUEST_STEP_BUDGET - names.length); // the budget is used, not given up
    // In time order: every point got its share, none ran ahead of the others.
    expect(Math.max(...first) - Math.min(...first)).toBeLessThanOrEqual(1);
    // The skipped steps are not owed: a request 1 ms later takes one step of each.
    clock.set(60_001);
    expect(names.map((n) => read(d, n))).toEqual(first.map((v) => v + 1));
  });
});

describe('loops of stateless generators', () => {
  it('are found through a bit reference (status.fault reads the word status)', async () => {
    expect(
      await errors(`
        version: 1
        points:
          status: { type: bitfield16, address: 0, bits: { fault: 3 }, generate: "(level > 5) << 3" }
          level: { type: int16, address: 1, generate: "status.fault ? 10 : 0" }
      `),
    ).toEqual(['E_GENERATE_CYCLE 3:73 generators read each other in a loop: status → level → status; make one of them stateful (lag, slew, prev...) to break it']);
  });

  it('a bit reference to a stateful bit field is no loop', async () => {
    const { device: d, clock } = await device(`
      version: 1
      points:
        status: { type: bitfield16, address: 0, bits: { fault: 3 }, generate: "(prev | 0) * 0 + ((level > 5) << 3)" }
        level: { type: int16, address: 1, generate: "status.fault ? 10 : 6" }
    `);
    clock.set(1000);
    expect([read(d, 'status'), read(d, 'level')]).toEqual([8, 10]);
  });
});
