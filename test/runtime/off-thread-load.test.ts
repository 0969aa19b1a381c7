import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ProfileLoader } from '../../src/runtime/off-thread-load.js';
import { testEnv } from '../helpers/env.js';

/**
 * Reloads parse and check profile files on a worker thread. The worker runs the built package
 * (dist/, made by `npm install`): from the sources the loader works in-thread, and these tests
 * load the built loader to see the worker path give what an in-thread load gives.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BUILT = `${ROOT}dist/runtime/off-thread-load.js`;
const built = existsSync(BUILT);

describe('ProfileLoader', () => {
  it('from the TypeScript sources, loads in-thread', () => {
    expect(new ProfileLoader().usesWorker).toBe(false);
  });

  it.skipIf(!built)('on a worker thread (dist/): a valid file gives the same device, a broken one every diagnostic with line:column', async () => {
    const { ProfileLoader: Built } = (await import(BUILT)) as { ProfileLoader: typeof ProfileLoader };
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
        }
      }
    } finally {
      await worker.close();
    }
  });
});
