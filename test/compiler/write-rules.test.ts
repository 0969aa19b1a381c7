import { describe, expect, test } from 'vitest';
import { compile, pdu, registers, send, status, bits } from './helpers.js';

/** The write rules of src/compiler/compile.ts, through the real device handler. */
const PROFILE = `
  points:
    speed: { type: float32, address: 0, min: 0, max: 100, value: 50 }
    limit: { type: int16, address: 2, scale: 0.1, min: -60, max: 60, value: 45 }
    status: { type: uint16, address: 3, access: readOnly, value: 7 }
    secret: { type: uint16, address: 4, access: writeOnly, value: 1234 }
    enabled: { type: bool, table: holding, address: 5 }
    free: { type: uint32, address: 6, value: 0x00010002 }
    relay: { type: bool, address: 0 }
    locked: { type: bool, address: 1, access: readOnly, value: true }
    alarm: { type: bool, table: discreteInput, address: 0, value: true }
    volts: { type: uint16, table: input, address: 0, value: 230 }
`;

const f32 = (v: number): number[] => {
  const b = new DataView(new ArrayBuffer(4));
  b.setFloat32(0, v);
  return [b.getUint16(0), b.getUint16(2)];
};

describe('write rules', () => {
  test.each([
    // [what, request, expected status, holding 0..7 afterwards]
    ['a writable range is written', pdu.writeRegisters(6, [9, 8]), 'ok', [...f32(50), 450, 7, 1234, 0, 9, 8]],
    ['a range touching a read-only point is refused with 02, nothing written', pdu.writeRegisters(2, [100, 0]), 2, [...f32(50), 450, 7, 1234, 0, 1, 2]],
    ['an unmapped address is 02', pdu.writeRegisters(7, [1, 2]), 2, [...f32(50), 450, 7, 1234, 0, 1, 2]],
    ['one register of a multi-register point stores that word', pdu.writeRegister(7, 5), 'ok', [...f32(50), 450, 7, 1234, 0, 1, 5]],
    ['min/max on the complete value after the write: out of range is 03', pdu.writeRegisters(0, f32(100.5)), 3, [...f32(50), 450, 7, 1234, 0, 1, 2]],
    ['in range is written', pdu.writeRegisters(0, f32(99.5)), 'ok', [...f32(99.5), 450, 7, 1234, 0, 1, 2]],
    ['a half write is checked merged with the stored word', pdu.writeRegister(0, f32(150)[0]!), 3, [...f32(50), 450, 7, 1234, 0, 1, 2]],
    ['a refused point refuses the whole request', pdu.writeRegisters(2, [601]), 3, [...f32(50), 450, 7, 1234, 0, 1, 2]],
    ['scaled bounds: 600 is 60.0', pdu.writeRegister(2, 600), 'ok', [...f32(50), 600, 7, 1234, 0, 1, 2]],
    ['signed: 0xFDA8 is -60.0', pdu.writeRegister(2, 0xfda8), 'ok', [...f32(50), 0xfda8, 7, 1234, 0, 1, 2]],
    ['a bool in a register takes 0/1', pdu.writeRegister(5, 1), 'ok', [...f32(50), 450, 7, 1234, 1, 1, 2]],
    ['a bool in a register refuses 2 with 03', pdu.writeRegister(5, 2), 3, [...f32(50), 450, 7, 1234, 0, 1, 2]],
    ['FC 23 refused write: nothing written', pdu.readWrite(0, 2, 2, [9999]), 3, [...f32(50), 450, 7, 1234, 0, 1, 2]],
    ['FC 22 is checked like a write', pdu.mask(5, 0, 3), 3, [...f32(50), 450, 7, 1234, 0, 1, 2]],
  ])('%s', (_what, request, expected, after) => {
    const device = compile(PROFILE);
    expect(status(send(device, request))).toBe(expected);
    expect(device.unit(1)!.readTable('holdingRegisters', 0, 8)).toEqual(after);
  });

  test('a write-only point reads as zeros, but is written and stored', () => {
    const device = compile(PROFILE);
    expect(registers(send(device, pdu.read(3, 3, 2)))).toEqual([7, 0]);
    expect(status(send(device, pdu.writeRegister(4, 42)))).toBe('ok');
    expect(registers(send(device, pdu.read(3, 4, 1)))).toEqual([0]);
    expect(device.unit(1)!.read('secret')).toBe(42);
    // A view of live storage is fine where no write-only word is read.
    expect(registers(send(device, pdu.read(3, 5, 3)))).toEqual([0, 1, 2]);
  });

  test('writeToReadOnly: ignore acknowledges, keeps read-only words and writes the others', () => {
    const device = compile(`\n  writeToReadOnly: ignore${PROFILE}`);
    expect(status(send(device, pdu.writeRegisters(2, [100, 0])))).toBe('ok');
    expect(device.unit(1)!.readTable('holdingRegisters', 2, 2)).toEqual([100, 7]);
    expect(status(send(device, pdu.writeCoils(0, [1, 0])))).toBe('ok');
    expect(bits(send(device, pdu.read(1, 0, 2)), 2)).toEqual([1, 1]);
  });

  test('coils: FC 5/15 on writable coils, 02 on read-only ones; discrete inputs and input registers are not writable', () => {
    const device = compile(PROFILE);
    expect(status(send(device, pdu.writeCoil(0, true)))).toBe('ok');
    expect(status(send(device, pdu.writeCoils(0, [0, 0])))).toBe(2);
    expect(bits(send(device, pdu.read(1, 0, 2)), 2)).toEqual([1, 1]);
    expect(bits(send(device, pdu.read(2, 0, 1)), 1)).toEqual([1]);
    expect(registers(send(device, pdu.read(4, 0, 1)))).toEqual([230]);
  });

  test('a scale factor written in the same request is the one min/max sees', () => {
    const device = compile(`
      points:
        W: { type: int16, address: 0, scaleFactor: W_SF, max: 1000, value: 100 }
        W_SF: { type: int16, address: 1, value: 0 }`);
    // 5000 × 10^-1 = 500 ≤ 1000: accepted only because the exponent changes with it.
    expect(status(send(device, pdu.writeRegisters(0, [5000, 0xffff])))).toBe('ok');
    expect(device.unit(1)!.read('W')).toBe(500);
    expect(status(send(device, pdu.writeRegister(0, 20000)))).toBe(3);
  });

  test('aliases: the most restrictive access wins, a point decides the access inside its block', () => {
    const device = compile(`
      blocks:
        - { address: 0, length: 10, access: readOnly }
      points:
        setpoint: { type: uint16, address: 4 }
        word: { type: uint32, address: 8, access: readOnly }
        low: { type: uint16, address: 9, aliasOf: word }`);
    expect(status(send(device, pdu.writeRegister(4, 1)))).toBe('ok');
    expect(status(send(device, pdu.writeRegister(3, 1)))).toBe(2);
    expect(status(send(device, pdu.writeRegister(9, 1)))).toBe(2);
  });
});
