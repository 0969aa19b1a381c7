import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { resolveAddress } from '../../src/compiler/addressing.js';
import { compile, pdu, registers, send, bits } from './helpers.js';

describe('resolveAddress', () => {
  test.each([
    // [addressing, number, table given, → table, protocol address]
    ['protocol', 0, undefined, 'holdingRegisters', 0],
    ['protocol', 65535, 'coils', 'coils', 65535],
    ['oneBased', 1, undefined, 'holdingRegisters', 0],
    ['oneBased', 65536, undefined, 'holdingRegisters', 65535],
    ['modicon', 1, undefined, 'coils', 0],
    ['modicon', 9999, undefined, 'coils', 9998],
    ['modicon', 10001, undefined, 'discreteInputs', 0],
    ['modicon', 30001, undefined, 'inputRegisters', 0],
    ['modicon', 40001, undefined, 'holdingRegisters', 0],
    ['modicon', 49999, undefined, 'holdingRegisters', 9998],
    ['modicon', 65536, 'coils', 'coils', 65535], // 6-digit 065536
    ['modicon', 100001, undefined, 'discreteInputs', 0],
    ['modicon', 165536, undefined, 'discreteInputs', 65535],
    ['modicon', 300001, 'inputRegisters', 'inputRegisters', 0],
    ['modicon', 365536, undefined, 'inputRegisters', 65535],
    ['modicon', 400001, undefined, 'holdingRegisters', 0],
    ['modicon', 465536, undefined, 'holdingRegisters', 65535],
  ] as const)('%s %i (table %s) → %s %i', (mode, n, given, table, address) => {
    expect(resolveAddress(mode, n, given, 'holdingRegisters')).toMatchObject({ ok: true, table, address });
  });

  test.each([
    ['protocol', 65536, undefined, 'E_ADDRESS_RANGE'],
    ['oneBased', 0, undefined, 'E_ADDRESS_RANGE'],
    ['oneBased', 65537, undefined, 'E_ADDRESS_RANGE'],
    ['modicon', 0, undefined, 'E_ADDRESS_RANGE'],
    ['modicon', 40000, undefined, 'E_ADDRESS_RANGE'],
    ['modicon', 50000, undefined, 'E_ADDRESS_RANGE'], // a 6-digit coil needs `table: coil`
    ['modicon', 465537, undefined, 'E_ADDRESS_RANGE'],
    ['modicon', 40001, 'inputRegisters', 'E_ADDRESS_TABLE'],
    ['modicon', 5, 'discreteInputs', 'E_ADDRESS_TABLE'],
  ] as const)('%s %i (table %s) is %s', (mode, n, given, code) => {
    expect(resolveAddress(mode, n, given, 'holdingRegisters')).toMatchObject({ ok: false, code });
  });

  test('property: the 5- and 6-digit forms of a holding register agree', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9998 }), (a) => {
        const five = resolveAddress('modicon', 40001 + a, undefined, 'coils');
        const six = resolveAddress('modicon', 400001 + a, undefined, 'coils');
        expect(five).toMatchObject({ ok: true, table: 'holdingRegisters', address: a });
        expect(six).toMatchObject({ ok: true, table: 'holdingRegisters', address: a });
      }),
      { seed: 20261130 },
    );
  });
});

describe('addressing in profiles', () => {
  test.each([
    ['protocol', 100, 200, 300],
    ['oneBased', 101, 201, 301],
    ['modicon', 40101, 30201, '00301'],
    ['modicon', 400101, 300201, '000301'],
  ])('%s: %s, %s, %s', (addressing, holding, input, coil) => {
    const device = compile(`
      addressing: ${addressing}
      points:
        h: { type: uint16, ${addressing === 'modicon' ? '' : 'table: holding, '}address: ${holding}, value: 1 }
        i: { type: uint16, ${addressing === 'modicon' ? '' : 'table: input, '}address: ${input}, value: 2 }
        c: { type: bool, ${addressing === 'modicon' ? 'table: coil, ' : ''}address: ${coil}, value: true }`);
    expect(registers(send(device, pdu.read(3, 100, 1)))).toEqual([1]);
    expect(registers(send(device, pdu.read(4, 200, 1)))).toEqual([2]);
    expect(bits(send(device, pdu.read(1, 300, 1)), 1)).toEqual([1]);
    expect(device.unit(1)!.points.get('h')).toMatchObject({ table: 'holdingRegisters', address: 100 });
  });

  test('a template sets its own addressing; a unit its inline one', () => {
    const gw = compile(`
      addressing: modicon
      templates:
        t:
          addressing: protocol
          points: { a: { type: uint16, address: 5, value: 1 } }
      units:
        - { unitId: 1, use: t }
        - { unitId: 2, points: { a: { type: uint16, address: 40006, value: 2 } } }
        - { unitId: 3, addressing: oneBased, points: { a: { type: uint16, address: 6, value: 3 } } }`);
    expect([1, 2, 3].map((id) => registers(send(gw, pdu.read(3, 5, 1), id)))).toEqual([[1], [2], [3]]);
  });
});
