import { describe, expect, test } from 'vitest';
import { compile, expectOne, pdu, registers, send } from './helpers.js';

/** `raw`: the initial register contents of a number or bit-field point, past scaling and min/max. */
describe('raw initial values', () => {
  test.each([
    // [type, raw as written in YAML, words a client reads]
    ['int16', '0x8000', [0x8000]],
    ['int16', '-32768', [0x8000]],
    ['int16', '0xFFFF', [0xffff]],
    ['int16', '-1', [0xffff]],
    ['uint16', '0xFFFF', [0xffff]],
    ['int32', '0x80000000', [0x8000, 0x0000]],
    ['int32', '0xFFFFFFFF', [0xffff, 0xffff]],
    ['int32', '-2', [0xffff, 0xfffe]],
    ['uint32', '0xFFFFFFFF', [0xffff, 0xffff]],
    ['int64', '"0x8000000000000000"', [0x8000, 0, 0, 0]],
    ['int64', '"0xFFFFFFFFFFFFFFFF"', [0xffff, 0xffff, 0xffff, 0xffff]],
    ['int64', '"-9223372036854775808"', [0x8000, 0, 0, 0]],
    ['int64', '-2', [0xffff, 0xffff, 0xffff, 0xfffe]],
    ['uint64', '"18446744073709551615"', [0xffff, 0xffff, 0xffff, 0xffff]],
    ['uint16', '"0x1234"', [0x1234]],
    // floats too: raw is the register contents, the float's bits (SunSpec "not implemented" is NaN)
    ['float32', '0x7FC00000', [0x7fc0, 0x0000]],
    ['float32', '"0x7FC00000"', [0x7fc0, 0x0000]],
    ['float32', '0x3FC00000', [0x3fc0, 0x0000]],
    ['float32', '0x7F800001', [0x7f80, 0x0001]], // a NaN payload is kept
    ['float64', '"0x7FF8000000000000"', [0x7ff8, 0, 0, 0]],
    ['float64', '"0xC000000000000000"', [0xc000, 0, 0, 0]],
  ])('%s raw: %s', (type, raw, words) => {
    const device = compile(`
      points:
        p: { type: ${type}, address: 0, raw: ${raw} }`);
    expect(registers(send(device, pdu.read(3, 0, words.length)))).toEqual(words);
  });

  test('a float32 given raw bits reads as that float, in the point\'s word order', () => {
    const device = compile(`
      points:
        nan: { type: float32, address: 0, byteOrder: CDAB, raw: 0x7FC00000 }
        half: { type: float32, address: 2, raw: 0x3F000000 }`);
    expect(registers(send(device, pdu.read(3, 0, 4)))).toEqual([0x0000, 0x7fc0, 0x3f00, 0x0000]);
    expect(device.unit(1)!.read('nan')).toBeNaN();
    expect(device.unit(1)!.read('half')).toBe(0.5);
  });

  test('bit fields take their whole word', () => {
    const device = compile(`
      points:
        evt: { type: bitfield32, address: 0, bits: { a: 0, b: 31 }, raw: 0xFFFFFFFF }
        st: { type: bitfield16, address: 2, bits: { a: 0 }, raw: 0x8001 }`);
    expect(registers(send(device, pdu.read(3, 0, 3)))).toEqual([0xffff, 0xffff, 0x8001]);
    expect(device.unit(1)!.read('evt.b')).toBe(true);
  });

  test('SunSpec "not implemented" 0x8000 in a scaled int16: no engineering value to compute', () => {
    const device = compile(`
      points:
        TmpTrns: { type: int16, address: 0, scaleFactor: Tmp_SF, raw: 0x8000 }
        Tmp_SF: { type: int16, address: 1, value: -1 }
        Hz: { type: uint16, address: 2, scale: 0.01, offset: 40, raw: 1001 }`);
    expect(registers(send(device, pdu.read(3, 0, 3)))).toEqual([0x8000, 0xffff, 1001]);
    expect(device.unit(1)!.read('TmpTrns')).toBe(-3276.8);
    expect(device.unit(1)!.read('Hz')).toBeCloseTo(50.01);
  });

  test('a scale-factor point given raw scales the values of its dependents', () => {
    const device = compile(`
      points:
        A: { type: uint16, address: 0, scaleFactor: A_SF, value: 10.72 }
        A_SF: { type: int16, address: 1, raw: 0xFFFE }`);
    expect(registers(send(device, pdu.read(3, 0, 2)))).toEqual([1072, 0xfffe]);
  });

  test('min/max do not apply to raw: sentinels lie outside the range on purpose', () => {
    const device = compile(`
      points:
        p: { type: int16, address: 0, min: 0, max: 100, raw: 0x8000 }`);
    expect(registers(send(device, pdu.read(3, 0, 1)))).toEqual([0x8000]);
  });

  test('an alias with raw lays its words over the point it aliases', () => {
    const device = compile(`
      points:
        energy: { type: uint32, address: 0, value: 0x00010002 }
        high: { type: uint16, address: 0, aliasOf: energy, raw: 0xFFFF }`);
    expect(registers(send(device, pdu.read(3, 0, 2)))).toEqual([0xffff, 0x0002]);
  });
});

describe('raw: diagnostics', () => {
  test.each([
    ['E_VALUE_CONFLICT', 'points.t.raw', 6, `
      points:
        t:
          type: int16
          address: 0
          value: 1
          raw: 0x8000`],
    ['E_VALUE_TYPE', 'points.t.raw', 2, `
      points:
        t: { type: int16, address: 0, raw: 0x10000 }`],
    ['E_VALUE_TYPE', 'points.t.raw', 2, `
      points:
        t: { type: int16, address: 0, raw: -32769 }`],
    ['E_VALUE_TYPE', 'points.t.raw', 2, `
      points:
        t: { type: uint16, address: 0, raw: -1 }`],
    ['E_VALUE_TYPE', 'points.t.raw', 2, `
      points:
        t: { type: uint32, address: 0, raw: 0x100000000 }`],
    ['E_VALUE_TYPE', 'points.t.raw', 2, `
      points:
        t: { type: int32, address: 0, raw: 1.5 }`],
    ['E_VALUE_TYPE', 'points.t.raw', 2, `
      points:
        t: { type: uint64, address: 0, raw: 18446744073709551615 }`],
    ['E_VALUE_TYPE', 'points.t.raw', 2, `
      points:
        t: { type: uint64, address: 0, raw: "0x10000000000000000" }`],
    ['E_VALUE_TYPE', 'points.t.raw', 2, `
      points:
        t: { type: float32, address: 0, raw: 1.5 }`],
    ['E_VALUE_TYPE', 'points.t.raw', 2, `
      points:
        t: { type: float32, address: 0, raw: -1 }`],
    ['E_VALUE_TYPE', 'points.t.raw', 2, `
      points:
        t: { type: float32, address: 0, raw: 0x100000000 }`],
    ['E_VALUE_TYPE', 'points.t.raw', 2, `
      points:
        t: { type: float32, address: 0, raw: 1e39 }`],
    ['E_VALUE_TYPE', 'points.t.raw', 2, `
      points:
        t: { type: float64, address: 0, raw: 0x7FF8000000000000 }`],
    ['E_VALUE_TYPE', 'points.t.raw', 2, `
      points:
        t: { type: bitfield16, address: 0, bits: { a: 0 }, raw: 0x10000 }`],
  ])('%s at %s (line %i)', (code, path, line, yaml) => {
    expectOne(yaml, code, path, line);
  });

  test('the messages name the accepted range', () => {
    expect(expectOne(`
      points:
        t: { type: int16, address: 0, raw: 0x10000 }`, 'E_VALUE_TYPE', 'points.t.raw', 2).message).toContain('-32768..65535');
  });
});
