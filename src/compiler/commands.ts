import { compileExpression, type CompiledExpression, type Names } from '../generators/compile-expression.js';
import type { Assignment, CommandPlan, MachinePlan, ReactionPlan, StatePlan, TransitionPlan, WriteRulePlan } from '../generators/plan.js';
import type { FieldModel, PointModel } from '../model/point-model.js';
import type { Assignments, Machines, Reaction, WriteRules } from '../profile/types.generated.js';
import { suggest } from '../suggest.js';
import type { DeviceContext } from './context.js';
import type { Shaped } from './references.js';
import type { Path } from './report.js';

/** The part of a device definition that commands its points (docs/commands.md). */
export interface CommandBody {
  readonly machines?: Machines;
  readonly writeRules?: WriteRules;
}

export interface CompiledCommands {
  readonly plan: CommandPlan;
  /** Points whose client writes take the obeying path: reactions, write-triggered transitions, write rules. */
  readonly commanded: ReadonlySet<PointModel>;
  /** Points a machine's entry or exit actions set: a machine may step between writes, so reads bring them up to now. */
  readonly stepped: ReadonlySet<PointModel>;
}

/** Names for an expression: `written` adds `value` and `previous` (reactions, write-triggered transitions). */
export type NamesFor = (written: boolean) => Names;

const DEFAULT_EVERY_MS = 100;
const DEFAULT_EXCEPTION = 3;
/** Names expressions give a meaning of their own: a machine may not take them. */
const RESERVED = new Set(['t', 'dt', 'prev', 'PI', 'E', 'value', 'previous']);

const reactionsOf = (s: Shaped): readonly Reaction[] | undefined => ('reactions' in s.node ? (s.node.reactions as readonly Reaction[] | undefined) : undefined);
const list = (x: string | readonly string[] | undefined): readonly string[] | undefined => (x === undefined ? undefined : typeof x === 'string' ? [x] : x);
const wordOf = (p: PointModel | FieldModel): PointModel => ('word' in p ? p.word : p);

/**
 * Compiles a device's reactions, write rules and state machines once, with the generators' expression
 * compiler (stateless expressions only: they run at a write or on a machine's step, where `prev`
 * and `dt` mean nothing). Problems are errors at file:line:col; a state nothing enters, a condition
 * that folds to false and a rule no client write reaches are warnings.
 */
export function compileCommands(
  body: CommandBody,
  shaped: readonly Shaped[],
  byName: ReadonlyMap<string, PointModel | FieldModel>,
  generated: ReadonlySet<PointModel>,
  names: NamesFor,
  ctx: DeviceContext,
): CompiledCommands {
  const commanded = new Set<PointModel>();
  const report = ctx.report;

  const expression = (text: string | number | boolean, node: object, key: string | number, path: Path, written: boolean): CompiledExpression | undefined => {
    const source = typeof text === 'string' ? text : String(Number(text));
    const result = compileExpression(source, names(written));
    if (!result.ok) {
      const at = typeof text === 'string' ? result.error.index : undefined;
      report.error('E_EXPRESSION', path, node, key, `${result.error.message}${at !== undefined ? ` (at column ${at + 1} of the expression)` : ''}`, at);
      return undefined;
    }
    if (result.expression.stateful) {
      report.error('E_EXPRESSION', path, node, key, 'prev, dt and the stateful functions (lag, slew, integrate, walk, count) need steps: compute the value in a generated point and read that point here');
      return undefined;
    }
    return result.expression;
  };

  const neverTrue = (e: CompiledExpression | undefined, path: Path, node: object, key: string, what: string): void => {
    if (e?.constant !== undefined && (e.constant === 0 || Number.isNaN(e.constant))) report.warn('W_NEVER_TRUE', path, node, key, `${what} is always false`);
  };

  const assignments = (set: Assignments | undefined, path: Path, written: boolean): Assignment[] => {
    const out: Assignment[] = [];
    for (const [name, text] of Object.entries(set ?? {})) {
      const target = byName.get(name);
      const at = [...path, name];
      if (!target) {
        const close = suggest(name, byName.keys());
        report.error('E_UNKNOWN_REFERENCE', at, set!, name, `no point named ${name} in this device${close ? `: did you mean ${close}?` : ''}`);
        continue;
      }
      const word = wordOf(target);
      if (word.kind === 'string') {
        report.error('E_SET_TARGET', at, set!, name, `${name} is a string point: actions set numbers`);
        continue;
      }
      if (generated.has(word)) {
        report.error('E_SET_TARGET', at, set!, name, `${word.name} is generated: its expression decides its value (set a point it reads instead)`);
        continue;
      }
      const e = expression(text, set!, name, at, written);
      if (e) out.push({ target, expression: e });
    }
    return out;
  };

  // Reactions: per point, in declared order.
  const reactions = new Map<PointModel, ReactionPlan[]>();
  for (const s of shaped) {
    const rs = reactionsOf(s);
    if (!rs) continue;
    const path = [...ctx.path, 'points', s.model.name, 'reactions'];
    const plans = rs.map((r, i) => {
      const when = r.when === undefined ? undefined : expression(r.when, r, 'when', [...path, i, 'when'], true);
      neverTrue(when, [...path, i, 'when'], r, 'when', 'this reaction\'s condition');
      return { when, set: assignments(r.set, [...path, i, 'set'], true) };
    });
    reactions.set(s.model, plans);
    commanded.add(s.model);
  }

  const machines: MachinePlan[] = [];
  for (const [name, m] of Object.entries(body.machines ?? {})) {
    const path = [...ctx.path, 'machines', name];
    if (byName.has(name) || RESERVED.has(name)) {
      const other = byName.has(name) ? `a point is named ${name} too` : `${name} is a name of the expression language`;
      report.error('E_NAME_CONFLICT', path, body.machines!, name, `${other}: expressions would not know which one is meant`);
      continue;
    }
    const stateNames = Object.keys(m.states);
    const index = (state: string, node: object, key: string | number, at: Path): number | undefined => {
      const i = stateNames.indexOf(state);
      if (i >= 0) return i;
      const close = suggest(state, stateNames);
      report.error('E_UNKNOWN_STATE', at, node, key, `${name} has no state ${state}${close ? `: did you mean ${close}?` : ''} (states: ${stateNames.join(', ')})`);
      return undefined;
    };
    const states: StatePlan[] = stateNames.map((s, i) => {
      const node = m.states[s] ?? {};
      const at = [...path, 'states', s];
      return { name: s, value: node.value ?? i, onEntry: assignments(node.onEntry, [...at, 'onEntry'], false), onExit: assignments(node.onExit, [...at, 'onExit'], false) };
    });
    const initial = index(m.initial, m, 'initial', [...path, 'initial']);
    const transitions: TransitionPlan[] = [];
    (m.transitions ?? []).forEach((t, i) => {
      const at = [...path, 'transitions', i];
      const to = index(t.to, t, 'to', [...at, 'to']);
      const fromNames = list(t.from);
      const from = fromNames?.map((f, k) => index(f, typeof t.from === 'string' ? t : (t.from as object), typeof t.from === 'string' ? 'from' : k, [...at, 'from']));
      let write: Set<PointModel> | undefined;
      for (const [k, p] of (list(t.write) ?? []).entries()) {
        const target = byName.get(p);
        if (!target) {
          const close = suggest(p, byName.keys());
          report.error('E_UNKNOWN_REFERENCE', [...at, 'write'], typeof t.write === 'string' ? t : (t.write as object), typeof t.write === 'string' ? 'write' : k, `no point named ${p} in this device${close ? `: did you mean ${close}?` : ''}`);
          continue;
        }
        (write ??= new Set()).add(wordOf(target));
        commanded.add(wordOf(target));
      }
      if (t.write === undefined && t.when === undefined && t.after === undefined) {
        report.error('E_TRANSITION', at, t, undefined, 'a transition needs write (at a write), when (a condition turning true) or after (a time in the state)');
        return;
      }
      if (t.write !== undefined && t.after !== undefined) {
        report.error('E_TRANSITION', [...at, 'after'], t, 'after', 'write and after exclude each other: a write-triggered transition fires at the write');
        return;
      }
      const condition = t.when === undefined ? undefined : expression(t.when, t, 'when', [...at, 'when'], t.write !== undefined);
      neverTrue(condition, [...at, 'when'], t, 'when', `the condition of ${name}'s transition to ${t.to}`);
      if (to === undefined || (from && from.some((f) => f === undefined)) || (t.when !== undefined && !condition)) return;
      const afterMs = t.after === undefined ? undefined : Math.max(1, Math.round(t.after * 1000));
      const when = t.when === undefined ? '' : ` when ${t.when}`;
      const label = t.write !== undefined ? `write ${list(t.write)!.join(', ')}${when}` : t.after !== undefined ? `after ${t.after} s${when}` : when.trimStart();
      transitions.push({ from: from && new Set(from as number[]), to, write, when: condition, afterMs, label });
    });
    if (initial === undefined) continue;
    for (const [i, s] of stateNames.entries()) {
      if (i === initial || transitions.some((t) => t.to === i)) continue;
      report.warn('W_STATE_UNREACHABLE', [...path, 'states', s], m.states, s, `no transition of ${name} enters ${s} (only forcing it through the API can)`);
    }
    machines.push({
      name,
      states,
      initial,
      everyMs: Math.max(1, Math.round((m.every ?? DEFAULT_EVERY_MS / 1000) * 1000)),
      transitions,
      sampled: transitions.some((t) => t.write === undefined && t.afterMs === undefined),
      signature: JSON.stringify(m),
    });
  }

  const rules: WriteRulePlan[] = [];
  for (const [i, r] of (body.writeRules ?? []).entries()) {
    const path = [...ctx.path, 'writeRules', i];
    const allow = expression(r.allow, r, 'allow', [...path, 'allow'], false);
    neverTrue(allow, [...path, 'allow'], r, 'allow', `write rule ${r.name}`);
    if (!allow) continue;
    const points: PointModel[] = [];
    for (const [k, p] of (r.points ?? [...allow.references]).entries()) {
      const target = byName.get(p);
      if (target) points.push(wordOf(target));
      else if (r.points) report.error('E_UNKNOWN_REFERENCE', [...path, 'points', k], r.points, k, `no point named ${p} in this device`);
    }
    const writable = points.filter((p) => p.access !== 'readOnly' && (p.table === 'holdingRegisters' || p.table === 'coils') && !generated.has(p));
    if (writable.length === 0) report.warn('W_RULE_UNCHECKED', path, r, r.points ? 'points' : 'allow', `write rule ${r.name} checks no point a client can write: it never refuses anything`);
    for (const p of writable) commanded.add(p);
    rules.push({ name: r.name, points: writable, allow, exception: r.exception ?? DEFAULT_EXCEPTION });
  }
  const stepped = new Set<PointModel>();
  for (const m of machines) for (const s of m.states) for (const a of [...s.onEntry, ...s.onExit]) stepped.add(wordOf(a.target));
  return { plan: { machines, reactions, rules }, commanded, stepped };
}
