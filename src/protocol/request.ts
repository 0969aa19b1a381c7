import { ExceptionCode } from './constants.js';
import { functionDescriptor, invalidRequest } from './functions.js';

/** A decoded request PDU. Malformed or unsupported PDUs decode to `invalid` with the exception to send. */
export type Request =
  | ReadRequest
  | { readonly kind: 'writeSingleCoil'; readonly functionCode: 0x05; readonly address: number; readonly value: boolean }
  | { readonly kind: 'writeSingleRegister'; readonly functionCode: 0x06; readonly address: number; readonly value: number }
  | {
      readonly kind: 'writeMultipleCoils';
      readonly functionCode: 0x0f;
      readonly address: number;
      readonly quantity: number;
      /** One byte per coil, 0 or 1. */
      readonly values: Uint8Array;
    }
  | {
      readonly kind: 'writeMultipleRegisters';
      readonly functionCode: 0x10;
      readonly address: number;
      readonly quantity: number;
      readonly values: Uint16Array;
    }
  | {
      readonly kind: 'maskWriteRegister';
      readonly functionCode: 0x16;
      readonly address: number;
      readonly andMask: number;
      readonly orMask: number;
    }
  | {
      readonly kind: 'readWriteMultipleRegisters';
      readonly functionCode: 0x17;
      readonly readAddress: number;
      readonly readQuantity: number;
      readonly writeAddress: number;
      readonly writeQuantity: number;
      readonly values: Uint16Array;
    }
  | { readonly kind: 'reportServerId'; readonly functionCode: 0x11 }
  | {
      readonly kind: 'readDeviceIdentification';
      readonly functionCode: 0x2b;
      /** 1 basic, 2 regular, 3 extended (streams), 4 one object. */
      readonly readDeviceIdCode: number;
      readonly objectId: number;
    }
  | { readonly kind: 'diagnostics'; readonly functionCode: 0x08; readonly subFunction: number; readonly data: Uint8Array }
  | UserDefinedRequest
  | { readonly kind: 'invalid'; readonly functionCode: number; readonly exception: number };

/**
 * A request of a function code added with `registerFunction` and shaped by `userDefinedFunction`:
 * a range of its descriptor's table, read or (with `values`) written.
 */
export interface UserDefinedRequest {
  readonly kind: 'userDefined';
  readonly functionCode: number;
  readonly address: number;
  readonly quantity: number;
  /** The values a write carries (coils: one byte per coil, 0 or 1); undefined for a read. */
  readonly values: Uint8Array | Uint16Array | undefined;
}

export interface ReadRequest {
  readonly kind: 'readCoils' | 'readDiscreteInputs' | 'readHoldingRegisters' | 'readInputRegisters';
  readonly functionCode: 0x01 | 0x02 | 0x03 | 0x04;
  readonly address: number;
  readonly quantity: number;
}

export type RequestKind = Request['kind'];

/**
 * Decodes one request PDU, applying the order of checks of AP 6/7 (docs/protocol.md, "The order of checks"): 01 unsupported
 * function, then 03 quantity / byte count / PDU length, then 02 for a range running past 65535.
 * Whether a range is mapped is the data source's business (also 02), checked after this.
 * Each function code's own checks are its descriptor's (function-table.ts). Never throws, for any bytes.
 */
export function decodeRequest(pdu: Uint8Array): Request {
  const fc = pdu.length > 0 ? pdu[0]! : 0;
  const d = functionDescriptor(fc);
  return d ? d.decode(pdu) : invalidRequest(fc, ExceptionCode.IllegalFunction);
}
