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
 * shared by every unit id using it. The runs make each check O(1): run[a] is the number of
 * consecutive addresses from `a` with the property (capped at 65535, far above any quantity).
 */
export interface TableLayout {
  readonly zero: boolean;
  readonly ignoreReadOnly: boolean;
  readonly flags: Uint8Array;
  /** Readable (mapped, or unmapped with `unmapped: zero`). */
  readonly readRun: Uint16Array;
  /** Readable straight from storage: no write-only and no generated address, so a view into storage will do. */
  readonly plainRun: Uint16Array;
  /**
   * Only in tables with generated points: readable as a view once the generated words are
   * refreshed (no write-only address). Undefined: nothing in the table is generated.
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
  /** Initial contents (words, or 0/1 bits); undefined when nothing is mapped: storage stays zero. */
  readonly image: Uint16Array | Uint8Array | undefined;
}
