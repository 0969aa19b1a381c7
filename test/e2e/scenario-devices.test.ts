import { describe, expect, test, onTestFinished } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { bundledDevice, ManualClock, ManualTimer, startEmulator, type Emulator } from '../../src/index.js';
import { connectClient, type ModbusRTU } from '../helpers/modbus-client.js';
import { connectOutcome } from '../helpers/connects.js';

/**
 * The bundled scenario profiles (devices/scenario-*.yaml) as a client sees them, phase by phase,
 * on a manual clock: what each file's header comment promises.
 */
/** Short, for the phases that answer nothing: a timeout is what they promise (real time, under 300 ms). */
const SILENT_MS = 150;

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
    for (const c of clients) c.setTimeout(SILENT_MS);
    const seen = async () => Promise.all(clients.map((c) => outcome(c.readHoldingRegisters(0x37, 1)).then((r) => (typeof r === 'string' ? r.replace('error: ', '') : 'ok'))));
    const B = 'Modbus exception 11: Gateway target device failed to respond (retry request again later)';
    expect(await seen()).toEqual(['ok', 'ok', 'ok']);
    clock.advance(40_000);
    expect(await seen()).toEqual([B, 'ok', 'ok']);
    clock.advance(80_000);
    expect(await seen()).toEqual(['ok', 'Timed out', 'ok']);
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
    client.setTimeout(SILENT_MS);
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
    client.setTimeout(SILENT_MS);

    clock.advance(10 * 60_000);
    expect(emulator.scenario()).toMatchObject({ phase: 'outage' });
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
