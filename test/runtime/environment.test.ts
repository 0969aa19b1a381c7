import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManualClock, realClock } from '../../src/runtime/clock.js';
import { createEnvironment } from '../../src/runtime/environment.js';
import { MAX_SEED, seededRandom } from '../../src/runtime/random.js';
import { ManualTimer } from '../../src/runtime/timers.js';

describe('seeded randomness: a draw is a pure function of (seed, stream, index)', () => {
  it('gives the same draws for the same seed, and other draws for another seed', () => {
    const first = Array.from({ length: 5 }, (_, i) => seededRandom(1).at('pump.flow', i));
    const again = seededRandom(1).stream('pump.flow');
    expect(Array.from({ length: 5 }, () => again.next())).toEqual(first);
    const other = Array.from({ length: 5 }, (_, i) => seededRandom(2).at('pump.flow', i));
    expect(other).not.toEqual(first);
  });

  it('keeps a stream\'s values whatever other streams exist and in whatever order anything is drawn', () => {
    const alone = seededRandom(7);
    const expected = [0, 1, 2, 3].map((i) => alone.at('a', i));
    const busy = seededRandom(7);
    const b = busy.stream('b');
    const seen = [3, 0, 2, 1].map((i) => {
      b.next();
      busy.at('a new stream', i);
      return [i, busy.at('a', i)] as const;
    });
    for (const [i, value] of seen) expect(value).toBe(expected[i]);
  });

  it('pins the values (a change to the generator would silently change every recorded run)', () => {
    const r = seededRandom(1);
    expect([r.at('x', 0), r.at('x', 1), r.at('y', 0)].map((v) => v.toFixed(12))).toMatchInlineSnapshot(`
      [
        "0.168599333093",
        "0.812625803912",
        "0.311908438159",
      ]
    `);
  });

  it('draws floats in [0, 1) for every seed, stream and index (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_SEED }), fc.string(), fc.nat(), (seed, stream, index) => {
        const v = seededRandom(seed).at(stream, index);
        return v >= 0 && v < 1;
      }),
      { seed: 20261130, numRuns: 2000 },
    );
  });

  it('spreads draws evenly: 10 000 draws land in each tenth about 1 000 times', () => {
    const r = seededRandom(3).stream('spread');
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 10_000; i++) buckets[Math.floor(r.next() * 10)]!++;
    for (const n of buckets) expect(n).toBeGreaterThan(880), expect(n).toBeLessThan(1120);
  });

  it('refuses a seed outside 0..2^32-1 and a negative index', () => {
    expect(() => seededRandom(-1)).toThrow(RangeError);
    expect(() => seededRandom(MAX_SEED + 1)).toThrow(RangeError);
    expect(() => seededRandom(1.5)).toThrow(RangeError);
    expect(() => seededRandom(1).at('x', -1)).toThrow(RangeError);
  });
});

describe('emulator clocks', () => {
  afterEach(() => vi.restoreAllMocks());

  it('a manual clock moves only when told, and never back', () => {
    const clock = new ManualClock();
    expect(clock.now()).toBe(0);
    clock.advance(1500);
    clock.set(2000);
    expect(clock.now()).toBe(2000);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.set(1999)).toThrow(RangeError);
  });

  it('the real clock runs timeScale times faster than real time, and a new scale applies from now on without a jump', () => {
    let real = 10_000;
    vi.spyOn(performance, 'now').mockImplementation(() => real);
    const clock = realClock(10);
    expect(clock.now()).toBe(0);
    real += 500;
    expect(clock.now()).toBe(5000);
    clock.setTimeScale(2);
    expect(clock.now()).toBe(5000);
    real += 500;
    expect(clock.now()).toBe(6000);
    expect(() => clock.setTimeScale(0)).toThrow(RangeError);
    expect(() => realClock(-1)).toThrow(RangeError);
  });

  it('the environment takes a manual clock, or a time scale, but not both', () => {
    const clock = new ManualClock();
    const timer = new ManualTimer();
    const env = createEnvironment({ clock, timer, seed: 5 });
    expect(env.clock).toBe(clock);
    expect(env.timer).toBe(timer);
    expect(env.random.seed).toBe(5);
    expect(() => createEnvironment({ clock, timeScale: 2 })).toThrow(/either a clock or a timeScale/);
  });

  it('an explicit seed of 0 is used, not taken for "no seed"', () => {
    const a = createEnvironment({ seed: 0 }).random;
    const b = createEnvironment({ seed: 0 }).random;
    expect(a.seed).toBe(0);
    const draws = (r: typeof a) => [0, 1, 2].map((i) => r.at('pump/flow#0', i));
    expect(draws(b)).toEqual(draws(a));
    expect(draws(a)).not.toEqual(draws(createEnvironment({ seed: 1 }).random));
  });

  it('without a seed, one is chosen (and can be read back to replay the run)', () => {
    const { seed } = createEnvironment().random;
    expect(Number.isInteger(seed) && seed >= 0 && seed <= MAX_SEED).toBe(true);
  });
});
