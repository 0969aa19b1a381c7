import type { JsonSchema } from './schema.js';

type Resolve = (schema: unknown) => JsonSchema | undefined;

/**
 * The `oneOf` alternative the user evidently meant, so that its errors can be reported instead
 * of ajv's cascade over every alternative. The value's JSON type decides first (`unitId: [1, 2]`
 * means the list form); between object alternatives, the one whose required keys are present
 * (`{ include: ... }` versus an inline device). Undefined when nothing or several fit.
 */
export function chooseBranch(branches: readonly unknown[], data: unknown, resolve: Resolve): unknown {
  const fitting = branches.filter((b) => typeFits(resolve(b), data, resolve));
  if (fitting.length <= 1) return fitting[0];
  if (!isRecord(data)) return undefined;
  const present = (b: unknown): boolean => requiredOf(resolve(b)).every((k) => Object.hasOwn(data, k));
  const keyed = fitting.filter((b) => requiredOf(resolve(b)).length > 0 && present(b));
  if (keyed.length === 1) return keyed[0];
  const satisfied = fitting.filter(present);
  return satisfied.length === 1 ? satisfied[0] : undefined;
}

/** Whether `data` has a JSON type the schema accepts (ignoring every other keyword). */
function typeFits(schema: JsonSchema | undefined, data: unknown, resolve: Resolve): boolean {
  if (!schema) return false;
  if (Array.isArray(schema.oneOf)) return schema.oneOf.some((b) => typeFits(resolve(b), data, resolve));
  const types = typesOf(schema);
  return types === undefined || types.some((t) => jsonTypeIs(data, t));
}

function typesOf(schema: JsonSchema): readonly string[] | undefined {
  if (typeof schema.type === 'string') return [schema.type];
  if (Array.isArray(schema.type)) return schema.type as string[];
  if ('const' in schema) return [jsonType(schema.const)];
  if (Array.isArray(schema.enum)) return schema.enum.map(jsonType);
  if (schema.properties || schema.required || schema.additionalProperties !== undefined) return ['object'];
  return undefined;
}

function requiredOf(schema: JsonSchema | undefined): readonly string[] {
  return Array.isArray(schema?.required) ? (schema.required as string[]) : [];
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function jsonTypeIs(value: unknown, type: string): boolean {
  const actual = jsonType(value);
  return actual === type || (type === 'number' && actual === 'integer');
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
