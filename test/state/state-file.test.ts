import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startEmulator, ManualClock, ManualTimer, type Emulator, type EmulatorOptions } from '../../src/index.js';
import type { Logger } from '../../src/log.js';
import { StateFileError, writeStateFile } from '../../src/runtime/state-file.js';
import { SAVE_DELAY_MS, StateSaver } from '../../src/runtime/state-saver.js';
import { connectClient } from '../helpers/modbus-client.js';

/**
 * `--state FILE` / `server.stateFile` / `startEmulator({ stateFile })`: what clients and the API
 * write survives a restart, saved atomically and coalesced; what no longer matches the profile is
 * reported by name and skipped. (The SIGKILL loop is scripts/state-kill-loop.mjs, run by CI.)
 */

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'modbus-emu-state-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('the atomic write', () => {
  it('goes through a temporary file renamed over the target, which it leaves in place until then', async () => {
    const dir = tempDir();
    const file = join(dir, 's.json');
    await writeStateFile(file, 'one');
    expect(readFileSync(file, 'utf8')).toBe('one');
    expect(existsSync(`${file}.tmp`)).toBe(false);
    // A temporary file that cannot be created (here a folder is in the way) fails the save before the target is touched.
    mkdirSync(`${file}.tmp`);
    await expect(writeStateFile(file, 'two')).rejects.toThrow(/EISDIR/);
    expect(readFileSync(file, 'utf8')).toBe('one');
    rmSync(`${file}.tmp`, { recursive: true });
    // A leftover temporary file (a save killed half way) is simply replaced.
    writeFileSync(`${file}.tmp`, 'half a sa');
    await writeStateFile(file, 'three');
    expect(readFileSync(file, 'utf8')).toBe('three');
  });
});

describe('coalescing (StateSaver on a ManualTimer)', () => {
  function saver() {
    const timer = new ManualTimer();
    const writes: { text: string; done: () => void; fail: (e: Error) => void }[] = [];
    const log: string[] = [];
    let version = 0;
    const s = new StateSaver({
      file: 'f.json',
      text: () => `v${version}`,
      timer,
      logger: { log: (level, message) => void log.push(`${level}: ${message}`) },
      write: (_file, text) => new Promise<void>((done, fail) => void writes.push({ text, done, fail })),
    });
    const change = (): void => {
      version++;
      s.changed();
    };
    return { s, timer, writes, log, change };
  }
  const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

  it('a burst of writes is one save, started after the delay, holding the last write', async () => {
    const { timer, writes, change } = saver();
    for (let i = 0; i < 50; i++) change();
    timer.advance(SAVE_DELAY_MS - 1);
    expect(writes).toHaveLength(0);
    timer.advance(1);
    expect(writes.map((w) => w.text)).toEqual(['v50']);
  });

  it('at most one save in flight and one pending: writes during a save make one more save after it', async () => {
    const { s, timer, writes, change } = saver();
    change();
    timer.advance(SAVE_DELAY_MS);
    for (let i = 0; i < 10; i++) change();
    timer.advance(10 * SAVE_DELAY_MS);
    expect(writes).toHaveLength(1); // still in flight: nothing else starts
    writes[0]!.done();
    await settle();
    expect(timer.size).toBe(1); // the pending save, armed
    timer.advance(SAVE_DELAY_MS);
    expect(writes.map((w) => w.text)).toEqual(['v1', 'v11']);
    writes[1]!.done();
    await settle();
    expect(timer.size).toBe(0);
    expect(s.saves).toBe(2);
  });

  it('flush waits for the save in flight, then saves what is pending; close saves and stops', async () => {
    const { s, timer, writes, change } = saver();
    change();
    timer.advance(SAVE_DELAY_MS);
    change();
    const flushed = s.flush();
    writes[0]!.done();
    await settle();
    expect(writes.map((w) => w.text)).toEqual(['v1', 'v2']);
    writes[1]!.done();
    await flushed;
    change();
    const closed = s.close();
    await settle();
    writes[2]!.done();
    await closed;
    change();
    timer.advance(10 * SAVE_DELAY_MS);
    expect(writes.map((w) => w.text)).toEqual(['v1', 'v2', 'v3']);
  });

  it('a failed save is logged once, kept pending, and tried again at the next write', async () => {
    const { s, timer, writes, log, change } = saver();
    change();
    timer.advance(SAVE_DELAY_MS);
    writes[0]!.fail(new Error('ENOSPC: no space left on device'));
    await settle();
    change();
    timer.advance(SAVE_DELAY_MS);
    writes[1]!.fail(new Error('ENOSPC: no space left on device'));
    await settle();
    change();
    timer.advance(SAVE_DELAY_MS);
    writes[2]!.done();
    await settle();
    expect(log).toEqual(['error: state file f.json not saved: ENOSPC: no space left on device (tried again at the next change and at shutdown)', 'info: state file f.json saved again']);
    expect(s.saves).toBe(1);
  });
});

const PROFILE = `
version: 1
name: boiler
server:
  stateFile: boiler.state.json
points:
  setpoint: { type: int16, address: 10, scale: 0.1, value: 70 }
  mode: { type: uint16, address: 11, value: 1 }
  hours: { type: uint32, address: 12 }
  flow: { type: uint16, table: input, address: 0, generate: "5 + t" }
  target: { type: uint16, address: 20, generate: { expression: "3 + t", onWrite: override } }
  enabled: { type: bool, table: coil, address: 0 }
blocks:
  - { address: 100, values: [1, 2, 3, 4] }
`;

interface Started {
  emulator: Emulator;
  lines: string[];
  timer: ManualTimer;
}

async function start(dir: string, profileText = PROFILE, options: Partial<EmulatorOptions> = {}): Promise<Started> {
  writeFileSync(join(dir, 'boiler.yaml'), profileText);
  const lines: string[] = [];
  const logger: Logger = { log: (level, message) => void (level !== 'debug' && !message.startsWith('open-file limit') && lines.push(`${level}: ${message}`)) };
  const timer = new ManualTimer();
  const emulator = await startEmulator({ profile: 'boiler.yaml', cwd: dir, logger, timer, clock: new ManualClock(), seed: 1, ...options });
  onTestFinished(() => emulator.close());
  return { emulator, lines, timer };
}

const stateOf = (dir: string): { units: Record<string, { points: Record<string, { words: number[]; overridden?: true }>; blocks: unknown[] }> } =>
  JSON.parse(readFileSync(join(dir, 'boiler.state.json'), 'utf8'));

describe('a device with a state file', () => {
  it('keeps what clients and the API wrote (overrides too) across a restart, and only that', async () => {
    const dir = tempDir();
    const first = await start(dir);
    expect(first.lines).toContain(`info: state file ${join(dir, 'boiler.state.json')}: none yet, written now and after every change`);
    expect(stateOf(dir).units).toEqual({});
    const client = await connectClient(first.emulator.port);
    await client.writeRegisters(10, [655, 2]); // setpoint 65.5, mode 2
    await client.writeCoil(0, true);
    first.emulator.write('hours', 70_000);
    first.emulator.write('target', 9); // overrides its generator
    first.emulator.writeTable('holding', 101, [0x2222]);
    await first.emulator.close();
    const saved = stateOf(dir).units.boiler!;
    expect(Object.keys(saved.points).sort()).toEqual(['enabled', 'hours', 'mode', 'setpoint', 'target']);
    expect(saved.points.target).toMatchObject({ words: [9], overridden: true });
    expect(saved.blocks).toEqual([{ table: 'holding', address: 101, words: [0x2222] }]);
    expect(readFileSync(join(dir, 'boiler.state.json'), 'utf8')).toContain('"setpoint": {\n          "table": "holding",\n          "address": 10,\n          "type": "int16",\n          "byteOrder": "ABCD",\n          "scale": 0.1,\n          "offset": 0,\n          "initial": [700],\n          "words": [655]\n        }');

    const second = await start(dir);
    expect(second.lines).toContain(`info: state file ${join(dir, 'boiler.state.json')}: 6 saved value(s) restored`);
    const e = second.emulator;
    expect([e.read('setpoint'), e.read('mode'), e.read('hours'), e.read('enabled'), e.read('target')]).toEqual([65.5, 2, 70_000, true, 9]);
    expect(e.readTable('holding', 100, 4)).toEqual([1, 0x2222, 3, 4]);
    // Generators start from their beginning; an overridden one stays overridden.
    expect(e.read('flow')).toBe(5);
  });

  it('saves within the delay of a write, off the request path, and reset() clears the file', async () => {
    const dir = tempDir();
    const { emulator, timer } = await start(dir);
    const client = await connectClient(emulator.port);
    await client.writeRegister(11, 7);
    expect(stateOf(dir).units).toEqual({}); // the request was answered before any save
    timer.advance(SAVE_DELAY_MS);
    await emulator.runtime.saveState(); // waits for the save the timer started
    expect(stateOf(dir).units.boiler!.points.mode!.words).toEqual([7]);
    emulator.reset();
    await emulator.runtime.saveState();
    expect(stateOf(dir).units).toEqual({});
  });

  it('a reload keeps the state, and the file follows the new device', async () => {
    const dir = tempDir();
    const { emulator } = await start(dir);
    emulator.write('mode', 4);
    const result = await emulator.reload();
    expect(result.ok).toBe(true);
    emulator.write('setpoint', 50);
    await emulator.runtime.saveState();
    expect(Object.keys(stateOf(dir).units.boiler!.points).sort()).toEqual(['mode', 'setpoint']);
  });

  it('values that no longer match the profile are named and skipped, never misapplied', async () => {
    const dir = tempDir();
    const first = await start(dir);
    for (const [name, value] of [['setpoint', 60], ['mode', 3], ['hours', 5], ['enabled', true]] as const) first.emulator.write(name, value);
    first.emulator.writeTable('holding', 102, [0x3333]);
    await first.emulator.close();
    // setpoint retyped, mode moved, hours removed, the block shortened; enabled unchanged.
    const changed = PROFILE.replace('setpoint: { type: int16', 'setpoint: { type: uint16')
      .replace('mode: { type: uint16, address: 11', 'mode: { type: uint16, address: 14')
      .replace(/ {2}hours: .*\n/, '')
      .replace('values: [1, 2, 3, 4]', 'values: [1, 2]');
    const second = await start(dir, changed);
    const file = join(dir, 'boiler.state.json');
    expect(second.lines.filter((l) => l.startsWith('warn'))).toEqual([
      `warn: state file ${file}: setpoint: saved as int16 at holding 10, now uint16 at holding 10: skipped`,
      `warn: state file ${file}: mode: saved as uint16 at holding 11, now uint16 at holding 14: skipped`,
      `warn: state file ${file}: hours: no longer in the profile: skipped`,
      `warn: state file ${file}: holding 102: 1 raw word(s) no longer in a block, or now under a point: skipped`,
      `warn: state file ${file}: 4 saved value(s) no longer match the profile and were not applied; the next save leaves them out`,
    ]);
    const e = second.emulator;
    expect([e.read('setpoint'), e.read('mode'), e.read('enabled')]).toEqual([70, 1, true]);
  });

  it('a file that is not a state file stops the start with its name, and is left as it was', async () => {
    const dir = tempDir();
    const file = join(dir, 'boiler.state.json');
    for (const [text, why] of [
      ['{"format": "modbus-emu-state", "version": 1, "units": {', /is not valid JSON \(/],
      ['{"hello": 1}', /is not a modbus-emu state file \(no "format": "modbus-emu-state"\)/],
      ['{"format": "modbus-emu-state", "version": 2, "units": {}}', /is version 2; this modbus-emu reads version 1/],
      ['{"format": "modbus-emu-state", "version": 1, "units": {"boiler": {"points": {"mode": {"table": "holding"}}, "blocks": []}}}', /has a point at units\.boiler\.points\.mode without its/],
    ] as const) {
      writeFileSync(file, text);
      const error = await start(dir).then(
        () => expect.fail('started'),
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(StateFileError);
      expect((error as Error).message).toMatch(why);
      expect((error as Error).message).toContain(`the state file ${file} `);
      expect((error as Error).message).toMatch(/not started, so that nothing in it is overwritten; fix it, or move it away to start afresh$/);
      expect(readFileSync(file, 'utf8')).toBe(text);
    }
  });

  it('--state (stateFile) replaces server.stateFile, relative to cwd; a folder that does not exist fails the start', async () => {
    const dir = tempDir();
    const { emulator } = await start(dir, PROFILE, { stateFile: 'other.json' });
    expect(emulator.runtime.stateFile).toBe(join(dir, 'other.json'));
    expect(existsSync(join(dir, 'other.json'))).toBe(true);
    expect(existsSync(join(dir, 'boiler.state.json'))).toBe(false);
    await expect(start(dir, PROFILE, { stateFile: 'missing/s.json' })).rejects.toThrow(`cannot write the state file ${join(dir, 'missing/s.json')}: ENOENT`);
  });
});

describe('a gateway with a state file', () => {
  const GATEWAY = `
version: 1
name: line
server:
  stateFile: boiler.state.json
templates:
  sensor: { points: { level: { type: uint16, address: 5, value: 1 } } }
units:
  - { unitId: [2, 3], name: sensor, use: sensor }
  - { unitId: 7, name: pump, points: { speed: { type: uint16, address: 0 } } }
`;

  it('keeps each unit by name; a unit that is gone is named and skipped', async () => {
    const dir = tempDir();
    const first = await start(dir, GATEWAY);
    first.emulator.write('level', 30, { unitId: 3 });
    first.emulator.write('speed', 1450, { unitId: 7 });
    await first.emulator.close();
    expect(Object.keys(stateOf(dir).units).sort()).toEqual(['pump', 'sensor-3']);
    const second = await start(dir, GATEWAY.replace(/ {2}- \{ unitId: 7.*\n/, ''));
    const e = second.emulator;
    expect([e.read('level', { unitId: 2 }), e.read('level', { unitId: 3 })]).toEqual([1, 30]);
    expect(second.lines).toContain(`warn: state file ${join(dir, 'boiler.state.json')}: unit pump (1 point(s), 0 block run(s)): no unit of that name in the profile: skipped`);
  });
});
