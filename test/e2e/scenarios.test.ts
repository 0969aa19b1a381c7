import { describe, expect, test, onTestFinished } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../src/log.js';
import { bundledDevice, ManualClock, ManualTimer, startEmulator, type Emulator, type EventRecord } from '../../src/index.js';
import { connectClient, type ModbusRTU } from '../helpers/modbus-client.js';
import { connectOutcome } from '../helpers/connects.js';

/**
 * A scenario stepped through every phase on a manual clock, each phase seen by modbus-serial (an
 * independent client): what the phase promises, and that it ends with the phase; device modes set
 * through the API; and the bundled scenario profiles (devices/scenario-*.yaml), phase by phase, as
 * each file's header comment promises.
 */
const PROFILE = {
  version: 1,
  points: {
    power: { type: 'uint16', address: 0, value: 100 },
    setpoint: { type: 'uint16', address: 1, value: 5 },
    flow: { type: 'uint16', address: 2, generate: 't' },
  },
  scenarios: {
    plant: {
      phases: [
        { name: 'normal', duration: '10s' },
        { name: 'degraded', duration: '10s', faults: [{ name: 'busy', match: { address: 1 }, do: { exception: 'serverDeviceBusy' } }], points: { power: 0 }, generate: { flow: '1000 + t' } },
        { name: 'outage', duration: '5s', modes: { offline: true } },
        { name: 'crowded', duration: '5s', modes: { connections: { limit: 1 } } },
        { name: 'rebooting', duration: '5s', modes: { reboot: true } },
        { name: 'recovered' },
      ],
    },
  },
};

/** Short, for the phases that answer nothing: a timeout is what they promise (real time, under 300 ms). */
const SILENT_MS = 150;

async function start(): Promise<{ emulator: Emulator; clock: ManualClock; events: () => EventRecord[] }> {
  const clock = new ManualClock();
  const emulator = await startEmulator({ profile: PROFILE, logger: silentLogger, clock, scenario: 'plant' });
  onTestFinished(() => emulator.close());
  return { emulator, clock, events: () => emulator.journal!.entries({ kind: 'event' }) };
}

const read = (client: ModbusRTU, address: number, quantity = 1): Promise<string> =>
  client.readHoldingRegisters(address, quantity).then(
    (r) => JSON.stringify(r.data),
    (e: { message?: string }) => `error: ${e.message ?? String(e)}`,
  );

describe('a scenario on a manual clock, seen by modbus-serial', () => {
  test('every phase holds what it says, in turn, and ends with it', async () => {
    const { emulator, clock, events } = await start();
    const port = emulator.port;
    expect(emulator.scenario()).toMatchObject({ name: 'plant', phase: 'normal', since: 0, until: 10_000 });
    const client = await connectClient(port);
    expect(await read(client, 0, 3)).toBe('[100,5,0]');

    clock.advance(10_000);
    expect(emulator.scenario()).toMatchObject({ phase: 'degraded', since: 10_000 });
    // The override wins over storage and the generator; a write goes on underneath.
    await client.writeRegister(0, 42);
    expect(await read(client, 0)).toBe('[0]');
    expect(await read(client, 2)).toBe('[1000]');
    expect(await read(client, 1)).toBe('error: Modbus exception 6: Slave device busy (retry request again later)');
    clock.advance(4_000);
    expect(await read(client, 2)).toBe('[1004]');

    clock.advance(6_000);
    expect(emulator.scenario()).toMatchObject({ phase: 'outage' });
    // The written value shows once the override is over; but now nothing answers at all.
    client.setTimeout(SILENT_MS);
    expect(await read(client, 0)).toBe('error: Timed out');
    client.setTimeout(2000);

    clock.advance(5_000);
    expect(emulator.scenario()).toMatchObject({ phase: 'crowded' });
    expect(await read(client, 0, 3)).toBe('[42,5,25]');
    // The one connection allowed is taken: a newcomer is closed at once, the first one goes on.
    expect(await connectOutcome(port)).toBe('closed');
    expect(await read(client, 1)).toBe('[5]');

    clock.advance(5_000);
    expect(emulator.scenario()).toMatchObject({ phase: 'rebooting' });
    await emulator.modesApplied();
    expect(await connectOutcome(port)).toBe('refused');
    await expect.poll(() => client.isOpen, { timeout: 1000 }).toBe(false);

    clock.advance(5_000);
    await emulator.modesApplied();
    expect(emulator.scenario()).toMatchObject({ phase: 'recovered', until: null });
    expect(emulator.port).toBe(port);
    const after = await connectClient(port);
    // Back with its initial values: the write before the reboot is gone, time counts from the reboot.
    expect(await read(after, 0, 3)).toBe('[100,5,0]');

    const phases = events().filter((e) => e.event === 'phase').map((e) => [e.time, e.data.from, e.data.to]);
    expect(phases).toEqual([
      [0, '', 'normal'],
      [10_000, 'normal', 'degraded'],
      [20_000, 'degraded', 'outage'],
      [25_000, 'outage', 'crowded'],
      [30_000, 'crowded', 'rebooting'],
      [35_000, 'rebooting', 'recovered'],
    ]);
    expect(events().filter((e) => e.event === 'reboot').map((e) => [e.time, e.data.state])).toEqual([
      [30_000, 'down'],
      [35_000, 'up'],
    ]);
  });
});

describe('device modes from the API, seen by modbus-serial', () => {
  test('a reboot with a state file comes back with the saved values: what clients wrote stays, the rest starts over', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modbus-emu-reboot-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const clock = new ManualClock();
    const emulator = await startEmulator({ profile: PROFILE, logger: silentLogger, clock, stateFile: join(dir, 'state.json') });
    onTestFinished(() => emulator.close());
    const client = await connectClient(emulator.port);
    await client.writeRegister(1, 77);
    clock.advance(9_000);
    expect(await read(client, 1, 2)).toBe('[77,9]');
    emulator.reboot(3_000);
    await emulator.modesApplied();
    expect(emulator.modes()).toEqual({ reboot: true });
    expect(await connectOutcome(emulator.port)).toBe('refused');
    clock.advance(3_000);
    await emulator.modesApplied();
    expect(emulator.modes()).toEqual({});
    const after = await connectClient(emulator.port);
    expect(await read(after, 1, 2)).toBe('[77,0]');
  });

  test('accept: ignore holds newcomers unanswered, open connections go on; ending the mode closes the held ones', async () => {
    const emulator = await startEmulator({ profile: PROFILE, logger: silentLogger, clock: new ManualClock() });
    onTestFinished(() => emulator.close());
    const open = await connectClient(emulator.port);
    emulator.setModes({ connections: { accept: 'ignore' } });
    const held = await connectClient(emulator.port);
    held.setTimeout(SILENT_MS);
    expect(await read(held, 0)).toBe('error: Timed out');
    expect(await read(open, 0)).toBe('[100]');
    emulator.setModes({});
    await expect.poll(() => held.isOpen, { timeout: 1000, message: 'the held connection is closed when the mode ends' }).toBe(false);
    expect(await connectOutcome(emulator.port)).toBe('open');
  });
});

async function serve(name: string, scenario: string, timer?: ManualTimer): Promise<{ emulator: Emulator; clock: ManualClock }> {
  const clock = new ManualClock();
  const emulator = await startEmulator({ profile: bundledDevice(name), clock, seed: 1, logger: silentLogger, scenario, ...(timer && { timer }) });
  onTestFinished(() => emulator.close());
  return { emulator, clock };
}

const outcome = <T>(p: Promise<{ data: T }>): Promise<T | string> => p.then((r) => r.data, (e: { message?: string }) => `error: ${e.message ?? String(e)}`);
const floats = (client: ModbusRTU, address: number, count: number) =>
  outcome(client.readHoldingRegisters(address, count * 2).then((r) => ({ data: Array.from({ length: count }, (_, i) => Math.round(r.buffer.readFloatBE(i * 4) * 10) / 10) })));

describe('devices/scenario-rebooting-meter.yaml', () => {
  test('runs 4:50, refuses connects for 10 s, then is back on the same port with its counters started over', async () => {
    const { emulator, clock } = await serve('scenario-rebooting-meter', 'rebootEvery5m');
    const { port } = emulator;
    clock.advance(289_000);
    const client = await connectClient(port);
    expect((await client.readHoldingRegisters(6, 2)).data).toEqual([0, 289]);
    expect(await floats(client, 4, 1)).toEqual([1200.1]);
    clock.advance(1_000);
    await emulator.modesApplied();
    expect(emulator.scenario()).toMatchObject({ phase: 'rebooting', since: 290_000, until: 300_000 });
    expect(await connectOutcome(port)).toBe('refused');
    clock.advance(10_000);
    await emulator.modesApplied();
    expect(emulator.scenario()).toMatchObject({ phase: 'running', cycle: 1 });
    const again = await connectClient(port);
    expect((await again.readHoldingRegisters(6, 2)).data).toEqual([0, 0]);
    expect(await floats(again, 4, 1)).toEqual([1200]);
    const reboots = emulator.journal!.entries({ kind: 'event', event: 'reboot' });
    expect(reboots.map((e) => [e.time, e.data.state])).toEqual([[290_000, 'down'], [300_000, 'up']]);
  });
});

describe('devices/scenario-gateway-dropouts.yaml', () => {
  test('the meters drop out in turn: 0x0B for unit 1, silence for unit 2, 0x0B for unit 3; the others answer', async () => {
    const { emulator, clock } = await serve('scenario-gateway-dropouts', 'inTurn');
    const clients = await Promise.all([1, 2, 3].map((id) => connectClient(emulator.port, id)));
    // Only the unit expected to be silent gets a short timeout: the others may take their time on a loaded machine.
    const seen = async (silent?: number) =>
      Promise.all(
        clients.map((c, i) => {
          c.setTimeout(i + 1 === silent ? SILENT_MS : 2000);
          return outcome(c.readHoldingRegisters(0x37, 1)).then((r) => (typeof r === 'string' ? r.replace('error: ', '') : 'ok'));
        }),
      );
    const B = 'Modbus exception 11: Gateway target device failed to respond (retry request again later)';
    expect(await seen()).toEqual(['ok', 'ok', 'ok']);
    clock.advance(40_000);
    expect(await seen()).toEqual([B, 'ok', 'ok']);
    clock.advance(80_000);
    expect(await seen(2)).toEqual(['ok', 'Timed out', 'ok']);
    clock.advance(80_000);
    expect(await seen()).toEqual(['ok', 'ok', B]);
    clock.advance(40_000);
    expect(emulator.scenario()).toMatchObject({ phase: 'allUp1', cycle: 1, since: 240_000 });
    expect(await seen()).toEqual(['ok', 'ok', 'ok']);
  });
});

describe('devices/scenario-plant.yaml', () => {
  test('normal, degraded link (late replies), outage (silence, connects refused), recovery (starting up, power ramping)', async () => {
    const timer = new ManualTimer();
    const { emulator, clock } = await serve('scenario-plant', 'badDay', timer);
    const client = await connectClient(emulator.port);
    expect((await client.readHoldingRegisters(4, 1)).data).toEqual([0]);

    clock.advance(40 * 60_000);
    expect(emulator.scenario()).toMatchObject({ phase: 'degradedLink' });
    expect(emulator.runtime.injectedRules).toEqual(['lateReplies', 'sometimesBusy']);
    client.setTimeout(2000);
    let answered = false;
    const waiting = timer.size;
    const late = client.readHoldingRegisters(4, 1).then((r) => ((answered = true), r.data));
    // The reply waits for the wire timer: 300-700 ms of it (a manual one here: no real wait).
    await expect.poll(() => timer.size, { timeout: 1000, message: 'the delayed reply waits on the wire timer' }).toBeGreaterThan(waiting);
    timer.advance(299);
    expect(answered).toBe(false);
    timer.advance(401);
    expect(await late).toEqual([0]);

    clock.advance(10 * 60_000);
    expect(emulator.scenario()).toMatchObject({ phase: 'outage' });
    client.setTimeout(SILENT_MS);
    expect(await outcome(client.readHoldingRegisters(4, 1))).toBe('error: Timed out');
    expect(await connectOutcome(emulator.port)).toBe('closed');
    expect(emulator.runtime.injectedRules).toEqual([]);

    clock.advance(5 * 60_000 + 30_000);
    expect(emulator.scenario()).toMatchObject({ phase: 'recovery' });
    const fresh = await connectClient(emulator.port);
    await fresh.writeRegister(4, 1);
    expect((await fresh.readHoldingRegisters(4, 1)).data).toEqual([2]);
    expect(await floats(fresh, 0, 1)).toEqual([400]);
    clock.advance(270_000);
    expect(emulator.scenario()).toMatchObject({ phase: 'normal', cycle: 1 });
    // The acknowledgement written during the recovery shows now.
    expect((await fresh.readHoldingRegisters(4, 1)).data).toEqual([1]);
  });
});
