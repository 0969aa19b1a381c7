import { readRaw, writeRaw, type NumericType } from '../device/values.js';
import type { PointModel } from '../model/point-model.js';

const F32_MAX = 3.4028234663852886e38;
/** Raw range of each register type, as numbers (the 64-bit ends are the last doubles inside). */
const RAW_RANGE: Readonly<Record<NumericType, readonly [number, number]>> = {
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
  int64: [-9223372036854775808, 9223372036854774784],
  uint64: [0, 18446744073709549568],
  float32: [-F32_MAX, F32_MAX],
  float64: [-Number.MAX_VALUE, Number.MAX_VALUE],
};

/**
 * Puts a generator's result into a point's registers (or bit), by the rules of
 * docs/generators.md (Evaluation, "Values that do not fit"): NaN keeps the point's last value; an integer type
 * takes the nearest integer; a value beyond the type's range (±Infinity included) takes the end
 * of the range. `problem` says which rule applied to the last put, for the once-per-point log.
 */
export class PointWriter {
  problem: string | undefined;
  private readonly integer: boolean;
  private readonly lo: number;
  private readonly hi: number;

  /** A one-register integer without a scale factor: stored without the general encoder. */
  private readonly word: boolean;
  /** The point's storage: a table with a generated point always has its own (never the shared zeros). */
  private readonly data: Uint16Array | Uint8Array;

  constructor(
    private readonly p: PointModel,
    storage: (p: PointModel) => Uint16Array | Uint8Array,
    private readonly scaleFactor: () => number,
  ) {
    const numeric = p.kind === 'number' || p.kind === 'bitfield' ? p.numeric : 'uint16';
    this.integer = numeric !== 'float32' && numeric !== 'float64';
    [this.lo, this.hi] = p.kind === 'bit' || p.kind === 'boolRegister' ? [0, 1] : RAW_RANGE[numeric];
    this.word = (p.kind === 'number' || p.kind === 'bitfield') && (numeric === 'int16' || numeric === 'uint16') && !p.scaleFactor && (p.order === 'ABCD' || p.order === 'CDAB');
    this.data = storage(p);
  }

  /** Stores `v` and returns the engineering value the point now holds (`keep` for NaN). */
  put(v: number, keep: number): number {
    this.problem = undefined;
    if (v !== v) {
      this.problem = 'NaN keeps the last value';
      return keep;
    }
    const p = this.p;
    const data = this.data;
    if (this.word) {
      const raw = Math.round(p.scaling ? (v - p.scaling.offset) / p.scaling.scale : v);
      if (raw >= this.lo && raw <= this.hi) {
        data[p.address] = raw & 0xffff;
        return p.kind === 'bitfield' ? raw : v;
      }
    }
    if (p.kind === 'bit' || p.kind === 'boolRegister') {
      const bit = v !== 0 ? 1 : 0;
      data[p.address] = bit;
      return bit;
    }
    let raw = v;
    let sf = 0;
    if (p.scaleFactor) {
      sf = this.scaleFactor();
      raw = v / 10 ** sf;
    } else if (p.scaling) {
      raw = (v - p.scaling.offset) / p.scaling.scale;
    }
    if (this.integer) raw = Math.round(raw);
    let value = v;
    if (raw < this.lo || raw > this.hi) {
      this.problem = `${v} does not fit ${p.type}: the end of its range is used`;
      raw = raw < this.lo ? this.lo : this.hi;
      value = p.scaleFactor ? raw * 10 ** sf : p.scaling ? raw * p.scaling.scale + p.scaling.offset : raw;
    } else if (p.kind === 'bitfield') {
      value = raw;
    }
    writeRaw(p.numeric, p.order, raw, data as Uint16Array, p.address);
    return value;
  }
}

/** The raw int16 exponent of a SunSpec scale-factor point. */
export function scaleFactorOf(p: PointModel, storage: (p: PointModel) => Uint16Array | Uint8Array): number {
  const f = p.scaleFactor!;
  return readRaw('int16', f.order, storage(f), f.address) as number;
}
