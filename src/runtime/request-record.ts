import { isPromiseLike } from '../pipeline/compose.js';
import type { Exchange, Handler, Outcome } from '../pipeline/types.js';
import type { Request, RequestKind } from '../protocol/request.js';

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
  readonly connection: { readonly id: number; readonly address: string; readonly port: number };
  readonly transactionId: number;
  readonly unitId: number;
  readonly functionCode: number;
  /** `readHoldingRegisters`, `writeSingleCoil`, ..., or `invalid` for a request answered 01/03. */
  readonly function: RequestKind;
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
  if (!connection) clients.set(c, (connection = Object.freeze({ id: c.id, address: c.remoteAddress, port: c.remotePort })));
  const r: Draft = {
    seq: context.nextSeq(),
    time: context.now(),
    wallTime: context.wallNow(),
    connection,
    transactionId: x.transactionId,
    unitId: x.unitId,
    functionCode: x.request.functionCode,
    function: x.request.kind,
    outcome: o.kind,
  };
  addRange(r, x.request);
  if (o.kind === 'exception') r.exceptionCode = o.code;
  if (x.fault !== undefined) r.rule = x.fault;
  return r;
}

function addRange(out: Draft, r: Request): void {
  switch (r.kind) {
    case 'readCoils':
    case 'readDiscreteInputs':
    case 'readHoldingRegisters':
    case 'readInputRegisters':
      out.address = r.address;
      out.quantity = r.quantity;
      return;
    case 'writeSingleCoil':
    case 'writeSingleRegister':
      out.address = r.address;
      out.quantity = 1;
      out.values = [Number(r.value)];
      return;
    case 'writeMultipleCoils':
    case 'writeMultipleRegisters':
      out.address = r.address;
      out.quantity = r.quantity;
      // Copied: the request's arrays are views of shared slabs that later requests reuse.
      out.values = Array.from(r.values);
      return;
    case 'maskWriteRegister':
      out.address = r.address;
      out.quantity = 1;
      out.values = [r.andMask, r.orMask];
      return;
    case 'readWriteMultipleRegisters':
      out.address = r.writeAddress;
      out.quantity = r.writeQuantity;
      out.read = { address: r.readAddress, quantity: r.readQuantity };
      out.values = Array.from(r.values);
      return;
    default:
      return;
  }
}
