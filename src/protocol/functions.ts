import { ExceptionCode } from './constants.js';
import { FUNCTIONS, invalidRequest, requestField } from './function-table.js';
import type { Request } from './request.js';

/** The four Modbus tables. */
export type Table = 'coils' | 'discreteInputs' | 'holdingRegisters' | 'inputRegisters';

/** What a request does with its table: `none` for FC 8, 17 and 43, which touch no table. */
export type Access = 'read' | 'write' | 'read-write' | 'none';

/**
 * One address range a request covers, named by the fields of its decoded request: the field
 * with the first address, and the field with the quantity or the quantity itself (single writes: 1).
 */
export interface RangeSpec {
  readonly access: 'read' | 'write';
  readonly address: string;
  readonly quantity: string | number;
  /** The largest quantity a request may ask for (AP 6); larger ones get exception 03. */
  readonly max: number;
}

/**
 * How long a request PDU (function code included) is: a fixed length, or given by the byte count
 * at `byteCountAt`, which the bytes after it fill. Stream framings without a length field (RTU)
 * find a frame's end from it.
 */
export type RequestLengthSpec = { readonly fixed: number } | { readonly byteCountAt: number };

/**
 * Everything the emulator knows about one function code. The one table of them (FUNCTIONS) is
 * the source of what was once spread over a dozen modules: decoding and encoding, which table a
 * request reads or writes, its address ranges (fault rules' `address`/`points`/`quantity`, the
 * stale action, the journal), its name (fault rules' `function:`, the schema's enum, traces).
 */
export interface FunctionDescriptor {
  readonly code: number;
  /** The request's name, and the decoded request's `kind` (`readHoldingRegisters`). */
  readonly name: string;
  readonly access: Access;
  /** The table its ranges are in; undefined for codes touching no table. */
  readonly table: Table | undefined;
  /** Its address ranges, read range first (FC 23 has a read and a write range). */
  readonly ranges: readonly RangeSpec[];
  /** FC 8 (diagnostics) and FC 43 (MEI type) carry a sub-function after the function code. */
  readonly subFunctions: boolean;
  readonly length: RequestLengthSpec;
  /** Its normal reply has a byte count after the function code (reads, FC 17: AP 6.1-6.4, 6.13, 6.17). */
  readonly replyByteCount: boolean;
  /**
   * The values a request carries (registers as 0..65535, coils as 0/1; FC 22: its two masks);
   * `written` when they are what the request stores (fault rules' `value:` matches those).
   */
  readonly values?: { readonly of: (r: Request) => ArrayLike<number>; readonly written: boolean };
  /**
   * Decodes a PDU whose first byte is `code`, with the checks of AP 7 in their order: 03 for a
   * quantity, byte count or PDU length, then 02 for a range past 65535. Never throws.
   */
  decode(pdu: Uint8Array): Request;
  /** Encodes a valid request of this code (clients and tests: the inverse of `decode`). */
  encode(r: Request): Uint8Array;
  /** The request's fields in a log line, after its name: `address=3 quantity=2`. */
  describe(r: Request): string;
}

/** Descriptors by code: the built-in ones, and those added with `registerFunction`. */
const byCode: (FunctionDescriptor | undefined)[] = new Array(256).fill(undefined);
for (const d of FUNCTIONS) byCode[d.code] = d;

/** The descriptor of a function code, or undefined for a code not served. */
export function functionDescriptor(code: number): FunctionDescriptor | undefined {
  return byCode[code & 0xff];
}

/** Whether function code `code` reads (or writes) its table: FC 23 does both, codes not served neither. */
export function functionDoes(code: number, access: 'read' | 'write'): boolean {
  const a = byCode[code & 0xff]?.access;
  return a === access || a === 'read-write';
}

/** The descriptor of a request name (`readHoldingRegisters`), or undefined. */
export function functionNamed(name: string): FunctionDescriptor | undefined {
  return byCode.find((d) => d?.name === name);
}

export { FUNCTIONS, invalidRequest, userDefinedFunction } from './function-table.js';

/**
 * Serves one more function code: a user-defined one (AP 5: 65-72, 100-110), shaped as a read or
 * a write of a table range (`userDefinedFunction`), or one whose descriptor decodes to a request
 * the device handler knows. Returns its remover. Throws for a code already served.
 */
export function registerFunction(descriptor: FunctionDescriptor): () => void {
  const code = descriptor.code;
  if (!Number.isInteger(code) || code < 1 || code > 0x7f) throw new RangeError(`function code ${code} is not 1..127`);
  if (byCode[code]) throw new Error(`function code ${code} is served already (${byCode[code]!.name})`);
  if (functionNamed(descriptor.name)) throw new Error(`a function named ${descriptor.name} is served already`);
  // Decoding must never throw (a frame must not take down the server): a registered decoder
  // that does answers 04, as a failing data source does.
  const registered: FunctionDescriptor = {
    ...descriptor,
    decode(pdu) {
      try {
        return descriptor.decode(pdu);
      } catch {
        return invalidRequest(code, ExceptionCode.ServerDeviceFailure);
      }
    },
  };
  byCode[code] = registered;
  return () => {
    if (byCode[code] === registered) byCode[code] = undefined;
  };
}

/** The first address of a request's range `s`. */
export const rangeAddress = (r: Request, s: RangeSpec): number => requestField(r, s.address);
/** The quantity of a request's range `s`. */
export const rangeQuantity = (r: Request, s: RangeSpec): number => (typeof s.quantity === 'number' ? s.quantity : requestField(r, s.quantity));

/** The ranges a decoded request covers (none for an invalid one). */
export function rangesOf(r: Request): readonly RangeSpec[] {
  return r.kind === 'invalid' ? NO_RANGES : (byCode[r.functionCode]?.ranges ?? NO_RANGES);
}
const NO_RANGES: readonly RangeSpec[] = [];

/** The request's name for logs and the journal: its descriptor's, or its kind (`invalid`). */
export function requestName(r: Request): string {
  return r.kind === 'invalid' ? 'invalid' : (byCode[r.functionCode]?.name ?? r.kind);
}

/**
 * The length of the request PDU starting at `bytes[offset]` (its function code), from the first
 * bytes of it: a number, `need-more` when the bytes that tell have not all arrived, or `unknown`
 * for a code not served (a framing without a length field then waits for the line to go quiet).
 * Pure; reads nothing past `end`.
 */
export function requestLength(bytes: Uint8Array, offset = 0, end = bytes.length): number | 'need-more' | 'unknown' {
  if (end <= offset) return 'need-more';
  const d = byCode[bytes[offset]!];
  if (!d) return 'unknown';
  const spec = d.length;
  if ('fixed' in spec) return spec.fixed;
  if (end - offset <= spec.byteCountAt) return 'need-more';
  return spec.byteCountAt + 1 + bytes[offset + spec.byteCountAt]!;
}
