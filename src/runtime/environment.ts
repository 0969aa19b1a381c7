import type { Environment } from '../environment.js';
import { silentLogger, type Logger } from '../log.js';
import type { Clock, Timer } from '../time.js';
import { realClock } from './clock.js';
import { pickSeed, seededRandom } from './random.js';
import { realTimer } from './timers.js';

export interface EnvironmentOptions {
  /** Default: chosen at random (read it back from `random.seed` to replay the run). */
  seed?: number;
  /** An emulator clock of your own (a ManualClock in tests); excludes `timeScale`. */
  clock?: Clock;
  /** Emulator time runs this many times faster than real time (default 1). */
  timeScale?: number;
  timer?: Timer;
  logger?: Logger;
  /** Values of the profile's parameters for this device (Environment.params). */
  params?: Readonly<Record<string, number | string>>;
}

/** The real environment, with whatever the caller fixes (seed, clock, timer, logger) put in. */
export function createEnvironment(options: EnvironmentOptions = {}): Environment {
  if (options.clock && options.timeScale !== undefined) throw new RangeError('give either a clock or a timeScale, not both');
  return {
    clock: options.clock ?? realClock(options.timeScale ?? 1),
    random: seededRandom(options.seed ?? pickSeed()),
    timer: options.timer ?? realTimer,
    logger: options.logger ?? silentLogger,
    ...(options.params !== undefined && { params: options.params }),
  };
}
