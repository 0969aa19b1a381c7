/** Where something is in a profile: 1-based line and column, as editors show them. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/**
 * One problem found in a profile. `code` is stable (tests assert codes, not wording); `path` is
 * the dotted path inside the document (`points.speed`, `units[2].unitId`); `message` is a
 * sentence a person understands.
 */
export interface Diagnostic {
  readonly code: string;
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

/** Thrown only at the API edge (startEmulator) to carry every diagnostic at once. */
export class ProfileError extends Error {
  readonly diagnostics: readonly Diagnostic[];
  constructor(diagnostics: readonly Diagnostic[]) {
    super(`invalid device profile:\n${diagnostics.map((d) => '  ' + formatDiagnostic(d)).join('\n')}`);
    this.name = 'ProfileError';
    this.diagnostics = diagnostics;
  }
}
