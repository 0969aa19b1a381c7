import type { Delay } from '../../profile/types.generated.js';
import { after, delaySampler } from '../duration.js';
import { firing, type ActionFactory } from '../action.js';

/**
 * `delay: 200ms` (or jittered): waits on the wire timer (real time, never scaled), then carries
 * the request out. The connection answers in order, so later replies on it wait too.
 */
export const delayAction: ActionFactory<Delay> = (spec, ctx) => {
  const sample = delaySampler(spec, ctx.env.random, `${ctx.rule}/delay`);
  return (next) => (x) => after(ctx.env.timer, sample(firing(ctx)), x.connection, () => next(x));
};
