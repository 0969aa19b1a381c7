import type { RandomSource } from '../time.js';

/**
 * What a compiled expression reads while it runs: one per generated point, reused for every
 * evaluation (nothing is allocated per evaluation). The engine sets the time fields before each
 * evaluation; the slots hold the state of the expression's stateful calls.
 */
export interface Frame {
  /** Seconds of emulator time since the device started (or was last reset). */
  t: number;
  /** Seconds between two steps of a stateful expression (its `every`). */
  dt: number;
  /** The point's own value at the previous step. */
  prev: number;
  /** Step number, floor(t / every): the index of every random draw of this evaluation. */
  index: number;
  readonly slots: Float64Array;
  /** The random stream of each random call site: `<unit>/<point>#<site>`. */
  readonly streams: readonly string[];
  /** Per random call site: the step its last draw belongs to, and that draw (a step draws once). */
  readonly drawnAt: Float64Array;
  readonly drawn: Float64Array;
  readonly random: RandomSource;
  /** The engineering value of reference `k` (GeneratorPlan.refs) at the time being evaluated. */
  point(k: number): number;
}

export type Evaluate = (f: Frame) => number;

/** A call site of a random or stateful function: its random stream and its first state slot. */
export interface Site {
  readonly stream: number;
  readonly slot: number;
}
