import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { runnable, where, writeTsExample } from '../helpers/docs.js';

/**
 * Every ```ts example of README.md and docs/ runs to the end, in both socket I/O modes (they
 * start devices). They are type-checked once, in test/docs/examples.test.ts.
 */
describe('README and docs/ TypeScript examples', () => {
  const examples = runnable('ts');
  const dir = mkdtempSync(join(tmpdir(), 'modbus-emu-docs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('there are examples to run (README.md has one, docs/api.md three)', () => {
    expect(examples.filter((f) => f.page === 'README.md').length).toBeGreaterThanOrEqual(1);
    expect(examples.filter((f) => f.page === 'docs/api.md').length).toBeGreaterThanOrEqual(3);
  });

  it.each(examples.map((f) => [where(f), f] as const))('%s runs to the end', async (_, f) => {
    const file = writeTsExample(f, dir);
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      await import(pathToFileURL(file).href);
    } finally {
      log.mockRestore();
    }
  });
});
