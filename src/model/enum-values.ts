import { readRaw, writeRaw, type NumericType, type RawValue } from './values.js';

/**
 * The raw values an `enumStrict` point takes, as readRaw returns them from registers (a float32
 * label key as its float32, an int16 key 65535 as -1), so the write rule compares like with like.
 */
export function enumValues(labels: ReadonlyMap<string, RawValue>, numeric: NumericType): ReadonlySet<RawValue> {
  const words = new Uint16Array(4);
  const values = new Set<RawValue>();
  for (const raw of labels.values()) {
    writeRaw(numeric, 'ABCD', raw, words, 0);
    values.add(readRaw(numeric, 'ABCD', words, 0));
  }
  return values;
}

/** `1 (1P2W), 2 (3P3W)`: an enum's values with their labels, for messages. */
export function describeEnum(labels: ReadonlyMap<string, RawValue>): string {
  return [...labels].map(([label, raw]) => `${String(raw)} (${label})`).join(', ');
}
