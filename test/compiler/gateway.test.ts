import { describe, expect, test } from 'vitest';
import { decodeRequest } from '../../src/protocol/request.js';
import { compile, pdu, registers, send, status } from './helpers.js';

const GATEWAY = `
  name: gw
  templates:
    meter:
      name: em24
      points:
        kWh: { type: uint16, address: 0, value: 10 }
  units:
    - unitId: ["1-3", 5]
      use: meter
    - unitId: 4
      name: boiler
      points:
        temp: { type: int16, address: 0, value: 60 }
    - unitId: 9
      respond: gatewayTargetFailedToRespond
`;

describe('gateway routing', () => {
  test('each unit id has its own storage, also when sharing a template', () => {
    const gw = compile(GATEWAY);
    expect(status(send(gw, pdu.writeRegister(0, 99), 2))).toBe('ok');
    expect([1, 2, 3, 5].map((id) => registers(send(gw, pdu.read(3, 0, 1), id)))).toEqual([[10], [99], [10], [10]]);
    expect(gw.unit(2)!.read('kWh')).toBe(99);
    expect(gw.unit(4)!.read('temp')).toBe(60);
    expect([gw.unit(1)!.name, gw.unit(5)!.name, gw.unit(4)!.name]).toEqual(['em24-1', 'em24-5', 'boiler']);
  });

  test.each([
    ['an unreachable unit answers 0x0B', 9, 0x0b],
    ['an unknown unit id answers 0x0A by default', 7, 0x0a],
    ['unit 0 is routed like any unit id by default', 0, 0x0a],
  ])('%s', (_what, unitId, code) => {
    expect(registers(send(compile(GATEWAY), pdu.read(3, 0, 1), unitId))).toBe(code);
    expect(compile(GATEWAY).unit(unitId)).toBeUndefined();
  });

  test.each([
    ['gatewayTargetFailedToRespond', 0x0b],
    ['silence', 'silence'],
  ])('unknownUnits: %s', (behaviour, answer) => {
    expect(registers(send(compile(`${GATEWAY}\n  unknownUnits: ${behaviour}`), pdu.read(3, 0, 1), 200))).toBe(answer);
  });

  test('unknownUnits: {use} is one default device shared by every unknown unit id', () => {
    const gw = compile(`${GATEWAY}\n  unknownUnits: { use: meter }`);
    expect(status(send(gw, pdu.writeRegister(0, 77), 100))).toBe('ok');
    expect(registers(send(gw, pdu.read(3, 0, 1), 200))).toEqual([77]);
    expect(registers(send(gw, pdu.read(3, 0, 1), 1))).toEqual([10]);
    expect(gw.unit(100)).toBe(gw.unit(200));
    expect(gw.unit(200)!.unitIds).toEqual([]);
    expect(gw.units.length).toBe(6);
  });

  test('unitZero: broadcast applies unit 0 writes to every device and answers nothing', () => {
    const gw = compile(`${GATEWAY}\n  unitZero: broadcast`);
    expect(status(send(gw, pdu.writeRegister(0, 42), 0))).toBe('silence');
    expect([1, 2, 3, 4, 5].map((id) => gw.unit(id)!.readTable('holdingRegisters', 0, 1)[0])).toEqual([42, 42, 42, 42, 42]);
    // FC 23 broadcasts its write part; reads are not answered.
    expect(status(send(gw, pdu.readWrite(0, 1, 0, [43]), 0))).toBe('silence');
    expect(gw.unit(4)!.read('temp')).toBe(43);
    expect(status(send(gw, pdu.read(3, 0, 1), 0))).toBe('silence');
    expect(gw.unit(0)).toBeUndefined();
  });

  test('unit-level settings override the template', () => {
    const gw = compile(`
      templates:
        t:
          identification: { vendorName: ACME, productCode: T1 }
          points: { a: { type: uint16, address: 0 } }
      units:
        - { unitId: 1, use: t }
        - { unitId: 2, use: t, unmapped: zero, identification: { productCode: T2 } }`);
    expect(registers(send(gw, pdu.read(3, 1, 1), 1))).toBe(2);
    expect(registers(send(gw, pdu.read(3, 1, 1), 2))).toEqual([0]);
    const text = (id: number, object: number) => new TextDecoder().decode(gw.unit(id)!.identity.objects.find((o) => o.id === object)!.value);
    expect([text(2, 0), text(2, 1), text(1, 1)]).toEqual(['ACME', 'T2', 'T1']);
  });

  test('top-level settings are the defaults of every unit; a unit or template value wins', () => {
    const gw = compile(`
      byteOrder: CDAB
      access: readOnly
      writeToReadOnly: ignore
      unmapped: zero
      identification: { vendorName: GW, productCode: P0 }
      reportServerId: { serverId: 9 }
      templates:
        own:
          byteOrder: ABCD
          access: readWrite
          writeToReadOnly: reject
          unmapped: exception
          identification: { productCode: P1 }
          reportServerId: { serverId: 1 }
          points: { v: { type: uint32, address: 0, value: 0x00010002 } }
        bare: { points: { v: { type: uint32, address: 0, value: 0x00010002 } } }
      units:
        - { unitId: 1, use: bare }
        - { unitId: 2, use: own }
        - { unitId: 3, use: bare, byteOrder: ABCD, access: readWrite, unmapped: exception, identification: { productCode: P3 } }
        - unitId: 4
          points: { v: { type: uint32, address: 0, value: 0x00010002 } }
      unknownUnits: { use: bare }`);
    const ids = [1, 2, 3, 4, 100];
    // byteOrder
    expect(ids.map((id) => registers(send(gw, pdu.read(3, 0, 2), id)))).toEqual([[2, 1], [1, 2], [1, 2], [2, 1], [2, 1]]);
    // access + writeToReadOnly: the profile's readOnly with ignore acknowledges and keeps the value
    expect(ids.map((id) => status(send(gw, pdu.writeRegisters(0, [7, 7]), id)))).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(ids.map((id) => gw.unit(id)!.readTable('holdingRegisters', 0, 1)[0])).toEqual([2, 7, 7, 2, 2]);
    // unmapped
    expect(ids.map((id) => registers(send(gw, pdu.read(3, 5, 1), id)))).toEqual([[0], 2, 2, [0], [0]]);
    // identification and reportServerId, merged per field
    const product = (id: number): string => new TextDecoder().decode(gw.unit(id)!.identity.objects.find((o) => o.id === 1)!.value);
    const vendor = (id: number): string => new TextDecoder().decode(gw.unit(id)!.identity.objects.find((o) => o.id === 0)!.value);
    expect(ids.map((id) => `${vendor(id)} ${product(id)} ${gw.unit(id)!.identity.serverId[0]}`)).toEqual(['GW P0 9', 'GW P1 1', 'GW P3 9', 'GW P0 9', 'GW P0 9']);
  });

  test('summary: one line per unit entry, unreachable units and the rest', () => {
    expect(compile(`${GATEWAY}\n  unitZero: broadcast`).summary()).toEqual([
      'em24 (units 1-3, 5, one storage each): 1 holding register (1 point)',
      'boiler (unit 4): 1 holding register (1 point)',
      'unit 9: unreachable, exception 0x0B (gateway target device failed to respond)',
      'other unit ids: exception 0x0A (gateway path unavailable)',
      'unit 0: broadcast (writes reach every device, nothing is answered)',
    ]);
  });
});

describe('the middleware chain', () => {
  test("a gateway's answers for unreachable units are its first middleware, in front of the router", () => {
    const device = compile(GATEWAY);
    expect(device.middlewares).toHaveLength(1);
    // Past the middleware, the router alone has no answer of its own for an unreachable unit id.
    expect(status(send(device, pdu.read(3, 0, 1), 200))).toBe(0x0a);
    const raw = Uint8Array.from(pdu.read(3, 0, 1));
    const exchange = { transactionId: 1, unitId: 200, pdu: raw, request: decodeRequest(raw), connection: { id: 1, remoteAddress: '', remotePort: 0 } };
    expect(() => device.router(exchange)).toThrow(/gateway answers it/);
  });
});

describe('a single device', () => {
  const PUMP = `
    name: pump
    server: { port: 1502, idleTimeout: 2.5 }
    points:
      speed: { type: uint16, address: 0, value: 5 }
      volts: { type: uint16, table: input, address: 0 }`;

  test('answers every unit id with one storage', () => {
    const device = compile(PUMP);
    expect(status(send(device, pdu.writeRegister(0, 6), 255))).toBe('ok');
    expect([0, 1, 247].map((id) => registers(send(device, pdu.read(3, 0, 1), id)))).toEqual([[6], [6], [6]]);
    expect(device.unit(0)).toBe(device.unit(255));
    expect(device.summary()).toEqual(['pump (every unit id): 1 holding register (1 point), 1 input register (1 point)']);
    expect(device.server).toEqual({ port: 1502, idleTimeoutMs: 2500 });
    expect(device.name).toBe('pump');
  });

  test('has an empty middleware chain: only the FC 8 counters stand in front of its router', () => {
    const device = compile(PUMP);
    expect(device.middlewares).toEqual([]);
  });

  test('with unitZero: broadcast, unit 0 writes are applied silently', () => {
    const device = compile(`${PUMP}\n    unitZero: broadcast`);
    expect(status(send(device, pdu.writeRegister(0, 8), 0))).toBe('silence');
    expect(registers(send(device, pdu.read(3, 0, 1), 1))).toEqual([8]);
  });
});
