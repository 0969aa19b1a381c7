import { describe, expect, it } from 'vitest';
import { ExceptionCode, exceptionCodeOf, exceptionText } from '../../src/protocol/constants.js';
import { FUNCTIONS, functionDescriptor, registerFunction, requestLength, userDefinedFunction } from '../../src/protocol/functions.js';
import { decodeRequest } from '../../src/protocol/request.js';
import { hex } from '../helpers/hex.js';

// [comment, request PDU, bytes needed before the length is known]
const LENGTHS: readonly (readonly [string, string, number])[] = [
  ['FC 1 read coils', '01 00 13 00 13', 1],
  ['FC 2 read discrete inputs', '02 00 c4 00 16', 1],
  ['FC 3 read holding registers', '03 00 6b 00 03', 1],
  ['FC 4 read input registers', '04 00 08 00 01', 1],
  ['FC 5 write single coil', '05 00 ac ff 00', 1],
  ['FC 6 write single register', '06 00 01 00 03', 1],
  ['FC 8 diagnostics, return query data', '08 00 00 a5 37', 1],
  ['FC 15 write 10 coils: byte count at 5', '0f 00 13 00 0a 02 cd 01', 6],
  ['FC 16 write 2 registers: byte count at 5', '10 00 01 00 02 04 00 0a 01 02', 6],
  ['FC 17 report server id', '11', 1],
  ['FC 22 mask write register', '16 00 04 00 f2 00 25', 1],
  ['FC 23 read/write: byte count at 9', '17 00 03 00 06 00 0e 00 03 06 00 ff 00 ff 00 ff', 10],
  ['FC 43 / 14 read device identification', '2b 0e 01 00', 1],
];

describe('requestLength: where a request PDU ends, from its first bytes', () => {
  it.each(LENGTHS)('%s', (_comment, text, needed) => {
    const pdu = hex(text);
    expect(requestLength(pdu)).toBe(pdu.length);
    // Fed in pieces: too few bytes to tell say so; once the count is in, the rest may still be missing.
    for (let n = 0; n < needed; n++) expect(requestLength(pdu.subarray(0, n))).toBe('need-more');
    expect(requestLength(pdu.subarray(0, needed))).toBe(pdu.length);
    // Read at an offset inside a larger buffer, nothing past `end`.
    const framed = hex(`ff ff ${text} ee`);
    expect(requestLength(framed, 2, 2 + needed)).toBe(pdu.length);
  });

  it('a code not served has no known length', () => {
    for (const fc of [0x00, 0x07, 0x14, 0x41, 0x80, 0xff]) expect(requestLength(Uint8Array.of(fc, 0, 0))).toBe('unknown');
  });
});

describe('the function code table', () => {
  it('every descriptor decodes what it encodes, under its own name and code', () => {
    for (const [, text] of LENGTHS) {
      const r = decodeRequest(hex(text));
      const d = functionDescriptor(r.functionCode)!;
      expect(r.kind).toBe(d.name);
      expect(d.encode(r)).toEqual(hex(text));
    }
    expect(FUNCTIONS.map((d) => d.code)).toEqual([1, 2, 3, 4, 5, 6, 8, 15, 16, 17, 22, 23, 43]);
  });

  it('ranges name fields the decoded request has', () => {
    for (const [, text] of LENGTHS) {
      const r = decodeRequest(hex(text));
      for (const s of functionDescriptor(r.functionCode)!.ranges) {
        expect(r).toHaveProperty(s.address);
        if (typeof s.quantity === 'string') expect(r).toHaveProperty(s.quantity);
      }
    }
  });
});

describe('exceptions: one list, by code, name and words', () => {
  it('constant names come from the spec words', () => {
    expect(ExceptionCode).toEqual({
      IllegalFunction: 1, IllegalDataAddress: 2, IllegalDataValue: 3, ServerDeviceFailure: 4, Acknowledge: 5,
      ServerDeviceBusy: 6, MemoryParityError: 8, GatewayPathUnavailable: 10, GatewayTargetDeviceFailedToRespond: 11,
    });
  });

  it('profile names and log words', () => {
    expect(exceptionCodeOf('gatewayTargetFailedToRespond')).toBe(0x0b);
    expect(exceptionCodeOf('noSuchException')).toBeUndefined();
    expect(exceptionText(0x0b)).toBe('gateway target device failed to respond');
    expect(exceptionText(0x07)).toBeUndefined();
  });
});

describe('registerFunction', () => {
  it('a registered decoder that throws answers 04 instead of taking the server down', () => {
    const remove = registerFunction({ ...userDefinedFunction({ code: 0x43, name: 'broken', access: 'read', table: 'inputRegisters' }), decode: () => { throw new Error('bug'); } });
    try {
      expect(decodeRequest(hex('43 00 00 00 01'))).toEqual({ kind: 'invalid', functionCode: 0x43, exception: 4 });
    } finally {
      remove();
    }
    expect(decodeRequest(hex('43 00 00 00 01'))).toEqual({ kind: 'invalid', functionCode: 0x43, exception: 1 });
  });

  it('refuses a code or a name served already, and codes outside 1..127', () => {
    const toy = (code: number, name = 'toy') => userDefinedFunction({ code, name, access: 'read', table: 'coils' });
    expect(() => registerFunction(toy(3))).toThrow('function code 3 is served already (readHoldingRegisters)');
    expect(() => registerFunction(toy(0x44, 'readCoils'))).toThrow('a function named readCoils is served already');
    expect(() => registerFunction(toy(0x80))).toThrow(RangeError);
  });
});
