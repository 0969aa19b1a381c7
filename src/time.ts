/**
 * Leaf interfaces for time and chance. Implementations live in runtime/ and are passed in,
 * so tests control both (DESIGN.md: two kinds of time).
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

/** The emulator clock: drives generators and scenarios; may be scaled or manual. */
export interface Clock {
  /** Milliseconds since the emulator started. */
  now(): number;
}

/** Seeded random source: a float in [0, 1). */
export interface Rng {
  next(): number;
}
