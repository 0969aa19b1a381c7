import { fileURLToPath } from 'node:url';
import type { LoadResult, LoadedProfile } from '../../src/profile/index.js';

/** Fixture folder, relative to the repository root (the folder tests run in). */
export const FIXTURES = 'test/fixtures/profiles';
export const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/profiles/', import.meta.url));

export interface Where {
  readonly code: string;
  readonly line?: number;
  readonly column?: number;
}

/** The diagnostics of a failed load as `{ code, line, column }`, in the order reported. */
export function where(result: LoadResult): Where[] {
  if (result.ok) throw new Error('expected the profile to be rejected, but it loaded');
  return result.diagnostics.map((d) => ({ code: d.code, line: d.location?.line, column: d.location?.column }));
}

export function loaded(result: LoadResult): LoadedProfile {
  if (!result.ok)
    throw new Error(
      `expected the profile to load:\n${result.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n')}`,
    );
  return result.loaded;
}
