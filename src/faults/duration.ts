import type { ConnectionInfo } from '../pipeline/types.js';
import { normalDraw } from '../chance.js';
import { durationTextMs } from '../profile/duration.js';
import { MAX_DURATION_MS } from '../profile/limits.js';
import type { Delay, Duration } from '../profile/types.generated.js';
import type { RandomSource, Timer } from '../time.js';

/** A Duration of the profile in milliseconds: a number is milliseconds; `250ms`, `1.5s`, `2m`. */
export function durationMs(d: Duration): number {
  if (typeof d === 'number') return d;
  const ms = durationTextMs(d);
  if (ms === undefined) throw new RangeError(`not a duration: ${d}`);
  return ms;
}

/** The wait of draw `index`, in whole real milliseconds (never negative). */
export type DelaySampler = (index: number) => number;

/**
 * A profile Delay as a sampler on the seeded stream `stream`: draw `index` always gives the same
 * wait for the same seed (a jittered delay uses draws 2·index and 2·index+1 of the stream).
 */
export function delaySampler(spec: Delay, random: RandomSource, stream: string): DelaySampler {
  // A uniform draw uses 2·index only; normalDraw reads 2·index and 2·index+1 itself.
  const u = (index: number): number => random.at(stream, 2 * index);
  // A jittered draw past what a timer holds waits the most it can (a declared Duration never gets
  // there: the schema refuses it), never the 1 ms Node would make of it.
  const round = (ms: number): number => (ms > 0 ? Math.min(Math.round(ms), MAX_DURATION_MS) : 0);
  if (typeof spec === 'number' || typeof spec === 'string') {
    const ms = round(durationMs(spec));
    return () => ms;
  }
  if ('uniform' in spec) {
    const a = durationMs(spec.uniform[0]);
    const b = durationMs(spec.uniform[1]);
    return (i) => round(a + (b - a) * u(i));
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
export function after<T>(timer: Timer, ms: number, connection: ConnectionInfo, value: () => T | PromiseLike<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const handle = timer.setTimeout(() => {
      forget?.();
      try {
        resolve(value());
      } catch (error) {
        reject(error);
      }
    }, ms);
    const forget = connection.onClose?.(() => handle.cancel());
  });
}
