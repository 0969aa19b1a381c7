import type { Table } from '../device/data-source.js';
import type { Exchange } from '../pipeline/types.js';
import { functionDescriptor, rangeAddress, rangeQuantity, rangesOf } from '../protocol/functions.js';
import type { Request } from '../protocol/request.js';

/** A table range a rule's `points` resolved to, `to` included. */
export interface TableRange {
  readonly table: Table;
  readonly from: number;
  readonly to: number;
}

/**
 * A compiled `match:`. Function codes and unit ids are not tested here: the engine indexes rules
 * by them (functionCodes × unitIds) at compile time, so a request meets only rules that can
 * apply to its function and unit. `test` checks the rest, cheapest first.
 */
export interface Matcher {
  /** 1 where the rule applies to that function code. */
  readonly functionCodes: Uint8Array;
  /** 1 where the rule applies to that unit id (its `unitId` within its declaring scope). */
  readonly unitIds: Uint8Array;
  /**
   * Address ranges a matching request must overlap (`address`, and `points` in any table), or
   * exact start addresses (`start`): the engine pre-filters by them, so a request far from every
   * rule's addresses tests none of those rules. Undefined: no address condition.
   */
  readonly spans: readonly { readonly from: number; readonly to: number; readonly table?: Table }[] | undefined;
  readonly starts: readonly number[] | undefined;
  /** Undefined when function and unit decide alone. */
  readonly test: ((x: Exchange) => boolean) | undefined;
}

export interface MatchParts {
  readonly functionCodes: Uint8Array;
  readonly unitIds: Uint8Array;
  readonly address?: { readonly from: number; readonly to: number };
  readonly starts?: readonly number[];
  readonly quantity?: { readonly min: number; readonly max: number };
  readonly points?: readonly TableRange[];
  readonly values?: { readonly set?: ReadonlySet<number>; readonly min: number; readonly max: number };
}

export function createMatcher(parts: MatchParts): Matcher {
  const { address, starts, quantity, points, values } = parts;
  const any = address !== undefined || starts !== undefined || quantity !== undefined || points !== undefined || values !== undefined;
  const test = !any
    ? undefined
    : (x: Exchange): boolean => {
        const r = x.request;
        if (starts !== undefined && !starts.includes(startOf(r))) return false;
        if (quantity !== undefined) {
          const q = quantityOf(r);
          if (q < quantity.min || q > quantity.max) return false;
        }
        if (address !== undefined && !overlaps(r, undefined, address.from, address.to)) return false;
        if (points !== undefined && !overlapsAny(r, points)) return false;
        return values === undefined || writesValue(r, values);
      };
  const spans = address || points ? [...(address ? [address] : []), ...(points ?? [])] : undefined;
  return { functionCodes: parts.functionCodes, unitIds: parts.unitIds, spans, starts, test };
}

function overlapsAny(r: Request, points: readonly TableRange[]): boolean {
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    if (overlaps(r, p.table, p.from, p.to)) return true;
  }
  return false;
}

/** The first address of a request's first range (FC 23: the read range); -1 for requests without one (FC 8, 17, 43, invalid ones). */
export function startOf(r: Request): number {
  const ranges = rangesOf(r);
  return ranges.length > 0 ? rangeAddress(r, ranges[0]!) : -1;
}

function quantityOf(r: Request): number {
  const ranges = rangesOf(r);
  return ranges.length > 0 ? rangeQuantity(r, ranges[0]!) : 0;
}

/** Whether any of the request's ranges (FC 23: either) overlaps [from, to] of `table` (undefined: any). */
function overlaps(r: Request, table: Table | undefined, from: number, to: number): boolean {
  const ranges = rangesOf(r);
  if (ranges.length === 0) return false;
  if (table !== undefined && functionDescriptor(r.functionCode)?.table !== table) return false;
  for (let i = 0; i < ranges.length; i++) {
    if (span(rangeAddress(r, ranges[i]!), rangeQuantity(r, ranges[i]!), from, to)) return true;
  }
  return false;
}

const span = (address: number, quantity: number, from: number, to: number): boolean => address <= to && address + quantity - 1 >= from;

/** Whether the request stores one of the values (its descriptor's `values`, when written). */
function writesValue(r: Request, v: NonNullable<MatchParts['values']>): boolean {
  const carried = r.kind === 'invalid' ? undefined : functionDescriptor(r.functionCode)?.values;
  if (!carried?.written) return false;
  const values = carried.of(r);
  for (let i = 0; i < values.length; i++) {
    const n = values[i]!;
    if (v.set ? v.set.has(n) : n >= v.min && n <= v.max) return true;
  }
  return false;
}
