import { createMatcher, type MatchParts, type TableRange } from '../faults/match.js';
import type { RuleDefinition } from '../faults/engine.js';
import { durationMs } from '../faults/duration.js';
import type { TriggerSpec } from '../faults/trigger.js';
import type { DeviceLayout } from '../model/device-layout.js';
import { functionDoes, functionNamed } from '../protocol/functions.js';
import type { Fault, FaultAction, FunctionMatch } from '../profile/types.generated.js';
import type { FaultSource } from './plan.js';
import type { Path, Reporter } from './report.js';
import { expandUnitIds } from './unit-ids.js';
import { warnNeverMatches } from './fault-warnings.js';
import type { FramingTraits } from './framing.js';


/** What a rule's declaring place gives it: the unit ids it may apply to, and the devices there. */
export interface RuleScope {
  readonly source: FaultSource;
  /** Unit ids of the units declaring (or using the template declaring) the rules. */
  readonly unitIds: readonly number[];
}

/** The devices the gateway serves, for resolving point names and warning about rules that can never match. */
export interface ServedUnits {
  /** The layout and refused function codes of the device behind a unit id; undefined when none. */
  device(unitId: number): { readonly layout: DeviceLayout; readonly refused: readonly number[] } | undefined;
  /** How they are reached: a framing without transaction ids refuses out-of-order replies. */
  readonly framing: FramingTraits;
}

/**
 * Compiles `faults:` lists (most specific first: units, templates, the profile) into rule
 * definitions, reporting errors (a duplicate name, an unknown point, an empty range) and warning
 * about rules that can never match. A list shared by several units (a template, a file included
 * by several units) is compiled once, for all their unit ids.
 */
export function compileFaultRules(scopes: readonly RuleScope[], served: ServedUnits, report: Reporter): RuleDefinition[] {
  const merged = new Map<readonly Fault[], { source: FaultSource; ids: Set<number> }>();
  for (const s of scopes) {
    const entry = merged.get(s.source.list) ?? { source: s.source, ids: new Set<number>() };
    for (const id of s.unitIds) entry.ids.add(id);
    merged.set(s.source.list, entry);
  }
  const rules: RuleDefinition[] = [];
  const names = new Map<string, string>();
  for (const { source, ids } of merged.values()) {
    source.list.forEach((fault, i) => {
      const path = [...source.path, 'faults', i];
      const first = names.get(fault.name);
      if (first !== undefined) {
        report.error('E_FAULT_DUPLICATE', [...path, 'name'], fault, 'name', `a fault rule named ${fault.name} exists already (${first}); rule names are unique in a profile`);
        return;
      }
      names.set(fault.name, formatPathShort(path));
      const rule = compileRule(fault, path, [...ids].sort((a, b) => a - b), served, report);
      if (rule) rules.push(rule);
    });
  }
  return rules;
}

const formatPathShort = (path: Path): string => path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('').replace(/^\./, '');

function compileRule(fault: Fault, path: Path, scope: readonly number[], served: ServedUnits, report: Reporter): RuleDefinition | undefined {
  const before = report.count;
  const m = fault.match ?? {};
  const mpath = [...path, 'match'];
  const unitIds = new Uint8Array(256);
  const wanted = m.unitId === undefined ? undefined : new Set(expandUnitIds(m.unitId, m, [...mpath, 'unitId'], report));
  for (const id of scope) if (!wanted || wanted.has(id)) unitIds[id] = 1;

  const functionCodes = new Uint8Array(256).fill(1);
  if (m.function !== undefined) {
    functionCodes.fill(0);
    for (const f of listOf<number | string>(m.function as FunctionMatch)) functionCodes[typeof f === 'number' ? f : functionNamed(f)!.code] = 1;
  }
  if (m.access !== undefined) {
    // FC 23 both reads and writes; codes touching no table (8, 17, 43) and codes not served do neither.
    for (let fc = 0; fc < 256; fc++) if (!functionDoes(fc, m.access)) functionCodes[fc] = 0;
  }
  const range = (r: { from: number; to: number }, key: string) => {
    if (r.from > r.to) report.error('E_FAULT_RANGE', [...mpath, key], m, key, `the range ${r.from}..${r.to} is empty: from must not be above to`);
    return r;
  };
  const address = m.address === undefined ? undefined : range(typeof m.address === 'number' ? { from: m.address, to: m.address } : m.address, 'address');
  const starts = m.start === undefined ? undefined : listOf(m.start);
  const quantity = m.quantity === undefined ? undefined : typeof m.quantity === 'number' ? { min: m.quantity, max: m.quantity } : { min: m.quantity.min ?? 0, max: m.quantity.max ?? Infinity };
  if (quantity && quantity.min > quantity.max) report.error('E_FAULT_RANGE', [...mpath, 'quantity'], m, 'quantity', `the quantity range ${quantity.min}..${quantity.max} is empty`);
  const points = m.points === undefined ? undefined : resolvePoints(m.points, scope, served, [...mpath, 'points'], report);
  const values = m.value === undefined ? undefined : valueMatch(m.value);
  const trigger = compileTrigger(fault);
  const actions: FaultAction[] = Array.isArray(fault.do) ? fault.do : [fault.do];
  if (!served.framing.transactionIds) {
    actions.forEach((action, i) => {
      if (action.outOfOrder === undefined) return;
      const at = Array.isArray(fault.do) ? [...path, 'do', i] : [...path, 'do'];
      report.error('E_FAULT_OUT_OF_ORDER', [...at, 'outOfOrder'], action, 'outOfOrder', `replies cannot go out of order over ${served.framing.name}: its frames carry no transaction id, so a client could only take each reply for the oldest request; serve the device over Modbus TCP (MBAP) or leave outOfOrder out`);
    });
  }
  if (report.count > before) return undefined;

  const parts: MatchParts = { functionCodes, unitIds, ...(address && { address }), ...(starts && { starts }), ...(quantity && { quantity }), ...(points && { points }), ...(values && { values }) };
  warnNeverMatches(fault, parts, path, served, report);
  return {
    name: fault.name,
    identity: canonical({ name: fault.name, match: fault.match ?? {}, when: fault.when ?? {}, scope }),
    matcher: createMatcher(parts),
    trigger,
    actions,
  };
}

function compileTrigger(fault: Fault): TriggerSpec {
  const w = fault.when ?? {};
  const window = w.window && {
    after: w.window.after === undefined ? 0 : durationMs(w.window.after),
    for: w.window.for === undefined ? Infinity : durationMs(w.window.for),
    every: w.window.every === undefined ? Infinity : durationMs(w.window.every),
  };
  return {
    perConnection: w.count === 'connection',
    ...(w.probability !== undefined && { probability: w.probability }),
    ...(w.every !== undefined && { every: w.every }),
    ...(w.first !== undefined && { first: w.first }),
    ...(w.after !== undefined && { after: w.after }),
    ...(window && { window }),
    ...(w.inFlightAbove !== undefined && { inFlightAbove: w.inFlightAbove }),
  };
}

function resolvePoints(names: readonly string[], scope: readonly number[], served: ServedUnits, path: Path, report: Reporter): TableRange[] {
  const ranges: TableRange[] = [];
  const seen = new Set<string>();
  names.forEach((name, i) => {
    if (!pointRanges(name, scope, served, ranges, seen)) report.error('E_FAULT_POINT', [...path, i], names, i, `no device this rule applies to has a point named ${name}`);
  });
  return ranges;
}

/**
 * Adds to `out` the words of the point `name` in each device behind `ids` (a gateway's units may
 * place it differently), each place once across the calls sharing `seen`. False when no device has it.
 */
export function pointRanges(name: string, ids: Iterable<number>, served: ServedUnits, out: TableRange[], seen: Set<string>): boolean {
  let found = false;
  for (const id of ids) {
    const info = served.device(id)?.layout.info.get(name);
    if (!info) continue;
    found = true;
    const key = `${info.table}:${info.address}:${info.size}`;
    if (!seen.has(key)) out.push({ table: info.table, from: info.address, to: info.address + info.size - 1 });
    seen.add(key);
  }
  return found;
}

function valueMatch(v: NonNullable<NonNullable<Fault['match']>['value']>): NonNullable<MatchParts['values']> {
  if (typeof v === 'object' && !Array.isArray(v)) return { min: v.min ?? 0, max: v.max ?? 0xffff };
  const set = new Set(listOf(v).map((x) => (typeof x === 'boolean' ? Number(x) : x)));
  return { set, min: 0, max: 0xffff };
}

export function listOf<T>(v: T | readonly T[]): T[] {
  return Array.isArray(v) ? [...(v as readonly T[])] : [v as T];
}

/** JSON with sorted keys: the same rule written in another key order is the same rule. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

