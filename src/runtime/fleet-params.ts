import type { Diagnostic, SourceLocation } from '../profile/diagnostics.js';
import type { FleetEntry, LoadedFleet } from '../profile/fleet-file.js';
import { compileExpression, type CompiledExpression } from '../generators/compile-expression.js';
import type { Frame } from '../generators/frame.js';
import type { ParamValues } from '../model/params.js';
import { suggest } from '../suggest.js';
import { fillInstance, otherPlaceholders, variesPerInstance, type InstanceVars } from './fleet-template.js';
import { seededRandom } from './random.js';

/** One instance's parameter values (every declared one: the entry's, else the profile's default), or undefined after a problem was reported. */
export type InstanceParams = (vars: InstanceVars, seed: number) => ParamValues | undefined;

/** What an expression may read besides numbers and functions: the instance variables. */
const INSTANCE_NAMES = ['i', 'unit', 'port'] as const;

/**
 * An entry's `params:` against the parameters its profile declares (`defaults`), checked once:
 * unknown names (E_UNKNOWN_PARAM), templates (E_FLEET_TEMPLATE), expressions (E_PARAM_VALUE)
 * are reported into `diagnostics` with their place in the fleet file. For a number parameter a
 * string is an expression of the generator language (docs/generators.md) evaluated once per
 * instance: `i`, `unit` and `port` read the instance's, and random draws come from the
 * instance's seed (stream `params/<name>`), so instances differ and a run replays.
 */
export function entryParams(entry: FleetEntry, defaults: ParamValues, loaded: LoadedFleet, path: string, diagnostics: Diagnostic[]): InstanceParams {
  const written = entry.params ?? {};
  const report = (code: Diagnostic['code'], key: string, message: string, location: SourceLocation | undefined): void => {
    diagnostics.push({ code, message, path: `${path}.params.${key}`, ...(location && { location }) });
  };
  const makers: [string, (vars: InstanceVars, seed: number) => number | string | undefined][] = [];
  for (const [name, value] of Object.entries(written)) {
    if (!Object.hasOwn(defaults, name)) {
      const close = suggest(name, Object.keys(defaults));
      const declared = Object.keys(defaults);
      report('E_UNKNOWN_PARAM', name, `${entry.profile} declares no parameter ${name}${close ? `: did you mean ${close}?` : ''} (${declared.length ? `params: ${declared.join(', ')}` : 'it declares no params:'})`, loaded.locateKey(written, name));
      continue;
    }
    if (typeof value === 'string') {
      const wrong = otherPlaceholders(value);
      if (wrong.length > 0) {
        for (const w of wrong) report('E_FLEET_TEMPLATE', name, `{${w.name}} is not an instance variable: a fleet template knows {i} (or {i:05}, padded), {unit} and {port}; {{ and }} write a brace`, loaded.locateInside(written, name, w.index));
        continue;
      }
    }
    const numeric = typeof defaults[name] === 'number';
    if (typeof value === 'number') makers.push([name, () => (numeric ? value : String(value))]);
    else if (!numeric) makers.push([name, (vars) => fillInstance(value, vars)]);
    else {
      const made = numberParam(name, value, (message, index) => report('E_PARAM_VALUE', name, message, index === undefined ? loaded.locate(written, name) : loaded.locateInside(written, name, index)));
      if (made) makers.push([name, made]);
    }
  }
  return (vars, seed) => {
    const values: Record<string, number | string> = { ...defaults };
    for (const [name, make] of makers) {
      const v = make(vars, seed);
      if (v === undefined) return undefined;
      values[name] = v;
    }
    return values;
  };
}

/**
 * A number parameter's expression as a function of the instance. A text with `{i}` is compiled
 * for each distinct text (kept); one without, once. Each problem is reported once.
 */
function numberParam(name: string, text: string, report: (message: string, index?: number) => void): ((vars: InstanceVars, seed: number) => number | undefined) | undefined {
  let vars: InstanceVars = { i: 1, unit: undefined, port: 0 };
  const names = {
    resolve: (n: string) => ((INSTANCE_NAMES as readonly string[]).includes(n) ? () => Number(vars[n as keyof InstanceVars] ?? NaN) : undefined),
    all: () => INSTANCE_NAMES,
  };
  const compiled = new Map<string, CompiledExpression | null>();
  let reported = false;
  const once = (message: string, index?: number): undefined => {
    if (!reported) report(message, index);
    reported = true;
    return undefined;
  };
  const compile = (source: string, varied: boolean): CompiledExpression | null => {
    let c = compiled.get(source);
    if (c !== undefined) return c;
    const result = compileExpression(source, names);
    if (!result.ok) once(`${result.error.message}${varied ? ` (in "${source}")` : ''}: a number parameter is a number or an expression of i, unit, port and random draws`, varied ? undefined : result.error.index);
    else if (result.expression.stateful || result.expression.timed) once(`"${source}" is evaluated once per instance: t, dt, prev and stateful functions have no meaning here`);
    c = result.ok && !result.expression.stateful && !result.expression.timed ? result.expression : null;
    compiled.set(source, c);
    return c;
  };
  const varied = variesPerInstance(text);
  if (!varied && compile(text, false) === null) return undefined;
  return (v, seed) => {
    vars = v;
    const expression = compile(varied ? fillInstance(text, v) : text, varied);
    if (expression === null) return undefined;
    const value = expression.evaluate(frameFor(expression, name, seed));
    if (!Number.isFinite(value)) return once(`${text} gives ${value} for instance ${v.i}: a parameter is a finite number`);
    return value;
  };
}

/** A frame for one evaluation at t = 0, its random draws from the instance's seed. */
function frameFor(expression: CompiledExpression, name: string, seed: number): Frame {
  return {
    t: 0,
    dt: 0,
    prev: 0,
    index: 0,
    slots: new Float64Array(expression.slots.length),
    streams: Array.from({ length: expression.streams }, (_, k) => `params/${name}#${k}`),
    drawnAt: new Float64Array(expression.streams).fill(-1),
    drawn: new Float64Array(expression.streams),
    random: seededRandom(seed),
    point: () => NaN,
  };
}
