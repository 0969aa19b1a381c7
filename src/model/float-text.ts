/**
 * The shortest decimal that is the same float32 as `x` (230.4 for the float32 nearest 230.4,
 * which as a double is 230.39999389648438): what a profile declared, and what a person reads.
 * For values shown or returned by the API, never on the request path (up to 9 toPrecision calls).
 * `x` that is not a float32 (NaN, infinities and -0 included) comes back unchanged.
 */
export function shortestFloat32(x: number): number {
  if (x === 0 || !Number.isFinite(x) || Math.fround(x) !== x) return x;
  // 9 significant digits always round-trip a float32 (IEEE 754 §5.12.2), so the loop ends with one.
  for (let digits = 1; digits < 9; digits++) {
    const candidate = Number(x.toPrecision(digits));
    if (Math.fround(candidate) === x) return candidate;
  }
  return Number(x.toPrecision(9));
}
