import { describe, expect, it } from 'vitest';
import { DEFAULT_JOURNAL_SIZE } from '../../src/runtime/journal.js';
import { memoryDevice } from '../../src/runtime/memory-device.js';
import { runtimeOptions } from '../../src/runtime/options.js';
import { testEnv } from '../helpers/env.js';

/** The one place a runtime's options are assembled from what the CLI or startEmulator was given. */
describe('runtimeOptions', () => {
  const env = testEnv();
  const device = memoryDevice(env.logger);

  it('keeps what was given, drops what was not (so the profile and the defaults decide)', () => {
    const options = runtimeOptions({ device, env, host: '::1', port: undefined, idleTimeoutMs: 0, maxConnections: undefined, traffic: 1 });
    expect(options).toEqual({ device, env, host: '::1', idleTimeoutMs: 0, traffic: 1 });
    expect('port' in options).toBe(false);
  });

  it.each([
    [true, DEFAULT_JOURNAL_SIZE],
    [500, 500],
    [false, undefined],
    [undefined, undefined],
  ] as const)('journal %s keeps %s requests', (journal, size) => {
    expect(runtimeOptions({ device, env, journal }).journal).toBe(size);
  });

  it("leaves out a caller's other options (startEmulator's profile, watch, seed)", () => {
    const given = { device, env, profile: 'pump.yaml', watch: true, seed: 7, port: 0 };
    expect(runtimeOptions(given)).toEqual({ device, env, port: 0 });
  });
});
