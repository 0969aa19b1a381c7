import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
// @ts-expect-error: a plain .mjs script, without declarations
import { coveredScore, TARGETS } from '../scripts/mutate-targets.mjs';
// @ts-expect-error: the StrykerJS config, a plain .mjs file
import strykerConfig from '../stryker.config.mjs';

/**
 * `npm run mutate` (docs/testing.md, "Mutation testing"): each target's test list must
 * keep naming files that exist, or a renamed test file would silently stop judging its target.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
type Target = { mutate: string; tests: string[] };
const targets = TARGETS as Record<string, Target>;

/** The files a `dir/**\/*.ext` glob or a plain path names (the two forms the targets use). */
function matches(pattern: string): string[] {
  const star = pattern.indexOf('/**/');
  if (star < 0) return existsSync(join(root, pattern)) ? [pattern] : [];
  const dir = pattern.slice(0, star);
  const suffix = pattern.slice(star + '/**/*'.length);
  if (!existsSync(join(root, dir))) return [];
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith(suffix)).map((f) => join(dir, f));
}

describe('mutation targets', () => {
  test.each(Object.entries(targets))('%s: its sources and every test file it names exist', (_name, target) => {
    expect(matches(target.mutate).length).toBeGreaterThan(0);
    expect(target.tests.filter((t) => matches(t).length === 0)).toEqual([]);
  });

  test('`npm run mutate:suite` mutates the same six targets', () => {
    expect([...(strykerConfig as { mutate: string[] }).mutate].sort()).toEqual(Object.values(targets).map((t) => t.mutate).sort());
  });

  test('the score is (killed + timed out) over the mutants some test reaches', () => {
    const mutants = (statuses: string[]) => statuses.map((status) => ({ status }));
    const report = { files: { 'a.ts': { mutants: mutants(['Killed', 'Killed', 'Timeout', 'Survived', 'NoCoverage', 'Ignored']) }, 'b.ts': { mutants: mutants(['Killed', 'Survived']) } } };
    expect(coveredScore(report)).toEqual({ Killed: 3, Timeout: 1, Survived: 2, NoCoverage: 1, score: (100 * 4) / 6 });
    expect(coveredScore({ files: {} }).score).toBe(100);
  });
});
