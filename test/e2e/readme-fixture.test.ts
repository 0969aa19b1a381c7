import ModbusSerial from 'modbus-serial';
import type { ModbusRTU } from 'modbus-serial/ModbusRTU.js';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/index.js';

// The code under test: a pump controller that reads the speed and raises the setpoint.
async function raiseSetpoint(port: number): Promise<number> {
  const client = new (ModbusSerial as unknown as typeof ModbusRTU)();
  await client.connectTCP('127.0.0.1', { port });
  client.setID(1);
  try {
    const { data } = await client.readHoldingRegisters(0, 2);
    await client.writeRegister(1, data[1]! + 50);
    return data[0]!;
  } finally {
    await new Promise<void>((done) => client.close(() => done()));
  }
}

let pump: Emulator;
beforeEach(async () => {
  pump = await startEmulator({
    profile: { version: 1, name: 'pump', points: { speed: { type: 'uint16', address: 0, value: 1450 }, setpoint: { type: 'uint16', address: 1, value: 300 } } },
  });
});
afterEach(() => pump.close());

it('reads the speed and raises the setpoint by 50', async () => {
  expect(await raiseSetpoint(pump.port)).toBe(1450);
  expect(pump.read('setpoint')).toBe(350);
  // The journal says what the client sent, in order.
  expect(pump.journal!.entries().map((r) => [r.function, r.address, r.values])).toEqual([
    ['readHoldingRegisters', 0, undefined],
    ['writeSingleRegister', 1, [350]],
  ]);
});

it('sees a profile edit from the next request on, keeping what clients wrote', async () => {
  await raiseSetpoint(pump.port);
  const result = await pump.reload({ version: 1, name: 'pump', points: { speed: { type: 'uint16', address: 0, value: 900 }, setpoint: { type: 'uint16', address: 1, value: 300 } } });
  expect(result.ok && result.changes.changed).toEqual(['speed']);
  expect(await raiseSetpoint(pump.port)).toBe(900);
  expect(pump.read('setpoint')).toBe(400);
  expect(pump.journal!.entries({ function: 'writeSingleRegister' }).map((r) => r.values)).toEqual([[350], [400]]);
});

it('reports a busy device to its caller instead of writing', async () => {
  const remove = pump.inject({ name: 'busy', match: { function: 'readHoldingRegisters' }, do: { exception: 6 } });
  await expect(raiseSetpoint(pump.port)).rejects.toMatchObject({ modbusCode: 6 });
  expect(pump.read('setpoint')).toBe(300); // nothing was written
  expect(pump.journal!.entries({ rule: 'busy' }).map((r) => [r.function, r.outcome])).toEqual([['readHoldingRegisters', 'exception']]);
  remove();
  expect(await raiseSetpoint(pump.port)).toBe(1450);
});
