import type { Framing, StreamScan } from '../../src/protocol/framing.js';
import { requestLength } from '../../src/protocol/functions.js';

/**
 * A test-only second framing, shaped as Modbus RTU (unit id, PDU, CRC-16 low byte first; no
 * transaction id, no length field): it proves that the Framing seam takes a framing that finds
 * a frame's end from the function code (requestLength), checks a CRC, resynchronises after
 * garbage and ends a frame of unknown length when the line goes quiet. Not the product's RTU.
 */
export const SILENCE_MS = 4;

/** CRC-16/MODBUS (polynomial 0xA001 reflected, initial 0xFFFF) of bytes [start, end). */
export function crc16(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffff;
  for (let i = start; i < end; i++) {
    crc ^= bytes[i]!;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}

/** `bytes` followed by its CRC (low byte first), as an RTU frame carries it. */
export function withCrc(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length + 2);
  out.set(bytes);
  return seal(out);
}

const NEED_MORE: StreamScan = { kind: 'need-more' };

function seal(frame: Uint8Array): Uint8Array {
  const crc = crc16(frame, 0, frame.length - 2);
  frame[frame.length - 2] = crc & 0xff;
  frame[frame.length - 1] = crc >>> 8;
  return frame;
}

export const testRtuFraming: Framing = {
  name: 'RTU (test)',
  transactionIds: false,
  silenceMs: SILENCE_MS,
  layout: { transactionIdAt: undefined, lengthAt: undefined, unitIdAt: 0, pduAt: 1, trailer: 2 },
  scan(buf, offset, end, silent) {
    if (end <= offset) return NEED_MORE;
    // A quiet line ends whatever has come: a frame of unknown length, or bytes too few to be one.
    const known = requestLength(buf, offset + 1, end);
    let frameEnd: number;
    if (typeof known === 'number') frameEnd = offset + 1 + known + 2;
    else if (silent) frameEnd = end;
    else return NEED_MORE;
    if (frameEnd > end) return silent ? { kind: 'garbage', end, reason: 'a frame cut short by a quiet line' } : NEED_MORE;
    if (frameEnd - offset < 4) return { kind: 'garbage', end: frameEnd, reason: 'too short for a frame' };
    const crc = buf[frameEnd - 2]! | (buf[frameEnd - 1]! << 8);
    // A bad CRC: the bytes are no frame; the next byte may start one (resynchronisation).
    if (crc !== crc16(buf, offset, frameEnd - 2)) return { kind: 'garbage', end: offset + 1, reason: 'CRC error' };
    return { kind: 'frame', transactionId: 0, unitId: buf[offset]!, pduStart: offset + 1, end: frameEnd };
  },
  frameLength: (pduLength) => 1 + pduLength + 2,
  writeFrame(target, offset, _transactionId, unitId, pdu) {
    target[offset] = unitId;
    target.set(pdu, offset + 1);
    const end = offset + 1 + pdu.length + 2;
    seal(target.subarray(offset, end));
    return end;
  },
  seal,
};
