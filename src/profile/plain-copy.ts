import { MAX_PROFILE_DEPTH } from './limits.js';
import { jsonNumber } from './non-finite.js';
import { nonPlainValue, notPlain } from './non-plain.js';

/** The copy, or the path of the first map or list nested deeper than the limit. */
export type PlainCopy = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly tooDeep: readonly (string | number)[] };

interface Slot {
  readonly value: unknown;
  readonly into: Record<string, unknown> | unknown[];
  readonly key: string | number;
  /** Maps and lists around this value (the root's is 0). */
  readonly depth: number;
  readonly parent: Slot | undefined;
}

/**
 * A copy of a profile given as a JS object, so resolving includes never changes the caller's
 * object. Keys holding `undefined` are dropped, as JSON would; values that are not plain data
 * (a Uint8Array, a Date, a class instance, a function) become stand-ins the schema rejects
 * once each (see non-plain.ts); NaN and ±Infinity become `.nan` and `±.inf`, as in YAML (see
 * non-finite.ts). Shared and circular references are preserved. Iterative, with a depth limit,
 * because the object may come from anyone (a JSON body of the control channel): a map or list
 * nested deeper than `maxDepth` stops the copy and is named by its path.
 */
export function plainCopy(root: unknown, maxDepth = MAX_PROFILE_DEPTH): PlainCopy {
  const seen = new Map<object, unknown>();
  const holder: unknown[] = [undefined];
  const pending: Slot[] = [{ value: root, into: holder, key: 0, depth: 0, parent: undefined }];
  for (let slot = pending.pop(); slot !== undefined; slot = pending.pop()) {
    const { value } = slot;
    const what = nonPlainValue(value);
    let copy: unknown;
    if (what !== undefined) copy = notPlain(what);
    else if (typeof value === 'number') copy = jsonNumber(value);
    else if (typeof value !== 'object' || value === null) copy = value;
    else if (seen.has(value)) copy = seen.get(value);
    else {
      if (slot.depth >= maxDepth) return { ok: false, tooDeep: pathOf(slot) };
      const depth = slot.depth + 1;
      if (Array.isArray(value)) {
        const array = new Array<unknown>(value.length);
        for (let i = value.length - 1; i >= 0; i--) pending.push({ value: value[i], into: array, key: i, depth, parent: slot });
        copy = array;
      } else {
        const object: Record<string, unknown> = {};
        const entries = Object.entries(value).filter(([, item]) => item !== undefined);
        // Keys are defined now, in the caller's order; their values are filled in as they are copied.
        for (const [key] of entries) Object.defineProperty(object, key, { value: undefined, enumerable: true, writable: true, configurable: true });
        for (let i = entries.length - 1; i >= 0; i--) pending.push({ value: entries[i]![1], into: object, key: entries[i]![0], depth, parent: slot });
        copy = object;
      }
      seen.set(value, copy);
    }
    (slot.into as Record<string | number, unknown>)[slot.key] = copy;
  }
  return { ok: true, value: holder[0] };
}

function pathOf(slot: Slot): (string | number)[] {
  const path: (string | number)[] = [];
  for (let s: Slot | undefined = slot; s?.parent !== undefined; s = s.parent) path.push(s.key);
  return path.reverse();
}
