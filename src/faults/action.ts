import type { Table } from '../device/data-source.js';
import type { Environment } from '../environment.js';
import type { CompiledUnit } from '../model/types.js';
import { encodeFrame, type Framing } from '../protocol/framing.js';
import { mbapFraming } from '../protocol/mbap.js';
import { encodeException } from '../protocol/response.js';
import { isPromiseLike } from '../pipeline/compose.js';
import type { Exchange, Middleware, Outcome } from '../pipeline/types.js';
import type { RuleCounters } from './trigger.js';

/** What an action may use besides its parameters. */
export interface ActionContext {
  /** The rule's name: also the name of its seeded streams (`<name>/delay`, `<name>/garbage`). */
  readonly rule: string;
  readonly env: Environment;
  readonly counters: RuleCounters;
  /** The address ranges of the rule's match (`address`, and `points` with their table); undefined without one. */
  readonly spans: readonly { readonly from: number; readonly to: number; readonly table?: Table }[] | undefined;
  /** The device behind a unit id (stale values read its storage). */
  unit(unitId: number): CompiledUnit | undefined;
}

/**
 * A fault kind (toxiproxy's shape): its parameters plus one factory returning a Middleware. The
 * shared wrapper (engine.ts) has already matched and triggered the request when the middleware
 * runs; `next` is the device (or the rule's next action).
 */
export type ActionFactory<P> = (params: P, ctx: ActionContext) => Middleware;

/** The index of this firing among the rule's firings (0, 1, …): the draw index of its actions. */
export const firing = (ctx: ActionContext): number => ctx.counters.fired - 1;

/** Applies `f` to an outcome, staying synchronous when it is. */
export function mapOutcome(o: Outcome | Promise<Outcome>, f: (o: Outcome) => Outcome): Outcome | Promise<Outcome> {
  return isPromiseLike(o) ? Promise.resolve(o).then(f) : f(o);
}

/** The framing of the exchange's connection (MBAP when it names none). */
export const framingOf = (x: Exchange): Framing => x.connection.framing ?? mbapFraming;

/**
 * The whole frame the server would send for `o`, framed as the exchange's connection frames
 * (MBAP, RTU, ...); undefined for outcomes without one (silence, close, wire).
 */
export function replyFrame(x: Exchange, o: Outcome): Uint8Array | undefined {
  if (o.kind === 'response') return encodeFrame(framingOf(x), x.transactionId, x.unitId, o.pdu);
  if (o.kind === 'exception') return encodeFrame(framingOf(x), x.transactionId, x.unitId, encodeException(x.request.functionCode, o.code));
  return undefined;
}

/** Raw bytes sent at once, as one piece. */
export const wire = (...pieces: Uint8Array[]): Outcome => ({ kind: 'wire', chunks: pieces.map((bytes) => ({ bytes, delayMs: 0 })) });
