import type { Clock } from '../time.js';

/** An emulator clock on real time whose speed can change while it runs (`--time-scale`). */
export interface ScaledClock extends Clock {
  readonly timeScale: number;
  /** From now on, one real millisecond is `timeScale` emulator milliseconds; no jump in `now()`. */
  setTimeScale(timeScale: number): void;
}

/** Emulator time from real time, `timeScale` times faster (1 by default), 0 at creation. */
export function realClock(timeScale = 1): ScaledClock {
  checkScale(timeScale);
  let scale = timeScale;
  let realStart = performance.now();
  let emulatorStart = 0;
  return {
    now: () => emulatorStart + (performance.now() - realStart) * scale,
    get timeScale() {
      return scale;
    },
    setTimeScale(next) {
      checkScale(next);
      const real = performance.now();
      emulatorStart += (real - realStart) * scale;
      realStart = real;
      scale = next;
    },
  };
}

/** An emulator clock that moves only when told (tests). Starts at 0. */
export class ManualClock implements Clock {
  private current: number;
  private readonly listeners = new Set<() => void>();

  constructor(startMs = 0) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  /** Moves emulator time forward by `ms` (never back: emulator time is monotonic). */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`a clock moves forward: advance(${ms})`);
    this.current += ms;
    this.moved();
  }

  /** Sets emulator time to `ms`, which must not be earlier than now. */
  set(ms: number): void {
    if (!(ms >= this.current)) throw new RangeError(`a clock moves forward: set(${ms}) at ${this.current}`);
    this.current = ms;
    this.moved();
  }

  /**
   * Calls `listener` after each move, before `advance`/`set` return: what happens at a time on
   * this clock (a scenario's phase change) has happened when the test's next line runs.
   * Returns what unsubscribes it.
   */
  onMove(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  private moved(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

function checkScale(timeScale: number): void {
  if (!(timeScale > 0) || !Number.isFinite(timeScale)) throw new RangeError(`the time scale must be a positive number, not ${timeScale}`);
}
