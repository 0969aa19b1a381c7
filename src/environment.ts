import type { Logger } from './log.js';
import type { Clock, RandomSource, Timer } from './time.js';

/**
 * What a running device gets from outside for time, chance and logging: passed into compile and
 * held by the run-time device, so nothing below the runtime reads real time or real randomness.
 * `runtime/environment.ts` makes real ones; tests pass manual clocks and timers and fixed seeds.
 */
export interface Environment {
  /** Emulator time (scaled by --time-scale, manual in tests). */
  readonly clock: Clock;
  readonly random: RandomSource;
  /** Real time for wire-level waits, never scaled. */
  readonly timer: Timer;
  readonly logger: Logger;
  /**
   * This device's values of its profile's parameters (`params:`), where they differ from the
   * defaults: a fleet instance's own (docs/fleets.md). Read when a device is built, never per request.
   */
  readonly params?: Readonly<Record<string, number | string>>;
}
