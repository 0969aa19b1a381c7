import { assembleChecked, checkProfile, compileProfile, type CheckedProfile } from '../compiler/compile.js';
import type { Environment } from '../environment.js';
import type { CompiledProfile } from '../model/types.js';
import type { Diagnostic } from '../profile/diagnostics.js';
import type { LoadResult } from '../profile/loaded.js';
import { loadProfileFile, loadProfileObject, sortDiagnostics, type LoadFileOptions } from '../profile/index.js';
import { createEnvironment } from './environment.js';

export type DeviceResult =
  | {
      readonly ok: true;
      readonly profile: CompiledProfile;
      /** Every file the load read (the profile, then each include): what a watcher watches. */
      readonly files: readonly string[];
      /** Not errors, but likely mistakes (a fault rule that can never match). */
      readonly warnings: readonly Diagnostic[];
    }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[]; readonly files?: readonly string[] };

/** Also: `cwd`, folder that relative paths (the profile's and its includes') are read from; `maxFileBytes`; `includeRoot`. */
export interface LoadDeviceOptions extends LoadFileOptions {
  /** Environment of the compiled device (default: real clock and timer, a random seed, no log). */
  env?: Environment;
}

/**
 * Loads (path or object), validates and compiles a profile; every problem is returned, none
 * thrown. When the schema finds problems, the entities without them are still compiled, so
 * semantic problems (overlaps, values that do not fit) are reported in the same run.
 */
export async function loadDevice(source: string | object, options: LoadDeviceOptions = {}): Promise<DeviceResult> {
  const env = options.env ?? createEnvironment();
  return compileLoaded(await loadSource(source, options), env);
}

export function loadSource(source: string | object, options: LoadFileOptions = {}): Promise<LoadResult> {
  return typeof source === 'string' ? loadProfileFile(source, options) : loadProfileObject(source, options);
}

/** A load's result compiled: the device, or every problem (the schema's and the compiler's). */
export function compileLoaded(loaded: LoadResult, env: Environment): DeviceResult {
  if (loaded.ok) {
    const compiled = compileProfile(loaded.loaded, { env });
    return compiled.ok ? { ok: true, profile: compiled.profile, files: loaded.loaded.files, warnings: compiled.warnings } : { ...compiled, files: loaded.loaded.files };
  }
  if (!loaded.partial) return loaded;
  const compiled = compileProfile(loaded.partial, { env });
  if (compiled.ok) return loaded;
  const seen = new Set(loaded.diagnostics.map(key));
  const extra = compiled.diagnostics.filter((d) => !seen.has(key(d)));
  return { ok: false, diagnostics: sortDiagnostics([...loaded.diagnostics, ...extra], loaded.files ?? []), files: loaded.files };
}

/** A profile checked once, from which devices are assembled, each with its own environment. */
export interface CheckedDevice {
  readonly ok: true;
  readonly files: readonly string[];
  readonly warnings: readonly Diagnostic[];
  /** A device of its own (storage, generators, fault counters) over the shared layouts. */
  assemble(env: Environment): CompiledProfile;
}

/**
 * A load's result checked but not assembled (compiler/compile.ts checkProfile): what every
 * instance of a fleet's profile shares; each assembles its own device from it.
 */
export function checkLoaded(loaded: LoadResult, timeScale: number): CheckedDevice | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] } {
  if (!loaded.ok) {
    const compiled = compileLoaded(loaded, createEnvironment({ seed: 0 }));
    return { ok: false, diagnostics: compiled.ok ? [] : compiled.diagnostics };
  }
  const checked: CheckedProfile | { ok: false; diagnostics: readonly Diagnostic[] } = checkProfile(loaded.loaded, timeScale);
  if (!checked.ok) return checked;
  return { ok: true, files: loaded.loaded.files, warnings: checked.warnings, assemble: (env) => assembleChecked(checked, { env }) };
}

const key = (d: Diagnostic): string => `${d.code} ${d.location?.file}:${d.location?.line}:${d.location?.column}`;
