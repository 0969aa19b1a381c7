import type { RandomSource } from './time.js';

/**
 * A standard normal draw (mean 0, standard deviation 1) from draws 2·index and 2·index + 1 of
 * `stream` (Box–Muller): the same for the same seed, stream and index. Generators' `noise` and
 * `walk` and fault rules' `normal`/`logNormal` delays all draw through this one.
 */
export function normalDraw(random: RandomSource, stream: string, index: number): number {
  const u1 = random.at(stream, 2 * index);
  const u2 = random.at(stream, 2 * index + 1);
  // 1 − u1 is in (0, 1]: the logarithm stays finite.
  return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
}
