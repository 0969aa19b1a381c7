import type { ConnectionInfo } from '../pipeline/types.js';
import { normalDraw } from '../chance.js';
import type { Delay, Duration } from '../profile/types.generated.js';
import type { RandomSource, Timer } from '../time.js';

/** A Duration of the profile in milliseconds: a number is milliseconds; `250ms`, `1.5s`, `2m`. */
export function durationMs(d: Duration): number {
  if (typeof d === 'number') return d;
  const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*(ms|s|m)\s*$/.exec(d);
  if (!m) throw new RangeError(`not a duration: ${d}`);
  const n = Number(m[1]);
  return m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : n * 60_000;
}

/** The wait of draw `index`, in whole real milliseconds (never negative). */
export type DelaySampler = (index: number) => number;

/**
 * A profile Delay as a sampler on the seeded stream `stream`: draw `index` always gives the same
 * wait for the same seed (a jittered delay uses draws 2·index and 2·index+1 of the stream).
 */
export function delaySampler(spec: Delay, random: RandomSource, stream: string): DelaySampler {
  const u = (index: number, k: 0 | 1): number => random.at(stream, 2 * index + k);
  const round = (ms: number): number => (ms > 0 ? Math.round(ms) : 0);
  if (typeof spec === 'number' || typeof spec === 'string') {
    const ms = round(durationMs(spec));
    return () => ms;
  }
  if ('uniform' in spec) {
    const a = durationMs(spec.uniform[0]);
    const b = durationMs(spec.uniform[1]);
    return (i) => round(a + (b - a) * u(i, 0));
  }
  if ('normal' in spec) {
    const mean = durationMs(spec.normal.mean);
    const sd = durationMs(spec.normal.sd);
    return (i) => round(mean + sd * normalDraw(random, stream, i));
  }
  const median = durationMs(spec.logNormal.median);
  const sigma = spec.logNormal.sigma;
  return (i) => round(median * Math.exp(sigma * normalDraw(random, stream, i)));
}

/**
 * Resolves with `value()` after `ms` real milliseconds on the wire timer (0: at once, still async).
 * If `connection` closes first, the timer is cancelled and the promise never settles: nothing
 * refers to it then, so the exchange waiting on it is collected with it (no one is left to answer).
 */
export function after<T>(timer: Timer, ms: number, connection: ConnectionInfo | undefined, value: () => T | PromiseLike<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const handle = timer.setTimeout(() => {
      forget?.();
      try {
        resolve(value());
      } catch (error) {
        reject(error);
      }
    }, ms);
    const forget = connection?.onClose?.(() => handle.cancel());
  });
}
