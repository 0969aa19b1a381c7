import type { Table } from '../device/data-source.js';
import type { PointModel } from './point-model.js';

/** Per-address flags of a table. */
export const MAPPED = 1;
/** Reads as zero. */
export const WRITE_ONLY = 2;
/** Client writes are refused (02) or discarded (`writeToReadOnly: ignore`). */
export const READ_ONLY = 4;
/** Client writes are checked against a point's rule first (min/max, 0/1). */
export const RULE = 8;
/** A generated point's word or bit, or one a state machine's actions set: refreshed before it is read (model/live.ts). */
export const GENERATED = 32;
/** A point whose writes are obeyed (reactions, write-triggered transitions, write rules): see LivePoints.obey. */
export const COMMANDED = 64;

/**
 * Everything the request path needs about one table, computed once per device definition and
 * shared by every unit id (and every instance) using it. The runs make each check O(1): run[a] is
 * the number of consecutive addresses from `a` with the property (capped at 65535, far above any
 * quantity).
 *
 * Storage is sparse: a unit keeps a word (or bit) for each mapped address only, in address order,
 * so mapped address `a` is at `slots[a]` of its table's storage, and a run of mapped addresses is
 * a run of slots: a read that `plainRun` allows is one view into storage, as with dense storage.
 */
export interface TableLayout {
  readonly zero: boolean;
  readonly ignoreReadOnly: boolean;
  readonly flags: Uint8Array;
  /** Readable (mapped, or unmapped with `unmapped: zero`). */
  readonly readRun: Uint16Array;
  /**
   * Readable straight from storage: mapped, no write-only and no generated address, so a view into
   * storage will do. (`unmapped: zero` addresses have no storage: they read as zeros through a copy.)
   */
  readonly plainRun: Uint16Array;
  /**
   * Only in tables with generated points: readable as a view once the generated words are
   * refreshed (mapped, no write-only address). Undefined: nothing in the table is generated.
   */
  readonly viewRun: Uint16Array | undefined;
  /** Writable without a refusal (02). */
  readonly writeRun: Uint16Array;
  /** Writable by a plain copy: mapped, not read-only, no rule. */
  readonly directRun: Uint16Array;
  /** Per address, index into ruleGroups, or -1. */
  readonly rules: Int32Array | undefined;
  readonly ruleGroups: readonly (readonly PointModel[])[];
  /** Some point of the table is commanded (COMMANDED): writes there are obeyed. */
  readonly commanded: boolean;
  /** The raw blocks of the table, [address, address + length) each (for the state hand-over). */
  readonly blocks: readonly { readonly address: number; readonly length: number }[];
  /** Per address, where a mapped address's word (or bit) is in storage and in `image`; meaningless where not MAPPED. */
  readonly slots: Uint16Array;
  /** Initial contents of the mapped addresses (words, or 0/1 bits), by slot: empty when nothing is mapped. */
  readonly image: Uint16Array | Uint8Array;
}

/** A unit's storage as its by-name API, generators and state hand-over see it: by table, indexed by slot. */
export interface Storage {
  array(table: Table): Uint16Array | Uint8Array;
  /** The slot of a mapped address (TableLayout.slots). */
  slot(table: Table, address: number): number;
}
