import type { Environment } from '../environment.js';
import { createFrame } from '../generators/frame.js';
import { compileExpression, type CompiledExpression } from '../generators/compile-expression.js';
import type { PointOverride } from '../model/modes.js';
import type { CompiledPhase, CompiledScenario } from '../model/scenario.js';
import { durationTextMs } from '../profile/duration.js';
import type { DeviceProfile, Phase } from '../profile/types.generated.js';
import { suggest } from '../suggest.js';
import { compileFaultRules, type ServedUnits } from './faults.js';
import type { Entry, Plan } from './plan.js';
import type { Reporter } from './report.js';

/** Nothing to resolve: a phase's expression reads only `t` (and the builtins). */
const NO_NAMES = { resolve: () => undefined, all: () => [] };

/**
 * Checks the profile's `scenarios:` (docs/scenarios.md): phase names unique in their scenario, a
 * duration on every phase that ends, the points and unit ids a phase names served by the device,
 * its fault rules (as `faults:` entries, names unique against the profile's), its expressions.
 */
export function checkScenarios(profile: DeviceProfile, plan: Plan, served: ServedUnits, report: Reporter): void {
  const scenarios = profile.scenarios;
  if (!scenarios) return;
  const points = pointNames(plan);
  const unitIds = servedIds(plan);
  const ruleNames = new Set<string>();
  for (const e of [...plan.entries, plan.other]) if (e.kind === 'device') for (const s of e.faults) for (const f of s.list) ruleNames.add(f.name);
  for (const f of profile.faults ?? []) ruleNames.add(f.name);
  for (const [name, scenario] of Object.entries(scenarios)) {
    const path = ['scenarios', name];
    const seen = new Set<string>();
    scenario.phases.forEach((phase, i) => {
      const at = [...path, 'phases', i];
      if (seen.has(phase.name)) report.error('E_SCENARIO_PHASE', [...at, 'name'], phase, 'name', `scenario ${name} has a phase named ${phase.name} already: phase names are unique in a scenario`);
      seen.add(phase.name);
      const last = i === scenario.phases.length - 1;
      const ms = phase.duration === undefined ? undefined : typeof phase.duration === 'number' ? phase.duration : durationTextMs(phase.duration);
      // A phase of no time would end as it begins: a loop of them would never let time pass.
      if (ms === 0) report.error('E_SCENARIO_PHASE', [...at, 'duration'], phase, 'duration', `phase ${phase.name} lasts no time: give it a duration longer than 0`);
      if (phase.duration === undefined && (scenario.loop === true || !last)) {
        report.error('E_SCENARIO_PHASE', at, scenario.phases, i, `phase ${phase.name} needs a duration: ${scenario.loop ? 'every phase of a looping scenario ends' : 'only the last phase may hold until the scenario is stopped'}`);
      }
      for (const point of [...Object.keys(phase.points ?? {}), ...Object.keys(phase.generate ?? {})]) {
        if (points.has(point)) continue;
        const close = suggest(point, points);
        const key = phase.points && point in phase.points ? 'points' : 'generate';
        report.error('E_SCENARIO_REFERENCE', [...at, key, point], phase[key]!, point, `no point named ${point} in this device${close ? `: did you mean ${close}?` : ''}`);
      }
      for (const [point, text] of Object.entries(phase.generate ?? {})) {
        const result = compilePhaseExpression(String(text));
        if (typeof result === 'string') report.error('E_EXPRESSION', [...at, 'generate', point], phase.generate!, point, result);
      }
      const offline = phase.modes?.offline;
      if (typeof offline === 'object') {
        offline.units?.forEach((id, k) => {
          if (!unitIds.has(id)) report.error('E_SCENARIO_REFERENCE', [...at, 'modes', 'offline', 'units', k], offline.units!, k, `no unit answers unit id ${id} in this profile: units ${[...unitIds].join(', ')}`);
        });
      }
      if (phase.faults) {
        compileFaultRules([{ source: { list: phase.faults, path: at }, unitIds: [...Array(256).keys()] }], served, report);
        phase.faults.forEach((f, k) => {
          if (ruleNames.has(f.name)) report.error('E_FAULT_DUPLICATE', [...at, 'faults', k, 'name'], f, 'name', `a fault rule named ${f.name} exists already in the profile; rule names are unique in a profile, the phases' included`);
        });
      }
    });
  }
}

/** The profile's scenarios for a device compiled with `env` (checkScenarios found no problem). */
export function compileScenarios(profile: DeviceProfile, env: Environment): CompiledScenario[] {
  return Object.entries(profile.scenarios ?? {}).map(([name, s]) => ({
    name,
    ...(s.description !== undefined && { description: s.description }),
    loop: s.loop === true,
    phases: s.phases.map((p) => compilePhase(name, p, env)),
    identity: JSON.stringify(s),
  }));
}

function compilePhase(scenario: string, p: Phase, env: Environment): CompiledPhase {
  const overrides: PointOverride[] = Object.entries(p.points ?? {}).map(([point, value]) => ({ point, value }));
  for (const [point, text] of Object.entries(p.generate ?? {})) {
    const expression = compilePhaseExpression(String(text)) as CompiledExpression;
    overrides.push({ point, value: evaluator(expression, `scenario/${scenario}/${p.name}/${point}`, env) });
  }
  return {
    name: p.name,
    ...(p.description !== undefined && { description: p.description }),
    durationMs: p.duration === undefined ? undefined : typeof p.duration === 'number' ? p.duration : durationTextMs(p.duration),
    faults: p.faults ?? [],
    modes: p.modes ?? {},
    overrides,
  };
}

/** A phase's expression compiled, or why it cannot be one (no state, no points: `t` is the phase's seconds). */
function compilePhaseExpression(text: string): CompiledExpression | string {
  const result = compileExpression(text, NO_NAMES);
  if (!result.ok) return `${result.error.message} (at column ${result.error.index + 1} of the expression)`;
  if (result.expression.stateful) return 'a phase computes its values from t alone: prev, dt and stateful functions (lag, slew, ...) have nothing to start from';
  return result.expression;
}

/** `t` in seconds → the expression's value; its random draws are indexed by the second, on their own streams. */
function evaluator(expression: CompiledExpression, stream: string, env: Environment): (seconds: number) => number {
  const frame = createFrame(expression, stream, 0, env.random, () => Number.NaN);
  return (seconds) => {
    frame.t = seconds;
    frame.index = Math.floor(seconds);
    return expression.evaluate(frame);
  };
}

/** Every point name of every device of the plan: a phase's override applies in each unit that has it. */
function pointNames(plan: Plan): Set<string> {
  const names = new Set<string>();
  for (const e of devices(plan)) for (const [name, p] of e.built.layout.byName) if ('table' in p) names.add(name);
  return names;
}

function servedIds(plan: Plan): Set<number> {
  const ids = new Set<number>();
  for (const e of plan.entries) if (e.kind === 'device') for (const id of e.ids) ids.add(id);
  // A device answering every unit id (a single-device profile, or `unknownUnits` as a device).
  if (plan.other.kind === 'device') for (let id = plan.broadcast ? 1 : 0; id < 256; id++) ids.add(id);
  return ids;
}

function devices(plan: Plan): Extract<Entry, { kind: 'device' }>[] {
  return [...plan.entries, plan.other].filter((e): e is Extract<Entry, { kind: 'device' }> => e.kind === 'device');
}
