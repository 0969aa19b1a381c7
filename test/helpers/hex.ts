/** Hex test helpers: frames in tests are written as spaced hex, the way the spec prints them. */

/** `hex('00 01 00 00 00 06 01 03 00 00 00 0a')` → bytes. Whitespace is ignored; anything else must be hex pairs. */
export function hex(text: string): Uint8Array {
  const digits = text.replace(/\s+/g, '');
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(digits)) throw new Error(`not a hex byte string: ${JSON.stringify(text)}`);
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Bytes → lowercase spaced hex, so failing assertions print readable frames. */
export function toHex(bytes: ArrayLike<number>): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** Concatenates byte arrays (frames built from a header and a generated body). */
export function concat(...parts: ArrayLike<number>[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** `n` copies of `byte`. */
export function fill(n: number, byte = 0): Uint8Array {
  return new Uint8Array(n).fill(byte);
}
