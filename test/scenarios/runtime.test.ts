import { describe, expect, it, onTestFinished } from 'vitest';
import { createLogger } from '../../src/log.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { loadDevice } from '../../src/runtime/load-device.js';
import { Runtime, type CompiledProfile } from '../../src/runtime/runtime.js';
import type { Handler, Outcome } from '../../src/pipeline/types.js';
import { decodeRequest } from '../../src/protocol/request.js';
import { registers } from '../compiler/helpers.js';
import { testEnv } from '../helpers/env.js';

/**
 * A runtime's scenario without sockets: phases stepped exactly by a manual clock (also several at
 * once), the log line and journal event of each change, reload and reset, replay under a seed, and
 * nothing in front of the device's handler while no mode or phase holds.
 */
const phases = (extra: object = {}) => ({
  version: 1,
  name: 'meter',
  points: { power: { type: 'uint16', address: 0, value: 7 }, noisy: { type: 'int16', address: 1 } },
  scenarios: {
    day: {
      phases: [
        { name: 'calm', duration: '1m' },
        { name: 'noisy', duration: '1m', generate: { noisy: 'round(noise(100))' } },
        { name: 'dark', ...extra },
      ],
    },
  },
});

async function runtimeOf(profile: object, seed = 1) {
  const clock = new ManualClock();
  const lines: string[] = [];
  const env = { ...testEnv({ seed }), clock, logger: createLogger((l) => lines.push(l.trim()), 'info') };
  const loaded = await loadDevice(profile, { env });
  if (!loaded.ok) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
  const runtime = new Runtime({ device: loaded.profile, env, port: 0, journal: 100, source: { profile } });
  onTestFinished(() => runtime.close());
  return { runtime, clock, lines };
}

/** What the runtime serves now: its server's handler (the device's own, or wrapped by modes and recording). */
const served = (runtime: Runtime): Handler => (runtime as unknown as { server: { handler: Handler } }).server.handler;

/** The served handler's answer to FC 3 of `quantity` registers at 0, unit 1: the words, or the outcome's kind. */
async function read(runtime: Runtime, quantity = 2): Promise<number[] | number | string> {
  const pdu = Uint8Array.from([3, 0, 0, 0, quantity]);
  const outcome: Outcome = await served(runtime)({ transactionId: 1, unitId: 1, pdu, request: decodeRequest(pdu), connection: { id: 1, remoteAddress: '127.0.0.1', remotePort: 50000 } });
  return registers(outcome);
}

describe('a scenario on a runtime', () => {
  it('a clock that jumps over several phases enters and leaves each in turn, at its own time, one log line each', async () => {
    const { runtime, clock, lines } = await runtimeOf(phases());
    runtime.scenarios.start('day');
    clock.advance(150_000);
    expect(runtime.scenarios.status()).toEqual({ name: 'day', phase: 'dark', index: 2, since: 120_000, until: null, cycle: 0 });
    expect(lines.filter((l) => l.includes('scenario'))).toEqual([
      'meter: scenario day: started at phase calm at t=0s',
      'meter: scenario day: calm → noisy at t=60s',
      'meter: scenario day: noisy → dark at t=120s',
    ]);
    expect(runtime.journal!.entries({ kind: 'event', event: 'phase' }).map((e) => [e.time, e.source, e.message])).toEqual([
      [0, 'day', 'scenario day: started at phase calm'],
      [60_000, 'day', 'scenario day: calm → noisy'],
      [120_000, 'day', 'scenario day: noisy → dark'],
    ]);
  });

  it('a clock that jumps many rounds of a loop ahead skips the whole rounds: one line says so, and the phase is where it would be', async () => {
    const looping = { ...phases(), scenarios: { day: { ...phases().scenarios.day, loop: true, phases: [...phases().scenarios.day.phases.slice(0, 2), { name: 'dark', duration: '1m' }] } } };
    const { runtime, clock, lines } = await runtimeOf(looping);
    runtime.scenarios.start('day');
    clock.advance(24 * 3_600_000 + 90_000);
    expect(runtime.scenarios.status()).toEqual({ name: 'day', phase: 'noisy', index: 1, since: 24 * 3_600_000 + 60_000, until: 24 * 3_600_000 + 120_000, cycle: 480 });
    expect(lines.filter((l) => l.includes('jumped'))).toEqual(['meter: scenario day: the clock jumped 479 round(s) ahead: those phases are skipped']);
    expect(runtime.journal!.entries({ kind: 'event', event: 'phase' }).length).toBeLessThan(10);
  });

  it('a non-looping scenario whose last phase has a duration ends with it, and every override with it', async () => {
    const { runtime, clock } = await runtimeOf(phases({ duration: '10s', points: { power: 0 } }));
    runtime.scenarios.start('day', 'dark');
    expect(await read(runtime, 1)).toEqual([0]);
    clock.advance(10_000);
    expect(runtime.scenarios.status()).toBeNull();
    expect(await read(runtime, 1)).toEqual([7]);
    expect(runtime.journal!.entries({ kind: 'event', event: 'phase' }).map((e) => e.data.cause)).toEqual(['start', 'end']);
  });

  it('replays under the same seed: a phase draws the same values, another seed others', async () => {
    const draws = async (seed: number) => {
      const { runtime, clock } = await runtimeOf(phases(), seed);
      runtime.scenarios.start('day');
      clock.advance(60_000);
      const out: unknown[] = [];
      for (let i = 0; i < 5; i++, clock.advance(1000)) out.push(await read(runtime));
      return out;
    };
    const first = await draws(7);
    expect(new Set(first.map((w) => JSON.stringify(w))).size).toBeGreaterThan(1);
    expect(await draws(7)).toEqual(first);
    expect(await draws(8)).not.toEqual(first);
  });

  it('reset() starts the scenario again at its first phase, now', async () => {
    const { runtime, clock } = await runtimeOf(phases());
    runtime.scenarios.start('day');
    clock.advance(90_000);
    runtime.reset();
    expect(runtime.scenarios.status()).toMatchObject({ phase: 'calm', since: 90_000, until: 150_000 });
    expect(runtime.journal!.entries({ kind: 'event', event: 'phase' }).at(-1)!.data).toEqual({ scenario: 'day', from: 'noisy', to: 'calm', cause: 'reset' });
  });

  it('a reload keeps an unchanged scenario at its phase and timing, starts a changed one again, stops one gone; the log says which', async () => {
    const { runtime, clock, lines } = await runtimeOf(phases());
    runtime.scenarios.start('day');
    clock.advance(70_000);
    expect((await runtime.reload({ ...phases(), description: 'edited elsewhere' })).ok).toBe(true);
    expect(runtime.scenarios.status()).toMatchObject({ phase: 'noisy', since: 60_000 });
    expect(await read(runtime)).not.toEqual([7, 0]);
    expect((await runtime.reload(phases({ points: { power: 1 } }))).ok).toBe(true);
    expect(runtime.scenarios.status()).toMatchObject({ phase: 'calm', since: 70_000 });
    const { scenarios: _, ...without } = phases();
    expect((await runtime.reload(without)).ok).toBe(true);
    expect(runtime.scenarios.status()).toBeNull();
    expect(lines.filter((l) => /scenario day (kept|changed|stopped)/.test(l))).toEqual([
      'meter: scenario day kept at phase noisy',
      'meter: scenario day changed: started again at phase calm',
      'meter: scenario day stopped: the profile no longer declares it',
    ]);
  });

  it('on a clock on real time (here ×100,000), phases change from a wire timer, with nothing else to drive them', async () => {
    const env = testEnv({ timeScale: 100_000 });
    const loaded = await loadDevice(phases(), { env });
    if (!loaded.ok) throw new Error('fixture');
    const runtime = new Runtime({ device: loaded.profile, env, port: 0, journal: 100 });
    onTestFinished(() => runtime.close());
    const dark = new Promise<number>((resolve) => runtime.on('event', (e) => e.data.to === 'dark' && resolve(e.time)));
    runtime.scenarios.start('day');
    const since = runtime.scenarios.status()!.since;
    expect(await dark).toBe(since + 120_000);
    expect(runtime.journal!.entries({ kind: 'event', event: 'phase' }).map((e) => e.data.to)).toEqual(['calm', 'noisy', 'dark']);
  });

  it('serves the device handler itself while no mode or phase holds: modes cost nothing until set', async () => {
    const { runtime } = await runtimeOf(phases());
    runtime.setJournal(false);
    const device = runtime.device as CompiledProfile;
    expect(served(runtime)).toBe(device.handler);
    runtime.setModes({ offline: { units: [1] } });
    expect(served(runtime)).not.toBe(device.handler);
    expect(await read(runtime)).toBe('silence');
    runtime.setModes({});
    expect(served(runtime)).toBe(device.handler);
    runtime.scenarios.start('day', 'noisy');
    expect(served(runtime)).not.toBe(device.handler);
    runtime.scenarios.stop();
    expect(served(runtime)).toBe(device.handler);
  });
});
