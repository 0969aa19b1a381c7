/** Where something is in a profile: 1-based line and column, as editors show them. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/**
 * Every code a diagnostic can carry: stable, so tests and tools assert codes, not wording.
 * E_YAML_* and E_FILE_* come from reading, E_SCHEMA_* from the JSON Schema, the rest from the
 * semantic checks of the compiler.
 */
export type DiagnosticCode =
  | 'E_FILE_NOT_FOUND' | 'E_FILE_READ' | 'E_EMPTY' | 'E_MULTIPLE_DOCUMENTS'
  | 'E_YAML_SYNTAX' | 'E_YAML_KEY' | 'E_YAML_MERGE' | 'E_DUPLICATE_KEY'
  | 'E_INCLUDE_NOT_FOUND' | 'E_INCLUDE_READ'
  | 'E_SCHEMA' | 'E_SCHEMA_ENUM' | 'E_SCHEMA_LENGTH' | 'E_SCHEMA_PATTERN' | 'E_SCHEMA_POINT_TYPE' | 'E_SCHEMA_RANGE'
  | 'E_SCHEMA_REQUIRED' | 'E_SCHEMA_TYPE' | 'E_SCHEMA_UNKNOWN_KEY'
  | 'E_ADDRESS_RANGE' | 'E_ADDRESS_TABLE' | 'E_ALIAS_MISMATCH' | 'E_BIT_OVERLAP' | 'E_BIT_RANGE'
  | 'E_BLOCK_LENGTH' | 'E_BLOCK_OVERLAP' | 'E_BLOCK_PAST_END' | 'E_BLOCK_VALUES' | 'E_GATEWAY_AND_DEVICE'
  | 'E_IDENTIFICATION' | 'E_OVERLAP' | 'E_POINT_PAST_END' | 'E_RANGE_EMPTY' | 'E_SCALE_CONFLICT'
  | 'E_SCALE_FACTOR_TYPE' | 'E_STRING_NOT_ASCII' | 'E_STRING_TOO_LONG' | 'E_TABLE_ALIASED' | 'E_TABLE_TYPE'
  | 'E_UNIT_BROADCAST' | 'E_UNIT_DUPLICATE' | 'E_UNIT_RANGE' | 'E_UNIT_SOURCE' | 'E_UNKNOWN_BIT'
  | 'E_UNKNOWN_REFERENCE' | 'E_UNKNOWN_TEMPLATE' | 'E_VALUE_CONFLICT' | 'E_VALUE_ENUM' | 'E_VALUE_RANGE' | 'E_VALUE_TYPE'
  | 'E_ENUM_STRICT' | 'E_EXPRESSION' | 'E_ALLOW_ADDRESS' | 'E_SERIAL_TRANSPORT' | 'E_GENERATE_CYCLE' | 'E_FAULT_DUPLICATE' | 'E_FAULT_POINT' | 'E_FAULT_RANGE' | 'E_FAULT_OUT_OF_ORDER'
  | 'E_NAME_CONFLICT' | 'E_UNKNOWN_STATE' | 'E_SET_TARGET' | 'E_TRANSITION'
  /** Modbus/TCP Security rights (`security:`): an unknown point, an empty range, `noRole` naming no role. */
  | 'E_SECURITY_POINT' | 'E_SECURITY_RANGE' | 'E_SECURITY_ROLE'
  /** Parameters (`params:`) and fleet files (docs/fleets.md). */
  | 'E_UNKNOWN_PARAM' | 'E_PARAM_VALUE' | 'E_FLEET_ID' | 'E_FLEET_PORT' | 'E_FLEET_TEMPLATE'
  /** A scenario's phase: a point or unit id it names that is not served, a phase name given twice, a phase that ends without a duration. */
  | 'E_SCENARIO_REFERENCE' | 'E_SCENARIO_PHASE'
  /** Past a bound of limits.ts: nesting too deep, a file too large or not a regular file, an include outside the folder allowed. */
  | 'E_TOO_DEEP' | 'E_FILE_TOO_LARGE' | 'E_FILE_TYPE' | 'E_INCLUDE_OUTSIDE' | 'E_INCLUDE_INVALID'
  /** Warnings (Reporter.warn), never errors: a fault rule that can never match, a `value` no read can see, a state no transition enters, a condition that never holds, a write rule no client write reaches. */
  | 'W_FAULT_NEVER_MATCHES' | 'W_VALUE_NEVER_SERVED' | 'W_STATE_UNREACHABLE' | 'W_NEVER_TRUE' | 'W_RULE_UNCHECKED'
  /** A warning: generators whose steps outrun what a request may compute (`every` too fine for the time scale). */
  | 'W_GENERATOR_STEPS';

/**
 * One problem found in a profile. `code` is stable (tests assert codes, not wording); `path` is
 * the dotted path inside the document (`points.speed`, `units[2].unitId`); `message` is a
 * sentence a person understands.
 */
export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly message: string;
  readonly path: string;
  readonly location?: SourceLocation;
}

/** `devices/pump.yaml:14:7 points.speed: float32 needs 2 registers; address 65535 leaves 1 [E_POINT_PAST_END]` */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.location ? `${d.location.file}:${d.location.line}:${d.location.column} ` : '';
  const path = d.path ? `${d.path}: ` : '';
  return `${where}${path}${d.message} [${d.code}]`;
}

/** Dotted path for diagnostics: ['units', 2, 'unitId'] → `units[2].unitId`. */
export function formatPath(segments: readonly (string | number)[]): string {
  let out = '';
  for (const s of segments) out += typeof s === 'number' ? `[${s}]` : out ? `.${s}` : s;
  return out;
}

/** The one diagnostic for maps and lists nested past MAX_PROFILE_DEPTH (limits.ts), at `path`. */
export function tooDeep(path: readonly (string | number)[], maxDepth: number, location?: SourceLocation): Diagnostic {
  return { code: 'E_TOO_DEEP', message: `maps and lists nest more than ${maxDepth} levels deep here: a profile may nest at most ${maxDepth}`, path: formatPath(path), ...(location && { location }) };
}

/** Thrown only at the API edge (startEmulator) to carry every diagnostic at once. */
export class ProfileError extends Error {
  readonly diagnostics: readonly Diagnostic[];
  constructor(diagnostics: readonly Diagnostic[]) {
    super(`invalid device profile:\n${diagnostics.map((d) => '  ' + formatDiagnostic(d)).join('\n')}`);
    this.name = 'ProfileError';
    this.diagnostics = diagnostics;
  }
}
