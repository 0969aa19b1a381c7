import type { Table } from '../device/data-source.js';
import type { Exchange } from '../pipeline/types.js';
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

/** -1 for requests without an address (FC 8, 17, 43, invalid ones). */
export function startOf(r: Request): number {
  if (r.kind === 'readWriteMultipleRegisters') return r.readAddress;
  return 'address' in r ? r.address : -1;
}

function quantityOf(r: Request): number {
  if (r.kind === 'readWriteMultipleRegisters') return r.readQuantity;
  if ('quantity' in r) return r.quantity;
  return 'address' in r ? 1 : 0;
}

/** The table a function code reads or writes (FC 23: holding registers, both ways). */
export function tableOf(functionCode: number): Table | undefined {
  switch (functionCode) {
    case 1: case 5: case 15: return 'coils';
    case 2: return 'discreteInputs';
    case 3: case 6: case 16: case 22: case 23: return 'holdingRegisters';
    case 4: return 'inputRegisters';
    default: return undefined;
  }
}

/** Whether the request's address range (FC 23: either range) overlaps [from, to] of `table` (undefined: any). */
function overlaps(r: Request, table: Table | undefined, from: number, to: number): boolean {
  if (table !== undefined && tableOf(r.functionCode) !== table) return false;
  if (r.kind === 'readWriteMultipleRegisters') {
    return span(r.readAddress, r.readQuantity, from, to) || span(r.writeAddress, r.writeQuantity, from, to);
  }
  if (!('address' in r)) return false;
  return span(r.address, 'quantity' in r ? r.quantity : 1, from, to);
}

const span = (address: number, quantity: number, from: number, to: number): boolean => address <= to && address + quantity - 1 >= from;

function writesValue(r: Request, v: NonNullable<MatchParts['values']>): boolean {
  const ok = (n: number): boolean => (v.set ? v.set.has(n) : n >= v.min && n <= v.max);
  switch (r.kind) {
    case 'writeSingleCoil':
      return ok(r.value ? 1 : 0);
    case 'writeSingleRegister':
      return ok(r.value);
    case 'writeMultipleCoils':
    case 'writeMultipleRegisters':
    case 'readWriteMultipleRegisters':
      for (let i = 0; i < r.values.length; i++) if (ok(r.values[i]!)) return true;
      return false;
    default:
      return false;
  }
}
