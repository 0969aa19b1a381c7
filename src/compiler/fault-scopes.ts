import type { RuleDefinition } from '../faults/engine.js';
import type { Diagnostic } from '../profile/diagnostics.js';
import { checkFaultRule } from '../profile/fault-rule.js';
import type { LoadedProfile } from '../profile/loaded.js';
import type { DeviceProfile } from '../profile/types.generated.js';
import { compileFaultRules, type RuleScope, type ServedUnits } from './faults.js';
import type { DeviceEntry, Entry, Plan } from './plan.js';
import { Reporter } from './report.js';
import { profileFraming, type FramingTraits } from './framing.js';

/** The unit ids each device entry of the plan answers (the default device: every id nobody lists). */
function idsOf(plan: Plan): Map<Entry, number[]> {
  const ids = new Map<Entry, number[]>();
  const listed = new Set<number>();
  for (const e of plan.entries) {
    ids.set(e, [...e.ids]);
    for (const id of e.ids) listed.add(id);
  }
  const rest: number[] = [];
  for (let id = plan.broadcast ? 1 : 0; id < 256; id++) if (!listed.has(id)) rest.push(id);
  ids.set(plan.other, rest);
  return ids;
}

/** The fault rules of a planned profile: units' own lists first, then templates' and included devices', then the profile's. */
export function planFaultRules(plan: Plan, profile: DeviceProfile, report: Reporter): RuleDefinition[] {
  const ids = idsOf(plan);
  const scopes: RuleScope[] = [];
  for (const [entry, unitIds] of ids) {
    if (entry.kind !== 'device') continue;
    for (const source of entry.faults) scopes.push({ source, unitIds });
  }
  const rank = (s: RuleScope): number => (s.source.path[0] === 'units' ? 0 : 1);
  scopes.sort((a, b) => rank(a) - rank(b));
  if (profile.faults?.length) scopes.push({ source: { list: profile.faults, path: [] }, unitIds: [...Array(256).keys()] });
  return compileFaultRules(scopes, servedUnits(plan, profileFraming(profile), ids), report);
}

/** The device behind each unit id of a plan, as fault rules see it (its layout, the functions it refuses). */
export function servedUnits(plan: Plan, framing: FramingTraits, ids = idsOf(plan)): ServedUnits {
  const devices = new Array<DeviceEntry | undefined>(256).fill(undefined);
  for (const [entry, unitIds] of ids) if (entry.kind === 'device') for (const id of unitIds) devices[id] = entry;
  return {
    framing,
    device: (id) => {
      const e = devices[id];
      return e && { layout: e.built.layout, refused: e.built.refused };
    },
  };
}

/**
 * A rule given through the API (`inject(rule)`) for the device of `served`: checked against the
 * schema, then compiled as a profile-level rule (every unit id). Its warnings are returned, not
 * logged: the caller decides.
 */
export function compileInjectedRule(served: ServedUnits, value: unknown): { ok: true; rule: RuleDefinition; warnings: readonly Diagnostic[] } | { ok: false; diagnostics: readonly Diagnostic[] } {
  const checked = checkFaultRule(value);
  if (!checked.ok) return checked;
  const list = [checked.rule];
  const loaded: LoadedProfile = { file: '<inject>', files: [], profile: { version: 1, faults: list }, locate: () => undefined };
  const report = new Reporter(loaded);
  const [rule] = compileFaultRules([{ source: { list, path: [] }, unitIds: [...Array(256).keys()] }], served, report);
  return report.count > 0 || !rule ? { ok: false, diagnostics: report.diagnostics } : { ok: true, rule, warnings: report.warnings };
}
