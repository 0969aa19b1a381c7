import { engineering } from '../model/codec.js';
import type { PointModel } from '../model/point-model.js';
import type { Storage } from '../model/table-layout.js';
import { isIntegerType, removeScaleFactor, TYPE_RANGES, unscale, writeRaw, IDENTITY_SCALING } from '../model/values.js';

/**
 * Puts a generator's result into a point's registers (or bit), by the rules of
 * docs/generators.md (Evaluation, "Values that do not fit"): NaN keeps the point's last value; an
 * integer type takes the nearest integer by the one rounding rule (docs/profiles.md, "Rounding";
 * model/values.ts), so an API write of the same value stores the same words; a value beyond the
 * type's range (±Infinity included) takes the end of the range. `problem` says which rule applied
 * to the last put, for the once-per-point log.
 */
export class PointWriter {
  problem: string | undefined;
  private readonly integer: boolean;
  private readonly lo: number;
  private readonly hi: number;

  /** A one-register integer without a scale factor: stored without the general encoder. */
  private readonly word: boolean;
  /** The point's table's storage, and the point's slot in it. */
  private readonly data: Uint16Array | Uint8Array;
  private readonly at: number;

  constructor(
    private readonly p: PointModel,
    storage: Storage,
    private readonly scaleFactor: () => number,
  ) {
    // The register encoding: a number's or a bit field's own type, uint16 for the rest (bools, strings).
    const numeric = p.numeric;
    this.integer = isIntegerType(numeric);
    const range = TYPE_RANGES[numeric];
    // Bools (coils and registers) are stored as 0 or 1 by put() and never reach the range check.
    [this.lo, this.hi] = [range.min, range.max];
    this.word = (p.kind === 'number' || p.kind === 'bitfield') && (numeric === 'int16' || numeric === 'uint16') && !p.scaleFactor && (p.order === 'ABCD' || p.order === 'CDAB');
    this.data = storage.array(p.table);
    this.at = storage.slot(p.table, p.address);
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
      const raw = unscale(v, p.scaling ?? IDENTITY_SCALING, true);
      if (raw >= this.lo && raw <= this.hi) {
        data[this.at] = raw & 0xffff;
        return p.kind === 'bitfield' ? raw : v;
      }
    }
    if (p.kind === 'bit' || p.kind === 'boolRegister') {
      const bit = v !== 0 ? 1 : 0;
      data[this.at] = bit;
      return bit;
    }
    const sf = p.scaleFactor ? this.scaleFactor() : 0;
    let raw = p.scaleFactor ? removeScaleFactor(v, sf) : unscale(v, p.scaling ?? IDENTITY_SCALING, this.integer);
    // A float32 holds what rounds to a finite float32 (as an API write); beyond, fround gives ±Infinity.
    if (p.numeric === 'float32') raw = Math.fround(raw);
    let value = v;
    if (raw < this.lo || raw > this.hi) {
      this.problem = `${v} does not fit ${p.type}: the end of its range is used`;
      raw = raw < this.lo ? this.lo : this.hi;
      value = Number(engineering(p, raw, sf));
    } else if (p.kind === 'bitfield') {
      value = raw;
    }
    writeRaw(p.numeric, p.order, raw, data as Uint16Array, this.at);
    return value;
  }
}
