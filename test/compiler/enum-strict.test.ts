import { describe, expect, test } from 'vitest';
import { startEmulator } from '../../src/index.js';
import { connectClient } from '../helpers/modbus-client.js';
import { compile, expectOne, pdu, send, status } from './helpers.js';
import { BadRequestError } from '../../src/errors.js';

/** `enumStrict: true`: the enum's values are the only ones a point takes; without it, enum only labels. */
const f32 = (v: number): number[] => {
  const b = new DataView(new ArrayBuffer(4));
  b.setFloat32(0, v);
  return [b.getUint16(0), b.getUint16(2)];
};

const PROFILE = `
  points:
    systemType: { type: float32, address: 0, enum: { 1: 1P2W, 2: 3P3W, 3: 3P4W }, enumStrict: true, value: 3 }
    state: { type: int16, address: 2, enum: { 1: OFF, -1: FAULT }, enumStrict: true, value: OFF }
    loose: { type: uint16, address: 3, enum: { 1: OFF, 4: MPPT }, value: OFF }
`;

describe('enumStrict: client writes', () => {
  test.each([
    ['a value of the enum is written', pdu.writeRegisters(0, f32(2)), 'ok', [...f32(2), 1, 1]],
    ['another value is 03, nothing written', pdu.writeRegisters(0, f32(2.5)), 3, [...f32(3), 1, 1]],
    ['half a float32 is checked merged with the stored word', pdu.writeRegister(1, 0x0001), 3, [...f32(3), 1, 1]],
    ['an int16 key -1 is the word 0xFFFF', pdu.writeRegister(2, 0xffff), 'ok', [...f32(3), 0xffff, 1]],
    ['an int16 value outside the enum is 03', pdu.writeRegister(2, 2), 3, [...f32(3), 1, 1]],
    ['a refused point refuses the whole request', pdu.writeRegisters(2, [2, 9]), 3, [...f32(3), 1, 1]],
    ['without enumStrict the enum only labels: any value is written', pdu.writeRegister(3, 7), 'ok', [...f32(3), 1, 7]],
  ])('%s', (_what, request, expected, after) => {
    const device = compile(PROFILE);
    expect(status(send(device, request))).toBe(expected);
    expect(device.unit(1)!.readTable('holding', 0, 4)).toEqual(after);
  });

  test('modbus-serial writing 2.5 to SDM630-style systemType gets exception 03', async () => {
    const emulator = await startEmulator({ profile: { version: 1, name: 'sdm', points: { systemType: { type: 'float32', address: 10, enum: { 1: '1P2W', 2: '3P3W', 3: '3P4W' }, enumStrict: true, value: 3 } } } });
    try {
      const client = await connectClient(emulator.port);
      await expect(client.writeRegisters(10, f32(2.5))).rejects.toMatchObject({ modbusCode: 3 });
      await client.writeRegisters(10, f32(1));
      expect(emulator.read('systemType')).toBe(1);
    } finally {
      await emulator.close();
    }
  });
});

describe('enumStrict: values from the profile and the API', () => {
  test('the API write of another value is a BadRequestError (a RangeError) listing the values', () => {
    const unit = compile(PROFILE).unit(1)!;
    expect(() => unit.write('systemType', 2.5)).toThrow(new BadRequestError("systemType: 2.5 is not a value of systemType's enum (enumStrict): use one of 1 (1P2W), 2 (3P3W), 3 (3P4W)"));
    unit.write('systemType', '3P3W');
    unit.write('loose', 9);
    expect([unit.read('systemType'), unit.read('loose')]).toEqual([2, 9]);
  });

  test('a value outside the enum is E_VALUE_ENUM; raw is not checked', () => {
    expectOne(`
      points:
        s: { type: uint16, address: 0, enum: { 1: OFF }, enumStrict: true, value: 2 }`, 'E_VALUE_ENUM', 'points.s.value', 2);
    const unit = compile(`
      points:
        s: { type: uint16, address: 0, enum: { 1: OFF }, enumStrict: true, raw: 0xFFFF }`).unit(1)!;
    expect(unit.read('s')).toBe(0xffff);
  });

  test('enumStrict without an enum is E_ENUM_STRICT', () => {
    expectOne(`
      points:
        s: { type: uint16, address: 0, enumStrict: true }`, 'E_ENUM_STRICT', 'points.s.enumStrict', 2);
  });
});
