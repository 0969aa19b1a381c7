import { describe, expect, test } from 'vitest';
import { unitInternals } from '../../src/model/unit.js';
import { TABLES } from '../../src/model/point-model.js';
import type { CompiledProfile } from '../../src/model/types.js';
import { compile, pdu, registers, send, status } from './helpers.js';

/** Words (or bits) of storage a device keeps over all its units and tables. */
function storedWords(device: CompiledProfile): number {
  let words = 0;
  for (const unit of device.units) {
    const { store, layout } = unitInternals(unit);
    for (const table of TABLES) if (!(table === 'inputRegisters' && layout.sameAsHolding)) words += store.array(table).length;
  }
  return words;
}

// Two mapped ranges far apart, as real maps have them (measurements at 0, a serial number at 0xFC00).
const FAR_APART = `
  points:
    a: { type: uint16, address: 0, value: 1 }
    b: { type: uint32, address: 1, value: 0x00020003 }
    serial: { type: uint16, address: 0xFC00, value: 7 }
  blocks:
    - { table: holding, address: 0xFC01, length: 2, fill: 9 }`;

describe('sparse storage: only mapped addresses are stored', () => {
  const readOnly = compile(FAR_APART);
  test('a unit keeps a word per mapped address, not 65,536 per table', () => {
    const device = compile(FAR_APART);
    expect(storedWords(device)).toBe(6);
  });

  test.each([
    // [request, expected] at the edges of both mapped ranges
    [pdu.read(3, 0, 3), [1, 2, 3]],
    [pdu.read(3, 0, 4), 2],
    [pdu.read(3, 3, 1), 2],
    [pdu.read(3, 0xfbff, 2), 2],
    [pdu.read(3, 0xfc00, 3), [7, 9, 9]],
    [pdu.read(3, 0xfc00, 4), 2],
    [pdu.read(3, 0xfc02, 1), [9]],
  ])('%j → %j, as with dense storage', (request, expected) => {
    expect(registers(send(readOnly, request))).toEqual(expected);
  });

  test('writes land at the right address on both sides of the gap, and reset restores both', () => {
    const device = compile(FAR_APART);
    expect(status(send(device, pdu.writeRegisters(0xfc00, [0x11, 0x12, 0x13])))).toBe('ok');
    expect(status(send(device, pdu.writeRegisters(1, [0x21, 0x22])))).toBe('ok');
    expect(registers(send(device, pdu.read(3, 0, 3)))).toEqual([1, 0x21, 0x22]);
    expect(registers(send(device, pdu.read(3, 0xfc00, 3)))).toEqual([0x11, 0x12, 0x13]);
    expect(device.unit(1)!.read('serial')).toBe(0x11);
    expect(device.unit(1)!.read('b')).toBe(0x00210022);
    device.reset();
    expect(registers(send(device, pdu.read(3, 0xfc00, 3)))).toEqual([7, 9, 9]);
    expect(registers(send(device, pdu.read(3, 0, 3)))).toEqual([1, 2, 3]);
  });

  test('unmapped: zero reads across the gap as zeros; what code writes there reads back, and a reset clears it', () => {
    const device = compile(`\n  unmapped: zero${FAR_APART}`);
    expect(registers(send(device, pdu.read(3, 0xfbfe, 4)))).toEqual([0, 0, 7, 9]);
    expect(status(send(device, pdu.writeRegisters(0xfbff, [5, 6])))).toBe('ok');
    expect(registers(send(device, pdu.read(3, 0xfbff, 2)))).toEqual([0, 6]);
    device.unit(1)!.writeTable('holdingRegisters', 0xfbff, [5]);
    expect(registers(send(device, pdu.read(3, 0xfbfe, 3)))).toEqual([0, 5, 6]);
    expect(device.unit(1)!.readTable('holdingRegisters', 0xfbff, 1)).toEqual([5]);
    device.reset();
    expect(device.unit(1)!.readTable('holdingRegisters', 0xfbff, 2)).toEqual([0, 7]);
  });

  test('a gateway of 247 units with three register tables keeps its mapped words only', () => {
    const device = compile(`
      templates:
        meter:
          points:
            v: { type: float32, address: 0, table: input, value: 230 }
            e: { type: uint32, address: 40000, table: input, value: 1 }
            setting: { type: uint16, address: 100, value: 5 }
            serial: { type: uint16, address: 64512, value: 7 }
            relay: { type: bool, address: 3, table: coil }
      units:
        - { unitId: ["1-247"], name: meter, use: meter }`);
    expect(device.units).toHaveLength(247);
    // 2 + 2 input registers, 2 holding registers, 1 coil each: 7 words, where dense storage held 3 × 65,536.
    expect(storedWords(device)).toBe(247 * 7);
    expect(registers(send(device, pdu.read(4, 40000, 2), 247))).toEqual([0, 1]);
    expect(registers(send(device, pdu.read(4, 39999, 2), 247))).toBe(2);
  });
});
