import { COIL_OFF, COIL_ON, DIAGNOSTIC_COUNTERS, DiagnosticsSubFunction, ExceptionCode, FunctionCode, Limits, MEI_READ_DEVICE_ID, RESTART_CLEAR_LOG } from './constants.js';
import type { FunctionDescriptor, RangeSpec, Table } from './functions.js';
import type { Request } from './request.js';
import { allocWords } from './slab.js';

/*
 * The descriptors of the function codes served (functions.ts says what a descriptor is): each
 * code's decoding with the spec's order of checks, its encoding, and what it reads or writes.
 */

export const invalidRequest = (functionCode: number, exception: number): Request => ({ kind: 'invalid', functionCode, exception });

const u16 = (b: Uint8Array, i: number): number => (b[i]! << 8) | b[i + 1]!;
const w = (v: number): number[] => [(v >>> 8) & 0xff, v & 0xff];

/** True when [address, address + quantity) runs past 65535 (AP: start+quantity−1 must be an address). */
const pastEnd = (address: number, quantity: number): boolean => address + quantity > Limits.addressSpace;

function readWords(pdu: Uint8Array, offset: number, count: number): Uint16Array {
  const words = allocWords(count);
  for (let i = 0; i < count; i++) words[i] = (pdu[offset + 2 * i]! << 8) | pdu[offset + 2 * i + 1]!;
  return words;
}

function wordBytes(values: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) out.push(...w(values[i]!));
  return out;
}

function packBits(values: ArrayLike<number>, quantity: number): Uint8Array {
  const packed = new Uint8Array((quantity + 7) >>> 3);
  for (let i = 0; i < quantity; i++) if (values[i]) packed[i >>> 3]! |= 1 << (i & 7);
  return packed;
}

function unpackBits(pdu: Uint8Array, offset: number, quantity: number): Uint8Array {
  const values = new Uint8Array(quantity);
  for (let i = 0; i < quantity; i++) values[i] = (pdu[offset + (i >>> 3)]! >>> (i & 7)) & 1;
  return values;
}

function bytes(...parts: ArrayLike<number>[]): Uint8Array {
  const out: number[] = [];
  for (const part of parts) for (let i = 0; i < part.length; i++) out.push(part[i]!);
  return Uint8Array.from(out);
}

/** A request's fields by name (RangeSpec names them). */
type Fields = Readonly<Record<string, unknown>>;
export const requestField = (r: Request, name: string): number => (r as unknown as Fields)[name] as number;
const field = requestField;

const RANGE: RangeSpec = { access: 'read', address: 'address', quantity: 'quantity', max: 0 };
const range = (access: 'read' | 'write', max: number, quantity: string | number = 'quantity'): readonly RangeSpec[] => [{ ...RANGE, access, max, quantity }];
const describeRange = (r: Request): string => `address=${field(r, 'address')} quantity=${field(r, 'quantity')}`;
const FIVE = { fixed: 5 } as const;

/** FC 1-4 and every code shaped like them: address, quantity (AP 6.1-6.4). */
function tableRead(code: number, name: string, table: Table, max: number): FunctionDescriptor {
  return {
    code, name, access: 'read', table, ranges: range('read', max), subFunctions: false, length: FIVE, replyByteCount: true,
    decode(pdu) {
      if (pdu.length !== 5) return invalidRequest(code, ExceptionCode.IllegalDataValue);
      const address = u16(pdu, 1);
      const quantity = u16(pdu, 3);
      if (quantity < 1 || quantity > max) return invalidRequest(code, ExceptionCode.IllegalDataValue);
      if (pastEnd(address, quantity)) return invalidRequest(code, ExceptionCode.IllegalDataAddress);
      return { kind: name, functionCode: code, address, quantity } as Request;
    },
    encode: (r) => bytes([code], w(field(r, 'address')), w(field(r, 'quantity'))),
    describe: describeRange,
  };
}

/** FC 15 / 16 and every code shaped like them: address, quantity, byte count, values (AP 6.11, 6.12). */
function tableWrite(code: number, name: string, table: 'coils' | 'holdingRegisters', max: number): FunctionDescriptor {
  const bits = table === 'coils';
  const byteCount = (quantity: number): number => (bits ? Math.ceil(quantity / 8) : quantity * 2);
  return {
    code, name, access: 'write', table, ranges: range('write', max), subFunctions: false, length: { byteCountAt: 5 }, replyByteCount: false,
    values: { of: (r) => (r as unknown as { values: ArrayLike<number> }).values, written: true },
    decode(pdu) {
      const n = pdu.length;
      if (n < 6) return invalidRequest(code, ExceptionCode.IllegalDataValue);
      const address = u16(pdu, 1);
      const quantity = u16(pdu, 3);
      if (quantity < 1 || quantity > max) return invalidRequest(code, ExceptionCode.IllegalDataValue);
      if (pdu[5] !== byteCount(quantity) || n !== 6 + pdu[5]) return invalidRequest(code, ExceptionCode.IllegalDataValue);
      if (pastEnd(address, quantity)) return invalidRequest(code, ExceptionCode.IllegalDataAddress);
      const values = bits ? unpackBits(pdu, 6, quantity) : readWords(pdu, 6, quantity);
      return { kind: name, functionCode: code, address, quantity, values } as Request;
    },
    encode(r) {
      const quantity = field(r, 'quantity');
      const values = (r as unknown as { values: ArrayLike<number> }).values;
      const data = bits ? packBits(values, quantity) : wordBytes(values);
      return bytes([code], w(field(r, 'address')), w(quantity), [byteCount(quantity)], data);
    },
    describe: describeRange,
  };
}

type Of<K extends Request['kind']> = Extract<Request, { kind: K }>;
/** Narrows a request handed to a descriptor of its own code (the table dispatches by code). */
const as = <K extends Request['kind']>(r: Request): Of<K> => r as Of<K>;

const writeSingleCoil: FunctionDescriptor = {
  code: FunctionCode.WriteSingleCoil, name: 'writeSingleCoil', access: 'write', table: 'coils', ranges: range('write', 1, 1), subFunctions: false, length: FIVE, replyByteCount: false,
  values: { of: (r) => [Number(as<'writeSingleCoil'>(r).value)], written: true },
  decode(pdu) {
    const fc = FunctionCode.WriteSingleCoil;
    if (pdu.length !== 5) return invalidRequest(fc, ExceptionCode.IllegalDataValue);
    const value = u16(pdu, 3);
    // AP figure 15: the value is checked before the address.
    if (value !== COIL_ON && value !== COIL_OFF) return invalidRequest(fc, ExceptionCode.IllegalDataValue);
    return { kind: 'writeSingleCoil', functionCode: fc, address: u16(pdu, 1), value: value === COIL_ON };
  },
  encode: (r) => bytes([r.functionCode], w(as<'writeSingleCoil'>(r).address), w(as<'writeSingleCoil'>(r).value ? COIL_ON : COIL_OFF)),
  describe: (r) => `address=${as<'writeSingleCoil'>(r).address} value=${Number(as<'writeSingleCoil'>(r).value)}`,
};

const writeSingleRegister: FunctionDescriptor = {
  code: FunctionCode.WriteSingleRegister, name: 'writeSingleRegister', access: 'write', table: 'holdingRegisters', ranges: range('write', 1, 1), subFunctions: false, length: FIVE, replyByteCount: false,
  values: { of: (r) => [as<'writeSingleRegister'>(r).value], written: true },
  decode(pdu) {
    const fc = FunctionCode.WriteSingleRegister;
    if (pdu.length !== 5) return invalidRequest(fc, ExceptionCode.IllegalDataValue);
    return { kind: 'writeSingleRegister', functionCode: fc, address: u16(pdu, 1), value: u16(pdu, 3) };
  },
  encode: (r) => bytes([r.functionCode], w(as<'writeSingleRegister'>(r).address), w(as<'writeSingleRegister'>(r).value)),
  describe: (r) => `address=${as<'writeSingleRegister'>(r).address} value=${as<'writeSingleRegister'>(r).value}`,
};

const maskWriteRegister: FunctionDescriptor = {
  code: FunctionCode.MaskWriteRegister, name: 'maskWriteRegister', access: 'write', table: 'holdingRegisters', ranges: range('write', 1, 1), subFunctions: false, length: { fixed: 7 }, replyByteCount: false,
  // The masks are not the stored value (that depends on the register's current one).
  values: { of: (r) => [as<'maskWriteRegister'>(r).andMask, as<'maskWriteRegister'>(r).orMask], written: false },
  decode(pdu) {
    const fc = FunctionCode.MaskWriteRegister;
    if (pdu.length !== 7) return invalidRequest(fc, ExceptionCode.IllegalDataValue);
    return { kind: 'maskWriteRegister', functionCode: fc, address: u16(pdu, 1), andMask: u16(pdu, 3), orMask: u16(pdu, 5) };
  },
  encode(r) {
    const m = as<'maskWriteRegister'>(r);
    return bytes([m.functionCode], w(m.address), w(m.andMask), w(m.orMask));
  },
  describe: (r) => `address=${as<'maskWriteRegister'>(r).address} and=0x${as<'maskWriteRegister'>(r).andMask.toString(16)} or=0x${as<'maskWriteRegister'>(r).orMask.toString(16)}`,
};

const readWriteMultipleRegisters: FunctionDescriptor = {
  code: FunctionCode.ReadWriteMultipleRegisters,
  name: 'readWriteMultipleRegisters',
  access: 'read-write',
  table: 'holdingRegisters',
  ranges: [
    { access: 'read', address: 'readAddress', quantity: 'readQuantity', max: Limits.readWriteReadMax },
    { access: 'write', address: 'writeAddress', quantity: 'writeQuantity', max: Limits.readWriteWriteMax },
  ],
  subFunctions: false,
  length: { byteCountAt: 9 },
  replyByteCount: true,
  values: { of: (r) => as<'readWriteMultipleRegisters'>(r).values, written: true },
  decode(pdu) {
    const fc = FunctionCode.ReadWriteMultipleRegisters;
    const n = pdu.length;
    if (n < 10) return invalidRequest(fc, ExceptionCode.IllegalDataValue);
    const readAddress = u16(pdu, 1);
    const readQuantity = u16(pdu, 3);
    const writeAddress = u16(pdu, 5);
    const writeQuantity = u16(pdu, 7);
    const byteCount = pdu[9]!;
    if (readQuantity < 1 || readQuantity > Limits.readWriteReadMax) return invalidRequest(fc, ExceptionCode.IllegalDataValue);
    if (writeQuantity < 1 || writeQuantity > Limits.readWriteWriteMax) return invalidRequest(fc, ExceptionCode.IllegalDataValue);
    if (byteCount !== writeQuantity * 2 || n !== 10 + byteCount) return invalidRequest(fc, ExceptionCode.IllegalDataValue);
    if (pastEnd(readAddress, readQuantity) || pastEnd(writeAddress, writeQuantity)) return invalidRequest(fc, ExceptionCode.IllegalDataAddress);
    return { kind: 'readWriteMultipleRegisters', functionCode: fc, readAddress, readQuantity, writeAddress, writeQuantity, values: readWords(pdu, 10, writeQuantity) };
  },
  encode(r) {
    const m = as<'readWriteMultipleRegisters'>(r);
    return bytes([m.functionCode], w(m.readAddress), w(m.readQuantity), w(m.writeAddress), w(m.writeQuantity), [m.writeQuantity * 2], wordBytes(m.values));
  },
  describe(r) {
    const m = as<'readWriteMultipleRegisters'>(r);
    return `read=${m.readAddress}+${m.readQuantity} write=${m.writeAddress}+${m.writeQuantity}`;
  },
};

const reportServerId: FunctionDescriptor = {
  code: FunctionCode.ReportServerId, name: 'reportServerId', access: 'none', table: undefined, ranges: [], subFunctions: false, length: { fixed: 1 }, replyByteCount: true,
  decode: (pdu) => (pdu.length !== 1 ? invalidRequest(FunctionCode.ReportServerId, ExceptionCode.IllegalDataValue) : { kind: 'reportServerId', functionCode: FunctionCode.ReportServerId }),
  encode: (r) => bytes([r.functionCode]),
  describe: () => '',
};

const readDeviceIdentification: FunctionDescriptor = {
  code: FunctionCode.EncapsulatedInterface,
  name: 'readDeviceIdentification',
  access: 'none',
  table: undefined,
  ranges: [],
  subFunctions: true,
  // MEI type 14, the only one served (other MEI types are answered 01; their length is their own).
  length: { fixed: 4 },
  replyByteCount: false,
  decode(pdu) {
    const fc = FunctionCode.EncapsulatedInterface;
    const n = pdu.length;
    // AP figure 30: function (incl. MEI type) 01, then read-dev-id code 03; object id 02 is the server's.
    if (n < 2 || pdu[1] !== MEI_READ_DEVICE_ID) return invalidRequest(fc, ExceptionCode.IllegalFunction);
    if (n !== 4) return invalidRequest(fc, ExceptionCode.IllegalDataValue);
    const readDeviceIdCode = pdu[2]!;
    if (readDeviceIdCode < 1 || readDeviceIdCode > 4) return invalidRequest(fc, ExceptionCode.IllegalDataValue);
    return { kind: 'readDeviceIdentification', functionCode: fc, readDeviceIdCode, objectId: pdu[3]! };
  },
  encode: (r) => bytes([r.functionCode, MEI_READ_DEVICE_ID, as<'readDeviceIdentification'>(r).readDeviceIdCode, as<'readDeviceIdentification'>(r).objectId]),
  describe: (r) => `code=${as<'readDeviceIdentification'>(r).readDeviceIdCode} object=${as<'readDeviceIdentification'>(r).objectId}`,
};

/** FC 8 sub-functions served, other than 0 (any data) and 1 (0x0000 or 0xFF00): their data word must be 0x0000. */
const ZERO_DATA_SUB_FUNCTIONS = new Set<number>([
  DiagnosticsSubFunction.ReturnDiagnosticRegister,
  DiagnosticsSubFunction.ForceListenOnly,
  DiagnosticsSubFunction.ClearCounters,
  DiagnosticsSubFunction.ClearOverrun,
  ...DIAGNOSTIC_COUNTERS.map((c) => c.subFunction),
]);

/**
 * AP 6.8, figure 18: a sub-function not served is 01; a data field other than the one the
 * sub-function takes is 03. Sub-function 0 echoes any data; 1 takes 0x0000 or 0xFF00; the
 * others take 0x0000.
 */
function diagnosticsCheck(subFunction: number, pdu: Uint8Array): number {
  if (subFunction === DiagnosticsSubFunction.ReturnQueryData) return 0;
  if (subFunction !== DiagnosticsSubFunction.RestartCommunications && !ZERO_DATA_SUB_FUNCTIONS.has(subFunction)) return ExceptionCode.IllegalFunction;
  if (pdu.length !== 5) return ExceptionCode.IllegalDataValue;
  const data = u16(pdu, 3);
  if (data === 0) return 0;
  return subFunction === DiagnosticsSubFunction.RestartCommunications && data === RESTART_CLEAR_LOG ? 0 : ExceptionCode.IllegalDataValue;
}

const diagnostics: FunctionDescriptor = {
  code: FunctionCode.Diagnostics,
  name: 'diagnostics',
  access: 'none',
  table: undefined,
  ranges: [],
  subFunctions: true,
  // Sub-function and one data word: the serial-line form of every sub-function served.
  length: FIVE,
  replyByteCount: false,
  decode(pdu) {
    if (pdu.length < 3) return invalidRequest(FunctionCode.Diagnostics, ExceptionCode.IllegalDataValue);
    const subFunction = u16(pdu, 1);
    const refused = diagnosticsCheck(subFunction, pdu);
    if (refused !== 0) return invalidRequest(FunctionCode.Diagnostics, refused);
    return { kind: 'diagnostics', functionCode: FunctionCode.Diagnostics, subFunction, data: pdu.subarray(3) };
  },
  encode: (r) => bytes([r.functionCode], w(as<'diagnostics'>(r).subFunction), as<'diagnostics'>(r).data),
  describe: (r) => `sub=${as<'diagnostics'>(r).subFunction}`,
};

/**
 * The function codes served (AP 6), the one table. A new code is a descriptor here (and a
 * request shape in request.ts, and the handler's answer to it); everything else derives from it.
 */
export const FUNCTIONS: readonly FunctionDescriptor[] = [
  tableRead(FunctionCode.ReadCoils, 'readCoils', 'coils', Limits.readBitsMax),
  tableRead(FunctionCode.ReadDiscreteInputs, 'readDiscreteInputs', 'discreteInputs', Limits.readBitsMax),
  tableRead(FunctionCode.ReadHoldingRegisters, 'readHoldingRegisters', 'holdingRegisters', Limits.readRegistersMax),
  tableRead(FunctionCode.ReadInputRegisters, 'readInputRegisters', 'inputRegisters', Limits.readRegistersMax),
  writeSingleCoil,
  writeSingleRegister,
  diagnostics,
  tableWrite(FunctionCode.WriteMultipleCoils, 'writeMultipleCoils', 'coils', Limits.writeCoilsMax),
  tableWrite(FunctionCode.WriteMultipleRegisters, 'writeMultipleRegisters', 'holdingRegisters', Limits.writeRegistersMax),
  reportServerId,
  maskWriteRegister,
  readWriteMultipleRegisters,
  readDeviceIdentification,
];

/** A user-defined function code that reads or writes a range of one table, shaped as FC 3 or FC 16. */
export function userDefinedFunction(options: {
  readonly code: number;
  readonly name: string;
  readonly access: 'read' | 'write';
  readonly table: Table;
  /** Default: the limits of FC 1-4 (reads) or FC 15/16 (writes). */
  readonly max?: number;
}): FunctionDescriptor {
  const { code, name, access, table } = options;
  const bits = table === 'coils' || table === 'discreteInputs';
  if (access === 'write' && table !== 'coils' && table !== 'holdingRegisters') throw new Error(`${table} cannot be written`);
  const max = options.max ?? (access === 'read' ? (bits ? Limits.readBitsMax : Limits.readRegistersMax) : bits ? Limits.writeCoilsMax : Limits.writeRegistersMax);
  const base = access === 'read' ? tableRead(code, name, table, max) : tableWrite(code, name, table as 'coils' | 'holdingRegisters', max);
  // The decoded request is a `userDefined` one, whatever its name: the handler serves it by its descriptor.
  return {
    ...base,
    decode(pdu) {
      const r = base.decode(pdu);
      if (r.kind === 'invalid') return r;
      const f = r as unknown as { address: number; quantity: number; values?: Uint8Array | Uint16Array };
      return { kind: 'userDefined', functionCode: code, address: f.address, quantity: f.quantity, values: f.values };
    },
  };
}
