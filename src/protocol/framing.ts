import type { FrameScan as MbapScan } from './mbap.js';

/**
 * What a framing finds at the start of a byte stream's unread bytes. `need-more`, `frame`,
 * `discard` and `bad-length` are MBAP's (mbap.ts); `garbage` is for framings that can find their
 * feet again after bytes that are no frame (RTU: a CRC error is skipped, the next frame served).
 */
export type StreamScan =
  | MbapScan
  /**
   * Bytes [offset, end) are no frame: skipped (and counted in a rate-limited log line), then
   * scanning goes on. `crcError`: a frame whose CRC failed (FC 8's bus communication error count).
   */
  | { readonly kind: 'garbage'; readonly end: number; readonly reason: string; readonly crcError?: true };

/**
 * Where the fields of a framed reply are, so that the malformed kinds (`wrongUnitId`,
 * `fewerRegisters`, ...) are edits of any framing's reply (faults/actions/malformed.ts).
 */
export interface FrameLayout {
  /** Offset of a 16-bit big-endian transaction id; undefined when replies carry none (RTU). */
  readonly transactionIdAt: number | undefined;
  /** Offset of a 16-bit big-endian length of the bytes after it, trailer excluded (MBAP); undefined when none. */
  readonly lengthAt: number | undefined;
  readonly unitIdAt: number;
  /** Offset of the PDU (its function code). */
  readonly pduAt: number;
  /** Bytes after the PDU (RTU: the CRC, 2). */
  readonly trailer: number;
}

/**
 * How request and reply PDUs travel in a byte stream (a TCP connection, a serial line). The
 * connection loop (server/connection.ts) and the fault actions know framings through this only;
 * MBAP (mbap.ts) is the first. Pure: bytes in, values out; timing is a value too (`silenceMs`),
 * kept by the connection on its injected timer.
 */
export interface Framing {
  /** For logs: `MBAP`, `RTU`. */
  readonly name: string;
  /**
   * True when replies carry the request's transaction id (MBAP). False: a frame says nothing
   * about which request it answers, so replies must go strictly in request order, as the
   * connection loop always sends them; `transactionId` is then 0 in every exchange.
   */
  readonly transactionIds: boolean;
  /**
   * The quiet time (ms) after which the bytes received so far are complete, whatever they are
   * (RTU: 3.5 character times); undefined when lengths alone delimit frames (MBAP). When set, a
   * connection left with a partial frame scans it again with `silent` once the line has been
   * quiet this long.
   */
  readonly silenceMs: number | undefined;
  readonly layout: FrameLayout;
  /**
   * Finds the frame starting at `buf[offset]`, reading nothing at or past `end`. `silent`: the
   * line has been quiet for `silenceMs` since `end` arrived. Must not throw, for any bytes.
   */
  scan(buf: Uint8Array, offset: number, end: number, silent: boolean): StreamScan;
  /** Bytes a reply frame carrying `pduLength` PDU bytes takes. */
  frameLength(pduLength: number): number;
  /** Writes a reply frame into `target` at `offset`; returns the offset after it. */
  writeFrame(target: Uint8Array, offset: number, transactionId: number, unitId: number, pdu: Uint8Array): number;
  /** Makes an edited frame whole again where it checks itself (RTU: the CRC); MBAP returns it as it is. */
  seal(frame: Uint8Array): Uint8Array;
}

/** One reply frame as a fresh array. */
export function encodeFrame(framing: Framing, transactionId: number, unitId: number, pdu: Uint8Array): Uint8Array {
  const out = new Uint8Array(framing.frameLength(pdu.length));
  framing.writeFrame(out, 0, transactionId, unitId, pdu);
  return out;
}
