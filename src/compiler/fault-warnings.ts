import type { Table } from '../device/data-source.js';
import type { MatchParts } from '../faults/match.js';
import { functionDescriptor } from '../protocol/functions.js';
import { MAPPED } from '../model/table-layout.js';
import type { Fault } from '../profile/types.generated.js';
import type { ServedUnits } from './faults.js';
import type { Path, Reporter } from './report.js';
import { formatUnitIds } from './unit-ids.js';

/** `validate` warns about a rule whose match no request can meet. */
export function warnNeverMatches(fault: Fault, parts: MatchParts, path: Path, served: ServedUnits, report: Reporter): void {
  const m = fault.match ?? {};
  const warn = (key: string, why: string) => report.warn('W_FAULT_NEVER_MATCHES', [...path, 'match', key], m, key, `the fault rule ${fault.name} can never match: ${why}`);
  const ids = [...parts.unitIds.keys()].filter((id) => parts.unitIds[id]);
  const devices = ids.map((id) => served.device(id)).filter((d) => d !== undefined);
  if (ids.length === 0) return warn('unitId', 'none of its unit ids is one of the units it is declared for');
  if (devices.length === 0) {
    if (m.unitId !== undefined) warn('unitId', `no device serves unit ${formatUnitIds(ids)}`);
    return;
  }
  const fcs = [...parts.functionCodes.keys()].filter((fc) => parts.functionCodes[fc]);
  const servedFcs = fcs.filter((fc) => functionDescriptor(fc) !== undefined && devices.some((d) => !d.refused.includes(fc)));
  if (servedFcs.length === 0) return warn(m.function !== undefined ? 'function' : 'access', 'the device does not serve its function codes (they are answered with exception 01)');
  const tables = [...new Set(servedFcs.map((fc) => functionDescriptor(fc)!.table).filter((t): t is Table => t !== undefined))];
  const spans = parts.address ? [parts.address] : parts.starts?.map((s) => ({ from: s, to: s }));
  if (!spans) return;
  const mapped = devices.some((d) => tables.some((t) => { const layout = d.layout.tables[t]; return layout.zero || spans.some((s) => anyMapped(layout.flags, s.from, s.to)); }));
  if (!mapped) warn(parts.address ? 'address' : 'start', `no address it names is mapped in ${tables.length === 1 ? 'the table' : 'the tables'} of its function codes`);
}

function anyMapped(flags: Uint8Array, from: number, to: number): boolean {
  for (let a = from; a <= to; a++) if (flags[a]! & MAPPED) return true;
  return false;
}
