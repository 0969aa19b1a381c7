import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { startEmulator } from '../../src/index.js';
import { connectClient } from '../helpers/modbus-client.js';

const PUMP = fileURLToPath(new URL('../../devices/pump.yaml', import.meta.url));
const NAMES = ['outputFrequency', 'motorCurrent', 'flow', 'dischargePressure', 'motorThermalState', 'lineVoltage', 'statusWord'];

async function run(clients: number) {
  const clock = new ManualClock();
  const emulator = await startEmulator({ profile: PUMP, clock, seed: 1, logger: silentLogger });
  onTestFinished(() => emulator.close());
  const connections = await Promise.all(Array.from({ length: clients }, () => connectClient(emulator.port)));
  const seen: number[][] = [];
  for (const [i, ms] of [0, 400, 2500, 61_000, 600_000].entries()) {
    clock.set(ms);
    if (i === 1) await connections[0]!.writeRegister(8502, 300);
    // every client reads the measurements, in a different order each
    await Promise.all(connections.map((c, k) => (k % 2 ? c.readHoldingRegisters(5243, 2) : c.readHoldingRegisters(3201, 5))));
    seen.push(NAMES.map((n) => emulator.read(n) as number));
  }
  return { emulator, clock, seen };
}

describe('through the API, with a manual clock and seed 1', () => {
  it('the same requests at the same emulator times give the same values, with 1 client or 5', async () => {
    const one = await run(1);
    const five = await run(5);
    expect(five.seen).toEqual(one.seen);
    expect(one.seen[4]![0]).toBe(30); // the write reached the ramp
  });

  it('emulator.reset() replays the device from its start', async () => {
    const { emulator, clock, seen } = await run(1);
    emulator.reset();
    expect(emulator.read('frequencyReference')).toBe(45); // what the client wrote is gone
    const start = clock.now();
    const again: number[][] = [];
    for (const [i, ms] of [0, 400, 2500, 61_000, 600_000].entries()) {
      clock.set(start + ms);
      if (i === 1) emulator.write('frequencyReference', 30);
      again.push(NAMES.map((n) => emulator.read(n) as number));
    }
    expect(again).toEqual(seen);
  });
});
