import type { Table } from '../../device/data-source.js';
import { unitInternals } from '../../model/unit.js';
import type { CompiledUnit } from '../../model/types.js';
import type { Outcome } from '../../pipeline/types.js';
import type { FaultAction } from '../../profile/types.generated.js';
import { mapOutcome, type ActionContext, type ActionFactory } from '../action.js';
import { TABLES } from '../../model/point-model.js';
import { MAPPED, type TableLayout } from '../../model/table-layout.js';
import { functionDescriptor, rangeAddress, rangeQuantity, rangesOf } from '../../protocol/functions.js';

interface Snapshot {
  readonly activation: number;
  readonly words: Partial<Record<Table, Uint16Array | Uint8Array>>;
  /** Per table, 1 at frozen addresses; undefined: the whole table. */
  readonly frozen: Partial<Record<Table, Uint8Array>> | undefined;
}

/**
 * `stale: true | { points }`: while the rule fires, reads answer the values of the moment it
 * started firing (`true`: the words the rule's `address` or `points` name, else all it reads) (its activation: the first firing after a request it did not fire for, or a
 * new time window). Writes still reach storage; they show once the rule stops firing.
 */
export const staleAction: ActionFactory<NonNullable<FaultAction['stale']>> = (p, ctx) => {
  const points = p === true ? undefined : p.points;
  const snapshots = new Map<number, Snapshot>();
  return (next) => (x) => {
    const r = x.request;
    const table = functionDescriptor(r.functionCode)?.table;
    const unit = ctx.unit(x.unitId);
    // The range the reply carries: a read's (FC 23: its read range).
    const read = rangesOf(r).find((s) => s.access === 'read');
    if (!table || !unit || !read) return next(x);
    let snap = snapshots.get(x.unitId);
    if (snap?.activation !== ctx.counters.activation) {
      snap = { activation: ctx.counters.activation, words: {}, frozen: points ? frozenMasks(unit, points) : ctx.spans && spanMasks(ctx.spans) };
      snapshots.set(x.unitId, snap);
    }
    // Storage as it is now, before this request (FC 23 writes first) changes it.
    const { store, layout } = unitInternals(unit);
    const words = (snap.words[table] ??= store.array(table).slice());
    const mask = snap.frozen === undefined ? undefined : snap.frozen[table];
    if (snap.frozen !== undefined && !mask) return next(x);
    return mapOutcome(next(x), (o) => patch(o, table, rangeAddress(r, read), rangeQuantity(r, read), words, layout.tables[table], mask));
  };
};

/** `stale: true` on a rule matching addresses or points freezes those only (an address: in every table). */
function spanMasks(spans: NonNullable<ActionContext['spans']>): Partial<Record<Table, Uint8Array>> {
  const masks: Partial<Record<Table, Uint8Array>> = {};
  for (const s of spans) {
    for (const table of s.table ? [s.table] : TABLES) (masks[table] ??= new Uint8Array(0x10000)).fill(1, s.from, s.to + 1);
  }
  return masks;
}

function frozenMasks(unit: CompiledUnit, names: readonly string[]): Partial<Record<Table, Uint8Array>> {
  const masks: Partial<Record<Table, Uint8Array>> = {};
  for (const name of names) {
    const info = unit.points.get(name);
    if (info) (masks[info.table] ??= new Uint8Array(0x10000)).fill(1, info.address, info.address + info.size);
  }
  return masks;
}

/** The reply with the frozen words or bits put back; other outcomes (exceptions) as they are. */
function patch(o: Outcome, table: Table, address: number, quantity: number, words: Uint16Array | Uint8Array, t: TableLayout, mask: Uint8Array | undefined): Outcome {
  if (o.kind !== 'response') return o;
  const pdu = o.pdu.slice();
  const bits = table === 'coils' || table === 'discreteInputs';
  for (let i = 0; i < quantity; i++) {
    const a = address + i;
    if (mask && !mask[a]) continue;
    // Words are stored by slot (model/store.ts); unmapped addresses (`unmapped: zero`) hold none and read 0.
    const word = t.flags[a]! & MAPPED ? words[t.slots[a]!]! : 0;
    if (bits) {
      const byte = 2 + (i >>> 3);
      pdu[byte] = word ? pdu[byte]! | (1 << (i & 7)) : pdu[byte]! & ~(1 << (i & 7));
    } else {
      pdu[2 + 2 * i] = word >>> 8;
      pdu[3 + 2 * i] = word & 0xff;
    }
  }
  return { kind: 'response', pdu };
}
