import { compileProfile } from '../compiler/compile.js';
import type { CompiledProfile } from '../model/types.js';
import type { Logger } from '../log.js';
import type { Diagnostic } from '../profile/diagnostics.js';
import { loadProfileFile, loadProfileObject, sortDiagnostics } from '../profile/index.js';

export type DeviceResult =
  | { readonly ok: true; readonly profile: CompiledProfile }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/**
 * Loads (path or object), validates and compiles a profile; every problem is returned, none
 * thrown. When the schema finds problems, the entities without them are still compiled, so
 * semantic problems (overlaps, values that do not fit) are reported in the same run.
 */
export async function loadDevice(
  source: string | object,
  options: { cwd?: string; logger?: Logger } = {},
): Promise<DeviceResult> {
  const loaded = typeof source === 'string' ? await loadProfileFile(source, options) : await loadProfileObject(source, options);
  if (loaded.ok) return compileProfile(loaded.loaded, options);
  if (!loaded.partial) return loaded;
  const compiled = compileProfile(loaded.partial);
  if (compiled.ok) return loaded;
  const seen = new Set(loaded.diagnostics.map(key));
  const extra = compiled.diagnostics.filter((d) => !seen.has(key(d)));
  return { ok: false, diagnostics: sortDiagnostics([...loaded.diagnostics, ...extra], loaded.files ?? []) };
}

const key = (d: Diagnostic): string => `${d.code} ${d.location?.file}:${d.location?.line}:${d.location?.column}`;
