import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startControl } from '../../src/control/server.js';
import { silentLogger } from '../../src/log.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { loadDevice } from '../../src/runtime/load-device.js';
import { Runtime } from '../../src/runtime/runtime.js';
import { testEnv } from '../helpers/env.js';

/** docs/control.md's Python example (examples/control.py) against a real control channel, where python3 exists. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const python = spawnSync('python3', ['--version']).status === 0;

describe('examples/control.py', () => {
  it.skipIf(!python)('drives the pump through the control channel and exits 0', async () => {
    const clock = new ManualClock();
    const env = { ...testEnv(), clock };
    const loaded = await loadDevice(`${ROOT}devices/pump.yaml`, { env });
    if (!loaded.ok) throw new Error('pump.yaml');
    const runtime = new Runtime({ device: loaded.profile, env, port: 0, journal: 100 });
    onTestFinished(() => runtime.close());
    await runtime.listen();
    const control = await startControl({ host: '127.0.0.1', port: 0, devices: [{ id: 'pump', runtime }], clock, logger: silentLogger, version: '0' });
    onTestFinished(() => control.close());

    const child = spawn('python3', [`${ROOT}examples/control.py`, control.url], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const code = await new Promise<number | null>((done) => child.on('exit', done));
    expect(out).toMatch(/refused: frequencyReference: .*\n0 holding-register reads so far\nok\n$/);
    expect(code).toBe(0);
    expect(runtime.journal!.length).toBe(0);
    expect(clock.now()).toBe(60_000);
  });
});
