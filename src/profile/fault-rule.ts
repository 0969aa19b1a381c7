import { tooDeep, type Diagnostic } from './diagnostics.js';
import { MAX_PROFILE_DEPTH } from './limits.js';
import { plainCopy } from './plain-copy.js';
import { profileSchema } from './schema.js';
import { schemaDiagnostics } from './schema-diagnostics.js';
import { SourceMap } from './source-map.js';
import type { Fault } from './types.generated.js';

/**
 * Checks a fault rule given through the API (`inject(rule)`) against the same schema as a
 * profile's `faults:` entries; diagnostics name paths as `faults[0].when.every`.
 */
export function checkFaultRule(value: unknown): { readonly ok: true; readonly rule: Fault } | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] } {
  const schema = profileSchema();
  const copy = plainCopy(value, MAX_PROFILE_DEPTH - 2);
  // The rule sits two levels down in a profile (the profile's map, its faults list), and is named as there.
  if (!copy.ok) return { ok: false, diagnostics: [tooDeep(['faults', 0, ...copy.tooDeep], MAX_PROFILE_DEPTH)] };
  const rule = copy.value;
  const root = { version: 1, faults: [rule] };
  if (schema.validateProfile(root)) return { ok: true, rule: rule as Fault };
  return { ok: false, diagnostics: schemaDiagnostics([...(schema.validateProfile.errors ?? [])], { schema, root, sourceMap: new SourceMap() }) };
}
