import { describe, expect, it } from 'vitest';
import { ExceptionCode, exceptionCodeOf, exceptionText } from '../../src/protocol/constants.js';
import {
  FUNCTIONS,
  functionDescriptor,
  functionDoes,
  rangeAddress,
  rangeQuantity,
  rangesOf,
  registerFunction,
  requestLength,
  requestName,
  userDefinedFunction,
  type FunctionDescriptor,
} from '../../src/protocol/functions.js';
import type { Request } from '../../src/protocol/request.js';
import { decodeRequest } from '../../src/protocol/request.js';
import { hex, toHex as toHexOf } from '../helpers/hex.js';

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

describe('what each code reads or writes, its fields in a log line, the values it carries', () => {
  // [request PDU, access: [reads, writes], its ranges as [access, first address, quantity], describe, values, written]
  type Row = readonly [string, readonly [boolean, boolean], readonly (readonly [string, number, number])[], string, number[]?, boolean?];
  const ROWS: readonly Row[] = [
    ['01 00 13 00 13', [true, false], [['read', 19, 19]], 'address=19 quantity=19'],
    ['02 00 c4 00 16', [true, false], [['read', 196, 22]], 'address=196 quantity=22'],
    ['03 00 6b 00 03', [true, false], [['read', 107, 3]], 'address=107 quantity=3'],
    ['04 00 08 00 01', [true, false], [['read', 8, 1]], 'address=8 quantity=1'],
    ['05 00 ac ff 00', [false, true], [['write', 172, 1]], 'address=172 value=1', [1], true],
    ['05 00 ad 00 00', [false, true], [['write', 173, 1]], 'address=173 value=0', [0], true],
    ['06 00 01 00 03', [false, true], [['write', 1, 1]], 'address=1 value=3', [3], true],
    ['08 00 00 a5 37', [false, false], [], 'sub=0'],
    ['08 00 0b 00 00', [false, false], [], 'sub=11'],
    ['0f 00 13 00 0a 02 cd 01', [false, true], [['write', 19, 10]], 'address=19 quantity=10', [1, 0, 1, 1, 0, 0, 1, 1, 1, 0], true],
    ['10 00 01 00 02 04 00 0a 01 02', [false, true], [['write', 1, 2]], 'address=1 quantity=2', [10, 258], true],
    ['11', [false, false], [], ''],
    // FC 22's masks are not what it stores (that depends on the register's value).
    ['16 00 04 00 f2 00 25', [false, true], [['write', 4, 1]], 'address=4 and=0xf2 or=0x25', [0xf2, 0x25], false],
    ['17 00 03 00 06 00 0e 00 03 06 00 ff 00 fe 00 fd', [true, true], [['read', 3, 6], ['write', 14, 3]], 'read=3+6 write=14+3', [255, 254, 253], true],
    ['2b 0e 01 00', [false, false], [], 'code=1 object=0'],
    ['2b 0e 04 83', [false, false], [], 'code=4 object=131'],
  ];

  for (const [text, [reads, writes], ranges, described, values, written] of ROWS) {
    it(text, () => {
      const r = decodeRequest(hex(text));
      const d = functionDescriptor(r.functionCode)!;
      expect([functionDoes(r.functionCode, 'read'), functionDoes(r.functionCode, 'write')]).toEqual([reads, writes]);
      expect(d.access).toBe(reads && writes ? 'read-write' : reads ? 'read' : writes ? 'write' : 'none');
      expect(rangesOf(r).map((s) => [s.access, rangeAddress(r, s), rangeQuantity(r, s)])).toEqual(ranges);
      expect(d.describe(r)).toBe(described);
      expect(requestName(r)).toBe(d.name);
      if (values === undefined) expect(d.values).toBeUndefined();
      else expect([Array.from(d.values!.of(r)), d.values!.written]).toEqual([values, written]);
    });
  }

  it('codes not served read and write nothing; an invalid request covers no range and is named so', () => {
    for (const code of [0x00, 0x07, 0x41, 0x7f, 0xff]) expect([functionDoes(code, 'read'), functionDoes(code, 'write')]).toEqual([false, false]);
    // FC 3 with quantity 0: invalid (03), though its code has a range.
    const invalid = decodeRequest(hex('03 00 00 00 00'));
    expect(invalid).toEqual({ kind: 'invalid', functionCode: 3, exception: 3 });
    expect(rangesOf(invalid)).toEqual([]);
    expect(requestName(invalid)).toBe('invalid');
    // A request of a code no longer served (its descriptor removed): no ranges, named by its kind.
    const orphan: Request = { kind: 'userDefined', functionCode: 0x45, address: 0, quantity: 1, values: undefined };
    expect(rangesOf(orphan)).toEqual([]);
    expect(requestName(orphan)).toBe('userDefined');
  });
});

describe('userDefinedFunction: a read or a write of one table range, shaped as FC 1-4 or FC 15/16', () => {
  const read = (d: FunctionDescriptor, quantity: number) => d.decode(Uint8Array.of(d.code, 0, 7, quantity >>> 8, quantity & 0xff));
  const write = (d: FunctionDescriptor, quantity: number, bits: boolean) => {
    const count = bits ? Math.ceil(quantity / 8) : 2 * quantity;
    return d.decode(Uint8Array.of(d.code, 0, 7, quantity >>> 8, quantity & 0xff, count & 0xff, ...new Uint8Array(count)));
  };

  // [access, table, the default largest quantity (that of FC 1-4, 15, 16)]
  it.each([
    ['read', 'coils', 2000],
    ['read', 'discreteInputs', 2000],
    ['read', 'holdingRegisters', 125],
    ['read', 'inputRegisters', 125],
    ['write', 'coils', 1968],
    ['write', 'holdingRegisters', 123],
  ] as const)('%s %s: the descriptor, and up to %i values by default', (access, table, max) => {
    const d = userDefinedFunction({ code: 0x46, name: 'toy', access, table });
    const bits = table === 'coils' || table === 'discreteInputs';
    expect(d).toMatchObject({
      code: 0x46,
      name: 'toy',
      access,
      table,
      ranges: [{ access, address: 'address', quantity: 'quantity', max }],
      subFunctions: false,
      length: access === 'read' ? { fixed: 5 } : { byteCountAt: 5 },
      replyByteCount: access === 'read',
    });
    const decode = (q: number) => (access === 'read' ? read(d, q) : write(d, q, bits));
    expect(decode(max)).toMatchObject({ kind: 'userDefined', functionCode: 0x46, address: 7, quantity: max });
    expect(decode(max + 1)).toEqual({ kind: 'invalid', functionCode: 0x46, exception: 3 });
    // A chosen limit instead of the default.
    const small = userDefinedFunction({ code: 0x46, name: 'toy', access, table, max: 10 });
    expect(small.ranges[0]!.max).toBe(10);
    expect((access === 'read' ? read(small, 10) : write(small, 10, bits)).kind).toBe('userDefined');
    expect(access === 'read' ? read(small, 11) : write(small, 11, bits)).toEqual({ kind: 'invalid', functionCode: 0x46, exception: 3 });
  });

  it('a write decodes its values (coils packed as FC 15, registers as FC 16) and encodes back to its PDU', () => {
    const coils = userDefinedFunction({ code: 0x47, name: 'toyCoils', access: 'write', table: 'coils' });
    const c = coils.decode(hex('47 00 13 00 0a 02 cd 01'));
    expect(c).toMatchObject({ kind: 'userDefined', functionCode: 0x47, address: 19, quantity: 10 });
    expect(Array.from((c as { values: Uint8Array }).values)).toEqual([1, 0, 1, 1, 0, 0, 1, 1, 1, 0]);
    expect(toHexOf(coils.encode({ ...c, values: Uint8Array.of(1, 0, 1, 1, 0, 0, 1, 1, 1, 0) } as Request))).toBe('47 00 13 00 0a 02 cd 01');
    const registers = userDefinedFunction({ code: 0x48, name: 'toyRegisters', access: 'write', table: 'holdingRegisters' });
    const r = registers.decode(hex('48 00 01 00 02 04 00 0a 01 02'));
    expect(Array.from((r as { values: Uint16Array }).values)).toEqual([10, 258]);
    expect(toHexOf(registers.encode(r))).toBe('48 00 01 00 02 04 00 0a 01 02');
    const reads = userDefinedFunction({ code: 0x49, name: 'toyRead', access: 'read', table: 'inputRegisters' });
    const q = reads.decode(hex('49 01 02 00 03'));
    expect(q).toEqual({ kind: 'userDefined', functionCode: 0x49, address: 0x102, quantity: 3, values: undefined });
    expect(toHexOf(reads.encode(q))).toBe('49 01 02 00 03');
  });

  it('the read-only tables cannot be written', () => {
    expect(() => userDefinedFunction({ code: 0x46, name: 'toy', access: 'write', table: 'discreteInputs' })).toThrow('discreteInputs cannot be written');
    expect(() => userDefinedFunction({ code: 0x46, name: 'toy', access: 'write', table: 'inputRegisters' })).toThrow('inputRegisters cannot be written');
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
    for (const code of [0, -1, 1.5, 0x80, 0xff]) expect(() => registerFunction(toy(code))).toThrow(`function code ${code} is not 1..127`);
    // 1 and 127 are in range: 1 is served already, 127 is free.
    expect(() => registerFunction(toy(1))).toThrow('function code 1 is served already (readCoils)');
    registerFunction(toy(0x7f))();
  });

  it('a remover removes its own registration only, once', () => {
    const first = registerFunction(userDefinedFunction({ code: 0x44, name: 'first', access: 'read', table: 'coils' }));
    expect(functionDescriptor(0x44)?.name).toBe('first');
    first();
    expect(functionDescriptor(0x44)).toBeUndefined();
    const second = registerFunction(userDefinedFunction({ code: 0x44, name: 'second', access: 'read', table: 'coils' }));
    try {
      first(); // the old remover: not the descriptor served now
      expect(functionDescriptor(0x44)?.name).toBe('second');
    } finally {
      second();
    }
    expect(functionDescriptor(0x44)).toBeUndefined();
  });
});
