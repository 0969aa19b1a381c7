/**
 * Profile parameters in strings (docs/fleets.md#parameters): `{name}` is replaced by the
 * parameter's value, `{{` and `}}` stand for one brace. Only profiles that declare `params:`
 * read their strings so; in any other profile a brace is just a brace.
 */

/** A device's parameter values by name: numbers (also read by expressions) or strings. */
export type ParamValues = Readonly<Record<string, number | string>>;

const TOKEN = /\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** The parameter names a template uses, with the index of each `{` (for positions in messages). */
export function placeholders(template: string): { readonly name: string; readonly index: number }[] {
  const found: { name: string; index: number }[] = [];
  for (const m of template.matchAll(TOKEN)) if (m[1] !== undefined) found.push({ name: m[1], index: m.index });
  return found;
}

/** Whether the text changes when filled in (it has a placeholder or an escaped brace). */
export function isTemplate(template: string): boolean {
  return /\{\{|\}\}|\{[A-Za-z_][A-Za-z0-9_]*\}/.test(template);
}

/** The template with each `{name}` replaced by its value in `values`, else in `defaults` (left as is when neither has it). */
export function fillTemplate(template: string, values: ParamValues | undefined, defaults: ParamValues): string {
  return template.replace(TOKEN, (token, name: string | undefined) => {
    if (name === undefined) return token[0]!;
    const value = values?.[name] ?? defaults[name];
    return value === undefined ? token : String(value);
  });
}
