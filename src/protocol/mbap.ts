import { Limits } from './constants.js';
import type { Framing } from './framing.js';

/**
 * Incremental MBAP framing (IG 3.1). Pure: the caller owns the byte buffer and calls
 * `scanFrame` repeatedly; "need more bytes" is a return value, not an exception.
 */
export type FrameScan =
  | { readonly kind: 'need-more' }
  /** A complete frame: the PDU is bytes [pduStart, end). */
  | {
      readonly kind: 'frame';
      readonly transactionId: number;
      readonly unitId: number;
      readonly pduStart: number;
      readonly end: number;
    }
  /** Protocol id ≠ 0: skip the frame silently (IG 4.4.2.2). Other framings say why in `reason`. */
  | { readonly kind: 'discard'; readonly protocolId: number; readonly end: number; readonly reason?: string }
  /** Length field outside 2..254: a byte stream cannot be resynchronised. */
  | { readonly kind: 'bad-length'; readonly length: number };

const NEED_MORE: FrameScan = { kind: 'need-more' };

export function scanFrame(buf: Uint8Array, offset: number, end: number = buf.length): FrameScan {
  if (end - offset < Limits.mbapHeaderBytes) {
    // The length field alone can already be judged once 6 bytes are here.
    if (end - offset >= 6) {
      const length = (buf[offset + 4]! << 8) | buf[offset + 5]!;
      if (length < Limits.mbapLengthMin || length > Limits.mbapLengthMax) return { kind: 'bad-length', length };
    }
    return NEED_MORE;
  }
  const length = (buf[offset + 4]! << 8) | buf[offset + 5]!;
  if (length < Limits.mbapLengthMin || length > Limits.mbapLengthMax) return { kind: 'bad-length', length };
  const frameEnd = offset + 6 + length;
  if (frameEnd > end) return NEED_MORE;
  const protocolId = (buf[offset + 2]! << 8) | buf[offset + 3]!;
  if (protocolId !== 0) return { kind: 'discard', protocolId, end: frameEnd };
  return {
    kind: 'frame',
    transactionId: (buf[offset]! << 8) | buf[offset + 1]!,
    unitId: buf[offset + 6]!,
    pduStart: offset + Limits.mbapHeaderBytes,
    end: frameEnd,
  };
}

/** Size of an ADU carrying `pduLength` PDU bytes. */
export function aduLength(pduLength: number): number {
  return Limits.mbapHeaderBytes + pduLength;
}

/** Writes MBAP header + PDU into `target` at `offset`; returns the offset after it. */
export function writeAdu(
  target: Uint8Array,
  offset: number,
  transactionId: number,
  unitId: number,
  pdu: Uint8Array,
): number {
  const length = pdu.length + 1;
  target[offset] = transactionId >>> 8;
  target[offset + 1] = transactionId & 0xff;
  target[offset + 2] = 0;
  target[offset + 3] = 0;
  target[offset + 4] = length >>> 8;
  target[offset + 5] = length & 0xff;
  target[offset + 6] = unitId;
  target.set(pdu, offset + 7);
  return offset + 7 + pdu.length;
}

/** One ADU as a fresh array (clients, tests). */
export function encodeAdu(transactionId: number, unitId: number, pdu: Uint8Array): Uint8Array {
  const out = new Uint8Array(aduLength(pdu.length));
  writeAdu(out, 0, transactionId, unitId, pdu);
  return out;
}

/**
 * MBAP (IG 3.1) as a Framing: the length field delimits frames, replies carry the request's
 * transaction id, nothing checks itself. `scan` is `scanFrame` itself (its fourth argument,
 * `silent`, does not concern MBAP), so the request path pays no wrapper.
 */
export const mbapFraming: Framing = {
  name: 'MBAP',
  transactionIds: true,
  silenceMs: undefined,
  layout: { transactionIdAt: 0, lengthAt: 4, unitIdAt: 6, pduAt: Limits.mbapHeaderBytes, trailer: 0 },
  scan: scanFrame,
  frameLength: aduLength,
  writeFrame: writeAdu,
  seal: (frame) => frame,
};
