import type { Handler, Middleware, Outcome } from '../pipeline/types.js';
import type { Timer } from '../time.js';
import { after, type DelaySampler } from './duration.js';

/**
 * `responseDelay` (profile, template or unit): every request to a unit id waits its delay on the
 * wire timer before the device carries it out. Undefined when no unit id has one, so the chain
 * stays as it was. Draw k of unit id u's jitter is draw k of stream `responseDelay/<u>`.
 */
export function responseDelays(samplers: readonly (DelaySampler | undefined)[], timer: Timer): Middleware | undefined {
  if (!samplers.some((s) => s !== undefined)) return undefined;
  const draws = new Float64Array(256);
  return (next) => (x) => {
    const sample = samplers[x.unitId];
    if (sample === undefined) return next(x);
    return after(timer, sample(draws[x.unitId]++), x.connection, () => next(x));
  };
}

/** A gateway's answer for an unreachable unit that comes only after its delay (`{ answer, delay }`). */
export function delayedAnswer(outcome: Outcome, sample: DelaySampler, timer: Timer): Handler {
  let draws = 0;
  return (x) => after(timer, sample(draws++), x.connection, () => outcome);
}
