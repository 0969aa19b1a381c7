import type { Diagnostic } from './diagnostics.js';

/**
 * File order (the main profile, then included files as they were met), then line, then column.
 * Problems without a position come first; the sort is stable, so ties keep the order found.
 */
export function sortDiagnostics(diagnostics: readonly Diagnostic[], files: readonly string[]): Diagnostic[] {
  const rank = (d: Diagnostic): number => {
    if (!d.location) return -1;
    const index = files.indexOf(d.location.file);
    return index === -1 ? files.length : index;
  };
  return [...diagnostics].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      (a.location?.line ?? 0) - (b.location?.line ?? 0) ||
      (a.location?.column ?? 0) - (b.location?.column ?? 0),
  );
}
