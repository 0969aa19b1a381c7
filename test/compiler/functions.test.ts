import { describe, expect, test } from 'vitest';
import { compile, pdu, registers, send, status } from './helpers.js';

/** `identification: false` and `reportServerId: false`: a device without FC 43 / FC 17 answers 01. */
describe('turning FC 43 and FC 17 off', () => {
  const POINTS = `
    points:
      a: { type: uint16, address: 0, value: 3 }`;
  const fc43 = pdu.deviceId(1, 0);
  const fc17 = pdu.reportServerId();

  test('identification: false answers every FC 43 request with 01; FC 17 and reads still answer', () => {
    const device = compile(`\n    identification: false${POINTS}`);
    expect(status(send(device, fc43))).toBe(1);
    expect(status(send(device, pdu.deviceId(4, 0x80)))).toBe(1);
    // A malformed FC 43 (read device id code 9) is 03 on a device with FC 43, 01 without.
    expect(status(send(device, [0x2b, 0x0e, 0x09, 0x00]))).toBe(1);
    expect(status(send(device, fc17))).toBe('ok');
    expect(registers(send(device, pdu.read(3, 0, 1)))).toEqual([3]);
  });

  test('reportServerId: false answers every FC 17 request with 01; FC 43 still answers', () => {
    const device = compile(`\n    reportServerId: false${POINTS}`);
    expect(status(send(device, fc17))).toBe(1);
    expect(status(send(device, [0x11, 0x00]))).toBe(1);
    expect(status(send(device, fc43))).toBe('ok');
  });

  test('both off; without either, both answer', () => {
    const off = compile(`\n    identification: false\n    reportServerId: false${POINTS}`);
    expect([status(send(off, fc43)), status(send(off, fc17)), status(send(off, pdu.read(3, 0, 1)))]).toEqual([1, 1, 'ok']);
    const on = compile(POINTS);
    expect([status(send(on, fc43)), status(send(on, fc17)), status(send(on, [0x2b, 0x0e, 0x09, 0x00]))]).toEqual(['ok', 'ok', 3]);
  });

  test('the most specific level that sets the key decides: unit > template > profile', () => {
    const gw = compile(`
      identification: false
      reportServerId: false
      templates:
        acme: { identification: { vendorName: ACME }, points: { a: { type: uint16, address: 0 } } }
        plain: { points: { a: { type: uint16, address: 0 } } }
      units:
        - { unitId: 1, use: acme }
        - { unitId: 2, use: acme, identification: false }
        - { unitId: 3, use: plain }
        - { unitId: 4, use: plain, identification: {}, reportServerId: { serverId: 7 } }`);
    expect([1, 2, 3, 4].map((id) => status(send(gw, fc43, id)))).toEqual(['ok', 1, 1, 'ok']);
    expect([1, 2, 3, 4].map((id) => status(send(gw, fc17, id)))).toEqual([1, 1, 1, 'ok']);
  });

  test('false switches the function off only: the objects of every level still merge', () => {
    const gw = compile(`
      templates:
        acme: { identification: { vendorName: ACME, productCode: X1 }, points: { a: { type: uint16, address: 0 } } }
      units:
        - { unitId: 1, use: acme, identification: false }`);
    expect(status(send(gw, fc43, 1))).toBe(1);
    // FC 17's default additional data is still "<vendorName> <productCode>" of the template.
    expect(new TextDecoder().decode(gw.unit(1)!.identity.additionalData)).toBe('ACME X1');
  });

  test('unit 0 broadcast is not affected: nothing but writes is answered there anyway', () => {
    const device = compile(`\n    identification: false\n    unitZero: broadcast${POINTS}`);
    expect(status(send(device, fc43, 0))).toBe('silence');
    expect(status(send(device, pdu.writeRegister(0, 9), 0))).toBe('silence');
    expect(registers(send(device, pdu.read(3, 0, 1), 1))).toEqual([9]);
  });
});
