import { fitsRaw, writeRaw, type NumericType, type RawValue } from '../model/values.js';
import type { Problem } from '../model/codec.js';
import type { PointModel } from '../model/point-model.js';

/**
 * `raw`: a point's initial register contents as the raw number, past scale, offset, scale factor,
 * enum and min/max. It exists for sentinels such as SunSpec's "not implemented" int16 0x8000,
 * which no engineering value of a scaled point names exactly. Signed integer types also take the
 * unsigned form of their words (int16 0x8000 is -32768), because register maps print them so.
 * For float32/float64 too, raw is the register contents: the bits as an unsigned integer, so
 * 0x7FC00000 is SunSpec's float32 "not implemented" NaN (not the number 2143289344), with its
 * payload kept; a float64 pattern beyond 2^53 is a string ("0x7FF8000000000000").
 */
const UNSIGNED: Readonly<Partial<Record<NumericType, NumericType>>> = { int16: 'uint16', int32: 'uint32', int64: 'uint64' };
/** The integer type whose words hold a float's bits. */
const BITS: Readonly<Partial<Record<NumericType, NumericType>>> = { float32: 'uint32', float64: 'uint64' };

const RANGES: Readonly<Record<NumericType, string>> = {
  int16: '-32768..65535: the signed value or the word',
  uint16: '0..65535',
  int32: '-2^31..2^32-1: the signed value or the words',
  uint32: '0..2^32-1',
  int64: '-2^63..2^64-1: the signed value or the words',
  uint64: '0..2^64-1',
  float32: '0..0xFFFFFFFF: the bits of the float',
  float64: '0..0xFFFFFFFFFFFFFFFF: the bits of the float',
};

const INTEGER_TEXT = /^(-?[0-9]+|0x[0-9a-f]+)$/i;

/** Writes the raw initial value into out[offset...] for a number or bit-field point; returns what is wrong instead. */
export function encodeRaw(p: PointModel, raw: number | string, out: Uint16Array, offset: number): Problem | undefined {
  const type = BITS[p.numeric] ?? p.numeric;
  let value: RawValue;
  if (typeof raw === 'string') {
    if (!INTEGER_TEXT.test(raw)) return problem(`${JSON.stringify(raw)} is not a raw ${p.type}: give an integer, or a decimal or hex string`);
    value = BigInt(raw);
  } else if (!Number.isInteger(raw)) {
    const hint = type === p.numeric ? '' : ` (0x7FC00000 is the float32 NaN); the number ${raw} is a value`;
    return problem(`${raw} is not a raw ${p.type}: raw is the register contents, an integer${hint}`);
  } else if (!Number.isSafeInteger(raw)) {
    // YAML may already have rounded it: the words might not be the ones the profile wrote.
    return problem(`${raw} is beyond 2^53, where a YAML number may have lost digits: write it as a string ("0x...")`);
  } else {
    value = raw;
  }
  const unsigned = UNSIGNED[type];
  const as = fitsRaw(type, value) ? type : unsigned !== undefined && fitsRaw(unsigned, value) ? unsigned : undefined;
  if (as === undefined) return problem(`${String(raw)} does not fit a raw ${p.type} (${RANGES[p.numeric]})`);
  writeRaw(as, p.order, value, out, offset);
  return undefined;
}

const problem = (message: string): Problem => ({ code: 'E_VALUE_TYPE', message });
