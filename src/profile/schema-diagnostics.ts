import type { ErrorObject } from 'ajv';
import { formatPath, type Diagnostic, type SourceLocation } from './diagnostics.js';
import { chooseBranch, isRecord } from './one-of.js';
import type { ProfileSchema } from './schema.js';
import { describeSchema, describeValue } from './schema-messages.js';
import { explainError, type Located } from './schema-error-message.js';
import type { SourceMap } from './source-map.js';
import { listOf } from './suggest.js';

type Segment = string | number;

export interface SchemaErrorContext {
  readonly schema: ProfileSchema;
  /** The value that was validated. */
  readonly root: unknown;
  readonly sourceMap: SourceMap;
  /** Where the document starts, for problems with the whole document when it is not a map. */
  readonly rootLocation?: SourceLocation;
}

/**
 * ajv's errors as one diagnostic per mistake. Every `oneOf` failure is re-examined against the
 * alternative the user meant (see chooseBranch), or else becomes one sentence listing what is
 * accepted; where a value has the wrong type, that is the only thing said about it.
 */
export function schemaDiagnostics(errors: readonly ErrorObject[], ctx: SchemaErrorContext): Diagnostic[] {
  return collect(errors, [], ctx);
}

function collect(errors: readonly ErrorObject[], prefix: readonly Segment[], ctx: SchemaErrorContext): Diagnostic[] {
  const located: Located[] = errors.map((error) => ({
    error,
    path: [...prefix, ...segmentsOf(error.instancePath, valueAt(ctx.root, prefix))],
  }));
  const outer = outermostOneOfs(located);
  const outerPaths = new Set(outer.map((o) => pathKey(o.path)));
  const claimed = (path: readonly Segment[]): boolean => hasPrefixIn(path, outerPaths);
  const diagnostics = plainDiagnostics(
    located.filter((l) => !claimed(l.path)),
    ctx,
  );
  for (const oneOf of outer) diagnostics.push(...explainOneOf(oneOf, ctx));
  return diagnostics;
}

/** A `oneOf` error's alternatives reported errors at its path and below: it owns them all. */
function outermostOneOfs(located: readonly Located[]): Located[] {
  const oneOfs = located
    .map((l, index) => ({ l, index }))
    .filter(({ l }) => l.error.keyword === 'oneOf')
    // ajv reports an inner oneOf before the outer one at the same path.
    .sort((a, b) => a.l.path.length - b.l.path.length || b.index - a.index);
  const outer: Located[] = [];
  const outerPaths = new Set<string>();
  for (const { l } of oneOfs) {
    if (hasPrefixIn(l.path, outerPaths)) continue;
    outer.push(l);
    outerPaths.add(pathKey(l.path));
  }
  return outer;
}

/**
 * Whether `path` or one of its prefixes is in `paths` (pathKey form). By lookup rather than by
 * comparing with every path: a profile with thousands of mistaken units has thousands of them.
 */
function hasPrefixIn(path: readonly Segment[], paths: ReadonlySet<string>): boolean {
  for (let n = 0; n <= path.length; n++) if (paths.has(pathKey(path.slice(0, n)))) return true;
  return false;
}

function explainOneOf(oneOf: Located, ctx: SchemaErrorContext): Diagnostic[] {
  const branches = Array.isArray(oneOf.error.schema) ? (oneOf.error.schema as unknown[]) : [];
  const data = oneOf.error.data;
  const chosen = chooseBranch(branches, data, ctx.schema.resolve);
  const validate = chosen === undefined ? undefined : ctx.schema.validatorFor(chosen);
  if (validate && !validate(data) && validate.errors) {
    const nested = collect([...validate.errors], oneOf.path, ctx);
    if (nested.length > 0) return nested;
  }
  const accepted = branches.map((b) => describeSchema(ctx.schema.resolve(b), refName(b)));
  return [
    {
      code: chosen === undefined ? 'E_SCHEMA_TYPE' : 'E_SCHEMA',
      message: `must be ${listOf(accepted)}, not ${describeValue(data)}`,
      path: formatPath(oneOf.path),
      location: valueLocation(oneOf.path, ctx),
    },
  ];
}

function plainDiagnostics(located: readonly Located[], ctx: SchemaErrorContext): Diagnostic[] {
  const mistyped = new Set(located.filter((l) => l.error.keyword === 'type').map((l) => pathKey(l.path)));
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const l of located) {
    if (mistyped.has(pathKey(l.path)) && l.error.keyword !== 'type') continue;
    if (isEcho(l.error)) continue;
    const d = explainError(l, {
      value: (path) => valueLocation(path, ctx),
      key: (path, key) => keyLocation(path, key, ctx),
      resolve: ctx.schema.resolve,
      deviceDefinition: ctx.schema.deviceDefinition,
      topLevelKeys: Object.keys((ctx.schema.json.properties ?? {}) as object),
      objectAt: (path) => valueAt(ctx.root, path),
    });
    const id = `${d.code}|${d.path}|${d.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(d);
  }
  return out;
}

/** Errors that only repeat another one: a name's pattern (see propertyNames), a missing tag (see required). */
function isEcho(error: ErrorObject): boolean {
  if ((error as { propertyName?: string }).propertyName !== undefined) return true;
  return error.keyword === 'discriminator' && error.params.error === 'tag' && error.params.tagValue === undefined;
}

function valueLocation(path: readonly Segment[], ctx: SchemaErrorContext): SourceLocation | undefined {
  if (path.length === 0)
    return isObject(ctx.root) ? (ctx.sourceMap.locate(ctx.root) ?? ctx.rootLocation) : ctx.rootLocation;
  const parent = valueAt(ctx.root, path.slice(0, -1));
  return isObject(parent) ? ctx.sourceMap.locate(parent, path[path.length - 1]) : undefined;
}

function keyLocation(path: readonly Segment[], key: string, ctx: SchemaErrorContext): SourceLocation | undefined {
  const object = valueAt(ctx.root, path);
  return isObject(object) ? ctx.sourceMap.locateKey(object, key) : valueLocation(path, ctx);
}

function segmentsOf(instancePath: string, base: unknown): Segment[] {
  if (instancePath === '') return [];
  const segments: Segment[] = [];
  let current = base;
  for (const raw of instancePath.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const segment = Array.isArray(current) ? Number(key) : key;
    segments.push(segment);
    current = child(current, segment);
  }
  return segments;
}

function valueAt(root: unknown, path: readonly Segment[]): unknown {
  let current = root;
  for (const segment of path) current = child(current, segment);
  return current;
}

function child(value: unknown, segment: Segment): unknown {
  return isObject(value) && Object.hasOwn(value, segment) ? (value as Record<Segment, unknown>)[segment] : undefined;
}

function refName(branch: unknown): string | undefined {
  const ref = isRecord(branch) ? branch.$ref : undefined;
  return typeof ref === 'string' ? ref.split('/').pop() : undefined;
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

function pathKey(path: readonly Segment[]): string {
  return JSON.stringify(path);
}
