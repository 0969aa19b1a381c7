/**
 * The compiler: a schema-valid, include-resolved profile → a CompiledProfile, or every semantic
 * problem at once (stable codes, dotted paths, positions). Configuration is checked here only;
 * the request path runs on precomputed typed arrays and never looks at the profile again.
 *
 * Units. Without `units` the device answers every unit id. A gateway lists units; each unit id
 * gets its own storage, also when several ids share one entry or template. Unit-level settings
 * override the template's (or the included device's), which override the profile's (per field
 * for `identification` and `reportServerId`): a gateway's top-level `byteOrder`, `access`,
 * `writeToReadOnly`, `unmapped`, `inputRegisters`, `identification` and `reportServerId` are the
 * defaults of every unit, the `unknownUnits` device included. `identification: false` /
 * `reportServerId: false` on the most specific level that sets the key make the device answer
 * every FC 43 / FC 17 request with 01 (router.ts `refusing`); objects still merge across levels.
 * `unknownUnits` decides other ids: 0x0A (default), 0x0B, silence, or one default device (one
 * storage) for all of them. `unitZero: broadcast`: unit 0 writes reach every
 * device (FC 23: its write part) and nothing is answered, nor are unit 0 reads. A profile
 * without `units` ignores `unknownUnits`.
 *
 * Addressing is per file: a device from an included file that does not set `addressing` uses
 * protocol addresses, whatever the including file says.
 *
 * Reads. `unmapped: exception` (default) answers 02 when any address of the range is unmapped;
 * `zero` reads 0 there and swallows writes. Write-only points and blocks read as zeros. With
 * `inputRegisters: sameAsHolding`, FC 4 is FC 3 exactly (mapping, unmapped mode, write-only).
 *
 * Write rules (client writes: FC 5, 6, 15, 16, 22, 23):
 * 1. A write request is checked as a whole and applied all or nothing.
 * 2. Touching an unmapped address is 02 (`unmapped: exception`); with `unmapped: zero` those
 *    words are discarded and the rest is written.
 * 3. Touching a read-only point or block is 02 by default. A point's or block's access is its own,
 *    else the device's `access` (unit > template > profile) in coils and holding registers, else
 *    readWrite there and readOnly in discrete inputs and input registers. With `writeToReadOnly:
 *    ignore` the request is acknowledged, read-only words keep their value and the writable words
 *    are written.
 *    Where points share words (aliases) the most restrictive access wins; a point inside a block
 *    decides the access of its words.
 * 4. A write to some registers of a multi-register point stores those raw words; the point's value
 *    is what its words then say.
 * 5. A point with `min`/`max` is checked on its complete engineering value after the write (the
 *    new words merged with the stored ones, with the scale factor as it will be); out of range,
 *    or NaN, is 03 and nothing changes. A bool in a register accepts only 0 and 1 (03 otherwise).
 *    Changing a scale factor does not re-check the points it scales.
 * 6. Engineering = raw × 10^sf is computed on every read, so writing a scale-factor register
 *    changes how its dependents read. The exponent is the raw int16 of the scale-factor point.
 * 7. Coils are written by FC 5/15; discrete inputs and input registers never by clients.
 *
 * Fault rules (`faults:`, fault-scopes.ts and faults.ts): a unit's own rules apply to its unit
 * ids, a template's or included device's to the ids of the units using it (a list shared by
 * several units is one rule), the top level's to every id; they are tried in that order and the
 * first that fires wins. Names are unique in the profile. Rules that can never match are
 * warnings (CompileResult.warnings), not errors. `responseDelay` (unit > template > profile)
 * delays every request reaching the device; `respond: { answer, delay }` a gateway's answer.
 *
 * Initial values: blocks first, then points (a point's value wins over its block), then aliases
 * that give a `value` or `raw`. A point without either starts at engineering 0 (raw 0 where 0
 * cannot be represented, e.g. below an offset); only explicit values are checked against
 * min/max. `raw` is the register contents as is (raw.ts): no scaling, no min/max.
 */
import type { Environment } from '../environment.js';
import type { DeviceLayout } from '../model/device-layout.js';
import type { CompiledProfile } from '../model/types.js';
import type { Diagnostic } from '../profile/diagnostics.js';
import type { LoadedProfile } from '../profile/loaded.js';
import { sortDiagnostics } from '../profile/sort.js';
import type { DeviceProfile } from '../profile/types.generated.js';
import { assembleProfile } from './assemble.js';
import { pointInfos } from './device.js';
import { planFaultRules, servedUnits } from './fault-scopes.js';
import { compileSecurity } from './security.js';
import type { SecuritySpec } from '../model/rights.js';
import { checkScenarios } from './scenarios.js';
import { profileFraming } from './framing.js';
import { baseName, planProfile, type Plan } from './plan.js';
import { Reporter } from './report.js';
import { checkServerSettings } from './server-settings.js';

export interface CompileOptions {
  /**
   * Time, chance, wire timer and logger for the device (the logger gets data-source failures,
   * answered 04). `createEnvironment()` in the runtime makes one.
   */
  env: Environment;
}

export function compileProfile(loaded: LoadedProfile, options: CompileOptions): CompileResult {
  const checked = checkProfile(loaded, options.env.clock.timeScale);
  return checked.ok ? { ok: true, profile: assembleChecked(checked, options), warnings: checked.warnings } : checked;
}

/**
 * A profile that passed every check, with its layouts and fault rules planned but no storage or
 * closures yet: what a reload computes off the event loop (runtime/load-worker.ts).
 */
export interface CheckedProfile {
  readonly ok: true;
  readonly plan: Plan;
  readonly rules: ReturnType<typeof planFaultRules>;
  /** `security:` resolved (Modbus/TCP Security rights); undefined: no rights check. */
  readonly security?: SecuritySpec;
  readonly profile: DeviceProfile;
  readonly name: string;
  readonly file: string | undefined;
  readonly warnings: readonly Diagnostic[];
}

/**
 * The first half of compileProfile: every check and the layouts, no storage or closures yet.
 * `timeScale` is the one the device will run under (warnings only; see Reporter).
 */
export function checkProfile(loaded: LoadedProfile, timeScale = 1): CheckedProfile | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] } {
  const report = new Reporter(loaded, timeScale);
  const plan = planProfile(loaded, report);
  checkServerSettings(loaded.profile, report);
  // Found device by device and check by check: in file, line and column order like the loader's.
  if (report.count > 0) return { ok: false, diagnostics: sortDiagnostics(report.diagnostics, loaded.files) };
  const rules = planFaultRules(plan, loaded.profile, report);
  const served = servedUnits(plan, profileFraming(loaded.profile));
  const security = compileSecurity(loaded.profile, served, report);
  checkScenarios(loaded.profile, plan, served, report);
  if (report.count > 0) return { ok: false, diagnostics: sortDiagnostics(report.diagnostics, loaded.files) };
  // A profile given as an object (the API) has no positions, and no file.
  const file = loaded.locate(loaded.profile) === undefined ? undefined : loaded.file;
  return { ok: true, plan, rules, ...(security && { security }), profile: loaded.profile, name: loaded.profile.name ?? baseName(loaded.file), file, warnings: report.warnings };
}

/** The second half: storage per unit, the router and the middlewares, with the environment. */
export function assembleChecked(checked: CheckedProfile, options: CompileOptions): CompiledProfile {
  for (const layout of layoutsOf(checked.plan)) if (layout.info === undefined) (layout as { info: DeviceLayout['info'] }).info = pointInfos(layout.byName, layout.tables);
  return assembleProfile(checked.plan, checked.rules, checked.profile, checked.name, checked.file, options.env, checked.security);
}

/**
 * Drops what assembleChecked derives again (each layout's `info`), before the checked profile is
 * sent to another thread: copying 10,000 info objects in cost the event loop more than making them.
 */
export function packChecked(checked: CheckedProfile): CheckedProfile {
  for (const layout of layoutsOf(checked.plan)) (layout as { info: DeviceLayout['info'] | undefined }).info = undefined;
  return checked;
}

function layoutsOf(plan: Plan): DeviceLayout[] {
  return [...plan.entries, plan.other].flatMap((e) => (e.kind === 'device' ? [e.built.layout] : []));
}

export type CompileResult =
  /** `warnings`: not wrong, but likely a mistake (a fault rule that can never match). */
  | { readonly ok: true; readonly profile: CompiledProfile; readonly warnings: readonly Diagnostic[] }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };
