import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { run } from '../../src/cli/run.js';
import { bundledDevice, bundledDevices, startEmulator } from '../../src/index.js';

/** What an installed package offers besides serving: its version, its bundled profiles, its licence. */
const ROOT = new URL('../../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as { version: string; license: string };

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io = { stdout: (t: string) => void (stdout += t), stderr: (t: string) => void (stderr += t), signal: new AbortController().signal, cwd: tmpdir() };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}

describe('modbus-emu --version', () => {
  it.each([['--version'], ['-V']])('%s prints the package.json version and exits 0', async (flag) => {
    expect(await cli([flag])).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });
});

describe('bundled devices', () => {
  it('lists every devices/*.yaml by name', () => {
    expect(bundledDevices()).toEqual([
      'breaker', 'fault-flaky-gateway', 'fault-noisy-link', 'fault-one-byte-at-a-time', 'fault-overloaded', 'fault-slow-device',
      'gateway', 'inverter-sunspec', 'meter-em24', 'meter-sdm630', 'pump', 'scenario-gateway-dropouts', 'scenario-plant', 'scenario-rebooting-meter',
    ]);
  });

  it('bundledDevice(name) is an absolute path inside the package, usable from any cwd', async () => {
    const path = bundledDevice('pump');
    expect(isAbsolute(path)).toBe(true);
    expect(path).toBe(new URL('devices/pump.yaml', ROOT).pathname);
    // cwd is where relative profile paths resolve; the helper's path, and the gateway's includes
    // (relative to the including file), do not depend on it.
    const emulator = await startEmulator({ profile: bundledDevice('gateway'), cwd: tmpdir() });
    onTestFinished(() => emulator.close());
    expect(emulator.read('targetSetpoint', { unitId: 1 })).toBe(185);
  });

  it('an unknown name is an Error listing the bundled ones', () => {
    expect(() => bundledDevice('pomp')).toThrow('"pomp" is not a bundled device: use one of breaker, fault-flaky-gateway, fault-noisy-link, fault-one-byte-at-a-time, fault-overloaded, fault-slow-device, gateway, inverter-sunspec, meter-em24, meter-sdm630, pump');
    expect(() => bundledDevice('lib/em24-meter')).toThrow(/not a bundled device/);
  });

  it('a relative profile path resolves against cwd, and names the file when it is not there', async () => {
    await expect(startEmulator({ profile: 'devices/pump.yaml', cwd: tmpdir() })).rejects.toThrow(/pump\.yaml/);
  });
});

describe('LICENSE', () => {
  it('is the MIT licence that package.json names', () => {
    expect(pkg.license).toBe('MIT');
    const text = readFileSync(new URL('LICENSE', ROOT), 'utf8');
    expect(text).toMatch(/^MIT License\n\nCopyright \(c\) 2026 the modbus-emu authors\n/);
  });
});
