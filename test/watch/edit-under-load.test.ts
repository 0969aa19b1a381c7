import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { silentLogger, startEmulator, type Emulator } from '../../src/index.js';
import { connectClient } from '../helpers/modbus-client.js';

/**
 * Live reload under a polling client: the profile file is rewritten many times (in place, by
 * rename as editors save, broken, deleted, in bursts) while a modbus-serial client polls without
 * pause. No request may fail and no connection may drop; every edit is served (the last of a burst).
 */
const dir = mkdtempSync(join(tmpdir(), 'modbus-emu-watch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const profile = (speed: number, extra = ''): string => `version: 1
name: pump
points:
  speed: { type: uint16, address: 0, value: ${speed} }
  mode:  { type: uint16, address: 1, value: 1 }
${extra}`;
const BROKEN = 'version: 1\npoints:\n  speed: { type: uint16, address: 0, value: [\n';
/** Generous: a loaded CI machine; the test never sleeps, it waits for the event. */
const BOUND_MS = 10_000;

function until<T>(emulator: Emulator, event: 'reload' | 'reloadError', test: () => T | undefined): Promise<T> {
  return new Promise((resolve, reject) => {
    const timeout = setTimeout(() => reject(new Error(`no ${event} within ${BOUND_MS} ms`)), BOUND_MS);
    const check = (): void => {
      const value = test();
      if (value === undefined) return;
      clearTimeout(timeout);
      emulator.off(event, check);
      resolve(value);
    };
    emulator.on(event, check);
  });
}
const served = (emulator: Emulator, speed: number) => until(emulator, 'reload', () => (emulator.read('speed') === speed ? true : undefined));
const refused = (emulator: Emulator) => until(emulator, 'reloadError', () => true);

async function watched(): Promise<{ emulator: Emulator; file: string }> {
  const file = join(dir, `pump-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, profile(0));
  const emulator = await startEmulator({ profile: file, watch: true, logger: silentLogger, journal: false });
  onTestFinished(() => emulator.close());
  return { emulator, file };
}

/**
 * Polls speed and mode back to back until stopped, or until the test ends however it ends (a failed
 * assertion must not leave the worker polling); counts answers, failures and what it saw.
 */
function poll(client: Awaited<ReturnType<typeof connectClient>>) {
  const stats = { answered: 0, failed: 0, errors: [] as string[], seen: new Set<number>() };
  let stop = false;
  const done = (async () => {
    while (!stop) {
      try {
        const { data } = await client.readHoldingRegisters(0, 2);
        stats.answered++;
        stats.seen.add(data[0]!);
      } catch (error) {
        stats.failed++;
        stats.errors.push(String(error));
      }
    }
  })();
  const halt = async (): Promise<void> => ((stop = true), await done);
  onTestFinished(halt);
  return { stats, stop: halt };
}

describe('live reload under load', () => {
  it('serves every edit (in place, by rename, after a broken one, after a delete) with zero failed requests and zero dropped connections', async () => {
    const { emulator, file } = await watched();
    const client = await connectClient(emulator.port);
    let dropped = 0;
    emulator.on('disconnect', () => dropped++);
    const poller = poll(client);

    let speed = 0;
    for (let round = 0; round < 4; round++) {
      writeFileSync(file, profile(++speed)); // in place
      await served(emulator, speed);
      const temp = `${file}.tmp~`;
      writeFileSync(temp, profile(++speed, '  flow: { type: uint16, address: 2 }\n')); // rename-style save
      renameSync(temp, file);
      await served(emulator, speed);
      writeFileSync(file, BROKEN); // broken: the last good device goes on
      await refused(emulator);
      expect(emulator.read('speed')).toBe(speed);
      writeFileSync(file, profile(++speed)); // fixed
      await served(emulator, speed);
    }
    rmSync(file); // deleted: kept running
    await refused(emulator);
    writeFileSync(file, profile(++speed)); // and picked up again when it returns
    await served(emulator, speed);

    // A burst of saves closer together than the debounce: one reload, of the last one.
    let reloads = 0;
    emulator.on('reload', () => reloads++);
    const last = speed + 5;
    for (let s = speed + 1; s <= last; s++) writeFileSync(file, profile(s));
    await served(emulator, last);
    expect(reloads).toBe(1);

    const { stats } = poller;
    await poller.stop();
    expect(stats.failed, stats.errors.join('\n')).toBe(0);
    expect(dropped).toBe(0);
    expect(stats.answered).toBeGreaterThan(0);
    expect([...stats.seen].every((s) => s >= 0 && s <= last)).toBe(true);
  }, 60_000);

  it('follows includes: editing an included file reloads the device', async () => {
    const part = join(dir, 'part.yaml');
    writeFileSync(part, 'points:\n  temp: { type: uint16, address: 0, value: 1 }\n');
    const file = join(dir, 'gw.yaml');
    writeFileSync(file, `version: 1\nunits:\n  - { unitId: 1, include: part.yaml }\n`);
    const emulator = await startEmulator({ profile: file, watch: true, logger: silentLogger });
    onTestFinished(() => emulator.close());
    const reloaded = until(emulator, 'reload', () => (emulator.read('temp') === 2 ? true : undefined));
    writeFileSync(part, 'points:\n  temp: { type: uint16, address: 0, value: 2 }\n');
    await reloaded;
  });
});
