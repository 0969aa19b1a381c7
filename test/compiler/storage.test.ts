import { describe, expect, test } from 'vitest';
import { compile, pdu, registers, send, status, bits } from './helpers.js';

describe('unmapped addresses', () => {
  const MAP = `
    points:
      a: { type: uint16, address: 10, value: 1 }
      b: { type: uint16, address: 11, value: 2 }
      c: { type: bool, address: 10, value: true }`;

  test.each([
    // [unmapped, request, expected]
    ['exception', pdu.read(3, 10, 2), [1, 2]],
    ['exception', pdu.read(3, 9, 2), 2],
    ['exception', pdu.read(3, 11, 2), 2],
    ['exception', pdu.read(4, 10, 1), 2],
    ['zero', pdu.read(3, 9, 4), [0, 1, 2, 0]],
    ['zero', pdu.read(4, 0, 125), new Array(125).fill(0)],
    ['{ holding: zero }', pdu.read(3, 9, 4), [0, 1, 2, 0]],
    ['{ holding: zero }', pdu.read(4, 0, 1), 2],
    ['{ input: zero }', pdu.read(3, 9, 4), 2],
  ])('unmapped: %s, %j → %j', (mode, request, expected) => {
    expect(registers(send(compile(`\n    unmapped: ${mode}${MAP}`), request))).toEqual(expected);
  });

  test('the AP example: a map of 100 registers, 4 from 96 is fine, 5 from 96 is 02', () => {
    const device = compile(`
      blocks:
        - { address: 0, length: 100 }`);
    expect(status(send(device, pdu.read(3, 96, 4)))).toBe('ok');
    expect(status(send(device, pdu.read(3, 96, 5)))).toBe(2);
  });

  test('unmapped: zero swallows writes to unmapped addresses and writes the mapped ones', () => {
    const device = compile(`\n    unmapped: zero${MAP}`);
    expect(status(send(device, pdu.writeRegisters(9, [7, 8, 9, 10])))).toBe('ok');
    expect(registers(send(device, pdu.read(3, 9, 4)))).toEqual([0, 8, 9, 0]);
    expect(status(send(device, pdu.writeCoils(9, [1, 0, 1])))).toBe('ok');
    expect(bits(send(device, pdu.read(1, 9, 3)), 3)).toEqual([0, 0, 0]);
  });
});

describe('blocks', () => {
  test('fill, values, and points inside blocks (the point value wins)', () => {
    const device = compile(`
      blocks:
        - { address: 0, length: 6, values: [1, 2, 3], fill: 0xFFFF }
        - { table: coil, address: 0, values: [true, 0, 1] }
      points:
        p: { type: uint16, address: 4, value: 42 }`);
    expect(registers(send(device, pdu.read(3, 0, 6)))).toEqual([1, 2, 3, 0xffff, 42, 0xffff]);
    expect(bits(send(device, pdu.read(1, 0, 3)), 3)).toEqual([1, 0, 1]);
    expect(status(send(device, pdu.read(1, 0, 4)))).toBe(2);
  });

  test('a write-only block reads as zeros', () => {
    const device = compile(`
      blocks:
        - { address: 0, length: 4, fill: 9, access: writeOnly }
        - { address: 4, length: 2, fill: 5 }`);
    expect(registers(send(device, pdu.read(3, 2, 4)))).toEqual([0, 0, 5, 5]);
    expect(device.unit(1)!.readTable('holdingRegisters', 0, 1)).toEqual([9]);
  });
});

describe('inputRegisters: sameAsHolding', () => {
  test('FC 4 reads what FC 3 reads, including writes', () => {
    const device = compile(`
      inputRegisters: sameAsHolding
      points:
        a: { type: uint16, address: 0, value: 1 }
        s: { type: uint16, address: 1, access: writeOnly, value: 5 }`);
    expect(registers(send(device, pdu.read(4, 0, 2)))).toEqual([1, 0]);
    send(device, pdu.writeRegister(0, 9));
    expect(registers(send(device, pdu.read(4, 0, 1)))).toEqual([9]);
    expect(status(send(device, pdu.read(4, 2, 1)))).toBe(2);
    device.unit(1)!.writeTable('holdingRegisters', 0, [3]);
    expect(device.unit(1)!.readTable('inputRegisters', 0, 1)).toEqual([3]);
    expect(device.summary()[0]).toBe('test (every unit id): 2 holding registers (2 points), input registers = holding registers (FC 4 reads them)');
  });
});

describe('raw table access from code', () => {
  test('readTable/writeTable ignore mapping and access; a table with nothing mapped gets its own storage', () => {
    const a = compile(`
      units:
        - { unitId: [1, 2], points: { p: { type: uint16, address: 0 } } }`);
    a.unit(1)!.writeTable('discreteInputs', 5, [true, 1]);
    expect(a.unit(1)!.readTable('discreteInputs', 4, 3)).toEqual([0, 1, 1]);
    expect(a.unit(2)!.readTable('discreteInputs', 4, 3)).toEqual([0, 0, 0]);
    expect(() => a.unit(1)!.writeTable('holdingRegisters', 0, [70000])).toThrow(RangeError);
    expect(() => a.unit(1)!.readTable('coils', 65535, 2)).toThrow(RangeError);
  });
});

describe('identification', () => {
  const device = compile(`
    identification:
      vendorName: Fronius
      productCode: SYMO-10
      revision: "3.2"
      modelName: Symo 10.0-3-M
      privateObjects: { "0x80": serial 123, "129": site A }
    reportServerId: { serverId: [0x12, 0x34], running: false, additionalData: ok }
    points: { p: { type: uint16, address: 0 } }`);

  test('FC 43 objects come from the profile (revision is MajorMinorRevision)', () => {
    const objects = device.unit(1)!.identity.objects.map((o) => [o.id, new TextDecoder().decode(o.value)]);
    expect(objects).toEqual([[0, 'Fronius'], [1, 'SYMO-10'], [2, '3.2'], [5, 'Symo 10.0-3-M'], [0x80, 'serial 123'], [0x81, 'site A']]);
    const reply = send(device, pdu.deviceId(4, 0x81));
    expect(reply.kind === 'response' && new TextDecoder().decode(reply.pdu.slice(-6))).toBe('site A');
  });

  test('FC 17 from reportServerId', () => {
    const reply = send(device, pdu.reportServerId());
    expect(reply.kind === 'response' && Array.from(reply.pdu)).toEqual([0x11, 5, 0x12, 0x34, 0x00, 0x6f, 0x6b]);
  });

  test('defaults from createIdentity', () => {
    const objects = compile('points: { p: { type: uint16, address: 0 } }').unit(1)!.identity.objects;
    expect(objects.map((o) => new TextDecoder().decode(o.value))).toEqual(['modbus-emu', 'MODBUS-EMU', '0.1']);
  });
});
