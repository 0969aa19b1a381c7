import type { RandomSource, Rng } from '../time.js';

/** Seeds are unsigned 32-bit integers (what `--seed` takes and a run prints). */
export const MAX_SEED = 0xffff_ffff;

/**
 * Counter-based randomness: draw `index` of stream `name` is a hash of (seed, name, index), with
 * no state carried from one draw to the next. So a stream's values never depend on which other
 * streams exist or in what order anything was drawn, and any draw can be recomputed directly.
 */
export function seededRandom(seed: number): RandomSource {
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) throw new RangeError(`a seed is an integer 0..${MAX_SEED}, not ${seed}`);
  const streamKeys = new Map<string, number>();
  const keyOf = (name: string): number => {
    let key = streamKeys.get(name);
    if (key === undefined) streamKeys.set(name, (key = mix(seed ^ mix(fnv1a(name)))));
    return key;
  };
  const draw = (key: number, index: number): number => {
    if (!Number.isInteger(index) || index < 0) throw new RangeError(`a draw index is an integer ≥ 0, not ${index}`);
    const k = mix(key ^ mix((index >>> 0) ^ mix(Math.floor(index / 0x1_0000_0000) + 0x9e3779b9)));
    // 53 random bits: 32 from one hash, 21 from another.
    return (mix(k ^ 0x85ebca6b) * 0x20_0000 + (mix(k ^ 0xc2b2ae35) >>> 11)) / 2 ** 53;
  };
  return {
    seed,
    at: (name, index) => draw(keyOf(name), index),
    stream(name): Rng {
      const key = keyOf(name);
      let index = 0;
      return { next: () => draw(key, index++) };
    },
  };
}

/** A fresh seed for a run that was not given one (printed, so the run can be replayed). */
export function pickSeed(): number {
  return Math.floor(Math.random() * (MAX_SEED + 1));
}

/** lowbias32 (Chris Wellons' hash prospector): a full-avalanche 32-bit mix. */
function mix(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
