import type { Exchange, Outcome } from '../../pipeline/types.js';
import type { FaultAction } from '../../profile/types.generated.js';
import { firing, mapOutcome, replyAdu, wire, type ActionContext, type ActionFactory } from '../action.js';

type Params = NonNullable<FaultAction['malformed']>;
type Corrupt = (adu: Uint8Array, x: Exchange, ctx: ActionContext) => Uint8Array | Uint8Array[];

/** Replies that carry a byte count after the function code (AP 6.1-6.4, 6.13, 6.17). */
const hasByteCount = (adu: Uint8Array): boolean => [1, 2, 3, 4, 0x11, 0x17].includes(adu[7]!);
const setLength = (adu: Uint8Array, n: number): Uint8Array => {
  adu[4] = n >>> 8;
  adu[5] = n & 0xff;
  return adu;
};
const lengthOf = (adu: Uint8Array): number => (adu[4]! << 8) | adu[5]!;
/** A different function code of the same kind (normal or exception): 3 → 4, 0x83 → 0x84. */
const otherFunction = (b: number): number => (b & 0x80) | ((b & 0x7f) === 0x7f ? 1 : (b & 0x7f) + 1);

function fewer(adu: Uint8Array, n: number): Uint8Array {
  if (!hasByteCount(adu) || adu[7]! > 0x7f || adu[7] === 0x11) return adu;
  // Registers are two bytes each; coils and discrete inputs drop whole bytes of bits.
  const drop = Math.min(adu[8]!, adu[7]! <= 2 ? n : 2 * n);
  const out = setLength(adu.slice(0, adu.length - drop), lengthOf(adu) - drop);
  out[8] = adu[8]! - drop;
  return out;
}

/** An edit of the reply ADU (in place, or a shorter copy). */
type Edit = (a: Uint8Array) => Uint8Array;
/** Sets one byte of the ADU. */
const set = (index: number, value: (a: Uint8Array) => number): Edit => (a) => {
  a[index] = value(a) & 0xff;
  return a;
};
const setTransactionId = (tid: (a: Uint8Array) => number): Edit => (a) => {
  const t = tid(a) & 0xffff;
  a[0] = t >>> 8;
  a[1] = t & 0xff;
  return a;
};
/** A byte count exists in normal (not exception) replies of reads and FC 17. */
const setByteCount = (count: (a: Uint8Array) => number): Edit => (a) => (hasByteCount(a) && a[7]! < 0x80 ? set(8, count)(a) : a);
const cut = (n: (a: Uint8Array) => number): Edit => (a) => a.slice(0, Math.max(1, a.length - n(a)));

function corruption(p: Params): Corrupt {
  if (typeof p === 'string') {
    switch (p) {
      case 'wrongTransactionId': return setTransactionId((a) => ((a[0]! << 8) | a[1]!) + 1);
      case 'wrongUnitId': return set(6, (a) => a[6]! + 1);
      case 'wrongFunctionCode': return set(7, (a) => otherFunction(a[7]!));
      case 'truncated': return cut((a) => Math.max(1, (a.length - 7) >> 1)); // half the PDU, at least a byte
      case 'fewerRegisters': return (a) => fewer(a, 1);
      case 'wrongByteCount': return setByteCount((a) => a[8]! + 1);
      case 'wrongLength': return (a) => setLength(a, lengthOf(a) + 1);
      case 'garbage': return (a, _x, ctx) => garbage(a.length, ctx);
      case 'duplicate': return (a) => [a, a];
    }
  }
  if (p.transactionId !== undefined) return setTransactionId(() => p.transactionId!);
  if (p.unitId !== undefined) return set(6, () => p.unitId!);
  if (p.functionCode !== undefined) return set(7, () => p.functionCode!);
  if (p.truncate !== undefined) return cut(() => p.truncate!);
  if (p.fewerRegisters !== undefined) return (a) => fewer(a, p.fewerRegisters!);
  if (p.byteCount !== undefined) return setByteCount(() => p.byteCount!);
  if (p.length !== undefined) return (a) => setLength(a, p.length!);
  return (_a, _x, ctx) => garbage(p.garbage!, ctx);
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
      const adu = replyAdu(x, o);
      if (!adu) return o;
      const out = corrupt(adu, x, ctx);
      return Array.isArray(out) ? wire(...out) : wire(out);
    });
};
