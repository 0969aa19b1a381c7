import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { DURATION_FORMAT, withinDurationLimit } from './duration.js';

export type JsonSchema = { readonly [keyword: string]: unknown };

/** The profile schema compiled once per process, with what error reporting needs to know about it. */
export interface ProfileSchema {
  readonly json: JsonSchema;
  readonly validateProfile: ValidateFunction;
  readonly validateDevice: ValidateFunction;
  /** The schema behind a `$ref`, or the schema itself. */
  resolve(schema: unknown): JsonSchema | undefined;
  /** A validator for any subschema of the profile schema (a `oneOf` branch), by identity. */
  validatorFor(schema: unknown): ValidateFunction | undefined;
  /** `Device`, to recognise keys that only the top level of a profile may have. */
  readonly deviceDefinition: JsonSchema;
}

// Same layout from src/profile/ and dist/profile/: the schema sits at the package root.
const SCHEMA_URL = new URL('../../schemas/device-profile.schema.json', import.meta.url);

const FLEET_SCHEMA_URL = new URL('../../schemas/fleet.schema.json', import.meta.url);

let compiled: ProfileSchema | undefined;
let compiledFleet: ProfileSchema | undefined;

/** Compiling the schema costs tens of milliseconds: once per process, on first use. */
export function profileSchema(): ProfileSchema {
  compiled ??= compile(JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as JsonSchema);
  return compiled;
}

/** The fleet file's schema (docs/fleets.md), compiled like the profile's, so its errors read the same. */
export function fleetSchema(): ProfileSchema {
  compiledFleet ??= compile(JSON.parse(readFileSync(FLEET_SCHEMA_URL, 'utf8')) as JsonSchema, null);
  return compiledFleet;
}

/** `device`: the definition a profile's units and templates share; a schema without one (the fleet's) has none. */
function compile(json: JsonSchema, device: string | null = 'Device'): ProfileSchema {
  const ajv = new Ajv({
    allErrors: true,
    discriminator: true,
    strict: true,
    strictRequired: false,
    allowUnionTypes: true,
    // Errors then carry the failing subschema and value, so `oneOf` failures can be re-examined.
    verbose: true,
  });
  // A Duration text within what a timer can hold (limits.ts); editors, which do not know the format, ignore it.
  ajv.addFormat(DURATION_FORMAT, { type: 'string', validate: withinDurationLimit });
  ajv.addSchema(json);
  const id = String(json.$id);
  const pointers = pointersOf(json);
  const validators = new Map<string, ValidateFunction>();
  const definitions = json.definitions as Record<string, JsonSchema>;

  const validatorAt = (pointer: string): ValidateFunction => {
    let validate = validators.get(pointer);
    if (!validate) {
      validate = ajv.getSchema(`${id}#${pointer}`);
      if (!validate) throw new Error(`profile schema has no subschema at ${pointer}`);
      validators.set(pointer, validate);
    }
    return validate;
  };

  return {
    json,
    validateProfile: validatorAt(''),
    validateDevice: validatorAt(device === null ? '' : `/definitions/${device}`),
    deviceDefinition: device === null ? {} : definitions[device]!,
    resolve(schema) {
      if (typeof schema !== 'object' || schema === null) return undefined;
      const ref = (schema as JsonSchema).$ref;
      if (typeof ref === 'string' && ref.startsWith('#/definitions/')) return definitions[ref.slice(14)];
      return schema as JsonSchema;
    },
    validatorFor(schema) {
      const pointer = typeof schema === 'object' && schema !== null ? pointers.get(schema) : undefined;
      return pointer === undefined ? undefined : validatorAt(pointer);
    },
  };
}

/** JSON pointer of every subschema object, keyed by identity (ajv's verbose errors share them). */
function pointersOf(root: JsonSchema): Map<object, string> {
  const pointers = new Map<object, string>();
  const walk = (node: unknown, pointer: string): void => {
    if (typeof node !== 'object' || node === null || pointers.has(node)) return;
    pointers.set(node, pointer);
    for (const [key, child] of Object.entries(node))
      walk(child, `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
  };
  walk(root, '');
  return pointers;
}

/** The parsed JSON schema of profiles (for `modbus-emu schema` and editors); a fresh copy each call. */
export function getProfileSchema(): object {
  return structuredClone(profileSchema().json);
}
