import { isPromiseLike } from '../pipeline/compose.js';
import type { Exchange, Handler, Outcome } from '../pipeline/types.js';
import { functionDescriptor, rangeAddress, rangeQuantity, rangesOf, requestName } from '../protocol/functions.js';
import type { Request } from '../protocol/request.js';

/** What became of a request: the outcome's kind (`wire` = raw bytes, e.g. a corrupted reply). */
export type RequestOutcome = Outcome['kind'];

/** One answered (or silenced, or closed) request, as the journal and the `request` event give it. */
export interface RequestRecord {
  /** 1, 2, ... per runtime: tells records apart and orders them. */
  readonly seq: number;
  /** Emulator time (ms) when the outcome was known: what fault windows and generators see. */
  readonly time: number;
  /** Wall-clock time (ms since the epoch). */
  readonly wallTime: number;
  /** The client: `role` is its certificate's role over Modbus/TCP Security (docs/tls.md), absent otherwise. */
  readonly connection: { readonly id: number; readonly address: string; readonly port: number; readonly role?: string };
  readonly transactionId: number;
  readonly unitId: number;
  readonly functionCode: number;
  /**
   * `readHoldingRegisters`, `writeSingleCoil`, ... (the name of the function code's descriptor,
   * protocol/functions.ts), or `invalid` for a request answered 01/03.
   */
  readonly function: string;
  /** First address and quantity read or written (FC 23: the write range; `read` has the read range). */
  readonly address?: number;
  readonly quantity?: number;
  /** FC 23's read range. */
  readonly read?: { readonly address: number; readonly quantity: number };
  /** Values a write carried: registers as 0..65535, coils as 0/1 (FC 22: [and, or]). */
  readonly values?: readonly number[];
  readonly outcome: RequestOutcome;
  /** The exception code, when `outcome` is `exception`. */
  readonly exceptionCode?: number;
  /** The fault rule that fired, if one did. */
  readonly rule?: string;
}

/** Receives a record per request; what the journal and `request` listeners hang on. */
export type RecordSink = (record: RequestRecord) => void;

/** What records read besides the exchange: emulator time, wall time, the next sequence number. */
export interface RecordContext {
  now(): number;
  wallNow(): number;
  nextSeq(): number;
}

/**
 * Wraps `handler` so that every exchange, once its outcome is known, is described to `sink`.
 * Only installed while someone records (runtime.ts): with no journal and no `request` listener the
 * server runs the device's handler itself, so recording off costs nothing.
 */
export function recordingHandler(handler: Handler, sink: RecordSink, context: RecordContext): Handler {
  const record = (x: Exchange, o: Outcome): Outcome => {
    sink(describe(x, o, context));
    return o;
  };
  return (x) => {
    const outcome = handler(x);
    return isPromiseLike(outcome) ? Promise.resolve(outcome).then((o) => record(x, o)) : record(x, outcome);
  };
}

type Draft = { -readonly [K in keyof RequestRecord]: RequestRecord[K] };
/** One record's client, shared by every record of that connection (no object per request). */
const clients = new WeakMap<Exchange['connection'], RequestRecord['connection']>();

function describe(x: Exchange, o: Outcome, context: RecordContext): RequestRecord {
  const c = x.connection;
  let connection = clients.get(c);
  if (!connection) clients.set(c, (connection = Object.freeze({ id: c.id, address: c.remoteAddress, port: c.remotePort, ...(c.role !== undefined && { role: c.role }) })));
  const r: Draft = {
    seq: context.nextSeq(),
    time: context.now(),
    wallTime: context.wallNow(),
    connection,
    transactionId: x.transactionId,
    unitId: x.unitId,
    functionCode: x.request.functionCode,
    function: requestName(x.request),
    outcome: o.kind,
  };
  addRange(r, x.request);
  if (o.kind === 'exception') r.exceptionCode = o.code;
  if (x.fault !== undefined) r.rule = x.fault;
  return r;
}

/**
 * The request's ranges and values, from its function code's descriptor: `address`/`quantity` is
 * the range written when there is one (FC 23), else the one read; a read range beside it is `read`.
 */
function addRange(out: Draft, r: Request): void {
  const ranges = rangesOf(r);
  const main = ranges.find((s) => s.access === 'write') ?? ranges[0];
  if (main === undefined) return;
  out.address = rangeAddress(r, main);
  out.quantity = rangeQuantity(r, main);
  const read = ranges.find((s) => s !== main && s.access === 'read');
  if (read) out.read = { address: rangeAddress(r, read), quantity: rangeQuantity(r, read) };
  const carried = functionDescriptor(r.functionCode)?.values;
  // Copied: the request's arrays are views of shared slabs that later requests reuse.
  if (carried) out.values = Array.from(carried.of(r));
}
