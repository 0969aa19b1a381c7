import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  IDENTITY_SCALING,
  applyScaleFactor,
  fitsRaw,
  getBits,
  isAscii,
  notImplemented,
  readRaw,
  readString,
  removeScaleFactor,
  setBits,
  toEngineering,
  toRaw,
  wordCount,
  writeRaw,
  writeString,
} from '../../src/model/values.js';
import type { ByteOrder, NumericType, RawValue, Scaling } from '../../src/model/values.js';

const ORDERS: readonly ByteOrder[] = ['ABCD', 'CDAB', 'BADC', 'DCBA'];
const TYPES: readonly NumericType[] = [
  'int16',
  'uint16',
  'int32',
  'uint32',
  'int64',
  'uint64',
  'float32',
  'float64',
];
/** Fixed seed: failures reproduce. */
const FC = { seed: 0x5eed, numRuns: 300 } as const;

/** Words that writeRaw produces (one register of headroom either side must stay untouched). */
function encode(type: NumericType, order: ByteOrder, raw: RawValue): number[] {
  const n = wordCount(type);
  const words = new Uint16Array(n + 2).fill(0xaaaa);
  writeRaw(type, order, raw, words, 1);
  expect(words[0]).toBe(0xaaaa);
  expect(words[n + 1]).toBe(0xaaaa);
  return Array.from(words.subarray(1, n + 1));
}
function decode(type: NumericType, order: ByteOrder, words: readonly number[]): RawValue {
  return readRaw(type, order, [0x1111, ...words], 1);
}
const hex = (words: readonly number[]): string =>
  words.map((w) => w.toString(16).toUpperCase().padStart(4, '0')).join(' ');

// type, value, order, registers on the wire (docs/protocol.md, "Typed values in registers")
const VECTORS: ReadonlyArray<readonly [NumericType, RawValue, ByteOrder, string]> = [
  // Golden vector: 123456.0 as float32.
  ['float32', 123456, 'ABCD', '47F1 2000'],
  ['float32', 123456, 'CDAB', '2000 47F1'],
  ['float32', 123456, 'BADC', 'F147 0020'],
  ['float32', 123456, 'DCBA', '0020 F147'],
  // Golden vector: uint64 0x0102030405060708; word swap reverses all four words.
  ['uint64', 0x0102030405060708n, 'ABCD', '0102 0304 0506 0708'],
  ['uint64', 0x0102030405060708n, 'CDAB', '0708 0506 0304 0102'],
  ['uint64', 0x0102030405060708n, 'BADC', '0201 0403 0605 0807'],
  ['uint64', 0x0102030405060708n, 'DCBA', '0807 0605 0403 0201'],
  // 16-bit: word swap is meaningless, byte swap applies; negatives are two's complement.
  ['int16', -1, 'ABCD', 'FFFF'],
  ['int16', -32768, 'ABCD', '8000'],
  ['int16', -32768, 'CDAB', '8000'],
  ['int16', -32768, 'BADC', '0080'],
  ['int16', -32768, 'DCBA', '0080'],
  ['int16', 32767, 'ABCD', '7FFF'],
  ['uint16', 0x1234, 'ABCD', '1234'],
  ['uint16', 0x1234, 'CDAB', '1234'],
  ['uint16', 0x1234, 'BADC', '3412'],
  ['uint16', 0x1234, 'DCBA', '3412'],
  ['uint16', 0xffff, 'ABCD', 'FFFF'],
  // uint32 0x12345678 in all orders.
  ['uint32', 0x12345678, 'ABCD', '1234 5678'],
  ['uint32', 0x12345678, 'CDAB', '5678 1234'],
  ['uint32', 0x12345678, 'BADC', '3412 7856'],
  ['uint32', 0x12345678, 'DCBA', '7856 3412'],
  ['uint32', 0xffffffff, 'ABCD', 'FFFF FFFF'],
  // int32 −123456 = 0xFFFE1DC0 in all orders.
  ['int32', -123456, 'ABCD', 'FFFE 1DC0'],
  ['int32', -123456, 'CDAB', '1DC0 FFFE'],
  ['int32', -123456, 'BADC', 'FEFF C01D'],
  ['int32', -123456, 'DCBA', 'C01D FEFF'],
  ['int32', -2147483648, 'ABCD', '8000 0000'],
  // int64 negatives and extremes as bigint; −0x0102030405060708 = 0xFEFDFCFBFAF9F8F8.
  ['int64', -1n, 'ABCD', 'FFFF FFFF FFFF FFFF'],
  ['int64', -0x0102030405060708n, 'ABCD', 'FEFD FCFB FAF9 F8F8'],
  ['int64', -0x0102030405060708n, 'CDAB', 'F8F8 FAF9 FCFB FEFD'],
  ['int64', -0x0102030405060708n, 'BADC', 'FDFE FBFC F9FA F8F8'],
  ['int64', -0x0102030405060708n, 'DCBA', 'F8F8 F9FA FBFC FDFE'],
  ['int64', -(2n ** 63n), 'ABCD', '8000 0000 0000 0000'],
  ['int64', 2n ** 63n - 1n, 'ABCD', '7FFF FFFF FFFF FFFF'],
  ['uint64', 2n ** 64n - 1n, 'ABCD', 'FFFF FFFF FFFF FFFF'],
  // float32: 1.5 = 0x3FC00000; −0 keeps its sign bit; NaN is the canonical quiet NaN.
  ['float32', 1.5, 'ABCD', '3FC0 0000'],
  ['float32', -0, 'ABCD', '8000 0000'],
  ['float32', Number.POSITIVE_INFINITY, 'ABCD', '7F80 0000'],
  ['float32', Number.NaN, 'ABCD', '7FC0 0000'],
  // float64: 1.5 = 0x3FF8000000000000, π = 0x400921FB54442D18, 123456.0 = 0x40FE240000000000.
  ['float64', 1.5, 'ABCD', '3FF8 0000 0000 0000'],
  ['float64', Math.PI, 'ABCD', '4009 21FB 5444 2D18'],
  ['float64', Math.PI, 'CDAB', '2D18 5444 21FB 4009'],
  ['float64', Math.PI, 'BADC', '0940 FB21 4454 182D'],
  ['float64', Math.PI, 'DCBA', '182D 4454 FB21 0940'],
  ['float64', 123456, 'ABCD', '40FE 2400 0000 0000'],
  ['float64', Number.NaN, 'ABCD', '7FF8 0000 0000 0000'],
];

describe('numeric encodings: golden vectors', () => {
  it.each(VECTORS)('%s %s in %s is %s', (type, raw, order, wire) => {
    expect(hex(encode(type, order, raw))).toBe(wire);
    const words = wire.split(' ').map((w) => parseInt(w, 16));
    expect(Object.is(decode(type, order, words), raw)).toBe(true);
  });

  it('word counts', () => {
    expect(TYPES.map(wordCount)).toEqual([1, 1, 2, 2, 4, 4, 2, 4]);
  });

  it('accepts safe-integer numbers for 64-bit types and reads them back as bigint', () => {
    expect(hex(encode('int64', 'ABCD', -1))).toBe('FFFF FFFF FFFF FFFF');
    expect(hex(encode('int64', 'ABCD', -(2 ** 53 - 1)))).toBe('FFE0 0000 0000 0001');
    expect(hex(encode('uint64', 'CDAB', 2 ** 53 - 1))).toBe('FFFF FFFF FFFF 001F');
    expect(decode('int64', 'ABCD', [0xffff, 0xffff, 0xffff, 0xffff])).toBe(-1n);
    expect(decode('uint64', 'ABCD', [0xffff, 0xffff, 0xffff, 0xffff])).toBe(2n ** 64n - 1n);
  });

  it('accepts bigint for the 16/32-bit integer types', () => {
    expect(hex(encode('int16', 'ABCD', -2n))).toBe('FFFE');
    expect(hex(encode('uint32', 'ABCD', 0xdeadbeefn))).toBe('DEAD BEEF');
  });

  it('reads words that arrive unmasked in a plain array as 16-bit', () => {
    expect(readRaw('uint16', 'ABCD', [0x1ffff], 0)).toBe(0xffff);
  });
});

describe('fitsRaw', () => {
  // type, value, fits
  const CASES: ReadonlyArray<readonly [NumericType, RawValue, boolean]> = [
    ['int16', -32768, true],
    ['int16', 32767, true],
    ['int16', 32768, false], // out of range
    ['int16', 40000, false],
    ['int16', 1.5, false], // not an integer
    ['int16', Number.NaN, false],
    ['int16', 7n, true], // bigint accepted for every integer type
    ['uint16', -1, false],
    ['uint16', 65535, true],
    ['uint16', 65536n, false],
    ['int32', -2147483648, true],
    ['int32', 2147483648, false],
    ['uint32', 4294967295, true],
    ['uint32', -1, false],
    ['int64', -(2n ** 63n), true],
    ['int64', 2n ** 63n, false],
    ['int64', 2 ** 53 - 1, true], // safe integer number
    ['int64', 2 ** 53, false], // number beyond 2^53 is not exact: use a bigint
    ['int64', 0.5, false],
    ['uint64', 2n ** 64n - 1n, true],
    ['uint64', 2n ** 64n, false],
    ['uint64', -1n, false],
    ['uint64', -1, false],
    ['float32', 0.1, true], // stored as the nearest float32
    ['float32', 3.4028234663852886e38, true], // float32 max
    ['float32', 1e39, false], // would overflow to Infinity
    ['float32', Number.NaN, true],
    ['float32', Number.NEGATIVE_INFINITY, true],
    ['float32', 1n, false], // bigint refused for floats
    ['float64', Number.MAX_VALUE, true],
    ['float64', Number.NaN, true],
    ['float64', 1n, false],
  ];
  it.each(CASES)('%s %s → %s', (type, raw, fits) => {
    expect(fitsRaw(type, raw)).toBe(fits);
  });
});

describe('numeric encodings: properties', () => {
  const valuesOf: Record<NumericType, fc.Arbitrary<RawValue>> = {
    int16: fc.integer({ min: -32768, max: 32767 }),
    uint16: fc.integer({ min: 0, max: 0xffff }),
    int32: fc.integer({ min: -2147483648, max: 2147483647 }),
    uint32: fc.integer({ min: 0, max: 0xffffffff }),
    int64: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    uint64: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    float32: fc.float(), // float32 values incl. NaN, ±0, ±Infinity
    float64: fc.double(),
  };

  it.each(TYPES)('%s: readRaw(writeRaw(x)) is x in every order', (type) => {
    fc.assert(
      fc.property(valuesOf[type], fc.constantFrom(...ORDERS), (raw, order) => {
        expect(fitsRaw(type, raw)).toBe(true);
        expect(Object.is(decode(type, order, encode(type, order, raw)), raw)).toBe(true);
      }),
      FC,
    );
  });

  it.each(TYPES)('%s: each order is the spec permutation of ABCD', (type) => {
    const swap = (w: number) => ((w & 0xff) << 8) | (w >>> 8);
    fc.assert(
      fc.property(valuesOf[type], (raw) => {
        const abcd = encode(type, 'ABCD', raw);
        expect(encode(type, 'CDAB', raw)).toEqual([...abcd].reverse());
        expect(encode(type, 'BADC', raw)).toEqual(abcd.map(swap));
        expect(encode(type, 'DCBA', raw)).toEqual([...abcd].reverse().map(swap));
      }),
      FC,
    );
  });
});

describe('strings', () => {
  // text, registers, order, registers on the wire
  const CASES: ReadonlyArray<readonly [string, number, ByteOrder, string]> = [
    ['SunS', 2, 'ABCD', '5375 6E53'], // the SunSpec marker, exactly filling its registers
    ['SunS', 2, 'CDAB', '5375 6E53'], // word order does not apply to strings
    ['SunS', 2, 'BADC', '7553 536E'], // byte-swapped string
    ['SunS', 2, 'DCBA', '7553 536E'],
    ['Pump', 4, 'ABCD', '5075 6D70 0000 0000'], // NUL padded
    ['abc', 2, 'ABCD', '6162 6300'], // odd length: the last register's low byte is NUL
    ['abc', 2, 'BADC', '6261 0063'], // odd length, byte-swapped
    ['', 2, 'ABCD', '0000 0000'], // empty: all NUL (SunSpec "not implemented")
    ['a b ', 2, 'ABCD', '6120 6220'], // trailing space kept
  ];
  it.each(CASES)('%j in %i registers (%s) is %s', (text, registers, order, wire) => {
    const words = new Uint16Array(registers + 2).fill(0xaaaa);
    writeString(text, registers, order, words, 1);
    expect(words[0]).toBe(0xaaaa);
    expect(words[registers + 1]).toBe(0xaaaa);
    expect(hex(Array.from(words.subarray(1, registers + 1)))).toBe(wire);
    expect(readString(words, 1, registers, order)).toBe(text);
  });

  it('reading drops trailing NULs only', () => {
    // "A\0B\0" then padding: the embedded NUL is kept, the trailing ones are dropped.
    expect(readString([0x4100, 0x4200, 0x0000], 0, 3, 'ABCD')).toBe('A\0B');
    expect(readString([0x2020], 0, 1, 'ABCD')).toBe('  ');
    expect(readString([0x0000, 0x0000], 0, 2, 'ABCD')).toBe('');
  });

  it('isAscii', () => {
    expect(isAscii('Pump 7\t\0\x7f')).toBe(true);
    expect(isAscii('Pümp')).toBe(false);
    expect(isAscii('€')).toBe(false);
    expect(isAscii('')).toBe(true);
  });

  it('round-trips ASCII text without trailing NULs in every order', () => {
    const ascii = fc.string({
      unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)),
      maxLength: 20,
    });
    fc.assert(
      fc.property(
        ascii,
        fc.integer({ min: 0, max: 4 }),
        fc.constantFrom(...ORDERS),
        (raw, extra, order) => {
          const text = raw.replace(/\0+$/, '');
          const registers = Math.ceil(text.length / 2) + extra;
          const words = new Uint16Array(registers);
          writeString(text, registers, order, words, 0);
          expect(readString(words, 0, registers, order)).toBe(text);
        },
      ),
      FC,
    );
  });
});

describe('bit fields', () => {
  it.each([
    // value, bit, width, field
    [0b1010, 0, 1, 0], // single bits
    [0b1010, 1, 1, 1],
    [0b1010, 3, 1, 1],
    [0xabcd, 4, 4, 0xc], // a nibble
    [0xabcd, 8, 8, 0xab], // the high byte of a register
    [0x80000000, 31, 1, 1], // bit 31 of a 32-bit value
    [0xdeadbeef, 0, 32, 0xdeadbeef], // the whole value, unsigned
    [0xdeadbeef, 16, 16, 0xdead],
  ] as const)('getBits(%i, %i, %i) = %i', (value, bit, width, field) => {
    expect(getBits(value, bit, width)).toBe(field);
  });

  it.each([
    // value, bit, width, field, result
    [0x0000, 0, 1, 1, 0x0001], // set bit 0
    [0xffff, 15, 1, 0, 0x7fff], // clear bit 15
    [0xabcd, 4, 4, 0x3, 0xab3d], // replace a nibble
    [0xabcd, 4, 4, 0x13, 0xab3d], // the field is masked to its width
    [0, 31, 1, 1, 0x80000000], // bit 31 stays unsigned
    [0xffffffff, 0, 32, 0x12345678, 0x12345678],
    [0x12345678, 28, 4, 0xf, 0xf2345678], // result unsigned
  ] as const)('setBits(%i, %i, %i, %i) = %i', (value, bit, width, field, result) => {
    expect(setBits(value, bit, width, field)).toBe(result);
  });

  it('setBits then getBits gives the masked field; other bits unchanged', () => {
    const field = fc
      .integer({ min: 1, max: 32 })
      .chain((width) => fc.tuple(fc.integer({ min: 0, max: 32 - width }), fc.constant(width)));
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffffffff }),
        field,
        fc.integer({ min: 0, max: 0xffffffff }),
        (value, [bit, width], f) => {
          const result = setBits(value, bit, width, f);
          expect(result).toBeGreaterThanOrEqual(0);
          expect(getBits(result, bit, width)).toBe(width === 32 ? f : f % 2 ** width);
          const outside = ~((0xffffffff >>> (32 - width)) << bit) >>> 0;
          expect((result & outside) >>> 0).toBe((value & outside) >>> 0);
        },
      ),
      FC,
    );
  });
});

describe('scaling: engineering = raw × scale + offset', () => {
  const HZ: Scaling = { scale: 0.1, offset: 0 }; // 0.1 Hz per count
  const MILLI: Scaling = { scale: 0.001, offset: 0 }; // ÷ 1000
  const CELSIUS: Scaling = { scale: 0.1, offset: -40 }; // 0.1 °C per count, offset −40

  it.each([
    // type, raw, scaling, engineering
    ['uint16', 501, HZ, 50.1],
    ['uint16', 3, HZ, 0.3], // not 0.30000000000000004
    ['int32', 230512, MILLI, 230.512],
    ['int16', 503, CELSIUS, 10.3], // not 10.299999999999997
    ['int16', 0, CELSIUS, -40],
    ['int16', -100, CELSIUS, -50],
    ['uint16', 7, IDENTITY_SCALING, 7],
    ['float32', 1.5, { scale: 2, offset: 1 }, 4],
  ] as const)('%s raw %s ↔ %s', (type, raw, scaling, engineering) => {
    expect(toEngineering(raw, scaling)).toBe(engineering);
    expect(toRaw(type, engineering, scaling)).toBe(raw);
  });

  it('keeps 64-bit integers bigint under the identity scaling only', () => {
    expect(toEngineering(2n ** 63n - 1n, IDENTITY_SCALING)).toBe(2n ** 63n - 1n);
    expect(toEngineering(12345n, MILLI)).toBe(12.345);
    expect(toRaw('uint64', 2n ** 64n - 1n, IDENTITY_SCALING)).toBe(2n ** 64n - 1n);
    expect(toRaw('int64', 12.345, MILLI)).toBe(12345n); // 64-bit raws are bigint, like readRaw
    expect(toRaw('int64', -5, IDENTITY_SCALING)).toBe(-5n);
    expect(toRaw('int16', 5n, IDENTITY_SCALING)).toBe(5);
  });

  it.each([
    // type, engineering, scaling, raw
    ['uint16', 50.1, HZ, 501], // rounded to nearest, not truncated to 500
    ['uint16', 50.14, HZ, 501],
    ['uint16', 50.16, HZ, 502],
    ['uint16', 0.15, HZ, 2], // 1.4999999999999998 in doubles: the tie meant, away from 0
    ['int16', -0.15, HZ, -2], // ties away from zero, symmetric
    ['int16', -0.04, HZ, 0], // no −0
    ['int32', 2.5, IDENTITY_SCALING, 3],
    ['int32', -2.5, IDENTITY_SCALING, -3],
    ['uint32', 230.5124, MILLI, 230512],
    ['float32', 0.1, IDENTITY_SCALING, Math.fround(0.1)], // the float32 actually stored
    ['float64', 50.1, HZ, 501],
  ] as const)('%s %s → raw %s', (type, engineering, scaling, raw) => {
    expect(Object.is(toRaw(type, engineering, scaling), raw)).toBe(true);
  });

  it.each([
    // type, engineering, scaling
    ['int16', 40000, IDENTITY_SCALING], // out of range
    ['uint16', -1, IDENTITY_SCALING], // negative for unsigned
    ['uint16', 6553.6, HZ], // raw 65536
    ['int16', -40 - 3276.9, CELSIUS], // raw −32769
    ['int16', Number.NaN, IDENTITY_SCALING], // not finite for an integer type
    ['int32', Number.POSITIVE_INFINITY, IDENTITY_SCALING],
    ['uint64', -1n, IDENTITY_SCALING],
    ['int64', 2 ** 63, IDENTITY_SCALING], // rounds to 2^63, one past the maximum
    ['float32', 1e39, IDENTITY_SCALING], // overflows float32
  ] as const)('%s %s does not fit', (type, engineering, scaling) => {
    expect(toRaw(type, engineering, scaling)).toBeUndefined();
  });

  it('floats keep NaN and infinities', () => {
    expect(toRaw('float32', Number.NaN, HZ)).toBeNaN();
    expect(toRaw('float64', Number.NEGATIVE_INFINITY, IDENTITY_SCALING)).toBe(
      Number.NEGATIVE_INFINITY,
    );
  });

  it('toEngineering(toRaw(e)) is within half a step of e', () => {
    const INTEGER_TYPES = ['int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64'] as const;
    const RANGE = {
      int16: [-32768, 32767],
      uint16: [0, 0xffff],
      int32: [-2147483648, 2147483647],
      uint32: [0, 0xffffffff],
      int64: [-(2 ** 40), 2 ** 40], // kept where a number still has sub-step precision
      uint64: [0, 2 ** 40],
    } as const;
    const scaling = fc.record({
      scale: fc.constantFrom(0.1, 0.01, 0.001, 0.5, 2.5, 10, 1, -0.1),
      offset: fc.constantFrom(0, -40, 273.15, 1000),
    });
    fc.assert(
      fc.property(
        fc
          .constantFrom(...INTEGER_TYPES)
          .chain((type) =>
            fc.tuple(fc.constant(type), fc.integer({ min: RANGE[type][0], max: RANGE[type][1] })),
          ),
        fc.double({ min: -0.49, max: 0.49, noNaN: true }),
        scaling,
        ([type, raw], fraction, s) => {
          const engineering = (raw + fraction) * s.scale + s.offset;
          const back = toRaw(type, engineering, s);
          // In the type's range: the nearest raw value, never "does not fit" (undefined).
          expect(Number(back)).toBeGreaterThanOrEqual(RANGE[type][0]);
          expect(Number(back)).toBeLessThanOrEqual(RANGE[type][1]);
          const step = Math.abs(s.scale);
          const slack = (Math.abs(engineering) + Math.abs(s.offset)) * 1e-12;
          expect(Math.abs(Number(toEngineering(back!, s)) - engineering)).toBeLessThanOrEqual(
            step / 2 + slack,
          );
        },
      ),
      FC,
    );
  });
});

describe('SunSpec scale factors: engineering = raw × 10^sf', () => {
  it.each([
    // raw, sf, engineering
    [1234, -2, 12.34],
    [1234, -1, 123.4], // exactly the literal, no 123.40000000000001
    [5, 3, 5000],
    [5, 0, 5],
    [-2305, -1, -230.5],
    [3, -1, 0.3], // not 0.30000000000000004
    [1, -30, 1e-30], // beyond the exact powers of ten
    [0, -2, 0],
  ])('raw %i, sf %i → %s', (raw, sf, engineering) => {
    expect(applyScaleFactor(raw, sf)).toBe(engineering);
    expect(removeScaleFactor(engineering, sf)).toBe(raw);
  });

  it('exponents beyond ±22 (never a real sunssf) are within an ulp', () => {
    expect(applyScaleFactor(7, 25) / 7e25).toBeCloseTo(1, 15);
    expect(removeScaleFactor(7e25, 25)).toBe(7);
  });

  it('the not-implemented scale factor (0x8000) gives NaN', () => {
    expect(applyScaleFactor(1234, -32768)).toBeNaN();
  });

  it('removeScaleFactor rounds to the nearest raw', () => {
    expect(removeScaleFactor(12.344, -2)).toBe(1234);
    expect(removeScaleFactor(12.345, -2)).toBe(1235); // tie (1234.4999999999998 in doubles)
    expect(removeScaleFactor(5499, 3)).toBe(5);
    expect(removeScaleFactor(-5500, 3)).toBe(-6);
    expect(removeScaleFactor(Number.NaN, -1)).toBeNaN();
  });

  it('round-trips raw values for sf in −10..10', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -2147483648, max: 0xffffffff }),
        fc.integer({ min: -10, max: 10 }),
        (raw, sf) => {
          expect(removeScaleFactor(applyScaleFactor(raw, sf), sf)).toBe(raw);
        },
      ),
      FC,
    );
  });
});

describe('SunSpec "not implemented" values', () => {
  it.each([
    // type, raw, registers (ABCD)
    ['int16', -32768, '8000'],
    ['uint16', 0xffff, 'FFFF'],
    ['int32', -2147483648, '8000 0000'],
    ['uint32', 0xffffffff, 'FFFF FFFF'],
    ['int64', -(2n ** 63n), '8000 0000 0000 0000'],
    ['uint64', 2n ** 64n - 1n, 'FFFF FFFF FFFF FFFF'],
    ['float32', Number.NaN, '7FC0 0000'],
    ['float64', Number.NaN, '7FF8 0000 0000 0000'],
  ] as const)('%s: %s = %s', (type, raw, wire) => {
    expect(Object.is(notImplemented(type), raw)).toBe(true);
    expect(fitsRaw(type, notImplemented(type))).toBe(true);
    expect(hex(encode(type, 'ABCD', notImplemented(type)))).toBe(wire);
  });
});
