import { formatPath } from '../profile/diagnostics.js';
import { explainError, type Located, type Locator } from '../profile/schema-error-message.js';
import { describeValue, typesNoun } from '../profile/schema-messages.js';

/** One ajv error (ajv itself is read only in profile/). */
type ErrorObject = Located['error'];

/** Nothing of a request has a source location; the schemas are inline (no $ref to resolve). */
const REQUEST: Locator = {
  value: () => undefined,
  key: () => undefined,
  objectAt: () => undefined,
  resolve: (schema) => schema as never,
  deviceDefinition: {},
  topLevelKeys: [],
};

/**
 * fastify's validation errors (ajv, `verbose` so that each carries the data and schema it judged)
 * as one sentence naming the part of the request: `body.value: must be a number, true or false, a
 * text or a map, not a list`. The profile loader's wording is reused, so the control channel
 * speaks as `validate` does. An `anyOf` whose branches all failed on type becomes one "must be
 * A, B or C"; otherwise the most specific error (a wrong field, an unknown key) is named.
 */
export function describeValidation(errors: readonly ErrorObject[], context: string): string {
  const branches = errors.filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'oneOf');
  const where = (e: ErrorObject): string => formatPath([context, ...e.instancePath.split('/').slice(1).map(segment)]);
  const first = branches[0] ?? errors[0];
  if (!first) return `${context} is not valid`;
  const samePlaceTypes = branches.every((e) => e.keyword === 'type' && e.instancePath === first.instancePath);
  if (samePlaceTypes && branches.length > 1) {
    return `${where(first)}: must be ${typesNoun(branches.flatMap((e) => [e.params.type as string].flat()))}, not ${describeValue(first.data)}`;
  }
  const specific = branches.find((e) => e.keyword !== 'type') ?? first;
  return `${where(specific)}: ${explainError({ error: specific, path: [] }, REQUEST).message}`;
}

/** One JSON Pointer segment (RFC 6901 escapes undone); an array index as a number, shown `[0]`. */
const segment = (s: string): string | number => (/^\d+$/.test(s) ? Number(s) : s.replace(/~1/g, '/').replace(/~0/g, '~'));
