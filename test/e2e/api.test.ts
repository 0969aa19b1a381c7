import { connect as netConnect, type Socket } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
// Imported from the package entry, as a test suite in another project would.
import { ProfileError, startEmulator, type Emulator } from '../../src/index.js';
import { connectClient as client } from '../helpers/modbus-client.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { BadRequestError, NotFoundError } from '../../src/errors.js';
import { within } from '../helpers/within.js';

/**
 * The API as another project's test suite uses it: a profile object, port 0, a Modbus client of
 * its own (modbus-serial), points by name, raw tables, gateways by unit id, close().
 */
const BOILER = {
  version: 1,
  name: 'boiler',
  points: {
    burnerOn: { type: 'bool', address: 0, value: true },
    setpoint: { type: 'int16', address: 10, scale: 0.1, unit: '°C', min: 30, max: 85, value: 70.0 },
    waterTemp: { type: 'int16', table: 'input', address: 0, scale: 0.1, offset: -40, value: 71.5 },
    status: { type: 'bitfield16', table: 'input', address: 1, bits: { running: 0, fault: 3 }, value: { running: true } },
    gasTotal: { type: 'float32', table: 'input', address: 2, byteOrder: 'CDAB', value: 1843.25 },
    serial: { type: 'string', table: 'input', address: 100, registers: 4, value: 'BX-2291' },
  },
};

const GATEWAY = {
  version: 1,
  name: 'line',
  templates: {
    sensor: { points: { temperature: { type: 'int16', address: 0, scale: 0.1, value: 20.0 } } },
  },
  units: [
    { unitId: [2, 3], name: 'sensor', use: 'sensor' },
    { unitId: 7, points: { level: { type: 'uint16', address: 5, value: 42 } } },
  ],
};

async function start(profile: object): Promise<Emulator> {
  const emulator = await startEmulator({ profile, port: 0 });
  onTestFinished(() => emulator.close());
  return emulator;
}

describe('startEmulator with a profile object', () => {
  it('listens on 127.0.0.1 and a free port, serving the points', async () => {
    const emulator = await start(BOILER);
    expect(emulator.host).toBe('127.0.0.1');
    expect(emulator.port).toBeGreaterThan(0);
    expect(emulator.address.port).toBe(emulator.port);
    const c = await client(emulator.port);
    expect((await c.readCoils(0, 1)).data[0]).toBe(true);
    expect((await c.readHoldingRegisters(10, 1)).data).toEqual([700]);
    expect((await c.readInputRegisters(0, 2)).data).toEqual([1115, 0x0001]); // 71.5 = 1115 × 0.1 − 40
    const gas = (await c.readInputRegisters(2, 2)).data; // CDAB: low word first
    expect(Buffer.from([gas[1]! >> 8, gas[1]! & 0xff, gas[0]! >> 8, gas[0]! & 0xff]).readFloatBE(0)).toBe(1843.25);
  });

  it('read by name: engineering values', async () => {
    const emulator = await start(BOILER);
    expect(emulator.read('burnerOn')).toBe(true);
    expect(emulator.read('setpoint')).toBe(70);
    expect(emulator.read('waterTemp')).toBe(71.5);
    expect(emulator.read('status')).toBe(1);
    expect(emulator.read('status.running')).toBe(true);
    expect(emulator.read('status.fault')).toBe(false);
    expect(emulator.read('gasTotal')).toBe(1843.25);
    expect(emulator.read('serial')).toBe('BX-2291');
    expect(() => emulator.read('nothing')).toThrow(/nothing/);
  });

  it('a client write shows in read(); write() shows to the client', async () => {
    const emulator = await start(BOILER);
    const c = await client(emulator.port);
    await c.writeRegister(10, 555);
    expect(emulator.read('setpoint')).toBe(55.5);
    emulator.write('setpoint', 62.5);
    expect((await c.readHoldingRegisters(10, 1)).data).toEqual([625]);
    emulator.write('status.fault', true);
    expect((await c.readInputRegisters(1, 1)).data).toEqual([0x0009]);
    emulator.write('serial', 'AB');
    expect((await c.readInputRegisters(100, 4)).data).toEqual([0x4142, 0, 0, 0]);
    await c.writeCoil(0, false);
    expect(emulator.read('burnerOn')).toBe(false);
  });

  it('write() ignores min/max and access (not a client write) but refuses what the type cannot hold', async () => {
    const emulator = await start(BOILER);
    const c = await client(emulator.port);
    emulator.write('setpoint', 99.9); // above max: allowed from code
    expect((await c.readHoldingRegisters(10, 1)).data).toEqual([999]);
    await expect(c.writeRegister(10, 999)).rejects.toMatchObject({ modbusCode: 3 }); // but not from a client
    emulator.write('waterTemp', -10); // an input register: fine from code
    expect((await c.readInputRegisters(0, 1)).data).toEqual([300]);
    expect(() => emulator.write('setpoint', 5000)).toThrow(RangeError); // raw 50000 does not fit int16
    expect(() => emulator.write('serial', 'much too long')).toThrow(RangeError);
    expect(() => emulator.write('burnerOn', 'yes')).toThrow(RangeError);
    expect(emulator.read('setpoint')).toBe(99.9);
  });

  it('readTable / writeTable: raw words and bits by protocol address', async () => {
    const emulator = await start(BOILER);
    const c = await client(emulator.port);
    expect(emulator.readTable('inputRegisters', 0, 2)).toEqual([1115, 1]);
    // gasTotal 1843.25 = float32 0x44E66800, CDAB: low word first
    expect(emulator.readTable('inputRegisters', 2, 2)).toEqual([0x6800, 0x44e6]);
    expect((await c.readInputRegisters(2, 2)).data).toEqual([0x6800, 0x44e6]);
    expect(emulator.readTable('coils', 0, 1)).toEqual([1]);
    emulator.writeTable('holdingRegisters', 10, [123]);
    expect(emulator.read('setpoint')).toBe(12.3);
    expect((await c.readHoldingRegisters(10, 1)).data).toEqual([123]);
    emulator.writeTable('coils', 0, [false]);
    expect(emulator.read('burnerOn')).toBe(false);
    expect((await c.readCoils(0, 1)).data[0]).toBe(false);
    expect(() => emulator.writeTable('holdingRegisters', 10, [0x10000])).toThrow(RangeError);
  });

  it('tables by the profile\'s names (holding, input, coil, discreteInput) as well as the DataSource\'s', async () => {
    const emulator = await start(BOILER);
    expect(emulator.readTable('holding', 10, 1)).toEqual(emulator.readTable('holdingRegisters', 10, 1));
    expect(emulator.readTable('input', 0, 2)).toEqual([1115, 1]);
    expect(emulator.readTable('coil', 0, 1)).toEqual([1]);
    expect(emulator.readTable('discreteInput', 0, 1)).toEqual([0]);
    emulator.writeTable('coil', 0, [0]);
    expect(emulator.read('burnerOn')).toBe(false);
    emulator.writeTable('holding', 10, [456]);
    expect(emulator.read('setpoint')).toBe(45.6);
  });

  it('a wrong table name, a bad range or value is a BadRequestError (a RangeError) that says what is wrong', async () => {
    const emulator = await start(BOILER);
    const anyTable = (name: unknown) => name as 'holding'; // what a JavaScript caller can pass
    for (const name of ['holdings', 'Holding', '', undefined, 3]) {
      expect(() => emulator.readTable(anyTable(name), 0, 1)).toThrow(/is not a table: use coil, discreteInput, holding, input \(or coils, discreteInputs, holdingRegisters, inputRegisters\)/);
      expect(() => emulator.writeTable(anyTable(name), 0, [1])).toThrow(/is not a table/);
    }
    expect(() => emulator.readTable('holding', -1, 1)).toThrow(new BadRequestError('holding: address -1 is not an integer 0..65535'));
    expect(() => emulator.readTable('holding', 1.5, 1)).toThrow(RangeError);
    expect(() => emulator.readTable('holding', 0, -1)).toThrow(new BadRequestError('holding: quantity -1 is not a whole number'));
    expect(() => emulator.readTable('input', 65535, 2)).toThrow(new BadRequestError('input: 2 from address 65535 run past address 65535'));
    expect(() => emulator.writeTable('coil', 0, [2])).toThrow(new BadRequestError('coil: 2 is not a raw bit value'));
    expect(() => emulator.writeTable('holding', 0, [0x10000])).toThrow(RangeError);
    expect(() => emulator.writeTable('holding', 0, 'ab' as unknown as number[])).toThrow(/must be an array/);
    expect(() => emulator.readTable(anyTable('holdings'), 0, 1)).toThrow(BadRequestError);
    expect(() => emulator.read('nothing')).toThrow(NotFoundError);
  });

  it('a relative path is resolved against cwd', async () => {
    const emulator = await startEmulator({ profile: 'devices/pump.yaml', cwd: new URL('../../', import.meta.url).pathname, port: 0 });
    onTestFinished(() => emulator.close());
    expect(emulator.read('statusWord')).toBe(0x0637);
  });
});

describe('a gateway profile object', () => {
  it('{ unitId } picks the unit; each unit id has its own storage', async () => {
    const emulator = await start(GATEWAY);
    const [two, three, seven] = [await client(emulator.port, 2), await client(emulator.port, 3), await client(emulator.port, 7)];
    emulator.write('temperature', 21.5, { unitId: 3 });
    expect(emulator.read('temperature', { unitId: 2 })).toBe(20);
    expect(emulator.read('temperature', { unitId: 3 })).toBe(21.5);
    expect((await two.readHoldingRegisters(0, 1)).data).toEqual([200]);
    expect((await three.readHoldingRegisters(0, 1)).data).toEqual([215]);
    expect(emulator.read('level', { unitId: 7 })).toBe(42);
    expect((await seven.readHoldingRegisters(5, 1)).data).toEqual([42]);
    emulator.writeTable('holdingRegisters', 5, [43], { unitId: 7 });
    expect((await seven.readHoldingRegisters(5, 1)).data).toEqual([43]);
  });

  it('a call without { unitId } is ambiguous and says so; an unknown unit id is an error', async () => {
    const emulator = await start(GATEWAY);
    expect(() => emulator.read('temperature')).toThrow(/unitId/);
    expect(() => emulator.write('temperature', 1)).toThrow(/unitId/);
    expect(() => emulator.readTable('holdingRegisters', 0, 1)).toThrow(/unitId/);
    expect(() => emulator.read('temperature', { unitId: 99 })).toThrow(/99/);
    expect(() => emulator.read('level', { unitId: 2 })).toThrow(/level/);
  });

  it('unit ids without a device answer 0x0A by default', async () => {
    const emulator = await start(GATEWAY);
    const c = await client(emulator.port, 5);
    await expect(c.readHoldingRegisters(0, 1)).rejects.toMatchObject({ modbusCode: 0x0a });
  });
});

describe('close()', () => {
  it('ends open connections, stops listening, and may be called twice', async () => {
    const emulator = await startEmulator({ profile: BOILER, port: 0 });
    const socket = await openSocket(emulator.port);
    const ended = within('the connection closing', new Promise<void>((resolve) => socket.once('close', () => resolve())));
    await emulator.close();
    await ended;
    await expect(emulator.close()).resolves.toBeUndefined();
    await expect(openSocket(emulator.port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});

describe('an invalid profile object', () => {
  it.each([
    ['a schema mistake', { version: 1, name: 'bad', points: { speed: { type: 'int16', address: 0, scal: 0.1 } } }, 'E_SCHEMA_UNKNOWN_KEY', 'points.speed'],
    ['a semantic mistake', { version: 1, name: 'bad', points: { total: { type: 'float32', address: 65535 } } }, 'E_POINT_PAST_END', 'points.total'],
    ['an unknown scale factor', { version: 1, name: 'bad', points: { w: { type: 'int16', address: 0, scaleFactor: 'w_SF' } } }, 'E_UNKNOWN_REFERENCE', 'points.w'],
    ['binary data as points', { version: 1, name: 'bad', points: new Uint8Array(3) }, 'E_SCHEMA_TYPE', 'points'],
    ['a Map as points', { version: 1, name: 'bad', points: new Map([['speed', { type: 'int16', address: 0 }]]) }, 'E_SCHEMA_TYPE', 'points'],
  ])('rejects with a ProfileError carrying the diagnostics: %s', async (_what, profile, code, path) => {
    const error = await startEmulator({ profile, port: 0 }).then(
      (emulator) => {
        onTestFinished(() => emulator.close());
        throw new Error('started');
      },
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProfileError);
    const { diagnostics } = error as ProfileError;
    expect(diagnostics).toContainEqual(expect.objectContaining({ code }));
    expect(diagnostics.find((d) => d.code === code)!.path.startsWith(path)).toBe(true);
    expect((error as ProfileError).message).toContain(code);
  });
});

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      onTestFinished(() => void socket.destroy());
      resolve(socket);
    });
    socket.once('error', reject);
  });
}


describe('startEmulator: the environment', () => {
  it('takes a seed and a manual clock: the seed is reported, emulator time moves only with the clock', async () => {
    const clock = new ManualClock();
    // Seed 0 on purpose: an explicit 0 is a seed, not "none given".
    const emulator = await startEmulator({ profile: BOILER, seed: 0, clock });
    onTestFinished(() => emulator.close());
    expect(emulator.seed).toBe(0);
    expect(emulator.now()).toBe(0);
    clock.advance(2500);
    expect(emulator.now()).toBe(2500);
    expect(emulator.device.env.random.seed).toBe(0);
  });

  it('chooses a seed when none is given, and refuses a clock together with a time scale', async () => {
    const emulator = await start(BOILER);
    expect(Number.isInteger(emulator.seed)).toBe(true);
    await expect(startEmulator({ profile: BOILER, clock: new ManualClock(), timeScale: 10 })).rejects.toThrow(/either a clock or a timeScale/);
  });

  it('reports its socket I/O mode and runs through one runtime', async () => {
    const emulator = await start(BOILER);
    expect(['direct', 'stream']).toContain(emulator.runtime.ioMode);
    expect(emulator.runtime.device).toBe(emulator.device);
  });
});
