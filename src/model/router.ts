import { exception, isPromiseLike, SILENCE } from '../pipeline/compose.js';
import type { Exchange, Handler, Middleware, Outcome } from '../pipeline/types.js';
import { ExceptionCode, exceptionCodeOf, type ExceptionName } from '../protocol/constants.js';
import { functionDoes } from '../protocol/functions.js';

/** How a gateway answers for a unit it cannot reach (the profile's `respond:` / `unknownUnits`). */
export type UnreachableBehaviour = Extract<ExceptionName, 'gatewayPathUnavailable' | 'gatewayTargetFailedToRespond'> | 'silence';

/** The outcome an unreachable unit id gets (a gateway's answer for a device it cannot reach). */
export function unreachable(respond: UnreachableBehaviour): Outcome {
  if (respond === 'silence') return SILENCE;
  return exception(exceptionCodeOf(respond)!);
}

const ILLEGAL_FUNCTION = exception(ExceptionCode.IllegalFunction);

/**
 * A device without some function codes (`identification: false` refuses FC 43, `reportServerId:
 * false` FC 17): exception 01 for every request with one of them, malformed ones included, as a
 * device lacking the function answers. Other requests pay one table lookup; a device refusing
 * nothing gets its handler back unwrapped.
 */
export function refusing(handler: Handler, functionCodes: readonly number[]): Handler {
  if (functionCodes.length === 0) return handler;
  const refused = new Uint8Array(256);
  for (const fc of functionCodes) refused[fc] = 1;
  return (x: Exchange) => (refused[x.request.functionCode] === 1 ? ILLEGAL_FUNCTION : handler(x));
}

/** O(1) routing: one handler per unit id 0..255, everything decided at compile time. */
export function createRouter(routes: readonly Handler[]): Handler {
  if (routes.length !== 256) throw new RangeError('a router needs a handler for each of the 256 unit ids');
  return (x: Exchange) => routes[x.unitId & 0xff]!(x);
}

/**
 * The gateway's own answers, in front of the router: a unit id it cannot reach gets its
 * `respond:` (or `unknownUnits`) outcome, and unit 0 as broadcast goes to `broadcast`. Undefined
 * when there is nothing to answer (a device answering every unit id), so the chain stays empty.
 */
export function gatewayAnswers(answers: readonly (Outcome | Handler | undefined)[], broadcast: Handler | undefined): Middleware | undefined {
  if (!broadcast && !answers.some((a) => a !== undefined)) return undefined;
  return (next) => (x) => {
    const answer = answers[x.unitId & 0xff];
    // A handler: the answer comes after a delay (`respond: { answer, delay }`).
    if (answer !== undefined) return typeof answer === 'function' ? answer(x) : answer;
    return broadcast && x.unitId === 0 ? broadcast(x) : next(x);
  };
}

/** A router entry the gateway middleware answers before the router: reaching it is a bug (04, logged). */
export const notRouted: Handler = (x) => {
  throw new Error(`unit ${x.unitId} reached the router, but the gateway answers it`);
};


/**
 * Unit 0 as broadcast (IG 4.4.1.2): a write reaches every device and nothing is answered; reads
 * and everything else are not answered either. FC 23 broadcasts its write part only.
 */
export function createBroadcast(targets: readonly Handler[]): Handler {
  return (x: Exchange) => {
    const r = x.request;
    if (r.kind === 'invalid' || !functionDoes(r.functionCode, 'write')) return SILENCE;
    const exchange: Exchange =
      r.kind === 'readWriteMultipleRegisters'
        ? { ...x, request: { kind: 'writeMultipleRegisters', functionCode: 0x10, address: r.writeAddress, quantity: r.writeQuantity, values: r.values } }
        : x;
    let pending: PromiseLike<Outcome>[] | undefined;
    for (const target of targets) {
      const outcome = target(exchange);
      if (isPromiseLike(outcome)) (pending ??= []).push(outcome);
    }
    return pending ? Promise.all(pending).then(() => SILENCE) : SILENCE;
  };
}

/**
 * `handler` with unit 0 as a broadcast, carried out by `broadcast` (RTU: the serial line spec
 * makes address 0 the broadcast address, whatever `unitZero` says for TCP). Built once per
 * device and transport: the MBAP path never goes through it.
 */
export function withBroadcast(handler: Handler, broadcast: Handler): Handler {
  return (x) => (x.unitId === 0 ? broadcast(x) : handler(x));
}
