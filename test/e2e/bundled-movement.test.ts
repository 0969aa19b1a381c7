import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { startEmulator } from '../../src/index.js';
import { connectClient as connect } from '../helpers/modbus-client.js';

/**
 * The bundled devices move as their header comments say: modbus-serial reads them at several
 * emulator times of a manual clock (seed 1), and the values are decoded here from the wire.
 */
const DEVICES = fileURLToPath(new URL('../../devices/', import.meta.url));

async function serve(file: string) {
  const clock = new ManualClock();
  const emulator = await startEmulator({ profile: `${DEVICES}${file}`, clock, seed: 1, logger: silentLogger });
  onTestFinished(() => emulator.close());
  return { emulator, clock, at: (seconds: number) => clock.set(seconds * 1000) };
}

const int16 = (w: number): number => (w >= 0x8000 ? w - 0x10000 : w);
const float32 = (words: readonly number[], i = 0): number => Buffer.from([words[i]! >> 8, words[i]! & 0xff, words[i + 1]! >> 8, words[i + 1]! & 0xff]).readFloatBE(0);
/** EM24: int32 low word first. */
const int32cdab = (words: readonly number[], i = 0): number => Buffer.from([words[i + 1]! >> 8, words[i + 1]! & 0xff, words[i]! >> 8, words[i]! & 0xff]).readInt32BE(0);

describe('devices/pump.yaml moves', () => {
  it('the output ramps to a new reference at 50 Hz per dEC; flow, pressure and current follow the speed', async () => {
    const { emulator, at } = await serve('pump.yaml');
    const client = await connect(emulator.port);
    const read = async (address: number, n = 1) => (await client.readHoldingRegisters(address, n)).data;
    expect(await read(3201, 2)).toEqual([0x0637, 450]); // running at 45.0 Hz, reference reached
    const [pressure0, flow0] = await read(5243, 2);
    expect(flow0! / 10).toBeCloseTo(54, 0); // 60 m³/h × 45/50, with noise
    expect(pressure0! / 100).toBeCloseTo(3.24, 1); // 4.0 bar × (45/50)²

    await client.writeRegister(8502, 300); // 30.0 Hz
    at(1);
    expect(await read(3201, 2)).toEqual([0x0237, 400]); // 5 Hz/s down (dEC 10 s), reference not reached
    at(3);
    expect(await read(3201, 2)).toEqual([0x0637, 300]);
    const [pressure, flow] = await read(5243, 2);
    expect(flow! / 10).toBeCloseTo(36, 0);
    expect(pressure! / 100).toBeCloseTo(1.44, 1);
    expect((await read(3204))[0]! / 10).toBeCloseTo(2.5 + 7.5 * 0.36, 0); // motor current ∝ speed²
  });

  it('the motor thermal state falls toward the lower load level; a stop brings the output to 0 Hz', async () => {
    const { emulator, at } = await serve('pump.yaml');
    const client = await connect(emulator.port);
    const thermal = async () => (await client.readHoldingRegisters(9630, 1)).data[0]!;
    expect(await thermal()).toBe(68);
    await client.writeRegister(8502, 300);
    at(600);
    const after10min = await thermal();
    expect(after10min).toBeLessThan(68);
    expect(after10min).toBeGreaterThan(35);
    at(3600);
    expect(await thermal()).toBeCloseTo(110 * (5.2 / 11) ** 2, -1); // ≈ 25 %
    await client.writeRegister(8501, 0x0007); // stop
    at(3610);
    const [status, frequency] = (await client.readHoldingRegisters(3201, 2)).data;
    expect([status, frequency]).toEqual([0x0633, 0]); // not running, at its (zero) reference
    expect((await client.readHoldingRegisters(3204, 1)).data).toEqual([0]); // no current
  });
});

describe('devices/meter-sdm630.yaml moves', () => {
  it('voltages wander around their values, energy integrates the total power', async () => {
    const { emulator, at } = await serve('meter-sdm630.yaml');
    const client = await connect(emulator.port);
    const area = async () => (await client.readInputRegisters(0, 0x4c)).data;
    const start = await area();
    expect(float32(start, 0)).toBe(Math.fround(230.4));
    expect(float32(start, 0x48)).toBe(Math.fround(18234.6));
    at(3600);
    const later = await area();
    const voltages = [0, 2, 4].map((i) => float32(later, i));
    expect(voltages.map((v, i) => Math.abs(v - [230.4, 231.1, 229.8][i]!) <= 3)).toEqual([true, true, true]);
    expect(voltages).not.toEqual([0, 2, 4].map((i) => float32(start, i)));
    const total = float32(later, 0x34);
    expect(total).toBeCloseTo(float32(later, 0x0c) + float32(later, 0x0e) + float32(later, 0x10), 0);
    const kWh = float32(later, 0x48) - float32(start, 0x48);
    expect(kWh).toBeGreaterThan(7.0); // about 7.7 kW for an hour
    expect(kWh).toBeLessThan(8.3);
  });
});

describe('devices/meter-em24.yaml moves', () => {
  it('voltage drifts, import energy integrates W_sys (÷10 kWh, low word first)', async () => {
    const { emulator, at } = await serve('meter-em24.yaml');
    const client = await connect(emulator.port);
    const energy = async () => int32cdab((await client.readInputRegisters(0x42, 2)).data) / 10;
    expect(await energy()).toBe(5321.7);
    at(7200);
    expect(await energy()).toBeCloseTo(5321.7 + 2 * 3.15, 0); // about 3.15 kW for two hours
    const v = int32cdab((await client.readHoldingRegisters(0, 2)).data) / 10;
    expect(Math.abs(v - 231.2)).toBeLessThanOrEqual(3);
    expect(v).not.toBe(231.2);
  });
});

describe('devices/inverter-sunspec.yaml moves', () => {
  it('follows the daylight curve from noon into the night and back at sunrise; St follows', async () => {
    const { emulator, at } = await serve('inverter-sunspec.yaml');
    const client = await connect(emulator.port);
    const sample = async () => {
      const m = (await client.readHoldingRegisters(40084, 25)).data; // W .. St
      return { W: int16(m[0]!), WH: m[10]! * 0x10000 + m[11]!, St: m[24]! };
    };
    const noon = await sample();
    expect(noon).toMatchObject({ W: 7385, St: 4 });
    at(3 * 3600);
    const afternoon = await sample();
    expect(afternoon.W).toBeLessThan(noon.W);
    expect(afternoon.W).toBeGreaterThan(3000); // cos(45°)^1.2 × 7.4 kW ≈ 4.9 kW
    expect(afternoon.WH).toBeGreaterThan(noon.WH);
    at(8 * 3600);
    expect(await sample()).toMatchObject({ W: 0, St: 2 }); // night: SLEEPING
    at(19 * 3600); // an hour after sunrise
    const morning = await sample();
    expect(morning.St).toBe(4);
    expect(morning.W).toBeGreaterThan(1000);
    expect(morning.W).toBeLessThan(2000);
  });
});

describe('devices/gateway.yaml moves (unit 1: temperature controller)', () => {
  it('the working setpoint ramps at the setpoint rate, the process value lags it, alarm 1 follows its threshold', async () => {
    const { emulator, at } = await serve('gateway.yaml');
    const client = await connect(emulator.port, 1);
    const pv = async () => int16((await client.readHoldingRegisters(289, 1)).data[0]!) / 10;
    expect(await pv()).toBe(184.7);
    await client.writeRegister(2, 2000); // target 200.0 °C
    at(60);
    expect((await client.readHoldingRegisters(5, 1)).data).toEqual([1900]); // 185.0 + 5.0 °C/min
    const rising = await pv();
    expect(rising).toBeGreaterThan(184.7);
    expect(rising).toBeLessThan(190);
    await client.writeRegister(10241, 1950); // alarm 1 above 195.0 °C
    expect((await client.readHoldingRegisters(10213, 1)).data).toEqual([0]);
    at(1800);
    expect(await pv()).toBeCloseTo(200, 0);
    expect((await client.readHoldingRegisters(10213, 1)).data).toEqual([0x8001]);
  });
});
