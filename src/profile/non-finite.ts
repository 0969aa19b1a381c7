/**
 * NaN and the infinities as a profile writes them. JSON (and so the schema, which takes numbers
 * as JSON numbers) has no such numbers: the loader turns YAML's `.nan`, `.inf` and `-.inf` (and
 * the API's NaN and ±Infinity) into these texts, which float points accept as values.
 */
const NON_FINITE: Readonly<Record<string, number>> = { '.nan': Number.NaN, '.inf': Infinity, '-.inf': -Infinity };

/** `.nan`, `.inf` or `-.inf` for a number that is not finite; the number itself otherwise. */
export function jsonNumber(value: number): number | string {
  if (Number.isFinite(value)) return value;
  return Number.isNaN(value) ? '.nan' : value > 0 ? '.inf' : '-.inf';
}

/** The number a `.nan`, `.inf` or `-.inf` text stands for; undefined for any other text. */
export function nonFiniteNumber(text: string): number | undefined {
  return Object.hasOwn(NON_FINITE, text) ? NON_FINITE[text] : undefined;
}
