import type { Diagnostic, DiagnosticCode } from '../profile/diagnostics.js';
import { formatPath } from '../profile/diagnostics.js';
import type { LoadedProfile } from '../profile/loaded.js';

export type Path = readonly (string | number)[];

/**
 * Collects every semantic problem of a profile at once. A template used by several units is
 * compiled once per unit, so the same problem would be found several times: identical
 * diagnostics (code, path, message) are kept once.
 */
export class Reporter {
  readonly diagnostics: Diagnostic[] = [];
  /** Things that are not wrong but likely a mistake (a fault rule that can never match): printed, not fatal. */
  readonly warnings: Diagnostic[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly loaded: LoadedProfile) {}

  /** `node`/`key` locate the offending value in its file (the key's value, else the key, else the node). */
  error(code: DiagnosticCode, path: Path, node: object, key: string | number | undefined, message: string): void {
    const p = formatPath(path);
    const id = `${code}\0${p}\0${message}`;
    if (this.seen.has(id)) return;
    this.seen.add(id);
    const location = this.loaded.locate(node, key);
    this.diagnostics.push(location ? { code, message, path: p, location } : { code, message, path: p });
  }

  warn(code: DiagnosticCode, path: Path, node: object, key: string | number | undefined, message: string): void {
    const location = this.loaded.locate(node, key);
    const p = formatPath(path);
    if (this.warnings.some((w) => w.code === code && w.path === p && w.message === message)) return;
    this.warnings.push(location ? { code, message, path: p, location } : { code, message, path: p });
  }

  get count(): number {
    return this.diagnostics.length;
  }
}
