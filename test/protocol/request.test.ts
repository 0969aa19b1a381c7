import { describe, expect, it } from 'vitest';
import { decodeRequest, type Request } from '../../src/protocol/request.js';
import { encodeRequest } from '../../src/protocol/response.js';
import { concat, fill, hex } from '../helpers/hex.js';

const bad = (functionCode: number, exception: number): Request => ({ kind: 'invalid', functionCode, exception });
const words = (...v: number[]) => Uint16Array.from(v);
const bits = (...v: number[]) => Uint8Array.from(v);
/** A PDU from a hex header followed by `n` data bytes. */
const withData = (header: string, n: number, byte = 0) => concat(hex(header), fill(n, byte));

type Row = readonly [comment: string, pdu: string | Uint8Array, expected: Request];

const VALID: readonly Row[] = [
  ['FC 1 read 19 coils from 20 (AP example)', '01 00 13 00 13', { kind: 'readCoils', functionCode: 1, address: 0x13, quantity: 19 }],
  ['FC 1 quantity 2000, the maximum', '01 00 00 07 d0', { kind: 'readCoils', functionCode: 1, address: 0, quantity: 2000 }],
  ['FC 1 2000 coils ending exactly at 65535', '01 f8 30 07 d0', { kind: 'readCoils', functionCode: 1, address: 0xf830, quantity: 2000 }],
  ['FC 1 the last coil', '01 ff ff 00 01', { kind: 'readCoils', functionCode: 1, address: 0xffff, quantity: 1 }],
  ['FC 2 read 22 inputs from 197 (AP example)', '02 00 c4 00 16', { kind: 'readDiscreteInputs', functionCode: 2, address: 0xc4, quantity: 22 }],
  ['FC 2 quantity 2000', '02 00 00 07 d0', { kind: 'readDiscreteInputs', functionCode: 2, address: 0, quantity: 2000 }],
  ['FC 3 read 3 registers from 108 (AP example)', '03 00 6b 00 03', { kind: 'readHoldingRegisters', functionCode: 3, address: 0x6b, quantity: 3 }],
  ['FC 3 quantity 125, the maximum', '03 00 00 00 7d', { kind: 'readHoldingRegisters', functionCode: 3, address: 0, quantity: 125 }],
  ['FC 3 125 registers ending exactly at 65535', '03 ff 83 00 7d', { kind: 'readHoldingRegisters', functionCode: 3, address: 0xff83, quantity: 125 }],
  ['FC 4 read input register 9 (AP example)', '04 00 08 00 01', { kind: 'readInputRegisters', functionCode: 4, address: 8, quantity: 1 }],
  ['FC 4 quantity 125', '04 00 00 00 7d', { kind: 'readInputRegisters', functionCode: 4, address: 0, quantity: 125 }],
  ['FC 5 coil 173 ON (AP example)', '05 00 ac ff 00', { kind: 'writeSingleCoil', functionCode: 5, address: 0xac, value: true }],
  ['FC 5 coil 173 OFF', '05 00 ac 00 00', { kind: 'writeSingleCoil', functionCode: 5, address: 0xac, value: false }],
  ['FC 5 the last coil', '05 ff ff ff 00', { kind: 'writeSingleCoil', functionCode: 5, address: 0xffff, value: true }],
  ['FC 6 register 2 = 3 (AP example)', '06 00 01 00 03', { kind: 'writeSingleRegister', functionCode: 6, address: 1, value: 3 }],
  ['FC 6 any 16-bit value is legal', '06 ff ff ff ff', { kind: 'writeSingleRegister', functionCode: 6, address: 0xffff, value: 0xffff }],
  ['FC 8 sub 0 return query data (AP example)', '08 00 00 a5 37', { kind: 'diagnostics', functionCode: 8, subFunction: 0, data: hex('a5 37') }],
  ['FC 8 sub 1 restart communications', '08 00 01 ff 00', { kind: 'diagnostics', functionCode: 8, subFunction: 1, data: hex('ff 00') }],
  ['FC 8 sub 1 restart communications, event log kept', '08 00 01 00 00', { kind: 'diagnostics', functionCode: 8, subFunction: 1, data: hex('00 00') }],
  ['FC 8 sub 2 return diagnostic register', '08 00 02 00 00', { kind: 'diagnostics', functionCode: 8, subFunction: 2, data: hex('00 00') }],
  ['FC 8 sub 4 force listen only mode', '08 00 04 00 00', { kind: 'diagnostics', functionCode: 8, subFunction: 4, data: hex('00 00') }],
  ['FC 8 sub 0x0A clear counters and diagnostic register', '08 00 0a 00 00', { kind: 'diagnostics', functionCode: 8, subFunction: 0x0a, data: hex('00 00') }],
  ['FC 8 sub 0x0B return bus message count', '08 00 0b 00 00', { kind: 'diagnostics', functionCode: 8, subFunction: 0x0b, data: hex('00 00') }],
  ['FC 8 sub 0x12 return bus character overrun count', '08 00 12 00 00', { kind: 'diagnostics', functionCode: 8, subFunction: 0x12, data: hex('00 00') }],
  ['FC 8 sub 0x14 clear overrun counter and flag', '08 00 14 00 00', { kind: 'diagnostics', functionCode: 8, subFunction: 0x14, data: hex('00 00') }],
  ['FC 8 sub 0 echoes any amount of data', '08 00 00 01 02 03', { kind: 'diagnostics', functionCode: 8, subFunction: 0, data: hex('01 02 03') }],
  [
    'FC 15 write 10 coils from 20, CD 01 (AP example)',
    '0f 00 13 00 0a 02 cd 01',
    { kind: 'writeMultipleCoils', functionCode: 15, address: 0x13, quantity: 10, values: bits(1, 0, 1, 1, 0, 0, 1, 1, 1, 0) },
  ],
  [
    'FC 15 one coil; unused high bits of the last byte are ignored',
    '0f 00 00 00 01 01 ff',
    { kind: 'writeMultipleCoils', functionCode: 15, address: 0, quantity: 1, values: bits(1) },
  ],
  [
    'FC 15 quantity 1968, byte count 246: the maximum',
    withData('0f 00 00 07 b0 f6', 246, 0xff),
    { kind: 'writeMultipleCoils', functionCode: 15, address: 0, quantity: 1968, values: fill(1968, 1) },
  ],
  [
    'FC 16 write 2 registers from 2 (AP example)',
    '10 00 01 00 02 04 00 0a 01 02',
    { kind: 'writeMultipleRegisters', functionCode: 16, address: 1, quantity: 2, values: words(0x000a, 0x0102) },
  ],
  [
    'FC 16 quantity 123, byte count 246: the maximum',
    withData('10 00 00 00 7b f6', 246, 0x01),
    { kind: 'writeMultipleRegisters', functionCode: 16, address: 0, quantity: 123, values: new Uint16Array(123).fill(0x0101) },
  ],
  ['FC 17 report server id', '11', { kind: 'reportServerId', functionCode: 17 }],
  ['FC 22 mask write register 5 (AP example)', '16 00 04 00 f2 00 25', { kind: 'maskWriteRegister', functionCode: 22, address: 4, andMask: 0xf2, orMask: 0x25 }],
  [
    'FC 23 read 6 from 4, write 3 at 15 (AP example)',
    '17 00 03 00 06 00 0e 00 03 06 00 ff 00 ff 00 ff',
    {
      kind: 'readWriteMultipleRegisters',
      functionCode: 23,
      readAddress: 3,
      readQuantity: 6,
      writeAddress: 14,
      writeQuantity: 3,
      values: words(0xff, 0xff, 0xff),
    },
  ],
  [
    'FC 23 read 125, write 121: both maxima',
    withData('17 00 00 00 7d 00 00 00 79 f2', 242),
    {
      kind: 'readWriteMultipleRegisters',
      functionCode: 23,
      readAddress: 0,
      readQuantity: 125,
      writeAddress: 0,
      writeQuantity: 121,
      values: new Uint16Array(121),
    },
  ],
  ['FC 43/14 basic stream from 0', '2b 0e 01 00', { kind: 'readDeviceIdentification', functionCode: 0x2b, readDeviceIdCode: 1, objectId: 0 }],
  ['FC 43/14 regular stream', '2b 0e 02 00', { kind: 'readDeviceIdentification', functionCode: 0x2b, readDeviceIdCode: 2, objectId: 0 }],
  ['FC 43/14 extended stream from 0x80', '2b 0e 03 80', { kind: 'readDeviceIdentification', functionCode: 0x2b, readDeviceIdCode: 3, objectId: 0x80 }],
  // an unknown object id is not the decoder's business: the device answers 02 (AP figure 30)
  ['FC 43/14 one object, any id', '2b 0e 04 ff', { kind: 'readDeviceIdentification', functionCode: 0x2b, readDeviceIdCode: 4, objectId: 0xff }],
];

const ILLEGAL_FUNCTION: readonly Row[] = [
  ['function code 0 is invalid (AP 6)', '00', bad(0x00, 1)],
  ['function code 0 with a body', '00 00 00 00 01', bad(0x00, 1)],
  ['FC 7 read exception status: serial line only, not served', '07', bad(0x07, 1)],
  ['FC 9: reserved', '09 00 00 00 01', bad(0x09, 1)],
  ['FC 11 get comm event counter: not served', '0b', bad(0x0b, 1)],
  ['FC 20 read file record: not served', '14 07 06 00 04 00 01 00 02', bad(0x14, 1)],
  ['FC 24 read FIFO: not served', '18 04 de', bad(0x18, 1)],
  ['FC 43 with MEI 13 (CANopen general reference)', '2b 0d 00 00', bad(0x2b, 1)],
  ['FC 43 with MEI 0', '2b 00 01 00', bad(0x2b, 1)],
  ['FC 43 with no MEI type at all', '2b', bad(0x2b, 1)],
  ['0x80: an exception-response code is never a request', '80', bad(0x80, 1)],
  ['0x83: exception-response code of FC 3', '83 00 00 00 01', bad(0x83, 1)],
  ['0xff', 'ff 00 00 00 01', bad(0xff, 1)],
];

const ILLEGAL_DATA_VALUE: readonly Row[] = [
  // quantity 0 and quantity over each limit (AP 6)
  ['FC 1 quantity 0', '01 00 00 00 00', bad(1, 3)],
  ['FC 1 quantity 2001', '01 00 00 07 d1', bad(1, 3)],
  ['FC 2 quantity 0', '02 00 00 00 00', bad(2, 3)],
  ['FC 2 quantity 2001', '02 00 00 07 d1', bad(2, 3)],
  ['FC 3 quantity 0', '03 00 00 00 00', bad(3, 3)],
  ['FC 3 quantity 126', '03 00 00 00 7e', bad(3, 3)],
  ['FC 3 quantity 0xffff', '03 00 00 ff ff', bad(3, 3)],
  ['FC 4 quantity 0', '04 00 00 00 00', bad(4, 3)],
  ['FC 4 quantity 126', '04 00 00 00 7e', bad(4, 3)],
  ['FC 15 quantity 0 (byte count 0)', '0f 00 00 00 00 00', bad(15, 3)],
  ['FC 15 quantity 1969, consistent byte count 247', withData('0f 00 00 07 b1 f7', 247), bad(15, 3)],
  ['FC 16 quantity 0', '10 00 00 00 00 00', bad(16, 3)],
  ['FC 16 quantity 124, consistent byte count 248', withData('10 00 00 00 7c f8', 248), bad(16, 3)],
  ['FC 23 read quantity 0', '17 00 00 00 00 00 00 00 01 02 00 00', bad(23, 3)],
  ['FC 23 read quantity 126', '17 00 00 00 7e 00 00 00 01 02 00 00', bad(23, 3)],
  ['FC 23 write quantity 0', '17 00 00 00 01 00 00 00 00 00', bad(23, 3)],
  ['FC 23 write quantity 122, consistent byte count 244', withData('17 00 00 00 01 00 00 00 7a f4', 244), bad(23, 3)],
  // byte count inconsistent with the quantity (AP: N* = ceil(N/8) or 2N)
  ['FC 15 10 coils with byte count 1', '0f 00 13 00 0a 01 cd', bad(15, 3)],
  // libmodbus accepts a larger byte count; we are strict
  ['FC 15 10 coils with byte count 3', '0f 00 13 00 0a 03 cd 01 00', bad(15, 3)],
  ['FC 16 2 registers with byte count 3', '10 00 01 00 02 03 00 0a 01', bad(16, 3)],
  ['FC 16 2 registers with byte count 6', '10 00 01 00 02 06 00 0a 01 02 00 00', bad(16, 3)],
  ['FC 23 3 registers to write with byte count 4', '17 00 03 00 06 00 0e 00 03 04 00 ff 00 ff', bad(23, 3)],
  // byte count consistent with the quantity, but not with the PDU's actual length
  ['FC 15 byte count 2, one data byte', '0f 00 13 00 0a 02 cd', bad(15, 3)],
  ['FC 15 byte count 2, three data bytes', '0f 00 13 00 0a 02 cd 01 00', bad(15, 3)],
  ['FC 16 byte count 4, two data bytes', '10 00 01 00 02 04 00 0a', bad(16, 3)],
  ['FC 16 byte count 4, five data bytes', '10 00 01 00 02 04 00 0a 01 02 03', bad(16, 3)],
  ['FC 23 byte count 6, four data bytes', '17 00 03 00 06 00 0e 00 03 06 00 ff 00 ff', bad(23, 3)],
  ['FC 23 byte count 6, seven data bytes', '17 00 03 00 06 00 0e 00 03 06 00 ff 00 ff 00 ff 00', bad(23, 3)],
  // PDU too short or too long for its fixed layout
  ['FC 1 function code only', '01', bad(1, 3)],
  ['FC 1 one byte short', '01 00 13 00', bad(1, 3)],
  ['FC 1 one byte long', '01 00 13 00 13 00', bad(1, 3)],
  ['FC 2 one byte short', '02 00 c4 00', bad(2, 3)],
  ['FC 3 one byte long', '03 00 6b 00 03 00', bad(3, 3)],
  ['FC 4 two bytes short', '04 00 08', bad(4, 3)],
  ['FC 5 one byte short', '05 00 ac ff', bad(5, 3)],
  ['FC 5 one byte long', '05 00 ac ff 00 00', bad(5, 3)],
  ['FC 6 one byte short', '06 00 01 00', bad(6, 3)],
  ['FC 6 one byte long', '06 00 01 00 03 00', bad(6, 3)],
  ['FC 8 no sub-function', '08', bad(8, 3)],
  ['FC 8 half a sub-function', '08 00', bad(8, 3)],
  // AP figure 18: a sub-function not served is 01 (before its data is looked at), a wrong data field 03.
  ['FC 8 sub 3 change ASCII input delimiter (ASCII only) is not served', '08 00 03 0a 00', bad(8, 1)],
  ['FC 8 sub 0x13 (no sub-function) is not served', '08 00 13 00 00', bad(8, 1)],
  ['FC 8 sub 0x15 (get/clear modbus plus statistics) is not served', '08 00 15 00 03', bad(8, 1)],
  ['FC 8 sub 0xFFFF, no data', '08 ff ff', bad(8, 1)],
  ['FC 8 sub 1 data neither 0000 nor FF00', '08 00 01 00 ff', bad(8, 3)],
  ['FC 8 sub 0x0A with no data', '08 00 0a', bad(8, 3)],
  ['FC 8 sub 0x0B data 0001', '08 00 0b 00 01', bad(8, 3)],
  ['FC 8 sub 4 data FF00', '08 00 04 ff 00', bad(8, 3)],
  ['FC 8 sub 0x14 one data byte long', '08 00 14 00 00 00', bad(8, 3)],
  ['FC 15 header cut before the byte count', '0f 00 13 00 0a', bad(15, 3)],
  ['FC 16 header cut inside the quantity', '10 00 01 00', bad(16, 3)],
  ['FC 17 with a body', '11 00', bad(17, 3)],
  ['FC 22 one byte short', '16 00 04 00 f2 00', bad(22, 3)],
  ['FC 22 one byte long', '16 00 04 00 f2 00 25 00', bad(22, 3)],
  ['FC 23 header cut before the byte count', '17 00 03 00 06 00 0e 00 03', bad(23, 3)],
  ['FC 43/14 no read-dev-id code', '2b 0e', bad(0x2b, 3)],
  ['FC 43/14 no object id', '2b 0e 01', bad(0x2b, 3)],
  ['FC 43/14 one byte long', '2b 0e 01 00 00', bad(0x2b, 3)],
  // FC 5: only FF00 and 0000 (AP 6.5)
  ['FC 5 value 0x00ff', '05 00 ac 00 ff', bad(5, 3)],
  ['FC 5 value 0x0001', '05 00 ac 00 01', bad(5, 3)],
  ['FC 5 value 0xffff', '05 00 ac ff ff', bad(5, 3)],
  ['FC 5 value 0x1234', '05 00 ac 12 34', bad(5, 3)],
  // FC 43: read-dev-id code 1..4 only (AP figure 30)
  ['FC 43/14 read-dev-id code 0', '2b 0e 00 00', bad(0x2b, 3)],
  ['FC 43/14 read-dev-id code 5', '2b 0e 05 00', bad(0x2b, 3)],
  ['FC 43/14 read-dev-id code 0xff', '2b 0e ff 00', bad(0x2b, 3)],
];

const ILLEGAL_DATA_ADDRESS: readonly Row[] = [
  // start + quantity − 1 must be an address: past 65535 is 02 whatever the device maps
  ['FC 1 2000 coils from 0xf831: one past the end', '01 f8 31 07 d0', bad(1, 2)],
  ['FC 1 2 coils from 65535', '01 ff ff 00 02', bad(1, 2)],
  ['FC 2 2 inputs from 65535', '02 ff ff 00 02', bad(2, 2)],
  ['FC 3 125 registers from 0xff84: one past the end', '03 ff 84 00 7d', bad(3, 2)],
  ['FC 4 2 registers from 65535', '04 ff ff 00 02', bad(4, 2)],
  ['FC 15 2 coils from 65535', '0f ff ff 00 02 01 03', bad(15, 2)],
  ['FC 16 2 registers from 65535', '10 ff ff 00 02 04 00 00 00 00', bad(16, 2)],
  ['FC 23 read range past the end', '17 ff ff 00 02 00 00 00 01 02 00 00', bad(23, 2)],
  ['FC 23 write range past the end', '17 00 00 00 01 ff ff 00 02 04 00 00 00 00', bad(23, 2)],
];

const MALFORMED_WINS_OVER_ADDRESS: readonly Row[] = [
  // AP per-FC diagrams: 03 is checked before 02, so a malformed request at a bad address gets 03
  ['FC 3 quantity 0 at 65535', '03 ff ff 00 00', bad(3, 3)],
  ['FC 3 quantity 126 from 0xffff: both too many and past the end', '03 ff ff 00 7e', bad(3, 3)],
  ['FC 1 quantity 2001 from 0xffff', '01 ff ff 07 d1', bad(1, 3)],
  ['FC 3 one byte long, past the end', '03 ff ff 00 02 00', bad(3, 3)],
  ['FC 15 past the end with a wrong byte count', '0f ff ff 00 0a 03 00 00 00', bad(15, 3)],
  ['FC 16 past the end with a short body', '10 ff ff 00 02 04 00 00', bad(16, 3)],
  ['FC 23 read past the end, write quantity 0', '17 ff ff 00 02 00 00 00 00 00', bad(23, 3)],
  ['FC 5 bad value (address checks never apply: any address exists)', '05 ff ff 12 34', bad(5, 3)],
];

const decode = (pdu: string | Uint8Array) => decodeRequest(typeof pdu === 'string' ? hex(pdu) : pdu);

describe('decodeRequest', () => {
  describe('valid requests', () => {
    it.each(VALID)('%s', (_comment, pdu, expected) => {
      expect(decode(pdu)).toEqual(expected);
    });
  });
  describe('01 illegal function', () => {
    it.each(ILLEGAL_FUNCTION)('%s', (_comment, pdu, expected) => {
      expect(decode(pdu)).toEqual(expected);
    });
  });
  describe('03 illegal data value: quantity, byte count, PDU length', () => {
    it.each(ILLEGAL_DATA_VALUE)('%s', (_comment, pdu, expected) => {
      expect(decode(pdu)).toEqual(expected);
    });
  });
  describe('02 illegal data address: range past 65535', () => {
    it.each(ILLEGAL_DATA_ADDRESS)('%s', (_comment, pdu, expected) => {
      expect(decode(pdu)).toEqual(expected);
    });
  });
  describe('03 wins over 02', () => {
    it.each(MALFORMED_WINS_OVER_ADDRESS)('%s', (_comment, pdu, expected) => {
      expect(decode(pdu)).toEqual(expected);
    });
  });

  it('every function code not served is 01, every served one is not', () => {
    const served = new Set([1, 2, 3, 4, 5, 6, 8, 15, 16, 17, 22, 23, 43]);
    for (let fc = 0; fc <= 0xff; fc++) {
      // For FC 8 these bytes would be sub-function 0x0E01, not served (01 of its own): it gets a ping.
      const r = decodeRequest(fc === 8 ? Uint8Array.of(fc, 0x00, 0x00, 0x00, 0x01) : Uint8Array.of(fc, 0x0e, 0x01, 0x00, 0x01));
      const illegalFunction = r.kind === 'invalid' && r.exception === 1;
      expect(illegalFunction, `FC ${fc}`).toBe(!served.has(fc));
    }
  });

  it('an empty PDU is 01 (no function code to serve), not a crash', () => {
    expect(decodeRequest(new Uint8Array(0))).toEqual(bad(0, 1));
  });
});

describe('encodeRequest is the inverse of decodeRequest on valid rows', () => {
  it.each(VALID)('%s', (_comment, pdu, expected) => {
    const bytes = typeof pdu === 'string' ? hex(pdu) : pdu;
    if (expected.kind === 'invalid') throw new Error('table row is not a valid request');
    const encoded = encodeRequest(expected);
    // FC 15 ignores the unused high bits of the last byte, so compare by decoding again
    expect(decodeRequest(encoded)).toEqual(expected);
    if (expected.kind !== 'writeMultipleCoils') expect(encoded).toEqual(bytes);
  });
});
