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

function corruption(p: Params): Corrupt {
  if (typeof p === 'string') {
    switch (p) {
      case 'wrongTransactionId': return (a) => ((a[1] = (a[1]! + 1) & 0xff), a[1] === 0 && (a[0] = (a[0]! + 1) & 0xff), a);
      case 'wrongUnitId': return (a) => ((a[6] = (a[6]! + 1) & 0xff), a);
      case 'wrongFunctionCode': return (a) => ((a[7] = otherFunction(a[7]!)), a);
      case 'truncated': return (a) => a.slice(0, a.length - Math.max(1, (a.length - 7) >> 1));
      case 'fewerRegisters': return (a) => fewer(a, 1);
      case 'wrongByteCount': return (a) => (hasByteCount(a) && a[7]! < 0x80 && (a[8] = (a[8]! + 1) & 0xff), a);
      case 'wrongLength': return (a) => setLength(a, lengthOf(a) + 1);
      case 'garbage': return (a, _x, ctx) => garbage(a.length, ctx);
      case 'duplicate': return (a) => [a, a];
    }
  }
  if (p.transactionId !== undefined) { const t = p.transactionId; return (a) => ((a[0] = t >>> 8), (a[1] = t & 0xff), a); }
  if (p.unitId !== undefined) { const u = p.unitId; return (a) => ((a[6] = u), a); }
  if (p.functionCode !== undefined) { const f = p.functionCode; return (a) => ((a[7] = f), a); }
  if (p.truncate !== undefined) { const n = p.truncate; return (a) => a.slice(0, Math.max(1, a.length - n)); }
  if (p.fewerRegisters !== undefined) { const n = p.fewerRegisters; return (a) => fewer(a, n); }
  if (p.byteCount !== undefined) { const b = p.byteCount; return (a) => (hasByteCount(a) && a[7]! < 0x80 && (a[8] = b), a); }
  if (p.length !== undefined) { const n = p.length; return (a) => setLength(a, n); }
  const n = p.garbage!;
  return (_a, _x, ctx) => garbage(n, ctx);
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
