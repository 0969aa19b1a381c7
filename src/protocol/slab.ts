/*
 * Small arrays carved from shared slabs, for what the request path makes per request (request
 * PDUs copied out of the read buffer, register values of write requests, read replies). A
 * `new Uint8Array(n)` above V8's on-heap limit (64 bytes) is a separate off-heap allocation
 * (malloc, an ArrayBuffer, and work for the GC's array-buffer sweeper); a view on a slab is
 * one small object. A slice is handed out once and never reused, so it starts zeroed and stays
 * valid as long as anyone holds it, and a holder keeps its slab alive (the trade Node's Buffer
 * pool makes). `array.buffer` is therefore the slab, not the slice.
 */
const SLAB_BYTES = 16 * 1024;
/** Larger requests get an array of their own, so a slab is never mostly wasted. */
const MAX_SLICE_BYTES = SLAB_BYTES >>> 3;

let slab = new ArrayBuffer(SLAB_BYTES);
let slabUsed = 0;

/** Offset of `length` fresh bytes on the current slab (`alignment` 1 or 2), opening a new slab if needed. */
function reserve(length: number, alignment: number): number {
  let at = alignment === 2 ? slabUsed + (slabUsed & 1) : slabUsed;
  if (at + length > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    at = 0;
  }
  slabUsed = at + length;
  return at;
}

/** A zero-filled array of `length` bytes, usually a view on a shared slab. */
export function allocBytes(length: number): Uint8Array {
  if (length > MAX_SLICE_BYTES) return new Uint8Array(length);
  const at = reserve(length, 1); // first: it may replace `slab`
  return new Uint8Array(slab, at, length);
}

/** A zero-filled array of `count` 16-bit words (register values), usually a view on a shared slab. */
export function allocWords(count: number): Uint16Array {
  if (2 * count > MAX_SLICE_BYTES) return new Uint16Array(count);
  const at = reserve(2 * count, 2); // first: it may replace `slab`
  return new Uint16Array(slab, at, count);
}

/** A copy of `source[start, end)` from `allocBytes` (a loop: PDUs are short, a subarray is not free). */
export function copyBytes(source: Uint8Array, start: number, end: number): Uint8Array {
  const bytes = allocBytes(end - start);
  for (let i = start, o = 0; i < end; i++, o++) bytes[o] = source[i]!;
  return bytes;
}
