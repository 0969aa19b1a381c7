/**
 * A unit's storage as clients and code meet it (src/model/store.ts), checked against the rules of
 * docs/profiles.md ("Access and write rules", "Blocks and unmapped addresses") and
 * docs/commands.md (write rules): the cases where a read or write mixes kinds of address.
 */
import { describe, expect, test } from 'vitest';
import { IllegalDataAddress } from '../../src/device/errors.js';
import { unitInternals } from '../../src/model/unit.js';
import { bits, compile, pdu, registers, send, status } from '../compiler/helpers.js';
import { device } from '../generators/helpers.js';

describe('words code wrote at unmapped addresses (readTable/writeTable, `unmapped: zero`)', () => {
  test('inputRegisters: sameAsHolding: FC 4 reads what code wrote in the holding table, and no other table sees it', () => {
    const d = compile(`
      inputRegisters: sameAsHolding
      unmapped: zero
      points:
        a: { type: uint16, address: 0, value: 1 }`);
    const unit = d.unit(1)!;
    unit.writeTable('holdingRegisters', 10, [42]);
    unit.writeTable('coils', 20, [1]);
    expect(registers(send(d, pdu.read(4, 10, 1)))).toEqual([42]);
    expect(unit.readTable('inputRegisters', 10, 1)).toEqual([42]);
    // The coil is its own table's: holding address 20 stays unwritten, and coil 10 reads 0.
    expect(registers(send(d, pdu.read(3, 20, 1)))).toEqual([0]);
    expect(unit.readTable('holdingRegisters', 20, 1)).toEqual([0]);
    expect(bits(send(d, pdu.read(1, 10, 1)), 1)).toEqual([0]);
    expect(bits(send(d, pdu.read(1, 20, 1)), 1)).toEqual([1]);
  });

  test('without sameAsHolding the input table keeps its own unmapped words', () => {
    const d = compile(`
      unmapped: zero
      points:
        a: { type: uint16, address: 0, value: 1 }`);
    d.unit(1)!.writeTable('holdingRegisters', 10, [42]);
    expect(registers(send(d, pdu.read(3, 10, 1)))).toEqual([42]);
    expect(registers(send(d, pdu.read(4, 10, 1)))).toEqual([0]);
    expect(d.unit(1)!.readTable('inputRegisters', 10, 1)).toEqual([0]);
  });
});

describe('the DataSource contract: checkRange before, and the write itself refuses what checkRange would', () => {
  const PROFILE = `
    points:
      setpoint: { type: uint16, address: 0, value: 5 }
      serial: { type: uint16, address: 1, access: readOnly, value: 7 }`;

  test.each([
    // [table, address, quantity, access, expected code]
    ['holdingRegisters', 0, 1, 'write', 0],
    ['holdingRegisters', 0, 2, 'write', 2],
    ['holdingRegisters', 1, 1, 'write', 2],
    ['holdingRegisters', 2, 1, 'write', 2],
    ['holdingRegisters', 0, 2, 'read', 0],
    ['holdingRegisters', 0, 3, 'read', 2],
  ] as const)('%s %d×%d for %s: %d', (table, address, quantity, access, code) => {
    const { store } = unitInternals(compile(PROFILE).units[0]!);
    expect(store.checkRange(1, table, address, quantity, access)).toBe(code);
  });

  test('a write the range check would refuse throws 02 from the store and changes nothing', () => {
    const d = compile(PROFILE);
    const { store } = unitInternals(d.units[0]!);
    expect(() => store.writeHoldingRegisters(1, 0, Uint16Array.of(9, 9))).toThrow(IllegalDataAddress);
    expect(d.unit(1)!.readTable('holdingRegisters', 0, 2)).toEqual([5, 7]);
  });
});

describe('generated points beside others in one request', () => {
  test('generated coils and discrete inputs are brought to now by FC 1 and FC 2', async () => {
    const { device: d, clock } = await device(`
      version: 1
      points:
        running: { type: bool, address: 0, generate: "t > 5" }
        alarm: { type: bool, table: discreteInput, address: 0, generate: "t > 5" }`);
    expect([bits(send(d, pdu.read(1, 0, 1)), 1), bits(send(d, pdu.read(2, 0, 1)), 1)]).toEqual([[0], [0]]);
    clock.set(10_000);
    expect([bits(send(d, pdu.read(1, 0, 1)), 1), bits(send(d, pdu.read(2, 0, 1)), 1)]).toEqual([[1], [1]]);
  });

  test('a generated coil refuses a client write (FC 5) with 03, as a generated register does', async () => {
    const { device: d } = await device(`
      version: 1
      points:
        running: { type: bool, address: 0, generate: "t > 5" }`);
    expect(status(send(d, pdu.writeCoil(0, true)))).toBe(3);
    expect(bits(send(d, pdu.read(1, 0, 1)), 1)).toEqual([0]);
  });

  test('a write-only point read with a generated one reads as zeros', async () => {
    const { device: d, clock } = await device(`
      version: 1
      points:
        speed: { type: uint16, address: 0, generate: "t" }
        password: { type: uint16, address: 1, access: writeOnly }`);
    expect(status(send(d, pdu.writeRegister(1, 0x1234)))).toBe('ok');
    clock.set(3000);
    expect(registers(send(d, pdu.read(3, 0, 2)))).toEqual([3, 0]);
  });

  test('a client write swallowed by a read-only generated point (writeToReadOnly: ignore) does not stop it', async () => {
    const { device: d, clock } = await device(`
      version: 1
      writeToReadOnly: ignore
      points:
        speed: { type: uint16, address: 0, access: readOnly, generate: "t" }`);
    expect(status(send(d, pdu.writeRegister(0, 99)))).toBe('ok');
    clock.set(5000);
    expect(registers(send(d, pdu.read(3, 0, 1)))).toEqual([5]);
  });
});

describe('min/max and write rules see the values after the whole request', () => {
  test('a point that starts after the first written address is checked too (03, nothing stored)', () => {
    const d = compile(`
      points:
        a: { type: uint16, address: 0, value: 1 }
        b: { type: uint16, address: 1, max: 10, value: 2 }
        c: { type: uint32, address: 2, max: 100, value: 3 }`);
    expect(status(send(d, pdu.writeRegisters(0, [7, 11])))).toBe(3);
    expect(status(send(d, pdu.writeRegisters(0, [7, 10, 0, 101])))).toBe(3);
    expect(registers(send(d, pdu.read(3, 0, 4)))).toEqual([1, 2, 0, 3]);
    expect(status(send(d, pdu.writeRegisters(0, [7, 10, 0, 100])))).toBe('ok');
    expect(registers(send(d, pdu.read(3, 0, 4)))).toEqual([7, 10, 0, 100]);
  });

  test('a scale factor outside the request, before or right after the point, is read from storage', () => {
    const d = compile(`
      points:
        W_SF: { type: int16, address: 0, value: -1 }
        W: { type: int16, address: 1, scaleFactor: W_SF, max: 1000, value: 100 }
        V: { type: int16, address: 2, scaleFactor: V_SF, max: 1000, value: 100 }
        V_SF: { type: int16, address: 3, value: -1 }`);
    // 5000 × 10^-1 = 500 ≤ 1000; read with an exponent of 0 it would be 5000 and refused.
    expect(status(send(d, pdu.writeRegister(1, 5000)))).toBe('ok');
    expect(status(send(d, pdu.writeRegister(2, 5000)))).toBe('ok');
    expect(status(send(d, pdu.writeRegister(2, 20000)))).toBe(3);
    expect([d.unit(1)!.read('W'), d.unit(1)!.read('V')]).toEqual([500, 500]);
  });

  test('a scale factor in another table, or one the request writes but a read-only point ignores, keeps its stored value', () => {
    const d = compile(`
      writeToReadOnly: ignore
      points:
        X: { type: int16, address: 10, scaleFactor: X_SF, max: 1000, value: 100 }
        X_SF: { type: int16, address: 11, access: readOnly, value: -1 }
        Y: { type: int16, address: 20, scaleFactor: Y_SF, max: 1000, value: 100 }
        Y_SF: { type: int16, table: input, address: 20, value: -1 }`);
    expect(status(send(d, pdu.writeRegisters(10, [5000, 0])))).toBe('ok');
    expect(d.unit(1)!.read('X')).toBe(500);
    expect(status(send(d, pdu.writeRegister(20, 5000)))).toBe('ok');
    expect(d.unit(1)!.read('Y')).toBe(500);
  });

  test('a ruled point at the top of the table (65535) is written and checked like any other', () => {
    const d = compile(`
      points:
        top: { type: uint16, address: 65535, max: 10 }`);
    expect(status(send(d, pdu.writeRegister(65535, 5)))).toBe('ok');
    expect(status(send(d, pdu.writeRegister(65535, 11)))).toBe(3);
    expect(registers(send(d, pdu.read(3, 65535, 1)))).toEqual([5]);
  });

  test('a refused write over a commanded point and unmapped addresses puts back only what it stored', () => {
    const d = compile(`
      unmapped: zero
      points:
        a: { type: uint16, address: 0, value: 5 }
        cmd: { type: uint16, address: 3 }
      writeRules:
        - { name: small commands, points: [cmd], allow: "cmd < 100" }`);
    // A first, accepted write leaves its old words behind where the store keeps what it may put back.
    expect(status(send(d, pdu.writeRegister(3, 9)))).toBe('ok');
    expect(status(send(d, pdu.writeRegisters(2, [1, 100])))).toBe(3);
    expect(registers(send(d, pdu.read(3, 0, 4)))).toEqual([5, 0, 0, 9]);
  });
});
