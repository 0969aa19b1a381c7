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
  private readonly seen = new Set<string>();

  constructor(private readonly loaded: LoadedProfile) {}

  /** `node`/`key` locate the offending value in its file (the key's value, else the key, else the node). */
  error(code: DiagnosticCode, path: Path, node: object, key: string | number | undefined, message: string, index?: number): void {
    const p = formatPath(path);
    const id = `${code}\0${p}\0${message}`;
    if (this.seen.has(id)) return;
    this.seen.add(id);
    // `index`: a character inside the string under `key` (a generator expression).
    const location = index !== undefined && key !== undefined && this.loaded.locateInside ? this.loaded.locateInside(node, key, index) : this.loaded.locate(node, key);
    this.diagnostics.push(location ? { code, message, path: p, location } : { code, message, path: p });
  }

  get count(): number {
    return this.diagnostics.length;
  }
}
