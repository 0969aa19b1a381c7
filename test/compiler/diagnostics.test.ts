import { describe, expect, test } from 'vitest';
import { expectOne, problems } from './helpers.js';

/**
 * Every semantic problem a schema-valid profile can have: its code, the dotted path and the line
 * the diagnostic points at. Each profile below has exactly one problem.
 */
const rows: [code: string, path: string, line: number, yaml: string][] = [
  ['E_UNIT_DUPLICATE', 'units[1].unitId', 4, `
    units:
      - unitId: [1, 2]
        respond: silence
      - unitId: 2
        respond: silence`],
  ['E_UNKNOWN_TEMPLATE', 'units[0].use', 5, `
    templates:
      meter: { points: { a: { type: uint16, address: 0 } } }
    units:
      - unitId: 1
        use: metre`],
  ['E_UNKNOWN_TEMPLATE', 'unknownUnits.use', 4, `
    units:
      - { unitId: 1, respond: silence }
    unknownUnits:
      use: fallback`],
  ['E_UNIT_SOURCE', 'units[0]', 2, `
    units:
      - unitId: 1
        name: lonely`],
  ['E_UNIT_SOURCE', 'units[0]', 6, `
    templates:
      meter: { points: { a: { type: uint16, address: 0 } } }
    units:
      - unitId: 1
        use: meter
        respond: silence`],
  ['E_GATEWAY_AND_DEVICE', 'points', 2, `
    points:
      a: { type: uint16, address: 0 }
    units:
      - { unitId: 1, respond: silence }`],
  ['E_UNIT_RANGE', 'units[0].unitId[1]', 2, `
    units:
      - unitId: [1, "20-10"]
        respond: silence`],
  ['E_UNIT_RANGE', 'units[0].unitId', 2, `
    units:
      - unitId: "250-300"
        respond: silence`],
  ['E_UNIT_BROADCAST', 'units[0].unitId', 3, `
    unitZero: broadcast
    units:
      - unitId: [0, 1]
        respond: silence`],
  ['E_ADDRESS_RANGE', 'points.a.address', 4, `
    points:
      a:
        type: uint16
        address: 70000`],
  ['E_ADDRESS_RANGE', 'points.a.address', 3, `
    addressing: oneBased
    points:
      a: { type: uint16, address: 0 }`],
  ['E_ADDRESS_RANGE', 'points.a.address', 3, `
    addressing: modicon
    points:
      a: { type: uint16, address: 20001 }`],
  ['E_ADDRESS_TABLE', 'points.a.address', 6, `
    addressing: modicon
    points:
      a:
        type: uint16
        table: holding
        address: 30001`],
  ['E_TABLE_TYPE', 'points.a', 3, `
    points:
      a:
        type: float32
        table: coil
        address: 0`],
  ['E_TABLE_TYPE', 'points.a', 3, `
    addressing: modicon
    points:
      a: { type: int16, address: 10001 }`],
  ['E_TABLE_ALIASED', 'points.a', 5, `
    inputRegisters: sameAsHolding
    points:
      a:
        type: uint16
        table: input
        address: 0`],
  ['E_TABLE_ALIASED', 'blocks[0]', 3, `
    inputRegisters: sameAsHolding
    blocks:
      - { table: input, address: 0, length: 4 }`],
  ['E_POINT_PAST_END', 'points.speed', 4, `
    points:
      speed:
        type: float32
        address: 65535`],
  ['E_STRING_TOO_LONG', 'points.serial.value', 6, `
    points:
      serial:
        type: string
        address: 0
        registers: 2
        value: ABCDE`],
  ['E_STRING_NOT_ASCII', 'points.serial.value', 2, `
    points:
      serial: { type: string, address: 0, registers: 4, value: "Größe" }`],
  ['E_OVERLAP', 'points.b', 3, `
    points:
      a: { type: uint32, address: 100 }
      b: { type: uint16, address: 101 }`],
  ['E_OVERLAP', 'points.b', 3, `
    points:
      a: { type: bool, table: coil, address: 7 }
      b: { type: bool, address: 7 }`],
  ['E_ALIAS_MISMATCH', 'points.b.aliasOf', 3, `
    points:
      a: { type: uint32, address: 100 }
      b: { type: uint16, address: 102, aliasOf: a }`],
  ['E_ALIAS_MISMATCH', 'points.b.aliasOf', 3, `
    points:
      a: { type: uint16, address: 100 }
      b: { type: uint16, table: input, address: 100, aliasOf: a }`],
  ['E_UNKNOWN_REFERENCE', 'points.b.aliasOf', 3, `
    points:
      a: { type: uint16, address: 100 }
      b: { type: uint16, address: 100, aliasOf: c }`],
  ['E_UNKNOWN_REFERENCE', 'points.W.scaleFactor', 2, `
    points:
      W: { type: int16, address: 0, scaleFactor: W_SF }`],
  ['E_SCALE_FACTOR_TYPE', 'points.W.scaleFactor', 2, `
    points:
      W: { type: int16, address: 0, scaleFactor: W_SF }
      W_SF: { type: uint16, address: 1 }`],
  ['E_SCALE_CONFLICT', 'points.W.scaleFactor', 2, `
    points:
      W: { type: int16, address: 0, scaleFactor: W_SF, scale: 10 }
      W_SF: { type: int16, address: 1 }`],
  ['E_RANGE_EMPTY', 'points.a.min', 2, `
    points:
      a: { type: int16, address: 0, min: 10, max: 5 }`],
  ['E_BIT_RANGE', 'points.status.bits.wide', 6, `
    points:
      status:
        type: bitfield16
        address: 0
        bits:
          wide: { bit: 14, width: 3 }`],
  ['E_BIT_OVERLAP', 'points.status.bits.b', 7, `
    points:
      status:
        type: bitfield32
        address: 0
        bits:
          a: { bit: 4, width: 4 }
          b: 7`],
  ['E_VALUE_TYPE', 'points.LFR.value', 2, `
    points:
      LFR: { type: int16, address: 0, scale: 0.1, value: 4000 }`],
  ['E_VALUE_TYPE', 'points.state.enum.70000', 2, `
    points:
      state: { type: uint16, address: 0, enum: { 1: OFF, 70000: HUGE } }`],
  ['E_VALUE_RANGE', 'points.LFR.value', 2, `
    points:
      LFR: { type: int16, address: 0, scale: 0.1, min: -60, max: 60, value: 60.5 }`],
  ['E_VALUE_ENUM', 'points.St.value', 2, `
    points:
      St: { type: uint16, address: 0, enum: { 1: OFF, 4: MPPT }, value: RUNNING }`],
  ['E_UNKNOWN_BIT', 'points.CMD.value.turbo', 7, `
    points:
      CMD:
        type: bitfield16
        address: 0
        bits: { run: 0 }
        value:
          turbo: true`],
  ['E_BLOCK_OVERLAP', 'blocks[1]', 3, `
    blocks:
      - { address: 0, length: 10 }
      - { address: 9, length: 10 }`],
  ['E_BLOCK_VALUES', 'blocks[0].values[1]', 2, `
    blocks:
      - { address: 0, values: [1, 70000] }`],
  ['E_BLOCK_VALUES', 'blocks[0].values', 2, `
    blocks:
      - { address: 0, length: 1, values: [1, 2] }`],
  ['E_BLOCK_VALUES', 'blocks[0].values[0]', 2, `
    blocks:
      - { table: coil, address: 0, values: [2] }`],
  ['E_BLOCK_LENGTH', 'blocks[0]', 2, `
    blocks:
      - { address: 0, fill: 7 }`],
  ['E_BLOCK_PAST_END', 'blocks[0]', 2, `
    blocks:
      - { address: 65530, length: 10 }`],
  ['E_IDENTIFICATION', 'identification.vendorName', 2, `
    identification:
      vendorName: Société Générale`],
  // JavaScript orders integer keys first, so the hex spelling is the one reported.
  ['E_IDENTIFICATION', 'identification.privateObjects.0x80', 3, `
    identification:
      privateObjects:
        "0x80": serial 1
        "128": serial 2`],
  ['E_IDENTIFICATION', 'identification.productName', 2, `
    identification:
      productName: ${'p'.repeat(245)}`],
  ['E_IDENTIFICATION', 'reportServerId.additionalData', 3, `
    reportServerId:
      serverId: [1, 2, 3]
      additionalData: ${'x'.repeat(248)}`],
];

describe('diagnostics: one code, path and line per problem', () => {
  test.each(rows)('%s at %s (line %i)', (code, path, line, yaml) => {
    expectOne(yaml, code, path, line);
  });
});

describe('messages print addresses in the profile convention, with the protocol address beside', () => {
  test.each([
    ['protocol', 65535, 'speed: float32 needs 2 registers; address 65535 leaves 1'],
    ['oneBased', 65536, 'speed: float32 needs 2 registers; number 65536 (protocol 65535) leaves 1'],
    ['modicon', 465536, 'speed: float32 needs 2 registers; holding 465536 (protocol 65535) leaves 1'],
  ])('%s', (addressing, address, message) => {
    const [d] = problems(`
      addressing: ${addressing}
      points:
        speed: { type: float32, address: ${address} }`);
    expect(`speed: ${d!.message}`).toBe(message);
  });

  test('an overlap names both points and both ranges', () => {
    const [d] = problems(`
      addressing: modicon
      points:
        a: { type: uint32, address: 40101 }
        b: { type: uint16, address: 40102 }`);
    expect(d!.message).toBe('b (holding 40102 (protocol 101)) overlaps a (holding 40101-40102 (protocol 100-101)) in holding registers; add `aliasOf: a` if they share storage');
  });

  test('a value that does not fit after scaling says the raw value', () => {
    const [d] = problems(`
      points:
        LFR: { type: int16, address: 0, scale: 0.1, value: 4000 }`);
    expect(d!.message).toBe('4000 is raw 40000 after scale 0.1, which does not fit int16 (-32768..32767)');
  });
});

test('every problem is reported at once, each with its file', () => {
  const ds = problems(`
    points:
      a: { type: float32, address: 65535 }
      b: { type: int16, address: 0, min: 3, max: 1 }
      c: { type: uint16, address: 0 }
    blocks:
      - { address: 10, fill: 1 }`);
  expect(ds.map((d) => d.code).sort()).toEqual(['E_BLOCK_LENGTH', 'E_OVERLAP', 'E_POINT_PAST_END', 'E_RANGE_EMPTY']);
  expect(ds.every((d) => d.location?.file === 'test.yaml')).toBe(true);
});

test('a template used by several units reports its problems once', () => {
  const ds = problems(`
    templates:
      meter: { points: { a: { type: int16, address: 0, value: 40000 } } }
    units:
      - { unitId: 1, use: meter }
      - { unitId: [2, 3], use: meter }`);
  expect(ds.map((d) => [d.code, d.path])).toEqual([['E_VALUE_TYPE', 'templates.meter.points.a.value']]);
});

test('points sharing storage through aliasOf are not overlaps, also aliases of one point among themselves', () => {
  const ds = problems(`
    points:
      word: { type: uint32, address: 0 }
      high: { type: uint16, address: 0, aliasOf: word }
      asFloat: { type: float32, address: 0, aliasOf: word }
      stray: { type: uint16, address: 1 }`);
  expect(ds.map((d) => [d.code, d.path])).toEqual([['E_OVERLAP', 'points.stray'], ['E_OVERLAP', 'points.stray']]);
});

test('an unused template is checked too', () => {
  const ds = problems(`
    templates:
      spare: { points: { a: { type: uint16, address: 70000 } } }
    points:
      x: { type: uint16, address: 0 }`);
  expect(ds.map((d) => [d.code, d.path])).toEqual([['E_ADDRESS_RANGE', 'templates.spare.points.a.address']]);
});
