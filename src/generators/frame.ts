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

/**
 * A fresh frame for an expression with these state slots and random call sites (the site `i`
 * draws from stream `<stream>#<i>`), `dt` seconds per step, reading points through `point`.
 */
export function createFrame(shape: { readonly slots: readonly unknown[]; readonly streams: number }, stream: string, dt: number, random: RandomSource, point: (k: number) => number): Frame {
  return {
    t: 0,
    dt,
    prev: 0,
    index: 0,
    slots: new Float64Array(shape.slots.length),
    streams: Array.from({ length: shape.streams }, (_, i) => `${stream}#${i}`),
    drawnAt: new Float64Array(shape.streams).fill(-1),
    drawn: new Float64Array(shape.streams),
    random,
    point,
  };
}

/** A call site of a random or stateful function: its random stream and its first state slot. */
export interface Site {
  readonly stream: number;
  readonly slot: number;
}
