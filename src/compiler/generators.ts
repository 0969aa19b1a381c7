import { compileExpression, type Names } from '../generators/compile-expression.js';
import type { Evaluate } from '../generators/frame.js';
import { liveFactory, POINT_STEP_BUDGET } from '../generators/engine.js';
import type { GeneratedPoint, GeneratorPlan, Ref } from '../generators/plan.js';
import type { LiveFactory } from '../model/live.js';
import type { FieldModel, PointModel } from '../model/point-model.js';
import type { Generate } from '../profile/types.generated.js';
import type { DeviceContext } from './context.js';
import type { Shaped } from './references.js';
import { compileCommands, type CommandBody } from './commands.js';

export interface CompiledGenerators {
  readonly generated: ReadonlySet<PointModel>;
  /** Points refreshed before they are read: the generated ones and those machine actions set. */
  readonly refreshed: ReadonlySet<PointModel>;
  /** Points whose writes are obeyed: reactions, write-triggered transitions, write rules (compiler/commands.ts). */
  readonly commanded: ReadonlySet<PointModel>;
  readonly live: LiveFactory | undefined;
}

/** How expressions name a profile parameter: `params.nominalVoltage`. */
const PARAMS_PREFIX = 'params.';

const generateOf = (s: Shaped): Generate | undefined => ('generate' in s.node ? s.node.generate : undefined);

/**
 * Compiles every `generate:` of a device once: expressions to closures (E_EXPRESSION with the
 * column inside the expression), then the dependency cycles that no state breaks
 * (E_GENERATE_CYCLE). References read points by number through the frame, so one compiled plan
 * serves every unit id built from the device.
 */
export function compileGenerators(shaped: readonly Shaped[], byName: ReadonlyMap<string, PointModel | FieldModel>, ctx: DeviceContext, body: CommandBody = {}): CompiledGenerators {
  const refs: Ref[] = [];
  const refIndex = new Map<object | string, number>();
  const refer = (key: object | string, make: () => Ref): Evaluate => {
    let k = refIndex.get(key);
    if (k === undefined) refIndex.set(key, (k = refs.push(make()) - 1));
    const i = k;
    return (f) => f.point(i);
  };
  // A machine reads as its state's value (`drive`), a state as 1 while the machine is in it (`drive.fault`).
  const machineNames = Object.keys(body.machines ?? {}).filter((m) => !byName.has(m));
  const machineRef = (name: string): Evaluate | undefined => {
    const [m, state, more] = name.split('.');
    const machine = machineNames.indexOf(m!);
    if (machine < 0 || more !== undefined) return undefined;
    if (state === undefined) return refer(name, () => ({ machine, state: -1 }));
    const index = Object.keys(body.machines![m!]!.states).indexOf(state);
    return index < 0 ? undefined : refer(name, () => ({ machine, state: index }));
  };
  const params = ctx.report.params ?? {};
  const paramRef = (name: string): Evaluate | string | undefined => {
    const param = name.slice(PARAMS_PREFIX.length);
    if (!Object.hasOwn(params, param)) return undefined;
    const value = params[param]!;
    if (typeof value === 'string') return `${name} is a string parameter: expressions compute numbers (a string goes into strings as {${param}})`;
    return refer(name, () => ({ param, default: value }));
  };
  const namesFor = (written: boolean): Names => ({
    resolve(name) {
      const ref = byName.get(name);
      if (!ref) {
        if (written && (name === 'value' || name === 'previous')) return refer(name, () => ({ written: name }));
        if (name.startsWith(PARAMS_PREFIX)) return paramRef(name);
        return machineRef(name);
      }
      if (!('word' in ref) && ref.kind === 'string') return `${name} is a string point: expressions compute numbers`;
      return refer(ref, () => ref);
    },
    all: () => [...byName.keys(), ...machineNames, ...Object.keys(params).map((p) => PARAMS_PREFIX + p), ...(written ? ['value', 'previous'] : [])],
  });
  const names = namesFor(false);
  const points: GeneratedPoint[] = [];
  const nodes = new Map<GeneratedPoint, Shaped>();
  for (const s of shaped) {
    const spec = generateOf(s);
    if (spec === undefined) continue;
    const source = typeof spec === 'string' ? spec : spec.expression;
    const [node, key] = typeof spec === 'string' ? [s.node as object, 'generate'] : [spec as object, 'expression'];
    const path = [...ctx.path, 'points', s.model.name, 'generate', ...(typeof spec === 'string' ? [] : ['expression'])];
    if (s.node.aliasOf !== undefined) {
      ctx.report.error('E_VALUE_CONFLICT', [...ctx.path, 'points', s.model.name, 'generate'], s.node, 'generate', `an alias shares the words of ${s.node.aliasOf}: generate ${s.node.aliasOf} itself`);
      continue;
    }
    const result = compileExpression(source, names);
    if (!result.ok) {
      ctx.report.error('E_EXPRESSION', path, node, key, `${result.error.message} (at column ${result.error.index + 1} of the expression)`, result.error.index);
      continue;
    }
    if (!result.expression.stateful) warnValueNeverServed(s, ctx);
    const every = typeof spec === 'string' ? undefined : spec.every;
    const g: GeneratedPoint = {
      model: s.model,
      source,
      expression: result.expression,
      everyMs: Math.max(1, Math.round((every ?? 1) * 1000)),
      onWrite: (typeof spec === 'string' ? undefined : spec.onWrite) ?? 'refuse',
    };
    points.push(g);
    nodes.set(g, s);
  }
  reportCycles(points, nodes, ctx);
  warnFineSteps(points, nodes, ctx);
  const generated = new Set(points.map((g) => g.model));
  const { plan: commands, commanded, stepped } = compileCommands(body, shaped, byName, generated, namesFor, ctx);
  const refreshed = new Set([...generated, ...stepped]);
  const idle = points.length === 0 && commands.machines.length === 0 && commands.reactions.size === 0 && commands.rules.length === 0;
  if (idle) return { generated, refreshed, commanded, live: undefined };
  const plan: GeneratorPlan = { points, refs, commands };
  return { generated, refreshed, commanded, live: liveFactory(plan) };
}

/**
 * A stateless expression is computed on every read, so a declared `value` or `raw` is never
 * served: a reader of the profile would take it for what clients see. Stateful ones start from it.
 */
function warnValueNeverServed(s: Shaped, ctx: DeviceContext): void {
  const key = s.node.value !== undefined ? 'value' : 'raw' in s.node && s.node.raw !== undefined ? 'raw' : undefined;
  if (key === undefined) return;
  ctx.report.warn(
    'W_VALUE_NEVER_SERVED',
    [...ctx.path, 'points', s.model.name, key],
    s.node,
    key,
    `${s.model.name} is generated without state (every read computes its expression), so its ${key} is never served: remove it, or compute that value in the expression`,
  );
}

/**
 * Steps per real second the device's stateful generators ask for together, above which requests
 * 100 ms apart would find more steps due than a point may take (POINT_STEP_BUDGET): generators
 * then skip steps, and every request pays for its budget. A warning, at the finest `every`.
 */
const STEPS_PER_SECOND_WARNED = POINT_STEP_BUDGET * 10;

function warnFineSteps(points: readonly GeneratedPoint[], nodes: ReadonlyMap<GeneratedPoint, Shaped>, ctx: DeviceContext): void {
  const stateful = points.filter((g) => g.expression.stateful);
  if (stateful.length === 0) return;
  const scale = ctx.report.timeScale;
  const rate = stateful.reduce((sum, g) => sum + (1000 / g.everyMs) * scale, 0);
  if (rate <= STEPS_PER_SECOND_WARNED) return;
  const finest = stateful.reduce((a, b) => (b.everyMs < a.everyMs ? b : a));
  const s = nodes.get(finest)!;
  const spec = generateOf(s);
  const [node, key, path] =
    typeof spec === 'object' && spec.every !== undefined
      ? [spec as object, 'every', [...ctx.path, 'points', s.model.name, 'generate', 'every']]
      : [s.node as object, 'generate', [...ctx.path, 'points', s.model.name, 'generate']];
  const under = scale === 1 ? 'in real time' : `under time scale ${scale}`;
  const count = (n: number): string => Math.round(n).toLocaleString('en');
  ctx.report.warn(
    'W_GENERATOR_STEPS',
    path,
    node,
    key,
    `every: ${finest.everyMs / 1000} s ${under} asks for ${count(rate)} generator steps per second (this device's stateful generators together); ` +
      `a request computes at most ${count(POINT_STEP_BUDGET)} per point and skips older ones, holding the state over them: use a coarser every or a smaller time scale`,
  );
}

/**
 * A stateless generated point evaluates the stateless points it reads at the same instant, so a
 * loop of them has no value: an error naming the loop. A stateful point in the loop breaks it:
 * others read its value of the last step.
 */
function reportCycles(points: readonly GeneratedPoint[], nodes: ReadonlyMap<GeneratedPoint, Shaped>, ctx: DeviceContext): void {
  const stateless = new Map(points.filter((g) => !g.expression.stateful).map((g) => [g.model.name, g]));
  const edges = (g: GeneratedPoint): GeneratedPoint[] =>
    [...g.expression.references].map((name) => stateless.get(name) ?? stateless.get(name.split('.')[0]!)).filter((x): x is GeneratedPoint => x !== undefined);
  const state = new Map<GeneratedPoint, 'open' | 'done'>();
  const stack: GeneratedPoint[] = [];
  const visit = (g: GeneratedPoint): void => {
    state.set(g, 'open');
    stack.push(g);
    for (const next of edges(g)) {
      if (state.get(next) === 'open') {
        const loop = [...stack.slice(stack.indexOf(next)), next].map((x) => x.model.name);
        const s = nodes.get(next)!;
        ctx.report.error('E_GENERATE_CYCLE', [...ctx.path, 'points', next.model.name, 'generate'], s.node, 'generate', `generators read each other in a loop: ${loop.join(' → ')}; make one of them stateful (lag, slew, prev...) to break it`);
      } else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(g, 'done');
  };
  for (const g of stateless.values()) if (!state.has(g)) visit(g);
}
