import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/runtime/clock.js';
import { unitInternals } from '../../src/model/unit.js';
import type { CompiledProfile } from '../../src/model/types.js';
import { ProfileLoader } from '../../src/runtime/off-thread-load.js';
import { Runtime } from '../../src/runtime/runtime.js';
import { testEnv } from '../helpers/env.js';

const dir = mkdtempSync(join(tmpdir(), 'modbus-emu-instances-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const profile = (description: string): string => `version: 1
name: meter
description: ${description}
points:
  setpoint: { type: uint16, address: 0, value: 1 }
  energy: { type: float32, address: 10, table: input, value: 0, generate: "integrate(1000 / 3600)" }
`;

const unit = (r: Runtime) => (r.device as CompiledProfile).units[0]!;
const layoutOf = (device: CompiledProfile) => unitInternals(device.units[0]!).layout;

describe('instances of one profile', () => {
  it('share one compiled layout, keep their own state, and a reload of all keeps each one\'s', async () => {
    const file = join(dir, 'meter.yaml');
    writeFileSync(file, profile('first'));
    const loader = new ProfileLoader();
    const envs = [testEnv(), testEnv({ clock: new ManualClock() })];
    const loaded = await Promise.all(envs.map((env) => loader.load(file, {}, env)));
    const devices = loaded.map((r) => {
      if (!r.ok) throw new Error(`did not load: ${JSON.stringify(r.diagnostics)}`);
      return r.profile;
    });
    expect(layoutOf(devices[0]!)).toBe(layoutOf(devices[1]!));

    const runtimes = devices.map((device, i) => new Runtime({ device, env: envs[i]!, loader, source: { profile: file } }));
    try {
      unit(runtimes[0]!).write('setpoint', 5);
      unit(runtimes[1]!).write('setpoint', 7);
      (envs[1]!.clock as ManualClock).advance(3_600_000);
      expect(runtimes.map((r) => unit(r).read('setpoint'))).toEqual([5, 7]);
      expect(runtimes.map((r) => unit(r).read('energy'))).toEqual([0, 1000]);

      writeFileSync(file, profile('second'));
      const results = await Promise.all(runtimes.map((r) => r.reload()));
      expect(results.map((r) => r.ok)).toEqual([true, true]);
      const next = runtimes.map((r) => r.device as CompiledProfile);
      expect(next[0]).not.toBe(devices[0]);
      expect(layoutOf(next[0]!)).toBe(layoutOf(next[1]!));
      expect(layoutOf(next[0]!)).not.toBe(layoutOf(devices[0]!));
      expect(runtimes.map((r) => unit(r).read('setpoint'))).toEqual([5, 7]);
      expect(runtimes.map((r) => unit(r).read('energy'))).toEqual([0, 1000]);
    } finally {
      await Promise.all(runtimes.map((r) => r.close()));
      await loader.close();
    }
  });
});
