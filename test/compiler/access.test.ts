import { describe, expect, test } from 'vitest';
import { bits, compile, pdu, registers, send, status } from './helpers.js';

/** `access` as a device default: point/block > unit > template (or included device) > profile > table. */
describe('default access of a device', () => {
  const METER = `
    access: readOnly
    blocks:
      - { address: 10, length: 2, fill: 9 }
    points:
      W: { type: uint16, address: 0, value: 5 }
      DA: { type: uint16, address: 1, access: readWrite, value: 1 }
      relay: { type: bool, address: 0 }`;

  test('access: readOnly makes every point and block read-only; a point may still say readWrite', () => {
    const device = compile(METER);
    expect(status(send(device, pdu.writeRegister(0, 6)))).toBe(2);
    expect(status(send(device, pdu.writeRegister(10, 6)))).toBe(2);
    expect(status(send(device, pdu.writeCoil(0, true)))).toBe(2);
    expect(status(send(device, pdu.writeRegister(1, 7)))).toBe('ok');
    expect(registers(send(device, pdu.read(3, 0, 2)))).toEqual([5, 7]);
    const info = device.unit(1)!.points;
    expect([info.get('W')!.access, info.get('DA')!.access, info.get('relay')!.access]).toEqual(['readOnly', 'readWrite', 'readOnly']);
  });

  test('writeToReadOnly: ignore applies to points read-only by the device default', () => {
    const device = compile(`\n    writeToReadOnly: ignore${METER}`);
    expect(status(send(device, pdu.writeRegisters(0, [6, 7])))).toBe('ok');
    expect(registers(send(device, pdu.read(3, 0, 2)))).toEqual([5, 7]);
  });

  test('discrete inputs and input registers stay read-only whatever the device default says', () => {
    const device = compile(`
      access: writeOnly
      points:
        secret: { type: uint16, address: 0, value: 7 }
        volts: { type: uint16, table: input, address: 0, value: 230 }
        alarm: { type: bool, table: discreteInput, address: 0, value: true }`);
    expect(registers(send(device, pdu.read(3, 0, 1)))).toEqual([0]);
    expect(registers(send(device, pdu.read(4, 0, 1)))).toEqual([230]);
    expect(bits(send(device, pdu.read(2, 0, 1)), 1)).toEqual([1]);
    const info = device.unit(1)!.points;
    expect([info.get('secret')!.access, info.get('volts')!.access, info.get('alarm')!.access]).toEqual(['writeOnly', 'readOnly', 'readOnly']);
  });

  test('with inputRegisters: sameAsHolding, FC 4 sees the holding points under the default', () => {
    const device = compile(`
      access: readOnly
      inputRegisters: sameAsHolding
      points:
        kWh: { type: uint16, address: 0, value: 42 }`);
    expect(registers(send(device, pdu.read(4, 0, 1)))).toEqual([42]);
    expect(status(send(device, pdu.writeRegister(0, 1)))).toBe(2);
  });

  test('point > unit > template > profile > readWrite', () => {
    const gw = compile(`
      access: writeOnly
      templates:
        ro: { access: readOnly, points: { a: { type: uint16, address: 0, value: 1 } } }
        plain: { points: { a: { type: uint16, address: 0, value: 1 } } }
      units:
        - { unitId: 1, use: ro }
        - { unitId: 2, use: ro, access: readWrite }
        - { unitId: 3, use: plain }
        - { unitId: 4, access: readWrite, points: { a: { type: uint16, address: 0, value: 1, access: readOnly } } }
        - { unitId: 5, access: readWrite, blocks: [{ address: 0, length: 1, access: readOnly }] }`);
    const access = (id: number): string => gw.unit(id)!.points.get('a')!.access;
    expect([1, 2, 3, 4].map(access)).toEqual(['readOnly', 'readWrite', 'writeOnly', 'readOnly']);
    expect([1, 2, 3, 4, 5].map((id) => status(send(gw, pdu.writeRegister(0, 9), id)))).toEqual([2, 'ok', 'ok', 2, 2]);
    // Write-only (the profile's default for unit 3) reads as zeros.
    expect(registers(send(gw, pdu.read(3, 0, 1), 3))).toEqual([0]);
  });

  test('without any access setting, coils and holding registers are readWrite (as before)', () => {
    const device = compile(`
      points:
        a: { type: uint16, address: 0 }
        c: { type: bool, address: 0 }`);
    expect(status(send(device, pdu.writeRegister(0, 1)))).toBe('ok');
    expect(status(send(device, pdu.writeCoil(0, true)))).toBe('ok');
  });
});
