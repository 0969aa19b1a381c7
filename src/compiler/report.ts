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

  /** Formatted paths of withdrawn entities, and the withdrawn indices of each list (see LoadedProfile). */
  private readonly withdrawnPaths = new Set<string>();
  private readonly withdrawnItems = new Map<string, number[]>();

  /**
   * @param timeScale how much faster than real time the device will run (`--time-scale`; 1 for
   *   `validate`): generators whose steps would outrun the request step budget are warned about.
   */
  constructor(
    private readonly loaded: LoadedProfile,
    readonly timeScale = 1,
  ) {
    for (const path of loaded.withdrawn ?? []) {
      this.withdrawnPaths.add(formatPath(path));
      const last = path[path.length - 1];
      if (typeof last !== 'number') continue;
      const list = formatPath(path.slice(0, -1));
      const items = this.withdrawnItems.get(list);
      if (items) items.push(last);
      else this.withdrawnItems.set(list, [last]);
    }
    for (const items of this.withdrawnItems.values()) items.sort((a, b) => a - b);
  }

  /** `node`/`key` locate the offending value in its file (the key's value, else the key, else the node). */
  error(code: DiagnosticCode, path: Path, node: object, key: string | number | undefined, message: string, index?: number): void {
    const p = formatPath(this.original(path));
    const id = `${code}\0${p}\0${message}`;
    if (this.seen.has(id)) return;
    this.seen.add(id);
    // `index`: a character inside the string under `key` (a generator expression).
    const location = index !== undefined && key !== undefined && this.loaded.locateInside ? this.loaded.locateInside(node, key, index) : this.loaded.locate(node, key);
    this.diagnostics.push(location ? { code, message, path: p, location } : { code, message, path: p });
  }

  /**
   * Whether the entity at `path` was removed from a partial profile because of a problem already
   * reported: a reference to it would only repeat that problem as "no point named ...".
   */
  withdrawn(path: Path): boolean {
    return this.withdrawnPaths.has(formatPath(this.original(path)));
  }

  /** A partial profile's path as in the file: list items after withdrawn ones move back up. */
  private original(path: Path): Path {
    if (this.withdrawnItems.size === 0) return path;
    const out: (string | number)[] = [];
    for (const segment of path) {
      let index = segment;
      if (typeof index === 'number') {
        for (const removed of this.withdrawnItems.get(formatPath(out)) ?? []) if (removed <= index) index++;
      }
      out.push(index);
    }
    return out;
  }

  warn(code: DiagnosticCode, path: Path, node: object, key: string | number | undefined, message: string): void {
    const location = this.loaded.locate(node, key);
    const p = formatPath(path);
    if (this.warnings.some((w) => w.code === code && w.path === p && w.message === message)) return;
    this.warnings.push(location ? { code, message, path: p, location } : { code, message, path: p });
  }

  /** The profile's parameters and their defaults; undefined when it declares no `params:` (its strings are then taken as written). */
  get params(): Readonly<Record<string, number | string>> | undefined {
    return this.loaded.profile.params;
  }

  get count(): number {
    return this.diagnostics.length;
  }
}
