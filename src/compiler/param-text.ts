import { fillTemplate, isTemplate, placeholders } from '../model/params.js';
import { suggest } from '../suggest.js';
import type { Path, Reporter } from './report.js';

/** A string of the profile as the parameters' defaults fill it in, and whether it depends on them. */
export interface ParamText {
  readonly text: string;
  /** The string as written, when it has placeholders or escaped braces: filled in again per device. */
  readonly template: string | undefined;
}

/**
 * Reads a string value of a profile that declares `params:` (model/params.ts): every `{name}`
 * must name a parameter (E_UNKNOWN_PARAM at the brace, otherwise), and the text is checked
 * as the defaults fill it in. In a profile without `params:` the string is what it says.
 */
export function paramText(value: string, node: object, key: string | number, path: Path, report: Reporter): ParamText {
  const params = report.params;
  if (params === undefined || !isTemplate(value)) return { text: value, template: undefined };
  for (const { name, index } of placeholders(value)) {
    if (Object.hasOwn(params, name)) continue;
    const close = suggest(name, Object.keys(params));
    report.error('E_UNKNOWN_PARAM', path, node, key, `{${name}} names no parameter of this profile${close ? `: did you mean {${close}}?` : ''} (params: ${Object.keys(params).join(', ') || 'none'}; {{ and }} write a brace)`, index);
  }
  return { text: fillTemplate(value, undefined, params), template: value };
}
