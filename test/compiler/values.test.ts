import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { compile, pdu, registers, send } from './helpers.js';

/** docs/protocol.md's golden vectors: the words a client reads for each word order. */
describe('typed values in all four word orders', () => {
  test.each([
    ['ABCD', [0x47f1, 0x2000], [0x0102, 0x0304, 0x0506, 0x0708]],
    ['CDAB', [0x2000, 0x47f1], [0x0708, 0x0506, 0x0304, 0x0102]],
    ['BADC', [0xf147, 0x0020], [0x0201, 0x0403, 0x0605, 0x0807]],
    ['DCBA', [0x0020, 0xf147], [0x0807, 0x0605, 0x0403, 0x0201]],
  ])('%s', (order, float32, uint64) => {
    const device = compile(`
      byteOrder: ${order}
      points:
        f: { type: float32, address: 0, value: 123456.0 }
        u: { type: uint64, address: 2, value: "0x0102030405060708" }`);
    expect(registers(send(device, pdu.read(3, 0, 2)))).toEqual(float32);
    expect(registers(send(device, pdu.read(3, 2, 4)))).toEqual(uint64);
    const unit = device.unit(1)!;
    expect(unit.read('f')).toBe(123456);
    expect(unit.read('u')).toBe(0x0102030405060708n);
  });

  test('a single-register value ignores the inherited byteOrder; a one-register string honours its byte swap', () => {
    const device = compile(`
      byteOrder: DCBA
      points:
        i: { type: int16, address: 0, value: 0x0102 }
        b: { type: bitfield16, address: 1, bits: { x: 0 }, value: 0x0304 }
        s: { type: string, address: 2, registers: 1, value: AB }`);
    expect(registers(send(device, pdu.read(3, 0, 3)))).toEqual([0x0102, 0x0304, 0x4241]);
  });

  test.each([
    // [the point's own byteOrder, word on the wire for 0x0102]
    ['ABCD', 0x0102],
    ['CDAB', 0x0102], // a word swap means nothing in one register
    ['BADC', 0x0201],
    ['DCBA', 0x0201],
  ])('a one-register value with its own byteOrder %s', (order, word) => {
    const device = compile(`
      points:
        i: { type: uint16, address: 0, byteOrder: ${order}, value: 0x0102 }`);
    expect(registers(send(device, pdu.read(3, 0, 1)))).toEqual([word]);
    expect(device.unit(1)!.read('i')).toBe(0x0102);
  });

  test('point byteOrder > unit > template > profile > ABCD', () => {
    const device = compile(`
      byteOrder: BADC
      templates:
        t:
          byteOrder: DCBA
          points:
            p: { type: uint32, address: 0, value: 0x11223344 }
            q: { type: uint32, address: 2, value: 0x11223344, byteOrder: ABCD }
      units:
        - { unitId: 1, use: t }
        - { unitId: 2, use: t, byteOrder: CDAB }
        - { unitId: 3, points: { p: { type: uint32, address: 0, value: 0x11223344 } } }`);
    expect(registers(send(device, pdu.read(3, 0, 4), 1))).toEqual([0x4433, 0x2211, 0x1122, 0x3344]);
    expect(registers(send(device, pdu.read(3, 0, 2), 2))).toEqual([0x3344, 0x1122]);
    expect(registers(send(device, pdu.read(3, 0, 2), 3))).toEqual([0x2211, 0x4433]);
  });
});

describe('engineering values', () => {
  const device = compile(`
    points:
      LFR: { type: int16, address: 0, scale: 0.1, value: -45.5 }
      temp: { type: uint16, address: 1, scale: 0.1, offset: -40, value: 10.3 }
      W: { type: int16, address: 2, scaleFactor: W_SF, value: 1234.5 }
      W_SF: { type: int16, address: 3, value: -1 }
      big: { type: int64, address: 4, value: -5 }
      scaledBig: { type: uint64, address: 8, scale: 0.5, value: 10 }
      state: { type: uint16, address: 12, enum: { 1: OFF, 4: MPPT }, value: MPPT }
      label: { type: string, address: 13, registers: 3, value: "SunS" }
      flag: { type: bool, table: holding, address: 16, value: true }
      run: { type: bool, address: 0, value: true }
      status:
        type: bitfield32
        address: 17
        bits: { ready: 0, mode: { bit: 4, width: 3 }, alarm: 31 }
        value: { ready: true, mode: 5, alarm: true }`);
  const unit = device.unit(7)!;

  test.each([
    ['LFR', -45.5, [0xfe39]],
    ['temp', 10.3, [503]],
    ['W', 1234.5, [12345]],
    ['big', -5n, [0xffff, 0xffff, 0xffff, 0xfffb]],
    ['scaledBig', 10, [0, 0, 0, 20]],
    ['state', 4, [4]],
    ['label', 'SunS', [0x5375, 0x6e53, 0]],
    ['flag', true, [1]],
    ['status', 0x80000051, [0x8000, 0x0051]],
  ])('%s reads %s from %j', (name, value, words) => {
    expect(unit.read(name)).toEqual(value);
    const info = unit.points.get(name)!;
    expect(unit.readTable('holdingRegisters', info.address, info.size)).toEqual(words);
  });

  test('bits of a bit field read as booleans, wider fields as numbers', () => {
    expect([unit.read('status.ready'), unit.read('status.mode'), unit.read('status.alarm'), unit.read('run')]).toEqual([true, 5, true, true]);
    expect(unit.points.get('status.mode')).toMatchObject({ table: 'holdingRegisters', address: 17, size: 2, type: 'field' });
  });

  test('a scale factor is applied on every read: writing it changes its dependents', () => {
    const u = compile(`
      points:
        W: { type: int16, address: 0, scaleFactor: W_SF, value: 1234.5 }
        W_SF: { type: int16, address: 1, value: -1 }`).unit(1)!;
    u.write('W_SF', -2);
    expect(u.read('W')).toBe(123.45);
    u.write('W', 50.5);
    expect(u.readTable('holdingRegisters', 0, 1)).toEqual([5050]);
  });
});

describe('write(name) from code', () => {
  const device = compile(`
    points:
      a: { type: int16, address: 0, scale: 0.1, access: readOnly, min: 0, max: 10 }
      s: { type: string, address: 1, registers: 2 }
      st: { type: bitfield16, address: 3, bits: { x: 2, f: { bit: 8, width: 4 } } }
      c: { type: bool, address: 0 }`);
  const unit = device.unit(1)!;

  test('ignores access and min/max but not the type', () => {
    unit.write('a', -100);
    expect(unit.read('a')).toBe(-100);
    expect(() => unit.write('a', 4000)).toThrow(RangeError);
    expect(() => unit.write('s', 'too long')).toThrow(RangeError);
    expect(() => unit.write('st.f', 16)).toThrow(RangeError);
    expect(() => unit.write('nothing', 1)).toThrow(/no point named nothing/);
  });

  test('bits and fields change only their bits', () => {
    unit.write('st', 0xffff);
    unit.write('st.x', false);
    unit.write('st.f', 3);
    expect(unit.read('st')).toBe(0xf3fb);
    unit.write('c', true);
    expect(unit.readTable('coils', 0, 1)).toEqual([1]);
  });

  test('property: write then read returns the value (int32 with scale 0.01, every word order)', () => {
    for (const order of ['ABCD', 'CDAB', 'BADC', 'DCBA']) {
      const u = compile(`
        points:
          p: { type: int32, address: 0, scale: 0.01, byteOrder: ${order} }`).unit(1)!;
      fc.assert(
        fc.property(fc.integer({ min: -2147483648, max: 2147483647 }), (raw) => {
          u.write('p', raw / 100);
          expect(u.read('p')).toBe(raw / 100);
        }),
        { seed: 20261130, numRuns: 200 },
      );
    }
  });
});
