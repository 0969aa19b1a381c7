import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { silentLogger, startEmulator, type Emulator, type EmulatorOptions, type ReloadFailure, type ReloadSuccess, type RequestRecord } from '../../src/index.js';
import { createLogger } from '../../src/log.js';
import { loadDevice } from '../../src/runtime/load-device.js';
import { Runtime } from '../../src/runtime/runtime.js';
import { testEnv } from '../helpers/env.js';
import { closeClient, connectClient } from '../helpers/modbus-client.js';
import { freePort } from '../helpers/ports.js';

/**
 * The fixture API of live reload: `reload()` by file or object, what it keeps and reports, the
 * events, the request journal, and a listener that follows the profile's port.
 */
const dir = mkdtempSync(join(tmpdir(), 'modbus-emu-reload-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PUMP = `version: 1
name: pump
points:
  speed:    { type: uint16, address: 0, value: 100 }
  setpoint: { type: uint16, address: 1, value: 50 }
  mode:     { type: uint16, address: 2, value: 1 }
`;

async function start(options: Partial<EmulatorOptions> & { text?: string } = {}): Promise<{ emulator: Emulator; file: string; log: string[] }> {
  const file = join(dir, `p-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, options.text ?? PUMP);
  const log: string[] = [];
  const emulator = await startEmulator({ profile: file, seed: 1, logger: createLogger((l) => log.push(l.trimEnd()), 'info'), ...options });
  onTestFinished(() => emulator.close());
  return { emulator, file, log };
}

describe('reload()', () => {
  it('serves the edited file from the next request on, keeps what clients wrote, and says what changed in one line', async () => {
    const { emulator, file, log } = await start();
    const client = await connectClient(emulator.port);
    await client.writeRegister(1, 77); // a client's write to an unchanged point survives
    writeFileSync(file, PUMP.replace('mode:     { type: uint16, address: 2, value: 1 }', 'mode:     { type: int16, address: 2, value: 1 }') + '  flow:     { type: uint16, address: 3, value: 9 }\n');
    const reloaded = new Promise<ReloadSuccess>((done) => emulator.once('reload', done));
    const result = await emulator.reload();
    expect(result.ok).toBe(true);
    expect(await reloaded).toBe(result);
    const ok = result as ReloadSuccess;
    expect(ok.changes).toEqual({ added: ['flow'], removed: [], changed: ['mode'], settings: [] });
    expect(ok.handOver).toMatchObject({ keptPoints: 2, resetPoints: ['mode', 'flow'] });
    expect((await client.readHoldingRegisters(0, 4)).data).toEqual([100, 77, 1, 9]);
    expect(log.filter((l) => l.includes('reloaded'))).toEqual([expect.stringMatching(/reloaded: 1 point added \(flow\), 1 point changed \(mode\); state kept for 2 points, 2 reset/)]);
  });

  it('a broken file keeps the running device, reports every problem with line:column, and the fixed file reloads', async () => {
    const { emulator, file, log } = await start();
    const client = await connectClient(emulator.port);
    await client.writeRegister(1, 61);
    const device = emulator.device;
    const state = emulator.readTable('holding', 0, 3);
    let swaps = 0;
    emulator.on('swap', () => swaps++);
    writeFileSync(file, PUMP.replace('value: 100', 'value: "fast"').replace('address: 2', 'address: -1'));
    const failed = new Promise<ReloadFailure>((done) => emulator.once('reloadError', done));
    const result = await emulator.reload();
    expect(result.ok).toBe(false);
    expect(await failed).toBe(result);
    expect((result as ReloadFailure).diagnostics.map((d) => [d.code, d.location?.line])).toEqual([
      ['E_VALUE_TYPE', 4],
      ['E_SCHEMA_RANGE', 6],
    ]);
    expect(log.filter((l) => l.startsWith('error:'))).toEqual([
      expect.stringContaining('not reloaded (2 problems): the device served so far goes on'),
      expect.stringMatching(/^error:\s+\S+:4:\d+ points\.speed/),
      expect.stringMatching(/^error:\s+\S+:6:\d+ points\.mode\.address/),
    ]);
    // Nothing but the log changed: the same device, its state, its connection.
    expect(swaps).toBe(0);
    expect(emulator.device).toBe(device);
    expect(emulator.readTable('holding', 0, 3)).toEqual(state);
    expect((await client.readHoldingRegisters(0, 3)).data).toEqual([100, 61, 1]);
    writeFileSync(file, PUMP.replace('value: 100', 'value: 101'));
    expect((await emulator.reload()).ok).toBe(true);
    expect((await client.readHoldingRegisters(0, 1)).data).toEqual([101]);
  });

  it('a deleted file keeps the device running', async () => {
    const { emulator, file } = await start();
    rmSync(file);
    const result = (await emulator.reload()) as ReloadFailure;
    expect(result.diagnostics.map((d) => d.code)).toEqual(['E_FILE_NOT_FOUND']);
    expect(emulator.read('speed')).toBe(100);
  });

  it('takes a profile object (and a path) instead of the file', async () => {
    const { emulator } = await start({ logger: silentLogger });
    const result = await emulator.reload({ version: 1, name: 'pump', points: { speed: { type: 'uint16', address: 0, value: 5 } } });
    expect(result.ok && result.changes).toEqual({ added: [], removed: ['setpoint', 'mode'], changed: ['speed'], settings: [] });
    expect(emulator.read('speed')).toBe(5);
    expect(() => emulator.read('mode')).toThrow(/no point named mode/);
  });

  it('reloads asked at once run one after the other, in order', async () => {
    const { emulator } = await start({ logger: silentLogger });
    const versions = [1, 2, 3].map((v) => emulator.reload({ version: 1, points: { speed: { type: 'uint16', address: 0, value: v } } }));
    expect((await Promise.all(versions)).map((r) => r.ok)).toEqual([true, true, true]);
    expect(emulator.read('speed')).toBe(3);
  });
});

describe('events and the request journal', () => {
  it('records each request: client, unit, function, range, values written, outcome', async () => {
    const { emulator } = await start({ logger: silentLogger });
    const seen: RequestRecord[] = [];
    emulator.on('request', (r) => seen.push(r));
    const client = await connectClient(emulator.port, 7);
    await client.readHoldingRegisters(0, 3);
    await client.writeRegisters(1, [5, 6]);
    await expect(client.readHoldingRegisters(40, 1)).rejects.toMatchObject({ modbusCode: 2 });
    const journal = emulator.journal!.entries();
    expect(journal).toEqual(seen);
    expect(journal.map(({ seq, unitId, functionCode, function: fn, address, quantity, values, outcome, exceptionCode }) => ({ seq, unitId, functionCode, fn, address, quantity, values, outcome, exceptionCode }))).toEqual([
      { seq: 1, unitId: 7, functionCode: 3, fn: 'readHoldingRegisters', address: 0, quantity: 3, values: undefined, outcome: 'response', exceptionCode: undefined },
      { seq: 2, unitId: 7, functionCode: 16, fn: 'writeMultipleRegisters', address: 1, quantity: 2, values: [5, 6], outcome: 'response', exceptionCode: undefined },
      { seq: 3, unitId: 7, functionCode: 3, fn: 'readHoldingRegisters', address: 40, quantity: 1, values: undefined, outcome: 'exception', exceptionCode: 2 },
    ]);
    expect(journal[0]!.connection).toMatchObject({ id: 1, address: '127.0.0.1' });
    expect(journal[0]!.time).toBeGreaterThanOrEqual(0);
    expect(journal[0]!.wallTime).toBeGreaterThan(1.7e12);
    expect(emulator.journal!.entries({ outcome: 'exception' }).map((r) => r.seq)).toEqual([3]);
    emulator.journal!.clear();
    expect(emulator.journal!.entries()).toEqual([]);
  });

  it('keeps recording across a reload, in one sequence', async () => {
    const { emulator } = await start({ logger: silentLogger, journal: 2 });
    const client = await connectClient(emulator.port);
    await client.readHoldingRegisters(0, 1);
    await emulator.reload();
    await client.readHoldingRegisters(0, 1);
    await client.readHoldingRegisters(0, 1);
    expect(emulator.journal!.entries().map((r) => r.seq)).toEqual([2, 3]);
  });

  it('with journal: false and no request listener, the server runs the device handler itself (nothing installed)', async () => {
    const { emulator } = await start({ logger: silentLogger, journal: false });
    const serverHandler = () => (emulator.runtime as unknown as { server: { handler: unknown } }).server.handler;
    expect(emulator.journal).toBeUndefined();
    expect(serverHandler()).toBe(emulator.device.handler);
    const listener = (): void => {};
    emulator.on('request', listener);
    expect(serverHandler()).not.toBe(emulator.device.handler);
    emulator.off('request', listener);
    expect(serverHandler()).toBe(emulator.device.handler);
  });

  it('connection and close events reach the handle', async () => {
    const { emulator } = await start({ logger: silentLogger });
    const connected = new Promise((done) => emulator.once('connection', done));
    const client = await connectClient(emulator.port);
    expect(await connected).toMatchObject({ id: 1 });
    await closeClient(client);
    const closed = new Promise<void>((done) => emulator.once('close', () => done()));
    await emulator.close();
    await closed;
  });
});


describe('a reload that changes server.port', () => {
  async function runtimeFor(text: string, pinned: { port?: number } = {}) {
    const file = join(dir, `port-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, text);
    const loaded = await loadDevice(file, { env: testEnv() });
    if (!loaded.ok) throw new Error('fixture');
    const runtime = new Runtime({ device: loaded.profile, env: testEnv(), defaultPort: 0, ...pinned });
    onTestFinished(() => runtime.close());
    await runtime.listen();
    return { runtime, file };
  }

  it('rebinds the listener to the new port and keeps the device state', async () => {
    const { runtime, file } = await runtimeFor(PUMP);
    const before = runtime.address!.port;
    const client = await connectClient(before);
    await client.writeRegister(1, 66);
    const port = await freePort();
    writeFileSync(file, PUMP.replace('name: pump', `name: pump\nserver: { port: ${port} }`));
    const result = await runtime.reload();
    expect(result.ok && result.changes.settings).toEqual([`port: default → ${port}`]);
    expect(runtime.address!.port).toBe(port);
    const moved = await connectClient(port);
    expect((await moved.readHoldingRegisters(1, 1)).data).toEqual([66]);
  });

  it('stays where a pinned port (a CLI flag) put it', async () => {
    const port = await freePort();
    const { runtime, file } = await runtimeFor(PUMP, { port });
    writeFileSync(file, PUMP.replace('name: pump', `name: pump\nserver: { port: ${await freePort()} }`));
    expect((await runtime.reload()).ok).toBe(true);
    expect(runtime.address!.port).toBe(port);
  });

  it('keeps the old listener and device when the new port cannot be bound', async () => {
    const { runtime, file } = await runtimeFor(PUMP);
    const taken = createServer();
    await new Promise<void>((done) => taken.listen(0, '127.0.0.1', done));
    onTestFinished(() => new Promise<void>((done) => taken.close(() => done())));
    const port = (taken.address() as { port: number }).port;
    writeFileSync(file, PUMP.replace('name: pump', `name: pump\nserver: { port: ${port} }`).replace('value: 100', 'value: 1'));
    const result = await runtime.reload();
    expect(result.ok).toBe(false);
    expect((result as ReloadFailure).error?.message).toMatch(/cannot listen on 127\.0\.0\.1:\d+/);
    const client = await connectClient(runtime.address!.port);
    expect((await client.readHoldingRegisters(0, 1)).data).toEqual([100]);
  });
});

const ipv6 = await new Promise<boolean>((resolve) => {
  const probe = createServer();
  probe.once('error', () => resolve(false));
  probe.listen(0, '::1', () => probe.close(() => resolve(true)));
});

describe.skipIf(!ipv6)('a reload that changes server.host', () => {
  it('moves the API handle too: host, port and address follow the runtime', async () => {
    const profile = (host: string) => ({ version: 1, server: { host }, points: { v: { type: 'uint16', address: 0, value: 1 } } });
    const emulator = await startEmulator({ profile: profile('127.0.0.1'), logger: silentLogger });
    onTestFinished(() => emulator.close());
    expect(emulator.host).toBe('127.0.0.1');
    emulator.write('v', 9);
    expect((await emulator.reload(profile('::1'))).ok).toBe(true);
    expect(emulator.host).toBe('::1');
    expect(emulator.address).toEqual(emulator.runtime.address);
    expect(emulator.read('v')).toBe(9);
  });
});

