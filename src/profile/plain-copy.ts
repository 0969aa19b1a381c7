import { jsonNumber } from './non-finite.js';
import { nonPlainValue, notPlain } from './non-plain.js';

/**
 * A copy of a profile given as a JS object, so resolving includes never changes the caller's
 * object. Keys holding `undefined` are dropped, as JSON would; values that are not plain data
 * (a Uint8Array, a Date, a class instance, a function) become stand-ins the schema rejects
 * once each (see non-plain.ts); NaN and ±Infinity become `.nan` and `±.inf`, as in YAML (see
 * non-finite.ts). Shared and circular references are preserved.
 */
export function plainCopy(value: unknown, seen = new Map<object, unknown>()): unknown {
  const what = nonPlainValue(value);
  if (what !== undefined) return notPlain(what);
  if (typeof value === 'number') return jsonNumber(value);
  if (typeof value !== 'object' || value === null) return value;
  const done = seen.get(value);
  if (done !== undefined) return done;
  if (Array.isArray(value)) {
    const array: unknown[] = [];
    seen.set(value, array);
    for (const item of value) array.push(plainCopy(item, seen));
    return array;
  }
  const object: Record<string, unknown> = {};
  seen.set(value, object);
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined) continue;
    Object.defineProperty(object, key, {
      value: plainCopy(item, seen),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return object;
}
