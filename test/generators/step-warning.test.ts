import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, onTestFinished, test } from 'vitest';
import { compileProfile } from '../../src/compiler/compile.js';
import { loadProfileText } from '../../src/profile/load.js';
import { createEnvironment } from '../../src/runtime/environment.js';
import { silentLogger } from '../../src/log.js';
import { serveUntilListening } from '../helpers/cli.js';

/** `every` too fine for the time scale: more steps fall due than a request may take (REQUEST_STEP_BUDGET). */
const FINE = `version: 1
points:
  level: { type: float32, address: 0, generate: { expression: "lag(50, 10)", every: 0.001 } }
  total: { type: float32, address: 2, generate: { expression: "integrate(1)", every: 0.5 } }
  now: { type: float32, address: 4, generate: "t" }
`;

async function warnings(yaml: string, timeScale: number): Promise<string[]> {
  const loaded = await loadProfileText(yaml, 'p.yaml');
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
  const compiled = compileProfile(loaded.loaded, { env: createEnvironment({ timeScale, logger: silentLogger }) });
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.diagnostics));
  return compiled.warnings.map((w) => `${w.code} ${w.location?.line}:${w.location?.column} ${w.path}: ${w.message}`);
}

describe('every too fine for the time scale', () => {
  test('is a warning at the finest stateful generator, with the step rate asked for', async () => {
    expect(await warnings(FINE, 1_000_000)).toEqual([
      'W_GENERATOR_STEPS 3:85 points.level.generate.every: every: 0.001 s under time scale 1000000 asks for 1,002,000,000 generator steps per second ' +
        "(this device's stateful generators together); a request computes at most 10,000 per point and skips older ones, holding the state over them: use a coarser every or a smaller time scale",
    ]);
  });

  test('in real time the same steps are fine', async () => {
    expect(await warnings(FINE, 1)).toEqual([]);
  });

  test('the CLI prints it at start-up and serves anyway', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'step-warning-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'p.yaml'), FINE);
    const { code, stderr } = await serveUntilListening(['p.yaml', '--port', '0', '--time-scale', '1000000'], dir);
    expect(code).toBe(0);
    expect(stderr).toContain('warning: p.yaml:3:85 points.level.generate.every: every: 0.001 s under time scale 1000000');
  });
});
