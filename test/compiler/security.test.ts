import { describe, expect, it } from 'vitest';
import type { CompiledProfile } from '../../src/model/types.js';
import type { ConnectionInfo, Outcome } from '../../src/pipeline/types.js';
import { decodeRequest } from '../../src/protocol/request.js';
import { compile, expectOne, pdu, status } from './helpers.js';

/**
 * Modbus/TCP Security rights (`security:`), compiled once: each request is checked against its
 * connection's role; outside the role's rights it answers 01 (and reaches nothing behind it).
 */
const PROFILE = `
  version: 1
  points:
    setpoint:    { type: uint16, address: 10 }
    controlWord: { type: uint16, address: 11 }
    total:       { type: uint32, address: 20 }
    limit:       { type: uint16, address: 30 }
    running:     { type: bool, table: coil, address: 0 }
    level:       { type: uint16, table: input, address: 5 }
  faults:
    - { name: busy, match: { address: 30 }, do: { exception: serverDeviceBusy } }
  security:
    roles:
      Operator: { read: all, write: [setpoint, controlWord, { table: coil }] }
      Viewer: { read: all }
      Meter: { read: [total, { table: input, from: 0, to: 9 }], functions: [readHoldingRegisters, 4] }
      Engineer: { read: all, write: all }
    noRole: Viewer
`;

let connections = 0;
/** One exchange on a connection whose certificate carries `role` (undefined: none). */
function sendAs(profile: CompiledProfile, role: string | undefined, bytes: number[]): Outcome {
  const raw = Uint8Array.from(bytes);
  const connection: ConnectionInfo = { id: ++connections, remoteAddress: '127.0.0.1', remotePort: 50000, ...(role !== undefined && { role }) };
  return profile.handler({ transactionId: 1, unitId: 1, pdu: raw, request: decodeRequest(raw), connection }) as Outcome;
}

describe('security: rights by role', () => {
  const device = compile(PROFILE);

  it.each([
    // role, request, answer ('ok' or the exception code)
    ['Operator', pdu.writeRegister(10, 5), 'ok'],
    ['Operator', pdu.writeRegisters(10, [1, 2]), 'ok'], // setpoint and controlWord: adjacent, joined
    ['Operator', pdu.writeRegisters(10, [1, 2, 3]), 1], // one word past them
    ['Operator', pdu.writeRegister(30, 5), 1], // limit: not granted, and no fault rule sees it
    ['Operator', pdu.writeCoil(0, true), 'ok'],
    ['Operator', pdu.read(3, 20, 2), 'ok'],
    ['Operator', pdu.readWrite(20, 2, 10, [1]), 'ok'], // FC 23: read granted, write granted
    ['Operator', pdu.readWrite(20, 2, 30, [1]), 1], // its write range is not
    ['Viewer', pdu.read(3, 10, 2), 'ok'],
    ['Viewer', pdu.read(3, 30, 1), 6], // allowed: the fault rule answers
    ['Viewer', pdu.writeRegister(10, 5), 1],
    ['Viewer', pdu.mask(10, 0xff, 0), 1],
    ['Viewer', pdu.deviceId(1, 0), 'ok'], // identification needs a read right
    ['Meter', pdu.read(3, 20, 2), 'ok'],
    ['Meter', pdu.read(3, 20, 3), 1],
    ['Meter', pdu.read(3, 10, 1), 1],
    ['Meter', pdu.read(4, 5, 1), 'ok'],
    ['Meter', pdu.read(1, 0, 1), 1], // FC 1 is not among its functions
    ['Meter', pdu.deviceId(1, 0), 1], // nor FC 43
    ['Engineer', pdu.writeRegister(30, 5), 6],
    [undefined, pdu.read(3, 10, 1), 'ok'], // noRole: Viewer
    [undefined, pdu.writeRegister(10, 1), 1],
    ['Intruder', pdu.writeRegister(10, 1), 1], // a role not listed is no role
    ['operator', pdu.writeRegister(10, 1), 1], // case matters
  ])('%s: %j answers %s', (role, request, answer) => {
    expect(status(sendAs(device, role, request))).toBe(answer);
  });

  it('a request that fails to decode gets its own exception, not 01', () => {
    expect(status(sendAs(device, 'Viewer', [3, 0, 0, 0, 0]))).toBe(3);
  });

  it('a refused write changes nothing', () => {
    const before = device.units[0]!.read('setpoint');
    expect(status(sendAs(device, 'Viewer', pdu.writeRegister(10, 999)))).toBe(1);
    expect(device.units[0]!.read('setpoint')).toBe(before);
  });

  it('noRole: deny (the default) refuses everything to a client without a role; allow permits everything', () => {
    const deny = compile(`
      version: 1
      points: { a: { type: uint16, address: 0 } }
      security: { roles: { Viewer: { read: all } } }
    `);
    expect(status(sendAs(deny, undefined, pdu.read(3, 0, 1)))).toBe(1);
    const allow = compile(`
      version: 1
      points: { a: { type: uint16, address: 0 } }
      security: { noRole: allow }
    `);
    expect(status(sendAs(allow, undefined, pdu.writeRegister(0, 1)))).toBe('ok');
  });

  it('a profile without security has no rights check in its chain', () => {
    const plain = compile(`
      version: 1
      points: { a: { type: uint16, address: 0 } }
    `);
    expect(plain.middlewares).toHaveLength(0);
    expect(compile(PROFILE.replace(/  faults:\n.*\n/, '')).middlewares).toHaveLength(1);
  });
});

describe('security: diagnostics', () => {
  const profileWith = (security: string) => `
      version: 1
      points: { setpoint: { type: uint16, address: 0 } }
      security:
${security}
      `;
  it.each([
    ['E_SECURITY_POINT', 'a point no device has', '        roles: { Operator: { write: [setpiont] } }', 'security.roles.Operator.write[0]'],
    ['E_SECURITY_RANGE', 'from above to', '        roles: { Operator: { write: [{ table: holding, from: 9, to: 3 }] } }', 'security.roles.Operator.write[0]'],
    ['E_SECURITY_ROLE', 'noRole names no role', '        roles: { Viewer: { read: all } }\n        noRole: viewer', 'security.noRole'],
  ])('%s: %s', (code, _what, security, path) => {
    expectOne(profileWith(security), code, path, security.includes('noRole') ? 5 : 4);
  });
});
