import type { Handler, Middleware, Outcome } from './types.js';

/** Wraps `handler` in `middlewares`, the first being outermost. With none, returns `handler` itself. */
export function compose(middlewares: readonly Middleware[], handler: Handler): Handler {
  let h = handler;
  for (let i = middlewares.length - 1; i >= 0; i--) h = middlewares[i]!(h);
  return h;
}

const exceptions: Outcome[] = [];
/** Shared, frozen exception outcomes: the hot path allocates none for exceptions. */
export function exception(code: number): Outcome {
  return (exceptions[code] ??= Object.freeze({ kind: 'exception', code: code & 0xff }) as Outcome);
}

export const SILENCE: Outcome = Object.freeze({ kind: 'silence' });

/**
 * No reply now, because it goes out later with others (out-of-order replies hold replies back):
 * silence on the wire for this exchange, but not a request left unanswered (FC 8's counters).
 */
export const HELD_BACK: Outcome = Object.freeze({ kind: 'silence' });

export function response(pdu: Uint8Array): Outcome {
  return { kind: 'response', pdu };
}

/** True for a Promise or any thenable: the one place sync and async outcomes are told apart. */
export function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
