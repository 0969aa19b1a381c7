import type { PointValue } from './types.js';
import type { Storage } from './table-layout.js';
import type { PointModel } from './point-model.js';
import {
  applyScaleFactor,
  fitsRaw,
  IDENTITY_SCALING,
  is64BitInteger,
  isAscii,
  readRaw,
  readString,
  setBits,
  toEngineering,
  toRaw,
  toRawByScaleFactor,
  TYPE_RANGES,
  writeRaw,
  writeString,
  type RawValue,
} from './values.js';
import { describeEnum } from './enum-values.js';

/**
 * Engineering values of points to and from their registers. Used by the compiler for initial
 * values (problems become diagnostics), by the API (problems become RangeErrors) and by the write
 * rules. `sf` is the current raw exponent of the point's scale-factor point (0 when it has none).
 */
/** The diagnostic codes a value problem becomes at compile time. */
export type ValueProblemCode = 'E_VALUE_TYPE' | 'E_VALUE_ENUM' | 'E_STRING_NOT_ASCII' | 'E_STRING_TOO_LONG' | 'E_UNKNOWN_BIT';

export interface Problem {
  readonly code: ValueProblemCode;
  readonly message: string;
  /** Key inside an object `value` (a bit name) the problem is about. */
  readonly sub?: string;
}


/** The current raw exponent of `p`'s scale-factor point in `storage`, 0 when it has none. */
export function scaleFactorOf(p: PointModel, storage: Storage): number {
  const f = p.scaleFactor;
  return f ? (readRaw('int16', f.order, storage.array(f.table), storage.slot(f.table, f.address)) as number) : 0;
}

export function engineering(p: PointModel, raw: RawValue, sf: number): number | bigint {
  if (p.scaleFactor) return applyScaleFactor(Number(raw), sf);
  if (p.scaling) return toEngineering(raw, p.scaling);
  return raw;
}

/** min..max of client writes; NaN is outside any bound. */
export function inRange(p: PointModel, value: number | bigint): boolean {
  if (p.min !== undefined && !(value >= p.min)) return false;
  if (p.max !== undefined && !(value <= p.max)) return false;
  return true;
}

/** Value of a register point (every kind but `bit`) from words[offset...]. */
export function decode(p: PointModel, words: ArrayLike<number>, offset: number, sf: number): PointValue {
  switch (p.kind) {
    case 'boolRegister':
      return words[offset] !== 0;
    case 'string':
      return readString(words, offset, p.size, p.order);
    case 'bitfield':
      return Number(readRaw(p.numeric, p.order, words, offset));
    default:
      return engineering(p, readRaw(p.numeric, p.order, words, offset), sf);
  }
}

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : String(v));

/** Encodes `value` into out[offset...] for a register point; returns what is wrong instead. */
export function encode(p: PointModel, value: unknown, sf: number, out: Uint16Array, offset: number): Problem | undefined {
  switch (p.kind) {
    case 'boolRegister':
      if (value !== true && value !== false && value !== 0 && value !== 1) return typeProblem(`${show(value)} is not a boolean`);
      out[offset] = value ? 1 : 0;
      return undefined;
    case 'string':
      return encodeString(p, value, out, offset);
    case 'bitfield':
      return encodeBitfield(p, value, out, offset);
    default:
      return encodeNumber(p, value, sf, out, offset);
  }
}

const typeProblem = (message: string, sub?: string): Problem => ({ code: 'E_VALUE_TYPE', message, sub });

function encodeString(p: PointModel, value: unknown, out: Uint16Array, offset: number): Problem | undefined {
  if (typeof value !== 'string') return typeProblem(`${show(value)} is not a string`);
  if (!isAscii(value)) return { code: 'E_STRING_NOT_ASCII', message: `${show(value)} is not ASCII; register strings hold 7-bit characters` };
  if (value.length > 2 * p.size) {
    return { code: 'E_STRING_TOO_LONG', message: `${show(value)} has ${value.length} characters; ${p.size} registers hold ${2 * p.size}` };
  }
  writeString(value, p.size, p.order, out, offset);
  return undefined;
}

function encodeBitfield(p: PointModel, value: unknown, out: Uint16Array, offset: number): Problem | undefined {
  const width = p.size * 16;
  let word = 0;
  if (typeof value === 'number') {
    if (!fitsRaw(p.numeric, value)) return typeProblem(`${value} does not fit ${p.type} (${TYPE_RANGES[p.numeric].text})`);
    word = value;
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, v] of Object.entries(value)) {
      const f = p.fields.find((x) => x.name === `${p.name}.${key}`);
      if (!f) return { code: 'E_UNKNOWN_BIT', message: `${p.name} has no bit named ${key}`, sub: key };
      const n = typeof v === 'boolean' && f.width === 1 ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 2 ** f.width - 1) {
        return typeProblem(`${show(v)} does not fit ${f.width === 1 ? 'a bit' : `a ${f.width}-bit field (0..${2 ** f.width - 1})`}`, key);
      }
      word = setBits(word, f.bit, f.width, n);
    }
  } else {
    return typeProblem(`${show(value)} is not a ${width}-bit word or an object of bits`);
  }
  writeRaw(p.numeric, p.order, word, out, offset);
  return undefined;
}

function encodeNumber(p: PointModel, value: unknown, sf: number, out: Uint16Array, offset: number): Problem | undefined {
  let v: unknown = value;
  if (typeof value === 'string') {
    const raw = p.labels?.get(value);
    if (raw !== undefined) {
      writeRaw(p.numeric, p.order, raw, out, offset);
      return undefined;
    }
    // Integers beyond 2^53 cannot be YAML numbers without losing digits: a decimal or hex string.
    if (!is64BitInteger(p.numeric) || !/^(-?[0-9]+|0x[0-9a-f]+)$/i.test(value)) {
      if (p.labels) return { code: 'E_VALUE_ENUM', message: `${show(value)} is not a label of ${p.name}'s enum: use one of ${[...p.labels.keys()].join(', ')}, or a number` };
      return typeProblem(`${show(value)} is not a number: ${takes(p)}`);
    }
    v = BigInt(value);
  }
  if (typeof v !== 'number' && typeof v !== 'bigint') return typeProblem(`${show(value)} is not a number`);
  let raw: RawValue | undefined;
  if (p.scaleFactor) raw = toRawByScaleFactor(p.numeric, Number(v), sf);
  else raw = toRaw(p.numeric, v, p.scaling ?? IDENTITY_SCALING);
  if (raw === undefined) {
    const note = scalingNote(p, v, sf);
    return typeProblem(`${show(value)}${note ? note + ', which' : ''} does not fit ${p.type} (${TYPE_RANGES[p.numeric].text})`);
  }
  writeRaw(p.numeric, p.order, raw, out, offset);
  if (p.enumValues && !p.enumValues.has(readRaw(p.numeric, p.order, out, offset))) {
    return { code: 'E_VALUE_ENUM', message: `${show(value)} is not a value of ${p.name}'s enum (enumStrict): use one of ${describeEnum(p.labels!)}` };
  }
  return undefined;
}

/** What a number point takes, in one phrase: `int16 takes a number from -32768 to 32767`. */
function takes(p: PointModel): string {
  const range = TYPE_RANGES[p.numeric].text;
  if (!range.includes('..')) return `${p.type} takes a number${range === 'any number' ? '' : ` (${range})`}`;
  const [lo, hi] = range.split('..');
  if (p.scaleFactor) return `${p.type} takes a number (raw ${lo} to ${hi} × 10^${p.scaleFactor.name})`;
  const strings = is64BitInteger(p.numeric) && !p.scaling ? ', as a decimal or hex string beyond 2^53' : '';
  if (!p.scaling || is64BitInteger(p.numeric)) return `${p.type} takes a number from ${lo} to ${hi}${strings}`;
  const [a, b] = [Number(lo), Number(hi)].map((r) => Number((r * p.scaling!.scale + p.scaling!.offset).toPrecision(12)));
  return `${p.type} with scale ${p.scaling.scale}${p.scaling.offset ? ` and offset ${p.scaling.offset}` : ''} takes a number from ${Math.min(a!, b!)} to ${Math.max(a!, b!)}`;
}

function scalingNote(p: PointModel, v: number | bigint, sf: number): string {
  if (p.scaleFactor) return ` is raw ${Number(v) / 10 ** sf} with scale factor ${p.scaleFactor.name} = ${sf}`;
  if (!p.scaling) return '';
  const { scale, offset } = p.scaling;
  return ` is raw ${(Number(v) - offset) / scale} after scale ${scale}${offset ? ` and offset ${offset}` : ''}`;
}
