import type { Environment } from '../../src/environment.js';
import { silentLogger } from '../../src/log.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { createEnvironment, type EnvironmentOptions } from '../../src/runtime/environment.js';
import { realTimer } from '../../src/runtime/timers.js';

/** A test's environment: a manual emulator clock at 0, seed 1, the real wire timer, no log. */
export function testEnv(options: EnvironmentOptions = {}): Environment {
  return createEnvironment({ seed: 1, timer: realTimer, logger: silentLogger, ...(options.timeScale === undefined && { clock: new ManualClock() }), ...options });
}
