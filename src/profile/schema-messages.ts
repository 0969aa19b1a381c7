import { nonFiniteNumber } from './non-finite.js';
import type { JsonSchema } from './schema.js';
import { listOf } from './suggest.js';

/** What the user wrote, for "must be X, not Y". */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'an empty value';
  if (typeof value === 'string' && nonFiniteNumber(value) !== undefined)
    return value === '.nan' ? 'not-a-number (.nan)' : `an infinity (${value})`;
  if (typeof value === 'string')
    return `the text ${JSON.stringify(value.length > 40 ? value.slice(0, 37) + '...' : value)}`;
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return String(value);
  // The stand-in for a value that is not plain data says what it was (see non-plain.ts).
  if (typeof value === 'symbol') return value.description ?? 'a value that is not plain data';
  if (Array.isArray(value)) return 'a list';
  return 'a map';
}

const TYPE_NOUNS: Readonly<Record<string, string>> = {
  integer: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  object: 'a map',
  array: 'a list',
  null: 'empty',
};

export function typesNoun(types: unknown): string {
  const list = Array.isArray(types) ? types : String(types).split(',');
  return listOf(list.map((t: string) => TYPE_NOUNS[t] ?? t));
}

/** The schema's patterns in words: a regular expression is no explanation. */
const PATTERNS: Readonly<Record<string, { readonly noun: string; readonly rule: string }>> = {
  '^[A-Za-z_][A-Za-z0-9_]*$': {
    noun: 'a name',
    rule: 'use letters, digits and _, not starting with a digit',
  },
  '^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?$': {
    noun: 'a point name',
    rule: 'name a point, or a bit of a bit field as point.bit',
  },
  '^[A-Za-z_][A-Za-z0-9_-]*$': {
    noun: 'a name',
    rule: 'use letters, digits, _ and -, starting with a letter or _',
  },
  '^(0x[89A-Fa-f][0-9A-Fa-f]|12[89]|1[3-9][0-9]|2[0-4][0-9]|25[0-5])$': {
    noun: 'an object id',
    rule: 'use an id from 0x80 to 0xFF (or 128 to 255)',
  },
  '^-?[0-9]+$': { noun: 'an integer', rule: 'use an integer' },
  '^(-?[0-9]+|0x[0-9A-Fa-f]+)$': {
    noun: 'an integer as text',
    rule: 'write an integer in decimal or hex, such as "-1" or "0xFFFFFFFFFFFFFFFF"',
  },
  '^\\s*[0-9]+(\\.[0-9]+)?\\s*(ms|s|m)\\s*$': {
    noun: 'a duration such as "250ms"',
    rule: 'write a duration as a number and a unit, such as "250ms", "1.5s" or "2m" (or a number of milliseconds)',
  },
  '^\\s*[0-9]{1,3}\\s*-\\s*[0-9]{1,3}\\s*$': {
    noun: 'a range such as "10-19"',
    rule: 'write a range as "first-last", such as "10-19"',
  },
};

export function patternWords(pattern: string): { readonly noun: string; readonly rule: string } {
  return PATTERNS[pattern] ?? { noun: `a string matching /${pattern}/`, rule: `match /${pattern}/` };
}

/** A noun phrase for one alternative of a `oneOf`: `an integer from 0 to 255`, `"zero"`, `a map with "use"`. */
export function describeSchema(schema: JsonSchema | undefined, refName?: string): string {
  if (!schema) return 'something else';
  if ('const' in schema) return JSON.stringify(schema.const);
  if (Array.isArray(schema.enum)) return listOf(schema.enum.map((v) => JSON.stringify(v)));
  if (schema.type === 'integer' || schema.type === 'number') return numberNoun(schema);
  if (schema.type === 'string')
    return typeof schema.pattern === 'string' ? patternWords(schema.pattern).noun : 'a string';
  if (schema.type === 'array') return 'a list';
  if (schema.type === 'object') {
    const required = Array.isArray(schema.required) ? schema.required.map((k) => `"${k}"`) : [];
    if (required.length > 0) return `a map with ${listOf(required, 'and')}`;
    return refName ? `${article(words(refName))} (a map)` : 'a map';
  }
  return schema.type === undefined ? 'something else' : typesNoun(schema.type);
}

function numberNoun(schema: JsonSchema): string {
  const noun = TYPE_NOUNS[String(schema.type)];
  const { minimum: min, maximum: max } = schema;
  if (typeof min === 'number' && typeof max === 'number') return `${noun} from ${min} to ${max}`;
  if (typeof min === 'number') return `${noun} of at least ${min}`;
  if (typeof max === 'number') return `${noun} of at most ${max}`;
  return noun;
}

function article(noun: string): string {
  return `${/^[aeiou]/.test(noun) ? 'an' : 'a'} ${noun}`;
}

/** `UnknownUnits` → `unknown units` */
function words(name: string): string {
  return name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}
