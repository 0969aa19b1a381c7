/**
 * Typed values in 16-bit registers (docs/protocol.md, "Typed values in registers"): word and byte
 * orders, strings, scale/offset, SunSpec scale factors, bit fields and "not implemented" values.
 *
 * These run on the request path of the compiled device, so they are pure, allocation-free where
 * the type allows (bigints and strings allocate by nature), and share one scratch DataView for the
 * bit-level conversions (safe: every call finishes with it before returning).
 */

export type ByteOrder = 'ABCD' | 'CDAB' | 'BADC' | 'DCBA';
export type NumericType =
  'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64' | 'float32' | 'float64';
/** Raw value of the type: number, or bigint for int64/uint64. */
export type RawValue = number | bigint;

/** Scratch for every conversion: a value is laid out big-endian (ABCD...) here, then permuted. */
const scratch = new DataView(new ArrayBuffer(8));

const TWO_32 = 4294967296;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;

/** Registers a numeric type takes: 1, 2 or 4. */
export function wordCount(type: NumericType): 1 | 2 | 4 {
  switch (type) {
    case 'int16':
    case 'uint16':
      return 1;
    case 'int32':
    case 'uint32':
    case 'float32':
      return 2;
    case 'int64':
    case 'uint64':
    case 'float64':
      return 4;
  }
}

/** True for the integer types (raw values are rounded to integers by toRaw). */
export function isIntegerType(type: NumericType): boolean {
  return type !== 'float32' && type !== 'float64';
}

/** True for int64/uint64, whose raw values read back as bigint. */
export function is64BitInteger(type: NumericType): boolean {
  return type === 'int64' || type === 'uint64';
}

/** float32's largest finite value. */
const F32_MAX = 3.4028234663852886e38;

/** What a numeric type holds: its raw range as doubles, and as people read it in messages. */
export interface TypeRange {
  /** The ends as doubles; for int64/uint64 the last doubles inside the range (2^63 − 1 is no double). */
  readonly min: number;
  readonly max: number;
  readonly text: string;
}

/** The one table of type ranges: fitsRaw, the compiler's messages and the generators' clamping read it. */
export const TYPE_RANGES: Readonly<Record<NumericType, TypeRange>> = {
  int16: { min: -32768, max: 32767, text: '-32768..32767' },
  uint16: { min: 0, max: 0xffff, text: '0..65535' },
  int32: { min: -2147483648, max: 2147483647, text: '-2147483648..2147483647' },
  uint32: { min: 0, max: 0xffffffff, text: '0..4294967295' },
  int64: { min: -9223372036854775808, max: 9223372036854774784, text: '-2^63..2^63-1' },
  uint64: { min: 0, max: 18446744073709549568, text: '0..2^64-1' },
  float32: { min: -F32_MAX, max: F32_MAX, text: '±3.4e38' },
  float64: { min: -Number.MAX_VALUE, max: Number.MAX_VALUE, text: 'any number' },
};

/**
 * True when `raw` is representable in `type`.
 * - Integer types: an integer in range. A bigint is accepted for every integer type; a number is
 *   accepted for int64/uint64 only when it is a safe integer (beyond 2^53 a number is not exact).
 * - float64: any number, NaN and ±Infinity included.
 * - float32: any number whose float32 rounding does not overflow: NaN and ±Infinity, and finite
 *   values such as 0.1 that are stored as the nearest float32 (what every client's "FP32 of 0.1"
 *   means); 1e39, which would become Infinity, is refused.
 * - bigint is refused for the float types.
 */
export function fitsRaw(type: NumericType, raw: RawValue): boolean {
  if (typeof raw === 'bigint') {
    switch (type) {
      case 'int64':
        return raw >= INT64_MIN && raw <= INT64_MAX;
      case 'uint64':
        return raw >= 0n && raw <= UINT64_MAX;
      case 'float32':
      case 'float64':
        return false;
      default:
        return raw >= BigInt(TYPE_RANGES[type].min) && raw <= BigInt(TYPE_RANGES[type].max);
    }
  }
  switch (type) {
    case 'int64':
      return Number.isSafeInteger(raw);
    case 'uint64':
      return Number.isSafeInteger(raw) && raw >= 0;
    case 'float32':
      return !Number.isFinite(raw) || Number.isFinite(Math.fround(raw));
    case 'float64':
      return true;
    default:
      return Number.isInteger(raw) && raw >= TYPE_RANGES[type].min && raw <= TYPE_RANGES[type].max;
  }
}

/**
 * Copies the big-endian scratch into `count` registers in `order`: CDAB reverses all the words
 * (for 64-bit too: docs/protocol.md, "Typed values in registers"), BADC swaps the bytes of each word, DCBA does both. Reading a
 * word little-endian from the scratch is the byte swap.
 */
function scratchToWords(count: number, order: ByteOrder, words: Uint16Array, offset: number): void {
  const swapBytes = order === 'BADC' || order === 'DCBA';
  const reverse = order === 'CDAB' || order === 'DCBA';
  for (let i = 0; i < count; i++) {
    words[offset + i] = scratch.getUint16((reverse ? count - 1 - i : i) * 2, swapBytes);
  }
}

/** Inverse of scratchToWords (the permutation is an involution, so the same mapping). */
function wordsToScratch(
  count: number,
  order: ByteOrder,
  words: ArrayLike<number>,
  offset: number,
): void {
  const swapBytes = order === 'BADC' || order === 'DCBA';
  const reverse = order === 'CDAB' || order === 'DCBA';
  for (let i = 0; i < count; i++) {
    scratch.setUint16((reverse ? count - 1 - i : i) * 2, words[offset + i], swapBytes);
  }
}

/**
 * Writes raw into words[offset .. offset+wordCount) in the given order (docs/protocol.md, "Typed values in registers"). The caller
 * checked fitsRaw. NaN is always written as the canonical quiet NaN (float32 0x7FC00000, float64
 * 0x7FF8000000000000, the SunSpec "not implemented" patterns), whatever its payload.
 */
export function writeRaw(
  type: NumericType,
  order: ByteOrder,
  raw: RawValue,
  words: Uint16Array,
  offset: number,
): void {
  switch (type) {
    case 'int16':
    case 'uint16':
      // ToUint16 makes -1 0xFFFF and -32768 0x8000 (two's complement).
      scratch.setUint16(0, Number(raw));
      scratchToWords(1, order, words, offset);
      return;
    case 'int32':
    case 'uint32':
      scratch.setUint32(0, Number(raw));
      scratchToWords(2, order, words, offset);
      return;
    case 'int64':
    case 'uint64':
      if (typeof raw === 'bigint') {
        // ToBigUint64 is modulo 2^64: negative int64 values become two's complement.
        scratch.setBigUint64(0, raw);
      } else {
        // A safe integer split without allocating a bigint; floor keeps the low half positive
        // and ToUint32 turns a negative high half into two's complement.
        const high = Math.floor(raw / TWO_32);
        scratch.setUint32(0, high);
        scratch.setUint32(4, raw - high * TWO_32);
      }
      scratchToWords(4, order, words, offset);
      return;
    case 'float32':
      if (raw !== raw) scratch.setUint32(0, 0x7fc00000);
      else scratch.setFloat32(0, Number(raw));
      scratchToWords(2, order, words, offset);
      return;
    case 'float64':
      if (raw !== raw) {
        scratch.setUint32(0, 0x7ff80000);
        scratch.setUint32(4, 0);
      } else {
        scratch.setFloat64(0, Number(raw));
      }
      scratchToWords(4, order, words, offset);
      return;
  }
}

/** Reads a raw value: number for 16/32-bit and floats, bigint for int64/uint64. */
export function readRaw(
  type: NumericType,
  order: ByteOrder,
  words: ArrayLike<number>,
  offset: number,
): RawValue {
  switch (type) {
    case 'int16':
      wordsToScratch(1, order, words, offset);
      return scratch.getInt16(0);
    case 'uint16':
      wordsToScratch(1, order, words, offset);
      return scratch.getUint16(0);
    case 'int32':
      wordsToScratch(2, order, words, offset);
      return scratch.getInt32(0);
    case 'uint32':
      wordsToScratch(2, order, words, offset);
      return scratch.getUint32(0);
    case 'int64':
      wordsToScratch(4, order, words, offset);
      return scratch.getBigInt64(0);
    case 'uint64':
      wordsToScratch(4, order, words, offset);
      return scratch.getBigUint64(0);
    case 'float32':
      wordsToScratch(2, order, words, offset);
      return scratch.getFloat32(0);
    case 'float64':
      wordsToScratch(4, order, words, offset);
      return scratch.getFloat64(0);
  }
}

// ---------------------------------------------------------------------------------------------
// Strings (docs/protocol.md: two ASCII bytes per register, first character in the high byte, NUL
// padded; some devices byte-swap strings). Word order does not apply: a string is a sequence of
// registers, not a number, so only the byte swap of BADC/DCBA matters.

/**
 * Writes `text` into `registers` registers, NUL padded. The caller checked the length
 * (≤ 2 × registers) and isAscii; extra characters are not written.
 */
export function writeString(
  text: string,
  registers: number,
  order: ByteOrder,
  words: Uint16Array,
  offset: number,
): void {
  const swapBytes = order === 'BADC' || order === 'DCBA';
  const length = text.length;
  for (let i = 0; i < registers; i++) {
    const first = 2 * i < length ? text.charCodeAt(2 * i) & 0xff : 0;
    const second = 2 * i + 1 < length ? text.charCodeAt(2 * i + 1) & 0xff : 0;
    words[offset + i] = swapBytes ? (second << 8) | first : (first << 8) | second;
  }
}

/**
 * Reads the text of `registers` registers. Trailing NULs (the padding) are dropped; spaces and
 * embedded NULs are kept, so any ASCII text without trailing NULs round-trips. Bytes ≥ 0x80 read
 * as the Latin-1 character of the same code.
 */
export function readString(
  words: ArrayLike<number>,
  offset: number,
  registers: number,
  order: ByteOrder,
): string {
  const swapBytes = order === 'BADC' || order === 'DCBA';
  let end = 2 * registers;
  while (end > 0 && stringByte(words, offset, end - 1, swapBytes) === 0) end--;
  let text = '';
  for (let k = 0; k < end; k++)
    text += String.fromCharCode(stringByte(words, offset, k, swapBytes));
  return text;
}

/** Byte k (0-based) of a register string, after undoing the byte swap. */
function stringByte(
  words: ArrayLike<number>,
  offset: number,
  k: number,
  swapBytes: boolean,
): number {
  const word = words[offset + (k >> 1)] & 0xffff;
  const highByte = ((k & 1) === 0) !== swapBytes;
  return highByte ? word >>> 8 : word & 0xff;
}

/** True when every character is 7-bit ASCII (0x00..0x7F): what a register string can hold. */
export function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0x7f) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Scaling: engineering = raw × scale + offset (Home Assistant `scale`/`offset`, Telegraf `scale`).

/** engineering = raw × scale + offset (Home Assistant / Telegraf). */
export interface Scaling {
  readonly scale: number;
  readonly offset: number;
}
export const IDENTITY_SCALING: Scaling = Object.freeze({ scale: 1, offset: 0 });

/**
 * Engineering value from raw. 64-bit integers stay bigint when scaling is the identity, else
 * become number (precision beyond 2^53 is lost, as in every client).
 *
 * Decimal scales (0.1, 0.001) are applied as a division by their integer reciprocal: 3 / 10 is
 * 0.3, where 3 × 0.1 is 0.30000000000000004, and raw 503, scale 0.1, offset −40 gives 10.3.
 */
export function toEngineering(raw: RawValue, scaling: Scaling): number | bigint {
  const { scale, offset } = scaling;
  if (scale === 1 && offset === 0) return raw;
  const value = Number(raw);
  const inverse = 1 / scale;
  if (Number.isInteger(inverse)) return (value + offset * inverse) / inverse;
  return value * scale + offset;
}

/**
 * The rounding rule (docs/profiles.md, "Rounding"), the one every path from an engineering value
 * to an integer register takes (profile values, API and control-channel writes, generators):
 * to the nearest integer, ties away from zero (−2.5 → −3, 2.5 → 3: symmetric, unlike
 * Math.round). `noise` is the error bound of the computation that produced `q`: a value within it
 * below a tie is taken as the tie (0.15 / 0.1 is 1.4999999999999998, meant as 1.5). −0 becomes 0.
 */
function roundHalfAwayFromZero(q: number, noise: number): number {
  if (Number.isInteger(q)) return q + 0;
  const magnitude = Math.abs(q);
  // Capped so that large magnitudes, whose ulp exceeds any decimal noise, are not moved.
  const rounded = Math.round(magnitude + Math.min(noise, 1e-6));
  return (q < 0 ? -rounded : rounded) + 0;
}

/** Error bound of (a ∘ b) computed in doubles from decimal inputs: a few ulps of the operands. */
const NOISE = 4 * Number.EPSILON;

/**
 * (engineering − offset) / scale, the raw value before any range check: rounded by the rounding
 * rule when `integer` (and finite), as it is for floats. Decimal scales (0.1, 0.001) divide by
 * multiplying with their integer reciprocal, the inverse of toEngineering.
 */
export function unscale(engineering: number, scaling: Scaling, integer: boolean): number {
  const { scale, offset } = scaling;
  let q = engineering;
  if (scale !== 1 || offset !== 0) {
    const inverse = 1 / scale;
    q = Number.isInteger(inverse) ? (engineering - offset) * inverse : (engineering - offset) / scale;
  }
  if (!integer || !Number.isFinite(q)) return q;
  return roundHalfAwayFromZero(q, ((Math.abs(engineering) + Math.abs(offset)) / Math.abs(scale)) * NOISE);
}

/**
 * Raw value for an engineering value: unscale, so 50.1 with scale 0.1 gives 501. Undefined when
 * the result does not fit the type (fitsRaw) or, for integer types, is not finite. int64/uint64
 * results are bigint (like readRaw); float32 results are the float32 actually stored
 * (Math.fround). A bigint engineering value is used exactly with the identity scaling, else
 * converted to number.
 */
export function toRaw(
  type: NumericType,
  engineering: number | bigint,
  scaling: Scaling,
): RawValue | undefined {
  if (typeof engineering === 'bigint') {
    if (scaling.scale === 1 && scaling.offset === 0 && isIntegerType(type)) {
      if (!fitsRaw(type, engineering)) return undefined;
      return is64BitInteger(type) ? engineering : Number(engineering);
    }
    engineering = Number(engineering);
  }
  return fitted(type, unscale(engineering, scaling, isIntegerType(type)), engineering);
}

/**
 * `q`, an unscaled raw value (unscale, removeScaleFactor), as the raw value of `type`, or
 * undefined when it does not fit: beyond the type, not finite for an integer type, or not finite
 * although the engineering value was (a finite value never becomes ±Infinity in registers).
 */
function fitted(type: NumericType, q: number, engineering: number): RawValue | undefined {
  if (!Number.isFinite(q) && Number.isFinite(engineering)) return undefined;
  switch (type) {
    case 'float64':
      return q;
    case 'float32':
      return fitsRaw(type, q) ? Math.fround(q) : undefined;
    default: {
      if (!Number.isFinite(q)) return undefined;
      if (is64BitInteger(type)) {
        // Any integer double converts exactly; the range check is on the bigint.
        const big = BigInt(q);
        return fitsRaw(type, big) ? big : undefined;
      }
      return fitsRaw(type, q) ? q : undefined;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// SunSpec scale factors: engineering = raw × 10^sf, sf an int16 (sunssf) register.

/** The sunssf "not implemented" value (0x8000): the scaled points have no value. */
const SUNSSF_NOT_IMPLEMENTED = -32768;

/** Exact powers of ten: 10^k is exactly representable in a double for k ≤ 22. */
const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
  1e18, 1e19, 1e20, 1e21, 1e22,
];

/**
 * x × 10^exponent. Within ±22 this is one operation with an exact power of ten, so the result is
 * correctly rounded: the double the decimal literal denotes (1234 × 10^−1 → 123.4, not
 * 123.40000000000001, because dividing by 10 beats multiplying by the inexact 0.1). Beyond ±22
 * (never a real sunssf) it steps by 10^22, which may be off by an ulp.
 */
function scaleByPowerOfTen(x: number, exponent: number): number {
  while (exponent > 22) {
    x *= 1e22;
    exponent -= 22;
  }
  while (exponent < -22) {
    x /= 1e22;
    exponent += 22;
  }
  return exponent >= 0 ? x * POW10[exponent] : x / POW10[-exponent];
}

/**
 * SunSpec: engineering = raw × 10^sf, correctly rounded (see scaleByPowerOfTen).
 * sf = −32768 (0x8000, "not implemented") gives NaN: the scaled points have no value.
 */
export function applyScaleFactor(raw: number, sf: number): number {
  if (sf === SUNSSF_NOT_IMPLEMENTED) return Number.NaN;
  return scaleByPowerOfTen(raw, sf);
}

/**
 * Inverse: raw = engineering / 10^sf by the rounding rule (12.345, −2 → 1235 although
 * 12.345 × 100 is 1234.4999999999998). The caller checks the result fits the point's type; NaN
 * and ±Infinity are returned as they are.
 */
export function removeScaleFactor(engineering: number, sf: number): number {
  if (!Number.isFinite(engineering)) return engineering;
  const q = scaleByPowerOfTen(engineering, -sf);
  return roundHalfAwayFromZero(q, Math.abs(q) * NOISE);
}

/** The raw value of `type` for an engineering value under scale factor `sf` (removeScaleFactor), or undefined when it does not fit (as toRaw). */
export function toRawByScaleFactor(type: NumericType, engineering: number, sf: number): RawValue | undefined {
  return fitted(type, removeScaleFactor(engineering, sf), engineering);
}

// ---------------------------------------------------------------------------------------------
// Bit fields (within a 16- or 32-bit register value; bit 0 is the least significant).

/** Mask of `width` low bits, unsigned (width 0..32). */
function lowMask(width: number): number {
  return width <= 0 ? 0 : 0xffffffff >>> (32 - width);
}

/** Bits [bit, bit+width) of value (width ≤ 32, bit + width ≤ 32), unsigned. */
export function getBits(value: number, bit: number, width: number): number {
  return ((value >>> bit) & lowMask(width)) >>> 0;
}

/** value with bits [bit, bit+width) replaced by field (masked). Unsigned 32-bit result. */
export function setBits(value: number, bit: number, width: number, field: number): number {
  const mask = lowMask(width);
  return ((value & ~(mask << bit)) | ((field & mask) << bit)) >>> 0;
}

// ---------------------------------------------------------------------------------------------
// SunSpec "not implemented" values (docs/protocol.md, "Typed values in registers"). acc16/32/64, ipaddr: 0; strings: all NUL;
// eui48: all ones; sunssf: as int16. Those are not numeric types here, so the compiler maps them.

const NOT_IMPLEMENTED_INT64 = INT64_MIN;
const NOT_IMPLEMENTED_UINT64 = UINT64_MAX;

/** SunSpec "not implemented" raw value of a numeric type. */
export function notImplemented(type: NumericType): RawValue {
  switch (type) {
    case 'int16':
      return -32768; // 0x8000
    case 'uint16':
      return 0xffff;
    case 'int32':
      return -2147483648; // 0x80000000
    case 'uint32':
      return 0xffffffff;
    case 'int64':
      return NOT_IMPLEMENTED_INT64; // 0x8000000000000000
    case 'uint64':
      return NOT_IMPLEMENTED_UINT64; // all ones
    case 'float32':
    case 'float64':
      return Number.NaN; // written as 0x7FC00000 / 0x7FF8000000000000
  }
}
