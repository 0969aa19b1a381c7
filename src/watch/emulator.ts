import { createEmulator, type Emulator, type EmulatorOptions } from '../runtime/emulator.js';
import { watchRuntime } from './watcher.js';

/**
 * Starts a device from a profile (runtime/emulator.ts, createEmulator); with `watch: true` it reloads the
 * profile whenever the file, or a file it includes, changes. The package's entry exports this one.
 */
export function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  return createEmulator(options, (runtime, files) => watchRuntime(runtime, files));
}
