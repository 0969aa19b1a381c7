import type { Outcome } from '../../pipeline/types.js';
import type { FrameLayout, Framing } from '../../protocol/framing.js';
import { functionDescriptor, functionDoes } from '../../protocol/functions.js';
import type { FaultAction } from '../../profile/types.generated.js';
import { firing, framingOf, mapOutcome, replyFrame, wire, type ActionContext, type ActionFactory } from '../action.js';

type Params = NonNullable<FaultAction['malformed']>;
type Corrupt = (frame: Uint8Array, framing: Framing, ctx: ActionContext) => Uint8Array | Uint8Array[];

/*
 * Each kind is an edit of the framed reply at the offsets its framing's layout gives (MBAP: tid
 * at 0, length at 4, unit at 6, PDU at 7). An edited frame is sealed again (RTU: its CRC), so
 * the client meets a well-formed frame with a wrong field; a cut or garbage frame is not.
 */

/** The normal reply's function code has a byte count after it (its descriptor says); exception replies have none. */
const byteCountAt = (f: Uint8Array, l: FrameLayout): number | undefined =>
  functionDescriptor(f[l.pduAt]!)?.replyByteCount && f[l.pduAt]! < 0x80 ? l.pduAt + 1 : undefined;
/** Frames without a length field (RTU) have none to change: sent as they are. */
const changeLength = (f: Uint8Array, l: FrameLayout, length: (current: number) => number): Uint8Array => {
  const at = l.lengthAt;
  if (at === undefined) return f;
  const n = length((f[at]! << 8) | f[at + 1]!);
  f[at] = n >>> 8;
  f[at + 1] = n & 0xff;
  return f;
};
/** A different function code of the same kind (normal or exception): 3 → 4, 0x83 → 0x84. */
const otherFunction = (b: number): number => (b & 0x80) | ((b & 0x7f) === 0x7f ? 1 : (b & 0x7f) + 1);

/** Drops `n` registers (or bytes of bits) from the end of a read reply's data, byte count and length following. */
function fewer(f: Uint8Array, l: FrameLayout, n: number): Uint8Array {
  const code = f[l.pduAt]!;
  const d = functionDescriptor(code);
  // Read replies only (FC 17's byte count counts no registers); exception codes (0x80 up) have no descriptor.
  if (!d || !functionDoes(code, 'read')) return f;
  const countAt = l.pduAt + 1;
  // Registers are two bytes each; coils and discrete inputs drop whole bytes of bits.
  const bits = d.table === 'coils' || d.table === 'discreteInputs';
  const drop = Math.min(f[countAt]!, bits ? n : 2 * n);
  const pduEnd = f.length - l.trailer;
  const out = new Uint8Array(f.length - drop);
  out.set(f.subarray(0, pduEnd - drop), 0);
  out.set(f.subarray(pduEnd), pduEnd - drop);
  out[countAt] = f[countAt]! - drop;
  return changeLength(out, l, (length) => length - drop);
}

/** An edit of the framed reply (in place, or a shorter copy). */
type Edit = (f: Uint8Array, l: FrameLayout) => Uint8Array;
/** Sets one byte, at an offset the layout gives (every framing has a unit id and a function code). */
const set = (at: (l: FrameLayout) => number, value: (f: Uint8Array, i: number) => number): Edit => (f, l) => {
  const i = at(l);
  f[i] = value(f, i) & 0xff;
  return f;
};
/** Frames without a transaction id (RTU) have none to get wrong: sent unchanged. */
const setTransactionId = (tid: (current: number) => number): Edit => (f, l) => {
  const at = l.transactionIdAt;
  if (at === undefined) return f;
  const t = tid((f[at]! << 8) | f[at + 1]!) & 0xffff;
  f[at] = t >>> 8;
  f[at + 1] = t & 0xff;
  return f;
};
const unitId = (l: FrameLayout): number => l.unitIdAt;
const functionCode = (l: FrameLayout): number => l.pduAt;
/** A byte count exists in normal (not exception) replies of reads and FC 17. */
const setByteCount = (count: (current: number) => number): Edit => (f, l) => {
  const at = byteCountAt(f, l);
  if (at !== undefined) f[at] = count(f[at]!) & 0xff;
  return f;
};
/** The frame without its last `n` bytes (at least one byte stays): not sealed again, as a cut-off frame is not. */
const cut = (n: (f: Uint8Array, l: FrameLayout) => number): Corrupt => (f, framing) => f.slice(0, Math.max(1, f.length - n(f, framing.layout)));
const sealed = (edit: Edit): Corrupt => (f, framing) => framing.seal(edit(f, framing.layout));

function corruption(p: Params): Corrupt {
  if (typeof p === 'string') {
    switch (p) {
      case 'wrongTransactionId': return sealed(setTransactionId((t) => t + 1));
      case 'wrongUnitId': return sealed(set(unitId, (f, i) => f[i]! + 1));
      case 'wrongFunctionCode': return sealed(set(functionCode, (f, i) => otherFunction(f[i]!)));
      // Half the PDU, at least a byte.
      case 'truncated': return cut((f, l) => Math.max(1, (f.length - l.pduAt - l.trailer) >> 1));
      case 'fewerRegisters': return sealed((f, l) => fewer(f, l, 1));
      case 'wrongByteCount': return sealed(setByteCount((c) => c + 1));
      case 'wrongLength': return sealed((f, l) => changeLength(f, l, (n) => n + 1));
      case 'garbage': return (f, _framing, ctx) => garbage(f.length, ctx);
      case 'duplicate': return (f) => [f, f];
      case 'badCrc': return (f, framing) => badCrc(f, framing.layout);
    }
  }
  if (p.transactionId !== undefined) return sealed(setTransactionId(() => p.transactionId!));
  if (p.unitId !== undefined) return sealed(set(unitId, () => p.unitId!));
  if (p.functionCode !== undefined) return sealed(set(functionCode, () => p.functionCode!));
  if (p.truncate !== undefined) return cut(() => p.truncate!);
  if (p.fewerRegisters !== undefined) return sealed((f, l) => fewer(f, l, p.fewerRegisters!));
  if (p.byteCount !== undefined) return sealed(setByteCount(() => p.byteCount!));
  if (p.length !== undefined) return sealed((f, l) => changeLength(f, l, () => p.length!));
  return (_f, _framing, ctx) => garbage(p.garbage!, ctx);
}

/** The CRC's low byte inverted, so the check fails (RTU); frames that carry no CRC (MBAP) go unchanged. */
function badCrc(f: Uint8Array, l: FrameLayout): Uint8Array {
  if (l.trailer === 2) f[f.length - 2] = ~f[f.length - 2]! & 0xff;
  return f;
}

/** Bytes from the rule's `<name>/garbage` stream: the same seed gives the same garbage. */
function garbage(n: number, ctx: ActionContext): Uint8Array {
  const out = new Uint8Array(n);
  const base = firing(ctx) * 260;
  for (let i = 0; i < n; i++) out[i] = Math.floor(ctx.env.random.at(`${ctx.rule}/garbage`, base + i) * 256);
  return out;
}

/**
 * `malformed: <kind>` or `{ <kind>: value }`: the request is carried out, and its reply (normal or
 * exception, encoded as the server would) is corrupted and sent as raw bytes. Kinds that do not
 * apply to a reply (a byte count on a write echo) send it unchanged.
 */
export const malformedAction: ActionFactory<Params> = (p, ctx) => {
  const corrupt = corruption(p);
  return (next) => (x) =>
    mapOutcome(next(x), (o): Outcome => {
      const frame = replyFrame(x, o);
      if (!frame) return o;
      const out = corrupt(frame, framingOf(x), ctx);
      return Array.isArray(out) ? wire(...out) : wire(out);
    });
};
