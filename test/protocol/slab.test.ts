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

/*
 * What the slabs are for (src/protocol/slab.ts): small slices are views on one shared 16 KiB slab,
 * packed one after another; a slice larger than an eighth of a slab (2 KiB) gets an array of its
 * own, so a slab is never mostly wasted; a slab is replaced only when the next slice does not fit.
 */
describe('slab sharing', () => {
  const SLAB = 16 * 1024;
  const MAX_SLICE = SLAB / 8;

  /** Allocates `length`-byte slices until one opens a fresh slab; returns that one. */
  function freshSlab(length: number): Uint8Array {
    for (;;) {
      const s = allocBytes(length);
      if (s.byteOffset === 0) return s;
    }
  }

  it('small byte slices are packed back to back on one slab, word slices 2-aligned after them', () => {
    const first = freshSlab(3);
    const b = allocBytes(1);
    const c = allocBytes(1); // ends at 5
    const words = allocWords(2);
    expect(first.buffer.byteLength).toBe(SLAB);
    for (const s of [b, c, words]) expect(s.buffer).toBe(first.buffer);
    expect([b.byteOffset, c.byteOffset, words.byteOffset]).toEqual([3, 4, 6]);
  });

  it('a slab is filled to its last byte before the next one is opened', () => {
    const first = freshSlab(MAX_SLICE);
    const rest: Uint8Array[] = [];
    for (let used = MAX_SLICE; used < SLAB; used += MAX_SLICE) rest.push(allocBytes(MAX_SLICE));
    for (const s of rest) expect(s.buffer).toBe(first.buffer);
    expect(rest.at(-1)!.byteOffset + MAX_SLICE).toBe(SLAB);
    const next = allocBytes(1);
    expect(next.buffer).not.toBe(first.buffer);
    expect(next.byteOffset).toBe(0);
  });

  it('slices up to 2 KiB share a slab; larger ones get an array of their own', () => {
    // [slice, its size in bytes]
    const cases: [Uint8Array | Uint16Array, number][] = [
      [allocBytes(MAX_SLICE), MAX_SLICE],
      [allocBytes(MAX_SLICE + 1), MAX_SLICE + 1],
      [allocWords(MAX_SLICE / 2), MAX_SLICE],
      [allocWords(MAX_SLICE / 2 + 1), MAX_SLICE + 2],
      [allocBytes(1), 1],
      [allocWords(1), 2],
    ];
    for (const [slice, bytes] of cases) {
      expect(slice.byteLength).toBe(bytes);
      expect(slice.buffer.byteLength).toBe(bytes > MAX_SLICE ? bytes : SLAB);
    }
  });
});
