import { TABLE_OF } from '../model/table-names.js';
import { ALL_RIGHTS, NO_RIGHTS, type GrantRange, type GrantSpec, type RightsSpec, type SecuritySpec } from '../model/rights.js';
import { functionNamed } from '../protocol/functions.js';
import type { DeviceProfile, Grant, Rights } from '../profile/types.generated.js';
import { listOf, pointRanges, type ServedUnits } from './faults.js';
import type { Path, Reporter } from './report.js';

/**
 * Compiles `security:` (Modbus/TCP Security rights) into plain data, reporting a point no device
 * has (E_SECURITY_POINT), an empty range (E_SECURITY_RANGE) and a `noRole` that names no role
 * (E_SECURITY_ROLE). A point grants its words wherever a unit of the profile has it. Undefined
 * when the profile has no `security:`: then no rights check runs at all.
 */
export function compileSecurity(profile: DeviceProfile, served: ServedUnits, report: Reporter): SecuritySpec | undefined {
  const security = profile.security;
  if (security === undefined) return undefined;
  // No prototype: a role may be called anything, `__proto__` included.
  const roles = Object.create(null) as Record<string, RightsSpec>;
  for (const [role, rights] of Object.entries(security.roles ?? {})) roles[role] = compileRights(rights, ['security', 'roles', role], served, report);
  const named = security.noRole ?? 'deny';
  let noRole: RightsSpec;
  if (named === 'deny') noRole = NO_RIGHTS;
  else if (named === 'allow') noRole = ALL_RIGHTS;
  else if (Object.hasOwn(roles, named)) noRole = roles[named]!;
  else {
    const known = Object.keys(roles);
    report.error('E_SECURITY_ROLE', ['security', 'noRole'], security, 'noRole', `noRole: ${named} is not deny, allow or a role of security.roles${known.length ? ` (${known.join(', ')})` : ''}`);
    noRole = NO_RIGHTS;
  }
  return { roles, noRole };
}

function compileRights(rights: Rights, path: Path, served: ServedUnits, report: Reporter): RightsSpec {
  const functions = rights.functions === undefined ? undefined : listOf(rights.functions).map((f) => (typeof f === 'number' ? f : functionNamed(f)!.code));
  return {
    ...(functions && { functions }),
    read: compileGrant(rights, 'read', path, served, report),
    write: compileGrant(rights, 'write', path, served, report),
  };
}

function compileGrant(rights: Rights, key: 'read' | 'write', path: Path, served: ServedUnits, report: Reporter): GrantSpec {
  const grant: Grant | undefined = rights[key];
  if (grant === undefined || grant === 'none') return 'none';
  if (grant === 'all') return 'all';
  const ranges: GrantRange[] = [];
  const seen = new Set<string>();
  grant.forEach((item, i) => {
    if (typeof item === 'string') {
      if (!pointRanges(item, EVERY_UNIT, served, ranges, seen)) report.error('E_SECURITY_POINT', [...path, key, i], grant, i, `no device of this profile has a point named ${item}`);
      return;
    }
    const from = item.from ?? 0;
    const to = item.to ?? (item.from === undefined ? 0xffff : from);
    if (from > to) report.error('E_SECURITY_RANGE', [...path, key, i], grant, i, `the range ${from}..${to} is empty: from must not be above to`);
    ranges.push({ table: TABLE_OF[item.table], from, to });
  });
  return ranges;
}

const EVERY_UNIT = [...Array(256).keys()];
