import type { ErrorObject } from 'ajv';
import { formatPath, type Diagnostic, type DiagnosticCode, type SourceLocation } from './diagnostics.js';
import { isRecord } from './one-of.js';
import type { JsonSchema } from './schema.js';
import { describeValue, patternWords, typesNoun } from './schema-messages.js';
import { listOf, suggest } from './suggest.js';

type Segment = string | number;

export interface Located {
  readonly error: ErrorObject;
  /** Where the error is, from the root of the validated document. */
  readonly path: readonly Segment[];
}

export interface Locator {
  value(path: readonly Segment[]): SourceLocation | undefined;
  key(path: readonly Segment[], key: string): SourceLocation | undefined;
  objectAt(path: readonly Segment[]): unknown;
  resolve(schema: unknown): JsonSchema | undefined;
  readonly deviceDefinition: JsonSchema;
  readonly topLevelKeys: readonly string[];
}

/** What the keys of these maps are, for messages about a badly formed name. */
const NAME_KINDS: Readonly<Record<string, string>> = {
  points: 'point name',
  templates: 'template name',
  bits: 'bit name',
  privateObjects: 'object id',
  enum: 'enum value',
};

/** One ajv error (of any keyword but `oneOf`) as a diagnostic with a stable code. */
export function explainError({ error, path }: Located, at: Locator): Diagnostic {
  const { params, data } = error;
  const here = (code: DiagnosticCode, message: string): Diagnostic => ({
    code,
    message,
    path: formatPath(path),
    location: at.value(path),
  });
  switch (error.keyword) {
    case 'type':
      return here('E_SCHEMA_TYPE', `must be ${typesNoun(params.type)}, not ${describeValue(data)}`);
    case 'enum':
      return here('E_SCHEMA_ENUM', notOneOf(data, (params.allowedValues as unknown[]).map(String)));
    case 'const':
      return here('E_SCHEMA_ENUM', `must be ${JSON.stringify(params.allowedValue)}, not ${describeValue(data)}`);
    case 'required':
      return here('E_SCHEMA_REQUIRED', `missing required key "${params.missingProperty}"`);
    case 'additionalProperties':
      return unknownKey(String(params.additionalProperty), error, path, at);
    case 'propertyNames': {
      const name = String(params.propertyName);
      const last = path[path.length - 1];
      const kind = (typeof last === 'string' && NAME_KINDS[last]) || 'key';
      const pattern = (error.schema as JsonSchema | undefined)?.pattern;
      const rule = typeof pattern === 'string' ? patternWords(pattern).rule : 'rename it';
      return {
        code: 'E_SCHEMA_PATTERN',
        message: `${kind} "${name}" is not valid: ${rule}`,
        path: formatPath(path),
        location: at.key(path, name),
      };
    }
    case 'pattern':
      return here(
        'E_SCHEMA_PATTERN',
        `${describeValue(data)} is not valid: ${patternWords(String(params.pattern)).rule}`,
      );
    case 'minimum':
    case 'exclusiveMinimum':
    case 'maximum':
    case 'exclusiveMaximum':
      return here('E_SCHEMA_RANGE', `must be ${RANGE_WORDS[error.keyword]} ${params.limit}, not ${data}`);
    case 'minLength':
    case 'maxLength':
    case 'minItems':
    case 'maxItems':
      return here('E_SCHEMA_LENGTH', lengthMessage(error.keyword, Number(params.limit)));
    case 'discriminator':
      return pointType(error, path, at);
    case 'not':
      return here(
        'E_SCHEMA',
        isRecord(error.schema) && 'const' in error.schema
          ? `must not be ${JSON.stringify(error.schema.const)}`
          : 'is not allowed here',
      );
    default:
      return here('E_SCHEMA', error.message ?? `fails the schema's "${error.keyword}" rule`);
  }
}

const RANGE_WORDS: Readonly<Record<string, string>> = {
  minimum: 'at least',
  exclusiveMinimum: 'more than',
  maximum: 'at most',
  exclusiveMaximum: 'less than',
};

function lengthMessage(keyword: string, limit: number): string {
  if (keyword === 'minLength') return limit === 1 ? 'must not be empty' : `must have at least ${limit} characters`;
  if (keyword === 'maxLength') return `must have at most ${limit} characters`;
  if (keyword === 'minItems') return limit === 1 ? 'must list at least one item' : `must list at least ${limit} items`;
  return `may list at most ${limit} items`;
}

function notOneOf(data: unknown, allowed: readonly string[]): string {
  const what = typeof data === 'symbol' ? describeValue(data) : JSON.stringify(data);
  return `${what} is not one of ${listOf(allowed)}${didYouMean(data, allowed)}`;
}

function didYouMean(data: unknown, allowed: readonly string[], fallback?: string): string {
  const guess = (typeof data === 'string' ? suggest(data, allowed) : undefined) ?? fallback;
  return guess ? `; did you mean "${guess}"?` : '';
}

function unknownKey(key: string, error: ErrorObject, path: readonly Segment[], at: Locator): Diagnostic {
  const schema = error.parentSchema as JsonSchema | undefined;
  const present = at.objectAt(path);
  const known = Object.keys((schema?.properties ?? {}) as object).filter(
    (k) => !(isRecord(present) && Object.hasOwn(present, k)),
  );
  let message = `unknown key "${key}"`;
  const guess = suggest(key, known);
  if (guess) message += `; did you mean "${guess}"?`;
  else if (schema === at.deviceDefinition && at.topLevelKeys.includes(key)) {
    message += ': a device definition cannot set it, only the top level of the main profile';
  }
  return { code: 'E_SCHEMA_UNKNOWN_KEY', message, path: formatPath(path), location: at.key(path, key) };
}

/** The discriminator picks the point's schema by `type`; a type it does not know gets named here. */
function pointType(error: ErrorObject, path: readonly Segment[], at: Locator): Diagnostic {
  const types = pointTypes(error.parentSchema as JsonSchema | undefined, at.resolve);
  const value = error.params.tagValue;
  const message =
    typeof value === 'string'
      ? `type "${value}" is not a point type${didYouMean(value, types, widthless(value, types))}${types.length > 0 ? ` (types: ${types.join(', ')})` : ''}`
      : `type must be the name of a point type: ${types.join(', ')}`;
  return {
    code: 'E_SCHEMA_POINT_TYPE',
    message,
    path: formatPath([...path, 'type']),
    location: at.value([...path, 'type']),
  };
}

/** A type named without its width (`float`, `int`, `bitfield`): the first type it begins (`float32`). */
function widthless(value: string, types: readonly string[]): string | undefined {
  const word = value.toLowerCase();
  return /^[a-z]+$/.test(word) ? types.find((t) => t.startsWith(word) && /^\d+$/.test(t.slice(word.length))) : undefined;
}

function pointTypes(point: JsonSchema | undefined, resolve: Locator['resolve']): string[] {
  const types: string[] = [];
  for (const branch of Array.isArray(point?.oneOf) ? point.oneOf : []) {
    const schema = resolve(branch);
    const tag = isRecord(schema?.properties) ? (schema.properties.type as JsonSchema | undefined) : undefined;
    if (tag && 'const' in tag) types.push(String(tag.const));
    if (tag && Array.isArray(tag.enum)) types.push(...tag.enum.map(String));
  }
  return types;
}
