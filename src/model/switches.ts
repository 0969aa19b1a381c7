import type { CompiledProfile } from './types.js';
import { unitInternals } from './unit.js';

/**
 * Run-time switches on a compiled profile's storage, set by the runtime from CLI flags and API
 * options (they are not part of the profile's compiled behaviour, so a reload's new device gets
 * them again from the runtime).
 */

/**
 * Read-only mode: every client write (FC 5, 6, 15, 16, 22, and FC 23 whole) answers exception
 * `code` and changes nothing; 0 allows writes again. Writes from code (the API) still go through.
 */
export function refuseClientWrites(device: CompiledProfile, code: number): void {
  for (const unit of device.units) unitInternals(unit).store.writeRefusal = code;
}

/** `listener` is told after every write to the device's storage, by clients or code (undefined: nobody). */
export function observeWrites(device: CompiledProfile, listener: (() => void) | undefined): void {
  for (const unit of device.units) unitInternals(unit).store.onWrite = listener;
}
