import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { shortestFloat32 } from '../../src/model/float-text.js';
import { compile, problems } from './helpers.js';

describe('float32 values as the shortest decimal', () => {
  test.each([
    [230.4, 230.4],
    [0.1, 0.1],
    [1843.25, 1843.25],
    [3.4028234663852886e38, 3.4028235e38],
    [1.401298464324817e-45, 1e-45],
    [16777217, 16777216], // not a float32 to begin with: 2^24 + 1 rounds to 2^24
  ])('%d as float32 → %d', (declared, shown) => {
    expect(shortestFloat32(Math.fround(declared))).toBe(shown);
  });

  test('NaN, infinities and both zeros come back unchanged; a double that is no float32 too', () => {
    for (const x of [NaN, Infinity, -Infinity, 0, -0, 0.1]) expect(Object.is(shortestFloat32(x), x)).toBe(true);
  });

  test('property: the result is the same float32, and no shorter decimal is', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true, noDefaultInfinity: true }), (f) => {
        const shown = shortestFloat32(f);
        expect(Math.fround(shown)).toBe(f);
        const digits = shown.toExponential().split('e')[0]!.replace(/[-.]/g, '').length;
        if (digits > 1) expect(Math.fround(Number(f.toPrecision(digits - 1)))).not.toBe(f);
      }),
      { seed: 7, numRuns: 2000 },
    );
  });

  test('read() of a float32 point returns the declared decimal; the registers keep the float32', () => {
    const unit = compile(`
      points:
        v: { type: float32, address: 0, value: 230.4 }
        s: { type: float32, address: 2, scale: 10, value: 2304 }`).unit(1)!;
    expect(unit.read('v')).toBe(230.4);
    expect(unit.read('s')).toBe(2304);
    expect(unit.readTable('holding', 0, 2)).toEqual([0x4366, 0x6666]); // fround(230.4) = 0x43666666
    unit.write('v', 0.1);
    expect(unit.read('v')).toBe(0.1);
  });

  test('a float32 bound in a message reads as the profile wrote it', () => {
    expect(problems(`
      points:
        v: { type: float32, address: 0, min: 0.1, max: 0.7, value: 0.8 }`).map((d) => d.message)).toEqual(['0.8 is outside the allowed range 0.1..0.7']);
  });
});
