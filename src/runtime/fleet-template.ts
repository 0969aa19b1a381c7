/**
 * The templates of a fleet entry (`id`, parameter values): `{i}` is the instance's number in its
 * entry, from 1, and `{i:05}` the same padded with zeros to 5 digits; `{unit}` is its unit id
 * (empty without `units`), `{port}` its port; `{{` and `}}` write a brace. Nothing else may stand
 * in braces (otherPlaceholders finds it for the E_FLEET_TEMPLATE diagnostic).
 */
export interface InstanceVars {
  readonly i: number;
  readonly unit: number | undefined;
  readonly port: number;
}

const TOKEN = /\{\{|\}\}|\{(i|unit|port)(?::0([1-9][0-9]?))?\}/g;

/** The template filled in for one instance, braces unescaped. */
export function fillInstance(template: string, vars: InstanceVars): string {
  return template.replace(TOKEN, (token, name: string | undefined, width: string | undefined) => {
    if (name === undefined) return token[0]!;
    const value = name === 'i' ? vars.i : name === 'unit' ? vars.unit : vars.port;
    const text = value === undefined ? '' : String(value);
    return width === undefined ? text : text.padStart(Number(width), '0');
  });
}

/** The placeholders of a template that are none of the above (`{x}`, `{i:5}`), with the index of their brace. */
export function otherPlaceholders(template: string): { readonly name: string; readonly index: number }[] {
  const found: { name: string; index: number }[] = [];
  for (const m of template.matchAll(/\{\{|\}\}|\{([^{}]*)\}/g)) {
    if (m[1] === undefined || /^(?:i|unit|port)(?::0[1-9][0-9]?)?$/.test(m[1])) continue;
    found.push({ name: m[1], index: m.index });
  }
  return found;
}

/** Whether the template differs from one instance to the next. */
export const variesPerInstance = (template: string): boolean => /\{(?:i|unit|port)(?::0[1-9][0-9]?)?\}/.test(template);
