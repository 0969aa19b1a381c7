import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { createLogger } from '../../src/log.js';
import { ManualTimer } from '../../src/runtime/timers.js';
import { loadDevice } from '../../src/runtime/load-device.js';
import { Runtime, type CompiledProfile } from '../../src/runtime/runtime.js';
import { watchRuntime } from '../../src/watch/watcher.js';
import { testEnv } from '../helpers/env.js';

/**
 * `python3 gen.py > live.yaml`: the shell empties the file, then a slow writer fills it. The
 * watcher's debounce runs on a ManualTimer; chokidar's events are real, and awaited through the
 * debouncer scheduling its timer (chokidar's write-finish wait stays on: without it, chokidar drops
 * a second change of a file within 50 ms).
 */
const dir = mkdtempSync(join(tmpdir(), 'modbus-emu-empty-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const profile = (speed: number): string => `version: 1\nname: pump\npoints:\n  speed: { type: uint16, address: 0, value: ${speed} }\n`;
const BOUND_MS = 5_000;

async function setup() {
  const file = join(dir, `live-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, profile(1));
  const log: string[] = [];
  const timer = new ManualTimer();
  const env = testEnv({ timer, logger: createLogger((line) => log.push(line), 'info') });
  const loaded = await loadDevice(file, { env });
  if (!loaded.ok) throw new Error('fixture');
  const runtime = new Runtime({ device: loaded.profile, env, source: { profile: file } });
  const watcher = watchRuntime(runtime, [file], { timer, debounceMs: 50, writeFinishMs: 5 });
  onTestFinished(() => watcher.close());
  await watcher.ready;
  /** Resolves when the watcher next sets a timer: a file event reached it, or it chose to wait. */
  const scheduled = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const bound = setTimeout(() => reject(new Error(`the watcher set no timer within ${BOUND_MS} ms`)), BOUND_MS);
      const original = timer.setTimeout.bind(timer);
      timer.setTimeout = (fn, ms) => {
        timer.setTimeout = original;
        clearTimeout(bound);
        resolve();
        return original(fn, ms);
      };
    });
  const event = (name: 'reload' | 'reloadError'): Promise<void> =>
    new Promise((resolve, reject) => {
      const bound = setTimeout(() => reject(new Error(`no ${name} within ${BOUND_MS} ms`)), BOUND_MS);
      runtime.once(name, () => (clearTimeout(bound), resolve()));
    });
  return { file, log, timer, runtime, scheduled, event };
}

describe('an empty watched file is a file being written', () => {
  it('emptied, then filled within the debounce after: the filled file is served, E_EMPTY never logged', async () => {
    const { file, log, timer, runtime, scheduled, event } = await setup();
    let next = scheduled();
    writeFileSync(file, '');
    await next;
    next = scheduled();
    timer.advance(50); // quiet for the debounce: the file is empty, so the watcher waits once more
    await next;
    next = scheduled();
    writeFileSync(file, profile(2));
    await next;
    const reloaded = event('reload');
    timer.advance(50);
    await reloaded;
    expect((runtime.device as CompiledProfile).units[0]!.read('speed')).toBe(2);
    expect(log.join('')).not.toContain('E_EMPTY');
  });

  it('still empty a debounce later: E_EMPTY is reported, and the device served so far goes on', async () => {
    const { file, log, timer, scheduled, event } = await setup();
    let next = scheduled();
    writeFileSync(file, '');
    await next;
    next = scheduled();
    timer.advance(50);
    await next;
    const refused = event('reloadError');
    timer.advance(50);
    await refused;
    expect(log.join('')).toContain('E_EMPTY');
    expect(log.join('')).toContain('the device served so far goes on');
  });
});
