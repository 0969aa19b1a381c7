import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { startEmulator } from '../../src/index.js';
import { connectClient } from '../helpers/modbus-client.js';
import { exceptionOf } from './helpers.js';

/** devices/breaker.yaml obeys its commands as its header says: modbus-serial alone, on a manual clock. */
const BREAKER = fileURLToPath(new URL('../../devices/breaker.yaml', import.meta.url));
const OPEN = 1;
const CLOSE = 2;
const RESET = 3;
const STATES = ['open', 'closing', 'closed', 'opening', 'tripped'];

async function breaker() {
  const clock = new ManualClock();
  const emulator = await startEmulator({ profile: BREAKER, clock, seed: 1, logger: silentLogger });
  onTestFinished(() => emulator.close());
  const client = await connectClient(emulator.port);
  const read = async (address: number, n = 1) => (await client.readHoldingRegisters(address, n)).data;
  const state = async () => STATES[(await read(1))[0]!];
  const command = async (c: number) => {
    await client.writeRegister(0, c);
    return state();
  };
  return { emulator, client, read, state, command, refusal: exceptionOf, at: (ms: number) => clock.set(ms) };
}

describe('devices/breaker.yaml obeys its commands', () => {
  it('opens in 30 ms and closes in 80 ms; the command register reads 0 once obeyed; closings are counted', async () => {
    const { read, state, command, at } = await breaker();
    expect(await state()).toBe('closed');
    expect(await command(OPEN)).toBe('opening');
    expect(await read(0)).toEqual([0]);
    at(29);
    expect(await state()).toBe('opening');
    at(30);
    expect([await state(), (await read(2))[0]! & 0x0f]).toEqual(['open', 0b1000]);
    expect(await read(3)).toEqual([0]); // no current while open
    at(100);
    expect(await command(CLOSE)).toBe('closing');
    at(179);
    expect(await state()).toBe('closing');
    at(180);
    expect(await state()).toBe('closed');
    expect(await read(5, 2)).toEqual([0, 1251]); // operations: 1250 + 1
  });

  it('trips when the current exceeds the setting; the trip latches until a reset; unknown commands answer 03', async () => {
    const { client, read, state, command, refusal, at } = await breaker();
    await client.writeRegister(10, 3000); // the load draws 300 A, above Ir 250 A
    at(10); // the next 10 ms step
    expect(await state()).toBe('tripped');
    expect(await read(7)).toEqual([4]); // trips: 3 + 1
    expect(await read(4)).toEqual([3000]); // the load current it cut
    expect(await command(CLOSE)).toBe('tripped'); // latched
    expect(await refusal(() => client.writeRegister(0, 7))).toBe(3);
    expect(await command(RESET)).toBe('open');
    expect(await command(CLOSE)).toBe('closing');
  });

  it('the trip setting may be written only while the breaker is open (04 otherwise, nothing changes)', async () => {
    const { client, read, command, refusal, at } = await breaker();
    expect(await refusal(() => client.writeRegister(11, 300))).toBe(4);
    expect(await read(11)).toEqual([250]);
    await command(OPEN);
    at(30);
    expect(await refusal(() => client.writeRegister(11, 300))).toBeUndefined();
    expect(await read(11)).toEqual([300]);
  });
});
