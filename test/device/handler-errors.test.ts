import { describe, expect, it } from 'vitest';
import { createDeviceHandler } from '../../src/device/handler.js';
import type { DataSource } from '../../src/device/data-source.js';
import {
  CustomModbusError,
  GatewayPathUnavailable,
  GatewayTargetDeviceFailedToRespond,
  IllegalDataAddress,
  IllegalDataValue,
  IllegalFunction,
  ModbusError,
  ServerDeviceBusy,
  ServerDeviceFailure,
} from '../../src/device/errors.js';
import { isPromiseLike } from '../../src/pipeline/compose.js';
import type { Exchange, Outcome } from '../../src/pipeline/types.js';
import type { Logger, LogLevel } from '../../src/log.js';
import { decodeRequest } from '../../src/protocol/request.js';
import { hex } from '../helpers/hex.js';

function exchange(pdu: string): Exchange {
  const bytes = hex(pdu);
  return { transactionId: 9, unitId: 1, pdu: bytes, request: decodeRequest(bytes), connection: { id: 1, remoteAddress: '127.0.0.1', remotePort: 50000 } };
}

function capture(): { logger: Logger; lines: [LogLevel, string][] } {
  const lines: [LogLevel, string][] = [];
  return { lines, logger: { log: (level, message) => void lines.push([level, message]) } };
}

/** Every method of the seam doing the same thing, so one table covers reads and writes. */
function everyMethod(behaviour: () => unknown): DataSource {
  const f = behaviour as never;
  return {
    readCoils: f,
    readDiscreteInputs: f,
    readHoldingRegisters: f,
    readInputRegisters: f,
    writeCoils: f,
    writeHoldingRegisters: f,
  };
}

/** A request per data-source method reached (FC 22 and 23 hit the read or write first). */
const REQUESTS = [
  ['FC 1', '01 00 00 00 01'],
  ['FC 2', '02 00 00 00 01'],
  ['FC 3', '03 00 00 00 01'],
  ['FC 4', '04 00 00 00 01'],
  ['FC 5', '05 00 00 ff 00'],
  ['FC 6', '06 00 00 00 01'],
  ['FC 15', '0f 00 00 00 01 01 01'],
  ['FC 16', '10 00 00 00 01 02 00 01'],
  ['FC 22', '16 00 00 ff ff 00 00'],
  ['FC 23', '17 00 00 00 01 00 00 00 01 02 00 01'],
] as const;

const TYPED: [string, () => ModbusError, number][] = [
  // [class, factory, exception code]
  ['IllegalFunction', () => new IllegalFunction(), 0x01],
  ['IllegalDataAddress', () => new IllegalDataAddress('no register 7'), 0x02],
  ['IllegalDataValue', () => new IllegalDataValue(), 0x03],
  ['ServerDeviceFailure', () => new ServerDeviceFailure(), 0x04],
  ['ServerDeviceBusy', () => new ServerDeviceBusy(), 0x06],
  ['GatewayPathUnavailable', () => new GatewayPathUnavailable(), 0x0a],
  ['GatewayTargetDeviceFailedToRespond', () => new GatewayTargetDeviceFailedToRespond(), 0x0b],
  ['CustomModbusError(0x42)', () => new CustomModbusError(0x42), 0x42],
];

const cases = TYPED.flatMap(([name, make, code]) => REQUESTS.map(([fc, pdu]) => [name, fc, pdu, make, code] as const));

describe('typed Modbus errors become their exception code, and are not logged', () => {
  it.each(cases)('%s thrown synchronously by %s', (_name, _fc, pdu, make, code) => {
    const { logger, lines } = capture();
    const out = createDeviceHandler({
      dataSource: everyMethod(() => {
        throw make();
      }),
      logger,
    })(exchange(pdu));
    expect(isPromiseLike(out)).toBe(false);
    expect(out).toEqual({ kind: 'exception', code });
    expect(lines).toEqual([]);
  });

  it.each(cases)('%s rejected asynchronously by %s', async (_name, _fc, pdu, make, code) => {
    const { logger, lines } = capture();
    const out = createDeviceHandler({ dataSource: everyMethod(() => Promise.reject(make())), logger })(exchange(pdu));
    expect(isPromiseLike(out)).toBe(true);
    expect(await out).toEqual({ kind: 'exception', code });
    expect(lines).toEqual([]);
  });
});

describe('any other failure is 04 plus exactly one error line', () => {
  const failures: [string, () => unknown][] = [
    ['Error thrown', () => { throw new Error('disk on fire'); }],
    ['Error rejected', () => Promise.reject(new Error('disk on fire'))],
    ['TypeError thrown', () => { throw new TypeError('disk on fire'); }],
    ['a string thrown', () => { throw 'disk on fire'; }],
    ['a string rejected', () => Promise.reject('disk on fire')],
  ];
  const rows = failures.flatMap(([name, behaviour]) => REQUESTS.map(([fc, pdu]) => [name, fc, pdu, behaviour] as const));

  it.each(rows)('%s by %s', async (_name, _fc, pdu, behaviour) => {
    const { logger, lines } = capture();
    const out = await createDeviceHandler({ dataSource: everyMethod(behaviour), logger })(exchange(pdu));
    expect(out).toEqual({ kind: 'exception', code: 4 });
    expect(lines).toHaveLength(1);
    expect(lines[0]![0]).toBe('error');
    expect(lines[0]![1]).toContain('disk on fire');
  });
});

describe('bad values from the data source', () => {
  const shortOnes: [string, string, DataSource][] = [
    // [comment, request, data source]
    ['FC 1: 7 bits for 8', '01 00 00 00 08', { readCoils: () => new Uint8Array(7) }],
    ['FC 2: empty array for 1', '02 00 00 00 01', { readDiscreteInputs: () => [] }],
    ['FC 3: 1 register for 2', '03 00 00 00 02', { readHoldingRegisters: () => [1] }],
    ['FC 4: 124 registers for 125, async', '04 00 00 00 7d', { readInputRegisters: async () => new Uint16Array(124) }],
    ['FC 3: null', '03 00 00 00 01', { readHoldingRegisters: () => null as never }],
    ['FC 3: undefined, async', '03 00 00 00 01', { readHoldingRegisters: async () => undefined as never }],
    // JavaScript callers can return anything: no `length` must not pass as "long enough"
    ['FC 3: a number instead of an array', '03 00 00 00 01', { readHoldingRegisters: () => 5 as never }],
    ['FC 1: an object without length', '01 00 00 00 01', { readCoils: () => ({}) as never }],
    ['FC 22: no current value', '16 00 00 ff ff 00 00', { readHoldingRegisters: () => [], writeHoldingRegisters: () => {} }],
    ['FC 22: a number as the current value', '16 00 00 ff ff 00 00', { readHoldingRegisters: () => 5 as never, writeHoldingRegisters: () => {} }],
    ['FC 23: short read after the write', '17 00 00 00 02 00 00 00 01 02 00 01', { readHoldingRegisters: () => [1], writeHoldingRegisters: () => {} }],
  ];
  it.each(shortOnes)('%s → 04 and one error line', async (_comment, pdu, ds) => {
    const { logger, lines } = capture();
    expect(await createDeviceHandler({ dataSource: ds, logger })(exchange(pdu))).toEqual({ kind: 'exception', code: 4 });
    expect(lines).toHaveLength(1);
    expect(lines[0]![0]).toBe('error');
  });

  it('a longer array than asked is fine: only the quantity is sent', () => {
    const out = createDeviceHandler({ dataSource: { readHoldingRegisters: () => [1, 2, 3, 4] } })(exchange('03 00 00 00 02')) as Outcome;
    expect(out).toEqual({ kind: 'response', pdu: hex('03 04 00 01 00 02') });
  });
});

describe('sync and async values', () => {
  it('sync values give a non-thenable outcome (the fast path allocates no Promise)', () => {
    const out = createDeviceHandler({ dataSource: { readHoldingRegisters: () => Uint16Array.of(0xbeef) } })(exchange('03 00 00 00 01'));
    expect(isPromiseLike(out)).toBe(false);
    expect(out).toEqual({ kind: 'response', pdu: hex('03 02 be ef') });
  });

  it('Promise values give a Promise of the same outcome', async () => {
    const out = createDeviceHandler({ dataSource: { readHoldingRegisters: async () => Uint16Array.of(0xbeef) } })(exchange('03 00 00 00 01'));
    expect(out).toBeInstanceOf(Promise);
    expect(await out).toEqual({ kind: 'response', pdu: hex('03 02 be ef') });
  });

  it('a non-Promise thenable is awaited too', async () => {
    const thenable = { then: (resolve: (v: number[]) => void) => resolve([1, 0, 1]) };
    const out = createDeviceHandler({ dataSource: { readCoils: () => thenable as never } })(exchange('01 00 00 00 03'));
    expect(isPromiseLike(out)).toBe(true);
    expect(await out).toEqual({ kind: 'response', pdu: hex('01 01 05') });
  });

  it('async writes reply after they settle', async () => {
    let release!: () => void;
    let written = false;
    const ds: DataSource = {
      writeHoldingRegisters: () =>
        new Promise<void>((resolve) => {
          release = () => {
            written = true;
            resolve();
          };
        }),
    };
    const pending = createDeviceHandler({ dataSource: ds })(exchange('06 00 01 00 03'));
    expect(isPromiseLike(pending)).toBe(true);
    release();
    expect(await pending).toEqual({ kind: 'response', pdu: hex('06 00 01 00 03') });
    expect(written).toBe(true);
  });

  it('the data source receives unit id, address, quantity and values as decoded', () => {
    const calls: unknown[][] = [];
    const ds: DataSource = {
      readDiscreteInputs: (...args) => (calls.push(args), [1]),
      writeCoils: (...args) => void calls.push(args),
      writeHoldingRegisters: (...args) => void calls.push(args),
    };
    const h = createDeviceHandler({ dataSource: ds });
    const x = (pdu: string, unitId: number) => ({ ...exchange(pdu), unitId });
    h(x('02 01 00 00 01', 0xff));
    h(x('05 00 07 00 00', 0));
    h(x('10 00 02 00 02 04 12 34 56 78', 17));
    expect(calls).toEqual([
      [0xff, 0x100, 1],
      [0, 7, Uint8Array.of(0)],
      [17, 2, Uint16Array.of(0x1234, 0x5678)],
    ]);
  });
});

describe('missing methods mean the function is not supported: 01', () => {
  it.each([
    // [comment, request, data source]
    ['FC 1 without readCoils', '01 00 00 00 01', {}],
    ['FC 2 without readDiscreteInputs', '02 00 00 00 01', {}],
    ['FC 3 without readHoldingRegisters', '03 00 00 00 01', {}],
    ['FC 4 without readInputRegisters', '04 00 00 00 01', { readHoldingRegisters: () => [0] }],
    ['FC 5 without writeCoils', '05 00 00 ff 00', { readCoils: () => [0] }],
    ['FC 6 without writeHoldingRegisters', '06 00 00 00 01', { readHoldingRegisters: () => [0] }],
    ['FC 15 without writeCoils', '0f 00 00 00 01 01 01', {}],
    ['FC 16 without writeHoldingRegisters', '10 00 00 00 01 02 00 01', {}],
    ['FC 22 without writeHoldingRegisters', '16 00 00 ff ff 00 00', { readHoldingRegisters: () => [0] }],
    ['FC 22 without readHoldingRegisters', '16 00 00 ff ff 00 00', { writeHoldingRegisters: () => {} }],
    ['FC 23 without readHoldingRegisters', '17 00 00 00 01 00 00 00 01 02 00 01', { writeHoldingRegisters: () => {} }],
    ['FC 23 without writeHoldingRegisters', '17 00 00 00 01 00 00 00 01 02 00 01', { readHoldingRegisters: () => [0] }],
  ] as [string, string, DataSource][])('%s', (_comment, pdu, ds) => {
    expect(createDeviceHandler({ dataSource: ds })(exchange(pdu))).toEqual({ kind: 'exception', code: 1 });
  });
});

describe('the ModbusError family', () => {
  it.each(TYPED)('%s is a ModbusError and an Error, named after its class', (name, make, code) => {
    const e = make();
    expect(e).toBeInstanceOf(ModbusError);
    expect(e).toBeInstanceOf(Error);
    expect(e.code).toBe(code);
    expect(e.name).toBe(name.replace(/\(.*$/, ''));
  });

  it('keeps a given message', () => {
    expect(new IllegalDataAddress('no register 7').message).toBe('no register 7');
  });

  it.each([0, 256, -1, 1.5, Number.NaN])('rejects code %s', (code) => {
    expect(() => new CustomModbusError(code)).toThrow(RangeError);
  });

  it('accepts the whole 1..255 range', () => {
    expect(new CustomModbusError(1).code).toBe(1);
    expect(new CustomModbusError(255).code).toBe(255);
  });
});
