/**
 * A profile is plain data: maps, lists, strings, numbers, booleans and null. Anything else (a
 * YAML `!!binary` or `!!set`, a `Date` or `Uint8Array` given through the API) is replaced by a
 * stand-in that fails every type in the schema, so it becomes one "must be a map, not binary
 * data" at its position, and nothing downstream (pruning, includes, the compiler) ever meets it.
 * A symbol fails every JSON type ajv checks, and its description says what the value was.
 */
export function notPlain(what: string): symbol {
  return Symbol(what);
}

const YAML_TAG_PREFIX = 'tag:yaml.org,2002:';

/** What the core schema turns each of its tags into; a tag it could not apply leaves a string. */
const CORE_TAGS: Readonly<Record<string, (value: unknown) => boolean>> = {
  str: (v) => typeof v === 'string',
  int: (v) => typeof v === 'number',
  float: (v) => typeof v === 'number',
  bool: (v) => typeof v === 'boolean',
  null: (v) => v === null,
  map: () => true,
  seq: () => true,
};

const KNOWN_TAGS: Readonly<Record<string, string>> = {
  binary: 'binary data (!!binary)',
  timestamp: 'a timestamp (!!timestamp)',
  set: 'a set (!!set)',
  omap: 'an ordered map (!!omap)',
  pairs: 'a list of pairs (!!pairs)',
};

/**
 * Why a YAML node with this explicit tag is not plain data, or undefined when it is (no tag,
 * `!`, or a core tag that applied: `!!str 12` is the text "12").
 */
export function nonPlainTag(tag: string | undefined, value: unknown): string | undefined {
  if (tag === undefined || tag === '!') return undefined;
  const short = tag.startsWith(YAML_TAG_PREFIX) ? tag.slice(YAML_TAG_PREFIX.length) : undefined;
  if (short !== undefined) {
    const fits = CORE_TAGS[short];
    if (fits) return fits(value) ? undefined : `a value YAML cannot read as !!${short}`;
    if (KNOWN_TAGS[short]) return KNOWN_TAGS[short];
  }
  return `a value with the unknown tag ${short === undefined ? tag : '!!' + short}`;
}

/** Why an API value is not plain data, or undefined when it is a primitive, plain object or array. */
export function nonPlainValue(value: unknown): string | undefined {
  switch (typeof value) {
    case 'function':
      return 'a function';
    case 'symbol':
      return 'a symbol';
    case 'bigint':
      return `the bigint ${value}n`;
    case 'object': {
      if (value === null || Array.isArray(value)) return undefined;
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto === Object.prototype || proto === null) return undefined;
      const name = (value as { constructor?: { name?: string } }).constructor?.name || 'an unnamed class';
      if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return `binary data (${name})`;
      if (value instanceof Date) return 'a Date';
      if (value instanceof Map) return 'a Map';
      if (value instanceof Set) return 'a Set';
      return `an instance of ${name}`;
    }
    default:
      return undefined;
  }
}
