import type { Timer, TimerHandle } from '../time.js';

export interface Debouncer {
  /** Something happened: run `fn` once `ms` have passed with nothing else happening. */
  poke(): void;
  cancel(): void;
}

/**
 * Runs `fn` `ms` after the last of a burst of pokes: pokes closer together than `ms` are one run
 * (the last edit of a burst of saves is what gets loaded), pokes further apart are each a run.
 */
export function debounce(timer: Timer, ms: number, fn: () => void): Debouncer {
  let pending: TimerHandle | null = null;
  return {
    poke() {
      pending?.cancel();
      pending = timer.setTimeout(() => {
        pending = null;
        fn();
      }, ms);
    },
    cancel() {
      pending?.cancel();
      pending = null;
    },
  };
}
