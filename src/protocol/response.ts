import { FunctionCode, Limits } from './constants.js';
import { functionDescriptor } from './functions.js';
import type { Request } from './request.js';
import { allocBytes } from './slab.js';

/** Exception response PDU: function code | 0x80, exception code (AP 7). */
export function encodeException(functionCode: number, exceptionCode: number): Uint8Array {
  const pdu = new Uint8Array(2);
  pdu[0] = (functionCode | 0x80) & 0xff;
  pdu[1] = exceptionCode & 0xff;
  return pdu;
}

/**
 * FC 1 / 2 reply. `bits` holds at least `quantity` truthy/falsy entries; the LSB of the first
 * byte is the first bit, unused high bits are 0 (AP 6.1).
 */
export function encodeReadBitsResponse(
  functionCode: number,
  bits: ArrayLike<boolean | number>,
  quantity: number,
): Uint8Array {
  const byteCount = (quantity + 7) >>> 3;
  const pdu = allocBytes(2 + byteCount);
  pdu[0] = functionCode;
  pdu[1] = byteCount;
  for (let i = 0; i < quantity; i++) {
    if (bits[i]) pdu[2 + (i >>> 3)]! |= 1 << (i & 7);
  }
  return pdu;
}

/** FC 3 / 4 / 23 reply: byte count then big-endian registers. */
export function encodeReadRegistersResponse(
  functionCode: number,
  registers: ArrayLike<number>,
  quantity: number,
): Uint8Array {
  const pdu = allocBytes(2 + 2 * quantity);
  pdu[0] = functionCode;
  pdu[1] = 2 * quantity;
  for (let i = 0, o = 2; i < quantity; i++, o += 2) {
    const v = registers[i]!;
    pdu[o] = (v >>> 8) & 0xff;
    pdu[o + 1] = v & 0xff;
  }
  return pdu;
}

/** FC 15 / 16 reply: starting address and quantity. */
export function encodeWriteMultipleResponse(functionCode: number, address: number, quantity: number): Uint8Array {
  return new Uint8Array([functionCode, address >>> 8, address & 0xff, quantity >>> 8, quantity & 0xff]);
}

/** FC 17 reply (AP 6.13): byte count, server id, run indicator, additional data. */
export function encodeReportServerIdResponse(
  serverId: Uint8Array,
  running: boolean,
  additionalData: Uint8Array,
): Uint8Array {
  const byteCount = serverId.length + 1 + additionalData.length;
  const pdu = new Uint8Array(2 + byteCount);
  pdu[0] = FunctionCode.ReportServerId;
  pdu[1] = byteCount;
  pdu.set(serverId, 2);
  pdu[2 + serverId.length] = running ? 0xff : 0x00;
  pdu.set(additionalData, 3 + serverId.length);
  return pdu;
}

/** Largest payload an FC 17 reply can carry (PDU ≤ 253: function code and byte count take 2). */
export const REPORT_SERVER_ID_MAX_BYTES = Limits.pduMax - 2;

/** Encodes any request PDU (clients and tests; the inverse of decodeRequest for valid requests). */
export function encodeRequest(request: Exclude<Request, { kind: 'invalid' }>): Uint8Array {
  const d = functionDescriptor(request.functionCode);
  if (!d) throw new RangeError(`function code ${request.functionCode} is not served: no descriptor to encode it`);
  return d.encode(request);
}

/** FC 8 reply carrying one data word after the sub-function: a counter or the diagnostic register (AP 6.8.1). */
export function encodeDiagnosticsResponse(subFunction: number, word: number): Uint8Array {
  const pdu = allocBytes(5);
  pdu[0] = FunctionCode.Diagnostics;
  pdu[1] = (subFunction >>> 8) & 0xff;
  pdu[2] = subFunction & 0xff;
  pdu[3] = (word >>> 8) & 0xff;
  pdu[4] = word & 0xff;
  return pdu;
}
