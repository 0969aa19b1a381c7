import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocBytes, allocWords, copyBytes } from '../../src/protocol/slab.js';

describe('slab allocation', () => {
  it('hands out zero-filled byte and word slices that never share a byte, however many and large', () => {
    const request = fc.record({ words: fc.boolean(), length: fc.integer({ min: 0, max: 2500 }) });
    fc.assert(
      fc.property(fc.array(request, { maxLength: 60 }), (requests) => {
        for (const { words, length } of requests) {
          // Allocated one by one: a slice that overlapped an earlier one would not start zeroed.
          const slice = words ? allocWords(length) : allocBytes(length);
          expect(slice.length).toBe(length);
          expect(slice.every((v) => v === 0)).toBe(true);
          slice.fill(words ? 0xffff : 0xff);
        }
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
