import type { Device, DeviceProfile, Unit } from '../profile/types.generated.js';
import type { Entry, Plan, PlanEnv } from './plan.js';
import { buildDevice } from './settings.js';
import { expandUnitIds } from './unit-ids.js';

/** A profile with `units`: one entry per unit, and what the unit ids nobody lists get. */
export function planGateway(profile: DeviceProfile, units: readonly Unit[], env: PlanEnv): Plan {
  const { report } = env;
  const broadcast = profile.unitZero === 'broadcast';
  for (const key of ['points', 'blocks'] as const) {
    if (profile[key] !== undefined) report.error('E_GATEWAY_AND_DEVICE', [key], profile, key, `a gateway profile (with units) has no top-level ${key}: put them in a unit or a template`);
  }
  const claimed = new Map<number, number>();
  const entries: Entry[] = [];
  units.forEach((unit, i) => {
    const path = ['units', i];
    const ids: number[] = [];
    for (const id of expandUnitIds(unit.unitId, unit, [...path, 'unitId'], report)) {
      const owner = claimed.get(id);
      if (owner === undefined) {
        claimed.set(id, i);
        ids.push(id);
      } else {
        report.error('E_UNIT_DUPLICATE', [...path, 'unitId'], unit, 'unitId', `unit id ${id} is listed twice${owner === i ? ' in this unit' : `: units[${owner}] has it too`}`);
      }
    }
    if (broadcast && ids.includes(0)) {
      report.error('E_UNIT_BROADCAST', [...path, 'unitId'], unit, 'unitId', 'unit id 0 is the broadcast address (unitZero: broadcast) and cannot be a unit');
    }
    const entry = planUnit(unit, path, ids, env);
    if (entry) entries.push(entry);
  });
  return { entries, other: planOther(profile, env), broadcast };
}

/** A unit's device is exactly one of: inline points/blocks, `use`, `include` (resolved by the loader), `respond`. */
function planUnit(unit: Unit, path: readonly (string | number)[], ids: readonly number[], env: PlanEnv): Entry | undefined {
  const sources = (['points', 'blocks', 'use', 'include', 'respond'] as const).filter((k) => unit[k] !== undefined);
  const inline = sources.includes('points') || sources.includes('blocks');
  const count = sources.length - (sources.includes('points') && sources.includes('blocks') ? 1 : 0);
  if (count !== 1) {
    const message = count === 0
      ? 'the unit has no device: give points/blocks, `use: <template>`, `include: <file>` or `respond: <behaviour>`'
      : `the unit has more than one device (${sources.join(', ')}): give exactly one`;
    env.report.error('E_UNIT_SOURCE', path, unit, count === 0 ? undefined : sources[1], message);
    return undefined;
  }
  if (unit.respond) return typeof unit.respond === 'string' ? { kind: 'unreachable', ids, respond: unit.respond } : { kind: 'unreachable', ids, respond: unit.respond.answer, ...(unit.respond.delay !== undefined && { delay: unit.respond.delay }) };
  const unitLayer = { node: unit, path };
  if (inline) {
    const built = buildDevice({ body: unit, path, layers: [unitLayer, env.profileLayer], addressing: env.addressingOf(unit as Device) }, env.report);
    const faults = env.faultsOf(unit, path);
    return { kind: 'device', name: unit.name ?? 'unit', named: unit.name !== undefined, ids, built, faults, responseDelay: unit.responseDelay ?? env.loaded.profile.responseDelay };
  }
  const t = unit.use === undefined ? undefined : env.template(unit.use, unit, [...path, 'use']);
  if (!t) return undefined;
  const faults = [...env.faultsOf(unit, path), ...env.faultsOf(t, ['templates', unit.use!])];
  const responseDelay = unit.responseDelay ?? t.responseDelay ?? env.loaded.profile.responseDelay;
  return { kind: 'device', name: unit.name ?? t.name ?? unit.use!, named: unit.name !== undefined, ids, built: env.fromTemplate(unit.use!, t, [unitLayer]), faults, responseDelay };
}

/** `unknownUnits`: an unreachable behaviour (default 0x0A) or one default device for all of them. */
function planOther(profile: DeviceProfile, env: PlanEnv): Entry {
  const u = profile.unknownUnits;
  if (u === undefined || typeof u === 'string') return { kind: 'unreachable', ids: [], respond: u ?? 'gatewayPathUnavailable' };
  if ('answer' in u) return { kind: 'unreachable', ids: [], respond: u.answer, ...(u.delay !== undefined && { delay: u.delay }) };
  const t = env.template(u.use, u, ['unknownUnits', 'use']);
  if (!t) return { kind: 'unreachable', ids: [], respond: 'gatewayPathUnavailable' };
  const responseDelay = t.responseDelay ?? profile.responseDelay;
  return { kind: 'device', name: t.name ?? u.use, named: true, ids: [], built: env.fromTemplate(u.use, t, []), faults: env.faultsOf(t, ['templates', u.use]), responseDelay };
}
