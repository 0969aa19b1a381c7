import { describe, expect, it } from 'vitest';
import { createDeviceHandler } from '../../src/device/handler.js';
import { createIdentity } from '../../src/device/identity.js';
import { InMemoryDataSource } from '../../src/device/memory.js';
import type { DataSource, Table } from '../../src/device/data-source.js';
import { isPromiseLike } from '../../src/pipeline/compose.js';
import type { Exchange, Handler, Outcome } from '../../src/pipeline/types.js';
import { decodeRequest } from '../../src/protocol/request.js';
import { hex, toHex } from '../helpers/hex.js';

function exchange(pdu: string, unitId = 1): Exchange {
  const bytes = hex(pdu);
  return { transactionId: 1, unitId, pdu: bytes, request: decodeRequest(bytes), connection: { id: 1, remoteAddress: '127.0.0.1', remotePort: 50000 } };
}

/** Runs a request and insists the sync fast path stayed synchronous. */
function callSync(handler: Handler, pdu: string, unitId = 1): Outcome {
  const out = handler(exchange(pdu, unitId));
  if (isPromiseLike(out)) throw new Error(`expected a synchronous outcome for ${pdu}`);
  return out;
}

/** The reply as hex, or `exception XX`, for readable table assertions. */
function show(out: Outcome): string {
  if (out.kind === 'response') return toHex(out.pdu);
  if (out.kind === 'exception') return `exception ${out.code.toString(16).padStart(2, '0')}`;
  return out.kind;
}

describe('createDeviceHandler over InMemoryDataSource: every FC stays synchronous', () => {
  const ds = new InMemoryDataSource();
  ds.tables.coils.set([1, 0, 1, 1, 0, 0, 1, 1, 1, 1, 0, 1, 0, 1, 1, 0, 1, 0, 1], 0x13);
  ds.tables.discreteInputs.set([0, 0, 1, 1, 0, 1, 0, 1, 1, 1, 0, 1, 1, 0, 1, 1, 1, 0, 1, 0, 1, 1], 0xc4);
  ds.tables.holdingRegisters.set([0x022b, 0x0000, 0x0064], 0x6b);
  ds.tables.inputRegisters[8] = 0x000a;
  const handler = createDeviceHandler({ dataSource: ds });

  const rows: [string, string, string][] = [
    // [comment, request PDU, reply]
    ['FC 1 AP example', '01 00 13 00 13', '01 03 cd 6b 05'],
    ['FC 2 AP example', '02 00 c4 00 16', '02 03 ac db 35'],
    ['FC 3 AP example', '03 00 6b 00 03', '03 06 02 2b 00 00 00 64'],
    ['FC 4 AP example', '04 00 08 00 01', '04 02 00 0a'],
    ['FC 5 echoes the request', '05 00 ac ff 00', '05 00 ac ff 00'],
    ['FC 6 echoes the request', '06 00 01 00 03', '06 00 01 00 03'],
    ['FC 8 sub 0 echoes the request, data included', '08 00 00 a5 37', '08 00 00 a5 37'],
    ['FC 8 counters need a compiled device (diagnostics): 01 here', '08 00 0b 00 00', 'exception 01'],
    ['FC 8 sub-function not served is 01 from the codec', '08 00 03 00 00', 'exception 01'],
    ['FC 15 replies address and quantity', '0f 00 13 00 0a 02 cd 01', '0f 00 13 00 0a'],
    ['FC 16 replies address and quantity', '10 00 01 00 02 04 00 0a 01 02', '10 00 01 00 02'],
    ['FC 22 echoes the request', '16 00 04 00 f2 00 25', '16 00 04 00 f2 00 25'],
    ['FC 23 replies with the read data only', '17 00 20 00 01 00 20 00 01 02 12 34', '17 02 12 34'],
    ['a decode error is answered as its exception', '03 00 00 00 00', 'exception 03'],
    ['an unsupported function is 01', '07', 'exception 01'],
  ];
  it.each(rows)('%s', (_comment, request, reply) => {
    expect(show(callSync(handler, request))).toBe(reply);
  });

  it('writes land in the tables', () => {
    const mem = new InMemoryDataSource();
    const h = createDeviceHandler({ dataSource: mem });
    callSync(h, '05 00 ac ff 00');
    callSync(h, '06 00 01 00 03');
    callSync(h, '0f 00 13 00 0a 02 cd 01');
    callSync(h, '10 00 01 00 02 04 00 0a 01 02');
    expect(mem.tables.coils[0xac]).toBe(1);
    expect(Array.from(mem.tables.coils.subarray(0x13, 0x13 + 10))).toEqual([1, 0, 1, 1, 0, 0, 1, 1, 1, 0]);
    // FC 16 overwrote register 1 after FC 6 set it
    expect(Array.from(mem.tables.holdingRegisters.subarray(0, 3))).toEqual([0, 0x000a, 0x0102]);
    callSync(h, '05 00 ac 00 00');
    expect(mem.tables.coils[0xac]).toBe(0);
  });
});

describe('FC 22 mask write register (AP 6.16)', () => {
  it('AP example: current 0x12, AND 0xF2, OR 0x25 → 0x17, reply echoes the request', () => {
    const ds = new InMemoryDataSource();
    ds.tables.holdingRegisters[4] = 0x12;
    const out = callSync(createDeviceHandler({ dataSource: ds }), '16 00 04 00 f2 00 25');
    expect(show(out)).toBe('16 00 04 00 f2 00 25');
    expect(ds.tables.holdingRegisters[4]).toBe(0x17);
  });

  it.each([
    // [comment, current, and, or, result]
    ['AND all ones keeps the register', 0xabcd, 0xffff, 0x1234, 0xabcd],
    ['AND 0 sets the register to OR', 0xabcd, 0x0000, 0x1234, 0x1234],
    ['high bits: AND 0xff00 keeps the high byte, OR fills the low byte', 0xabcd, 0xff00, 0x0077, 0xab77],
  ])('%s', (_comment, current, andMask, orMask, result) => {
    const ds = new InMemoryDataSource();
    ds.tables.holdingRegisters[9] = current;
    const w = (v: number) => toHex([v >>> 8, v & 0xff]);
    callSync(createDeviceHandler({ dataSource: ds }), `16 00 09 ${w(andMask)} ${w(orMask)}`);
    expect(ds.tables.holdingRegisters[9]).toBe(result);
  });
});

/** A data source recording every call, over an in-memory store; `mapped` limits the holding map. */
function recording(mapped = 0x10000) {
  const mem = new InMemoryDataSource();
  const calls: string[] = [];
  const ds: DataSource = {
    readHoldingRegisters(unit, address, quantity) {
      calls.push(`read ${address}+${quantity}`);
      return mem.readHoldingRegisters(unit, address, quantity);
    },
    writeHoldingRegisters(unit, address, values) {
      calls.push(`write ${address}+${values.length}`);
      mem.writeHoldingRegisters(unit, address, values);
    },
    checkRange(_unit: number, table: Table, address: number, quantity: number, access: 'read' | 'write') {
      calls.push(`check ${access} ${table} ${address}+${quantity}`);
      return address + quantity <= mapped ? 0 : 2;
    },
  };
  return { mem, calls, ds };
}

describe('FC 23 read/write multiple registers (AP 6.17)', () => {
  it('writes before reading: an overlapping read shows the written values', () => {
    const { mem, ds, calls } = recording();
    mem.tables.holdingRegisters.set([0, 1, 2, 3, 4, 5]);
    // read 6 from 0, write 2 at 2: aaaa bbbb
    const out = callSync(createDeviceHandler({ dataSource: ds }), '17 00 00 00 06 00 02 00 02 04 aa aa bb bb');
    expect(show(out)).toBe('17 0c 00 00 00 01 aa aa bb bb 00 04 00 05');
    expect(calls.filter((c) => !c.startsWith('check'))).toEqual(['write 2+2', 'read 0+6']);
  });

  it('validates both ranges before writing anything', () => {
    const { ds, calls } = recording();
    callSync(createDeviceHandler({ dataSource: ds }), '17 00 00 00 06 00 02 00 02 04 aa aa bb bb');
    const firstWrite = calls.indexOf('write 2+2');
    expect(calls.slice(0, firstWrite)).toEqual(expect.arrayContaining(['check write holdingRegisters 2+2', 'check read holdingRegisters 0+6']));
  });

  it('an invalid read range is 02 and leaves the storage untouched', () => {
    const { mem, ds, calls } = recording(100);
    // write 1 at 0 (mapped), read 2 from 99 (runs to 100: unmapped)
    const out = callSync(createDeviceHandler({ dataSource: ds }), '17 00 63 00 02 00 00 00 01 02 12 34');
    expect(show(out)).toBe('exception 02');
    expect(mem.tables.holdingRegisters[0]).toBe(0);
    expect(calls.some((c) => c.startsWith('write') || c.startsWith('read'))).toBe(false);
  });

  it('an invalid write range is 02 and nothing is written or read', () => {
    const { mem, ds, calls } = recording(100);
    const out = callSync(createDeviceHandler({ dataSource: ds }), '17 00 00 00 01 00 63 00 02 04 12 34 56 78');
    expect(show(out)).toBe('exception 02');
    expect(mem.tables.holdingRegisters[99]).toBe(0);
    expect(calls.some((c) => c.startsWith('write') || c.startsWith('read'))).toBe(false);
  });

  it('async write then read keeps the order and the result', async () => {
    const mem = new InMemoryDataSource();
    const order: string[] = [];
    const ds: DataSource = {
      async readHoldingRegisters(unit, address, quantity) {
        order.push('read');
        return mem.readHoldingRegisters(unit, address, quantity);
      },
      async writeHoldingRegisters(unit, address, values) {
        await Promise.resolve();
        order.push('write');
        mem.writeHoldingRegisters(unit, address, values);
      },
    };
    const out = await createDeviceHandler({ dataSource: ds })(exchange('17 00 05 00 01 00 05 00 01 02 ca fe'));
    expect(show(out)).toBe('17 02 ca fe');
    expect(order).toEqual(['write', 'read']);
  });
});

describe('checkRange', () => {
  it.each([
    // [comment, request PDU, the data-source method that must not run]
    ['FC 1 read', '01 00 00 00 08', 'readCoils'],
    ['FC 2 read', '02 00 00 00 08', 'readDiscreteInputs'],
    ['FC 3 read', '03 00 00 00 02', 'readHoldingRegisters'],
    ['FC 4 read', '04 00 00 00 02', 'readInputRegisters'],
    ['FC 5 write', '05 00 00 ff 00', 'writeCoils'],
    ['FC 6 write', '06 00 00 00 01', 'writeHoldingRegisters'],
    ['FC 15 write', '0f 00 00 00 01 01 01', 'writeCoils'],
    ['FC 16 write', '10 00 00 00 01 02 00 01', 'writeHoldingRegisters'],
    ['FC 22 mask write', '16 00 00 ff ff 00 00', 'readHoldingRegisters'],
  ] as const)('%s: 2 from checkRange is exception 02 without calling %s', (_comment, pdu, method) => {
    const called: string[] = [];
    const seen: unknown[][] = [];
    const ds: DataSource = {
      readCoils: () => (called.push('readCoils'), [0]),
      readDiscreteInputs: () => (called.push('readDiscreteInputs'), [0]),
      readHoldingRegisters: () => (called.push('readHoldingRegisters'), [0]),
      readInputRegisters: () => (called.push('readInputRegisters'), [0]),
      writeCoils: () => void called.push('writeCoils'),
      writeHoldingRegisters: () => void called.push('writeHoldingRegisters'),
      checkRange: (...args) => (seen.push(args), 2),
    };
    expect(show(callSync(createDeviceHandler({ dataSource: ds }), pdu, 7))).toBe('exception 02');
    expect(called).not.toContain(method);
    expect(called).toEqual([]);
    // the unit id is passed through
    expect(seen[0]![0]).toBe(7);
  });

  it('passes table, range and access', () => {
    const seen: unknown[][] = [];
    const ds: DataSource = {
      readInputRegisters: () => [1, 2, 3],
      writeCoils: () => {},
      checkRange: (...args) => (seen.push(args), 0),
    };
    const h = createDeviceHandler({ dataSource: ds });
    callSync(h, '04 00 10 00 03', 3);
    callSync(h, '0f 00 20 00 09 02 ff 01', 4);
    expect(seen).toEqual([
      [3, 'inputRegisters', 0x10, 3, 'read'],
      [4, 'coils', 0x20, 9, 'write'],
    ]);
  });

  it('any other code from checkRange is that exception', () => {
    const ds: DataSource = { readHoldingRegisters: () => [0], checkRange: () => 0x0b };
    expect(show(callSync(createDeviceHandler({ dataSource: ds }), '03 00 00 00 01'))).toBe('exception 0b');
  });
});

describe('FC 8 diagnostics', () => {
  const handler = createDeviceHandler({ dataSource: new InMemoryDataSource() });
  it.each([
    // [comment, request, reply]
    ['sub 0 return query data: echo', '08 00 00 12 34', '08 00 00 12 34'],
    ['sub 0 with no data: echo', '08 00 00', '08 00 00'],
    ['sub 0 with a long payload: echo', `08 00 00 ${toHex(new Uint8Array(200).fill(0x5a))}`, `08 00 00 ${toHex(new Uint8Array(200).fill(0x5a))}`],
    ['sub 1 restart communications: not served here', '08 00 01 00 00', 'exception 01'],
    ['sub 4 force listen-only: not served here', '08 00 04 00 00', 'exception 01'],
    ['sub 0x0a clear counters: not served here', '08 00 0a 00 00', 'exception 01'],
    ['sub 0xffff', '08 ff ff 00 00', 'exception 01'],
  ])('%s', (_comment, request, reply) => {
    expect(show(callSync(handler, request))).toBe(reply);
  });
});

describe('FC 17 and FC 43 answer from the identity', () => {
  const identity = createIdentity({
    vendorName: 'ACME',
    productCode: 'P-1',
    majorMinorRevision: '2.5',
    productName: 'Pump',
    privateObjects: { 0x80: 'serial 42' },
    serverId: [0xb4, 0x01],
    running: false,
    additionalData: 'hello',
  });
  const handler = createDeviceHandler({ dataSource: {}, identity });

  it('FC 17: byte count, server id, run indicator, additional data', () => {
    // 2 + 1 + 5 = 8 bytes
    expect(show(callSync(handler, '11'))).toBe('11 08 b4 01 00 68 65 6c 6c 6f');
  });
  it('FC 43 basic stream', () => {
    expect(show(callSync(handler, '2b 0e 01 00'))).toBe('2b 0e 01 83 00 00 03 00 04 41 43 4d 45 01 03 50 2d 31 02 03 32 2e 35');
  });
  it('FC 43 one object', () => {
    expect(show(callSync(handler, '2b 0e 04 80'))).toBe('2b 0e 04 83 00 00 01 80 09 73 65 72 69 61 6c 20 34 32');
  });
  it('FC 43 unknown object id in individual access is 02', () => {
    expect(show(callSync(handler, '2b 0e 04 05'))).toBe('exception 02');
  });
  it('FC 43 read-dev-id code 5 is 03; MEI 13 is 01', () => {
    expect(show(callSync(handler, '2b 0e 05 00'))).toBe('exception 03');
    expect(show(callSync(handler, '2b 0d 01 00'))).toBe('exception 01');
  });
  it('without an identity: the defaults, running', () => {
    const h = createDeviceHandler({ dataSource: {} });
    const out = callSync(h, '11');
    expect(out.kind).toBe('response');
    const basic = callSync(h, '2b 0e 01 00');
    // conformity 0x81: only the three mandatory basic objects
    expect(show(basic).startsWith('2b 0e 01 81 00 00 03 00 0a')).toBe(true);
    const pdu = (out as { pdu: Uint8Array }).pdu;
    expect(pdu[2 + 1]).toBe(0xff);
  });
});
