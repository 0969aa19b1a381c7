import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';
import { delaySampler, durationMs } from '../../src/faults/duration.js';
import { MAX_DURATION_MS } from '../../src/profile/limits.js';
import { loadProfileText } from '../../src/profile/index.js';
import { seededRandom } from '../../src/runtime/random.js';
import { where } from './helpers.js';

/**
 * A Duration holds at most MAX_DURATION_MS (2^31 - 1 ms, the longest a Node timer waits): a
 * longer one is refused at load, never shortened to the 1 ms Node would make of it.
 */
const rule = (delay: string): string => `version: 1\nname: d\npoints:\n  a: { type: uint16, address: 0 }\nfaults:\n  - name: slow\n    do: { delay: ${delay} }\n`;

describe('the longest duration', () => {
  it.each(['3000000000', '1e300', '"35792m"', '"2147484s"', '{ uniform: [0, 2147483648] }'])('%s is refused at load (E_SCHEMA_RANGE at the value)', async (delay) => {
    expect(where(await loadProfileText(rule(delay), 'd.yaml'))).toEqual([{ code: 'E_SCHEMA_RANGE', line: 7, column: expect.any(Number) as number }]);
  });

  it.each([String(MAX_DURATION_MS), '"35791m"', '"2147483.647s"'])('%s loads', async (delay) => {
    expect((await loadProfileText(rule(delay), 'd.yaml')).ok).toBe(true);
  });

  it('a text past the limit is named in the message', async () => {
    const result = await loadProfileText(rule('"35792m"'), 'd.yaml');
    expect(result.ok ? [] : result.diagnostics.map((d) => d.message)).toEqual([`the text "35792m" is too long a wait: a duration is at most ${MAX_DURATION_MS} ms (about 24.8 days, 35791m)`]);
  });

  it('server.idleTimeout (seconds) and --idle-timeout stop at the same limit', async () => {
    const profile = 'version: 1\nname: d\nserver: { idleTimeout: 2147484 }\npoints:\n  a: { type: uint16, address: 0 }\n';
    expect(where(await loadProfileText(profile, 'd.yaml'))).toEqual([{ code: 'E_SCHEMA_RANGE', line: 3, column: 24 }]);
    let err = '';
    expect(await run(['--idle-timeout', '2147484'], { stdout: () => {}, stderr: (t) => (err += t) })).toBe(2);
    expect(err).toMatch(/--idle-timeout <seconds>' argument '2147484' is invalid\. must be at most 2147483 seconds/);
  });

  it('durationMs: a number is milliseconds, a text is parsed, a text that is no duration a RangeError naming it', () => {
    expect([durationMs(250), durationMs('250ms'), durationMs('1.5s'), durationMs('2m')]).toEqual([250, 250, 1500, 120_000]);
    expect(() => durationMs('5 parsecs' as never)).toThrow(new RangeError('not a duration: 5 parsecs'));
  });

  it('a jittered draw below zero waits 0 ms, never a negative time', () => {
    const sample = delaySampler({ normal: { mean: 0, sd: '100ms' } }, seededRandom(1), 'r/delay');
    const draws = Array.from({ length: 50 }, (_, i) => sample(i));
    expect(Math.min(...draws)).toBe(0);
    expect(draws.filter((ms) => ms === 0).length).toBeGreaterThan(10);
  });

  it('a jittered draw past the limit waits the longest a timer holds', () => {
    const sample = delaySampler({ logNormal: { median: MAX_DURATION_MS, sigma: 50 } }, seededRandom(1), 'r/delay');
    const draws = Array.from({ length: 50 }, (_, i) => sample(i));
    expect(Math.max(...draws)).toBe(MAX_DURATION_MS);
  });
});
