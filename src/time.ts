/**
 * Leaf interfaces for time and chance. Implementations live in runtime/ and are passed in,
 * so tests control both (docs/architecture.md, "Time and chance": emulator time and wire time).
 */

export interface TimerHandle {
  cancel(): void;
}

/** Real-time (never scaled) timer for wire-level waits: reply delays, fragment gaps, idle timeout. */
export interface Timer {
  /** Monotonic milliseconds. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /**
   * Runs `fn` on a later turn of the event loop, after pending I/O has been handled: how one
   * connection yields to the others (fairness) without a delay.
   */
  defer(fn: () => void): TimerHandle;
}

/**
 * The emulator clock: drives generators, fault time windows and scenarios. Real time by default,
 * K times faster with a time scale, or manual in tests. Never used for wire-level waits.
 */
export interface Clock {
  /** Milliseconds of emulator time since the emulator started. */
  now(): number;
  /** How many times faster than real time it runs, for a clock on real time (`--time-scale`). */
  readonly timeScale?: number;
}

/** A sequence of draws: a float in [0, 1) each. */
export interface Rng {
  next(): number;
}

/**
 * Seeded randomness. Every draw is a pure function of (seed, stream name, index), so adding a
 * stream, or the order in which clients read, never shifts another stream's values.
 */
export interface RandomSource {
  readonly seed: number;
  /** The draw number `index` (0, 1, ...) of `stream`: a float in [0, 1). */
  at(stream: string, index: number): number;
  /** The draws of `stream` in order, from index 0. */
  stream(name: string): Rng;
}
