import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProfileLoader } from '../../src/runtime/off-thread-load.js';
import { testEnv } from '../helpers/env.js';

/**
 * Reloads parse and check profile files on a worker thread. A worker runs JavaScript, so from the
 * TypeScript sources the loader works in-thread; these tests build the current sources (each
 * file transpiled, as `tsc` would emit it, into a folder beside `src/` so that paths such as
 * ../../schemas resolve as from dist/) and check that the worker path gives what an in-thread
 * load gives. dist/ is not used: `npm test` never rebuilds it.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
let out: string;

/**
 * The loader, its worker and every src/ module they import, transpiled (no type check: `npm run
 * typecheck` does that) into `dir`.
 */
function transpileSources(dir: string): void {
  const src = join(ROOT, 'src');
  const todo = ['runtime/off-thread-load.ts', 'runtime/load-worker.ts'];
  const done = new Set<string>();
  for (let name = todo.pop(); name !== undefined; name = todo.pop()) {
    if (done.has(name)) continue;
    done.add(name);
    const text = readFileSync(join(src, name), 'utf8');
    // Relative imports and re-exports (`from './x.js'`), type-only ones included: harmless.
    for (const [, spec] of text.matchAll(/from '(\.{1,2}\/[^']+)\.js'/g)) todo.push(join(dirname(name), `${spec!}.ts`));
    const { outputText } = ts.transpileModule(text, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 }, fileName: name });
    const target = join(dir, name.replace(/\.ts$/, '.js'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText);
  }
}

beforeAll(() => {
  out = mkdtempSync(join(ROOT, '.test-build-'));
  transpileSources(out);
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('ProfileLoader', () => {
  it('from the TypeScript sources, loads in-thread', () => {
    expect(new ProfileLoader().usesWorker).toBe(false);
  });

  it('on a worker thread (the sources, built): a valid file gives the same device, a broken one every diagnostic with line:column', async () => {
    const { ProfileLoader: Built } = (await import(pathToFileURL(join(out, 'runtime/off-thread-load.js')).href)) as { ProfileLoader: typeof ProfileLoader };
    const worker = new Built();
    const inThread = new ProfileLoader();
    expect(worker.usesWorker).toBe(true);
    try {
      for (const file of ['devices/gateway.yaml', 'devices/meter-sdm630.yaml', 'test/fixtures/profiles/several-mistakes.yaml', 'test/fixtures/profiles/invalid/include-missing.yaml', 'no-such-file.yaml']) {
        const [a, b] = await Promise.all([worker.load(file, { cwd: ROOT }, testEnv()), inThread.load(file, { cwd: ROOT }, testEnv())]);
        expect(a.ok, file).toBe(b.ok);
        if (a.ok && b.ok) {
          expect(a.files).toEqual(b.files);
          expect(a.profile.summary()).toEqual(b.profile.summary());
          expect(a.profile.units.map((u) => [u.name, u.unitIds, [...u.points.keys()]])).toEqual(b.profile.units.map((u) => [u.name, u.unitIds, [...u.points.keys()]]));
        } else if (!a.ok && !b.ok) {
          expect(a.diagnostics).toEqual(b.diagnostics);
          expect(a.diagnostics.length, file).toBeGreaterThan(0);
        }
      }
    } finally {
      await worker.close();
    }
  });
});
