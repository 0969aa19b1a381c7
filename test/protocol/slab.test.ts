import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocBytes, copyBytes } from '../../src/protocol/slab.js';

describe('slab allocation', () => {
  it('hands out zero-filled slices that never share a byte, however many and large', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5000 }), { maxLength: 60 }), (lengths) => {
        const slices = lengths.map((n) => allocBytes(n));
        slices.forEach((s, i) => {
          expect(s.length).toBe(lengths[i]);
          expect(s.every((b) => b === 0)).toBe(true);
          s.fill(0xff); // a later slice that overlapped this one would not start zeroed
        });
      }),
      { seed: 0x5eed },
    );
  });

  it('copyBytes copies exactly source[start, end) into a slice of its own', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), fc.nat(), (source, a, b) => {
        const start = source.length ? a % (source.length + 1) : 0;
        const end = start + (source.length ? b % (source.length - start + 1) : 0);
        const copy = copyBytes(source, start, end);
        expect(Array.from(copy)).toEqual(Array.from(source.subarray(start, end)));
        if (copy.length) {
          copy[0] = copy[0]! ^ 0xff;
          expect(copy[0]).not.toBe(source[start]);
        }
      }),
      { seed: 0x5eed },
    );
  });
});
