/**
 * `modbus-emu/internal`: the building blocks behind the public API (docs/api.md, "Unstable"), for
 * tools built on modbus-emu that accept breaking changes in any release, minor and patch
 * included. Nothing here is promised; the public entry (src/index.ts) is.
 */

// The runtime: one served device, its listener, swaps and reloads.
export { Runtime, runtimeOptions } from './runtime/runtime.js';
export type { RuntimeOptions, RuntimeSettings, RuntimeEvents, ListenerSettings, ProfileSource } from './runtime/runtime.js';
export { createEmulator } from './runtime/emulator.js';
export type { StartWatching } from './runtime/emulator.js';
export { loadDevice } from './runtime/load-device.js';
export type { DeviceResult } from './runtime/load-device.js';
export { Journal, DEFAULT_JOURNAL_SIZE } from './runtime/journal.js';
export { watchRuntime, DEFAULT_DEBOUNCE_MS } from './watch/watcher.js';
export type { ProfileWatcher, WatchOptions } from './watch/watcher.js';

// What a runtime serves, and what a compiled profile is made of.
export { isCompiledProfile } from './model/types.js';
export type { ServedDevice, FaultSet } from './model/types.js';

// The request pipeline: handlers, middlewares and their outcomes.
export { compose, exception, response, SILENCE } from './pipeline/compose.js';
export type { Exchange, Outcome, Handler, Middleware, WireChunk, ConnectionInfo } from './pipeline/types.js';

// Seeded chance.
export { seededRandom, MAX_SEED } from './runtime/random.js';
export type { Rng } from './time.js';
