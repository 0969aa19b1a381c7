import type { Framing, StreamScan } from './framing.js';
import { functionDescriptor, requestLength } from './functions.js';

/*
 * Modbus RTU framing (Modbus over serial line, 2.5): address byte, PDU, CRC-16 low byte first; no
 * transaction id, no length field. A frame's end is found from its function code's length rules
 * (requestLength), the quiet line (3.5 character times) ends what they cannot tell and lets the
 * scanner find its feet again after garbage; a CRC error drops the bytes, as a serial device does.
 */

/** A frame's smallest size (address, function code, CRC) and largest (address, 253-byte PDU, CRC). */
export const RTU_MIN_FRAME = 4;
export const RTU_MAX_FRAME = 256;

const CRC_TABLE = (() => {
  const table = new Uint16Array(256);
  for (let n = 0; n < 256; n++) {
    let crc = n;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
    table[n] = crc;
  }
  return table;
})();

/** CRC-16/MODBUS (polynomial 0xA001 reflected, initial 0xFFFF; serial line spec 6.2.2) of bytes [start, end). */
export function crc16(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffff;
  for (let i = start; i < end; i++) crc = (crc >>> 8) ^ CRC_TABLE[(crc ^ bytes[i]!) & 0xff]!;
  return crc;
}

/** Writes the CRC of `frame` (all but its last two bytes) into its last two bytes, low byte first. */
export function sealRtu(frame: Uint8Array): Uint8Array {
  if (frame.length < 2) return frame;
  const crc = crc16(frame, 0, frame.length - 2);
  frame[frame.length - 2] = crc & 0xff;
  frame[frame.length - 1] = crc >>> 8;
  return frame;
}

/** `unitId`, `pdu` and the CRC as one RTU frame (clients, tests). */
export function encodeRtu(unitId: number, pdu: Uint8Array): Uint8Array {
  const out = new Uint8Array(pdu.length + 3);
  out[0] = unitId;
  out.set(pdu, 1);
  return sealRtu(out);
}

const crcOk = (buf: Uint8Array, start: number, end: number): boolean =>
  (buf[end - 2]! | (buf[end - 1]! << 8)) === crc16(buf, start, end - 2);

/**
 * Line timing of a serial line (serial line spec 2.5.1.1): a character is a start bit, the data
 * bits, a parity bit if any and the stop bits; frames are separated by 3.5 character times, and
 * above 19200 baud the spec fixes 1.75 ms (and 0.75 ms for the 1.5-character gap).
 */
export interface LineTiming {
  /** t3.5, ms. */
  readonly silenceMs: number;
  /** t1.5, ms: a longer gap inside a frame makes it incomplete. */
  readonly gapMs: number;
}

export function lineTiming(baudRate: number, bitsPerCharacter = 11): LineTiming {
  if (baudRate > 19200) return { silenceMs: 1.75, gapMs: 0.75 };
  const charMs = (bitsPerCharacter * 1000) / baudRate;
  return { silenceMs: 3.5 * charMs, gapMs: 1.5 * charMs };
}

export type Parity = 'none' | 'even' | 'odd';

/** A serial line's settings (the serial line spec's default: 19200 baud, 8 data bits, even parity, 1 stop bit). */
export interface SerialLine {
  /** The device: `/dev/ttyUSB0`, `COM3`, a pseudo-terminal. */
  readonly path: string;
  readonly baudRate: number;
  readonly parity: Parity;
  readonly dataBits: 7 | 8;
  readonly stopBits: 1 | 2;
  /** The device's address on the line; undefined: every unit id the device serves. */
  readonly unitId?: number;
}

export const SERIAL_DEFAULTS = { baudRate: 19200, parity: 'even', dataBits: 8, stopBits: 1 } as const satisfies Omit<SerialLine, 'path'>;

/** Bits a character takes on the line. */
export function bitsPerCharacter(dataBits: number, parity: Parity, stopBits: number): number {
  return 1 + dataBits + (parity === 'none' ? 0 : 1) + stopBits;
}

/** `/dev/ttyUSB0 19200 8E1` (and ` unit 5` when it has one), for log lines. */
export function describeLine(line: SerialLine): string {
  return `${line.path} ${line.baudRate} ${line.dataBits}${line.parity[0]!.toUpperCase()}${line.stopBits}${line.unitId === undefined ? '' : ` unit ${line.unitId}`}`;
}

/** The timing of `line`. */
export const timingOf = (line: SerialLine): LineTiming => lineTiming(line.baudRate, bitsPerCharacter(line.dataBits, line.parity, line.stopBits));

const NEED_MORE: StreamScan = { kind: 'need-more' };
const CRC_ERROR = 'CRC error';

/**
 * Finds the frame at `buf[offset]`. Bytes that are no frame are skipped one at a time (the next
 * byte may start one: a gateway's TCP stream has no quiet line to wait for); once the line is
 * quiet (`silent`) a frame whose length cannot be known (an unknown function code) ends there,
 * and a frame cut short is garbage.
 */
function scanRequest(buf: Uint8Array, offset: number, end: number, silent: boolean): StreamScan {
  if (end <= offset) return NEED_MORE;
  const known = requestLength(buf, offset + 1, end);
  let frameEnd: number;
  if (typeof known === 'number') {
    frameEnd = offset + 1 + known + 2;
  } else if (!silent) {
    return NEED_MORE;
  } else if (known === 'unknown' && end - offset <= RTU_MAX_FRAME) {
    // An unknown function code: all that came before the line went quiet, if its CRC says so.
    frameEnd = end;
  } else {
    return { kind: 'garbage', end: offset + 1, reason: 'no frame before the line went quiet' };
  }
  if (frameEnd > end) return silent ? { kind: 'garbage', end: offset + 1, reason: 'a frame cut short by a quiet line' } : NEED_MORE;
  if (frameEnd - offset < RTU_MIN_FRAME) return { kind: 'garbage', end: offset + 1, reason: 'too short for a frame' };
  if (!crcOk(buf, offset, frameEnd)) return { kind: 'garbage', end: offset + 1, reason: CRC_ERROR, crcError: true };
  return { kind: 'frame', transactionId: 0, unitId: buf[offset]!, pduStart: offset + 1, end: frameEnd };
}

/**
 * The length of a reply PDU starting at `bytes[offset]` (its function code): an exception reply is
 * 2 bytes; a reply with a byte count (reads, FC 17) is the count and 2; the writes echo 5 bytes
 * (FC 5, 6, 15, 16) or their request (FC 22, FC 8); other codes `unknown`. For a serial bus, where the
 * reply of another unit follows its request and must be passed over.
 */
export function replyLength(bytes: Uint8Array, offset = 0, end = bytes.length): number | 'need-more' | 'unknown' {
  if (end <= offset) return 'need-more';
  const code = bytes[offset]!;
  if (code & 0x80) return 2;
  const d = functionDescriptor(code);
  if (!d) return 'unknown';
  if (d.replyByteCount) return end - offset < 2 ? 'need-more' : 2 + bytes[offset + 1]!;
  // FC 8 echoes its request (serial line spec 6.8); FC 43 and user codes cannot be told.
  if (d.access !== 'write') return code === 0x08 && 'fixed' in d.length ? d.length.fixed : 'unknown';
  return 'fixed' in d.length ? d.length.fixed : 5;
}

const LAYOUT = { transactionIdAt: undefined, lengthAt: undefined, unitIdAt: 0, pduAt: 1, trailer: 2 } as const;

const frameLength = (pduLength: number): number => 1 + pduLength + 2;

function writeFrame(target: Uint8Array, offset: number, _transactionId: number, unitId: number, pdu: Uint8Array): number {
  target[offset] = unitId;
  target.set(pdu, offset + 1);
  const end = offset + 1 + pdu.length + 2;
  const crc = crc16(target, offset, end - 2);
  target[end - 2] = crc & 0xff;
  target[end - 1] = crc >>> 8;
  return end;
}

/**
 * An RTU framing for one byte stream. `silenceMs`: the quiet time that ends a frame of unknown
 * length and resynchronises (t3.5 on a serial line; on TCP, how long a gateway waits).
 */
export function rtuFraming(silenceMs: number): Framing {
  return { name: 'RTU', transactionIds: false, silenceMs, layout: LAYOUT, scan: scanRequest, frameLength, writeFrame, seal: sealRtu };
}

/**
 * RTU over TCP: frames are written whole by the client and arrive in one or few segments, so the
 * quiet time only ends frames of unknown length and garbage; long enough that a frame split over
 * two segments of a loaded machine is not taken for garbage.
 */
export const RTU_OVER_TCP_SILENCE_MS = 20;
export const rtuOverTcpFraming: Framing = rtuFraming(RTU_OVER_TCP_SILENCE_MS);

/**
 * RTU on a serial bus shared with other devices: requests for a unit this device does not serve
 * (`serves`; unit 0, broadcast, is everyone's) are passed over, and so is the reply that follows
 * one on the bus (its length from replyLength). The only framing with state (whether a reply of
 * another unit is due), so one per line; a scan changes it only when it consumes bytes.
 */
export function rtuBusFraming(silenceMs: number, serves: (unitId: number) => boolean): Framing {
  /** The unit whose reply is due on the bus, or -1. */
  let replyFrom = -1;
  const scan = (buf: Uint8Array, offset: number, end: number, silent: boolean): StreamScan => {
    if (replyFrom >= 0 && end > offset) {
      const reply = buf[offset] === replyFrom ? replyLength(buf, offset + 1, end) : 'unknown';
      if (typeof reply === 'number') {
        const replyEnd = offset + 1 + reply + 2;
        if (replyEnd > end && !silent) return NEED_MORE;
        if (replyEnd <= end && crcOk(buf, offset, replyEnd)) {
          replyFrom = -1;
          return { kind: 'discard', protocolId: 0, end: replyEnd, reason: `the reply of unit ${buf[offset]!} to another master's request` };
        }
      } else if (reply === 'need-more' && !silent) {
        return NEED_MORE;
      }
      // Not the reply that was due (none came, or another request): read as a request.
      replyFrom = -1;
    }
    const found = scanRequest(buf, offset, end, silent);
    if (found.kind !== 'frame' || found.unitId === 0 || serves(found.unitId)) return found;
    replyFrom = found.unitId;
    return { kind: 'discard', protocolId: 0, end: found.end, reason: `a request for unit ${found.unitId}, not served here` };
  };
  return { name: 'RTU', transactionIds: false, silenceMs, layout: LAYOUT, scan, frameLength, writeFrame, seal: sealRtu };
}
