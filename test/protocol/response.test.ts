import { describe, expect, it } from 'vitest';
import {
  encodeDiagnosticsResponse,
  encodeException,
  encodeReadBitsResponse,
  encodeReadRegistersResponse,
  encodeReportServerIdResponse,
  encodeRequest,
  encodeWriteMultipleResponse,
  REPORT_SERVER_ID_MAX_BYTES,
} from '../../src/protocol/response.js';
import { hex, toHex } from '../helpers/hex.js';

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

describe('encodeReadBitsResponse (AP 6.1, 6.2)', () => {
  const rows: [string, number, ArrayLike<boolean | number>, number, string][] = [
    // [comment, fc, bits, quantity, reply]
    // coils 20..38 = CD 6B 05: the LSB of the first byte is coil 20, the 5 unused high bits are 0
    ['AP FC 1 example', 1, [1, 0, 1, 1, 0, 0, 1, 1, 1, 1, 0, 1, 0, 1, 1, 0, 1, 0, 1], 19, '01 03 cd 6b 05'],
    // inputs 197..218 = AC DB 35
    ['AP FC 2 example', 2, [0, 0, 1, 1, 0, 1, 0, 1, 1, 1, 0, 1, 1, 0, 1, 1, 1, 0, 1, 0, 1, 1], 22, '02 03 ac db 35'],
    ['booleans are accepted', 1, [true, false, false, true], 4, '01 01 09'],
    ['one bit off', 1, [0], 1, '01 01 00'],
    ['exactly 8 bits: no padding byte', 1, [1, 1, 1, 1, 1, 1, 1, 1], 8, '01 01 ff'],
    ['9 bits: a second byte with only bit 0', 1, [0, 0, 0, 0, 0, 0, 0, 0, 1], 9, '01 02 00 01'],
    // a data source may return more values than asked: bits past `quantity` must not leak into the padding
    ['unused high bits are 0 even when the source returns more', 1, new Uint8Array(16).fill(1), 3, '01 01 07'],
    ['any truthy number is a 1', 2, [2, 0, 255], 3, '02 01 05'],
  ];
  it.each(rows)('%s', (_comment, fc, bits, quantity, reply) => {
    expect(toHex(encodeReadBitsResponse(fc, bits, quantity))).toBe(reply);
  });

  it('2000 bits fill 250 bytes', () => {
    const pdu = encodeReadBitsResponse(1, new Uint8Array(2000).fill(1), 2000);
    expect(pdu.length).toBe(252);
    expect(pdu[1]).toBe(250);
    expect(pdu.subarray(2).every((b) => b === 0xff)).toBe(true);
  });
});

describe('encodeReadRegistersResponse (AP 6.3, 6.4, 6.17)', () => {
  const rows: [string, number, ArrayLike<number>, number, string][] = [
    // registers 108..110 = 0x022B, 0x0000, 0x0064
    ['AP FC 3 example', 3, [0x022b, 0, 0x64], 3, '03 06 02 2b 00 00 00 64'],
    ['AP FC 4 example', 4, Uint16Array.of(0x000a), 1, '04 02 00 0a'],
    ['AP FC 23 example', 0x17, [0x00fe, 0x0acd, 0x0001, 0x0003, 0x000d, 0x00ff], 6, '17 0c 00 fe 0a cd 00 01 00 03 00 0d 00 ff'],
    ['only `quantity` registers are sent', 3, [1, 2, 3, 4], 2, '03 04 00 01 00 02'],
    ['big-endian, 0xffff', 3, [0xffff, 0x8000], 2, '03 04 ff ff 80 00'],
  ];
  it.each(rows)('%s', (_comment, fc, registers, quantity, reply) => {
    expect(toHex(encodeReadRegistersResponse(fc, registers, quantity))).toBe(reply);
  });

  it('125 registers: byte count 250', () => {
    const pdu = encodeReadRegistersResponse(3, new Uint16Array(125).fill(0x1234), 125);
    expect(pdu.length).toBe(252);
    expect(pdu[1]).toBe(250);
    expect(toHex(pdu.subarray(248))).toBe('12 34 12 34');
  });
});

describe('encodeWriteMultipleResponse (AP 6.11, 6.12)', () => {
  it.each([
    // [comment, fc, address, quantity, reply]
    ['AP FC 15 example: 10 coils from 20', 0x0f, 0x13, 10, '0f 00 13 00 0a'],
    ['AP FC 16 example: 2 registers from 2', 0x10, 0x01, 2, '10 00 01 00 02'],
    ['high address and maximum quantity', 0x0f, 0xf850, 1968, '0f f8 50 07 b0'],
  ] as const)('%s', (_comment, fc, address, quantity, reply) => {
    expect(toHex(encodeWriteMultipleResponse(fc, address, quantity))).toBe(reply);
  });
});

describe('encodeException (AP 7)', () => {
  it.each([
    // [comment, fc, code, reply]
    ['FC 1 illegal function', 0x01, 0x01, '81 01'],
    ['FC 3 illegal data address', 0x03, 0x02, '83 02'],
    ['FC 16 illegal data value', 0x10, 0x03, '90 03'],
    ['FC 23 server device failure', 0x17, 0x04, '97 04'],
    ['FC 43: 0xAB + code, no MEI byte', 0x2b, 0x02, 'ab 02'],
    ['a custom code', 0x03, 0x42, '83 42'],
    ['gateway target failed to respond', 0x04, 0x0b, '84 0b'],
    ['an unknown code already ≥ 0x80 keeps its high bit', 0xff, 0x01, 'ff 01'],
  ] as const)('%s', (_comment, fc, code, reply) => {
    expect(toHex(encodeException(fc, code))).toBe(reply);
  });
});

describe('encodeReportServerIdResponse (AP 6.13)', () => {
  it('libmodbus-like: id 0xB4, running, "LMB3.1.10"', () => {
    // byte count = id (1) + run indicator (1) + additional data (9)
    expect(toHex(encodeReportServerIdResponse(hex('b4'), true, ascii('LMB3.1.10')))).toBe('11 0b b4 ff 4c 4d 42 33 2e 31 2e 31 30');
  });
  it('stopped: run indicator 0x00; multi-byte id; no additional data', () => {
    expect(toHex(encodeReportServerIdResponse(hex('01 02 03'), false, new Uint8Array(0)))).toBe('11 04 01 02 03 00');
  });
  it('the largest payload fits a 253-byte PDU', () => {
    const pdu = encodeReportServerIdResponse(hex('01'), true, new Uint8Array(REPORT_SERVER_ID_MAX_BYTES - 2));
    expect(pdu.length).toBe(253);
    expect(pdu[1]).toBe(REPORT_SERVER_ID_MAX_BYTES);
  });
});

describe('encodeDiagnosticsResponse (AP 6.8.1): the sub-function, then its data word', () => {
  it.each([
    // [comment, sub-function, word, reply]
    ['return diagnostic register', 0x0002, 0x0000, '08 00 02 00 00'],
    ['return bus message count', 0x000b, 0x1234, '08 00 0b 12 34'],
    ['a word of 0xffff', 0x0012, 0xffff, '08 00 12 ff ff'],
  ] as const)('%s', (_comment, sub, word, reply) => {
    expect(toHex(encodeDiagnosticsResponse(sub, word))).toBe(reply);
  });
});

describe('encodeRequest', () => {
  it('encodes a request of any served code; a code not served has nothing to encode it', () => {
    expect(toHex(encodeRequest({ kind: 'writeSingleRegister', functionCode: 6, address: 1, value: 3 }))).toBe('06 00 01 00 03');
    const unserved = { kind: 'userDefined', functionCode: 0x45, address: 0, quantity: 1, values: undefined } as const;
    expect(() => encodeRequest(unserved)).toThrow(new RangeError('function code 69 is not served: no descriptor to encode it'));
  });
});
