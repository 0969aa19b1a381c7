import type { UnitIds } from '../profile/types.generated.js';
import type { Path, Reporter } from './report.js';

/**
 * Expands a unit's `unitId` (a number, an "a-b" range, or a list of both) into unit ids, in
 * the order written. Bad ranges are reported (E_UNIT_RANGE) and skipped; duplicates are the
 * caller's business, since they matter across units.
 */
export function expandUnitIds(spec: UnitIds, owner: object, path: Path, report: Reporter): number[] {
  if (typeof spec === 'number') return [spec];
  const ids: number[] = [];
  const list = typeof spec === 'string' ? [spec] : spec;
  list.forEach((item, i) => {
    if (typeof item === 'number') {
      ids.push(item);
      return;
    }
    const [from, to] = item.split('-').map((s) => Number(s.trim())) as [number, number];
    if (from > to || to > 255) {
      const why = from > to ? `${from} is after ${to}` : 'unit ids are 0..255';
      const [at, key] = typeof spec === 'string' ? [path, undefined] : [[...path, i], i];
      report.error('E_UNIT_RANGE', at, typeof spec === 'string' ? owner : spec, key ?? 'unitId', `range "${item}" is empty or too large: ${why}`);
      return;
    }
    for (let id = from; id <= to; id++) ids.push(id);
  });
  return ids;
}

/** "1-3, 7" for messages and summaries. */
export function formatUnitIds(ids: readonly number[]): string {
  const sorted = [...ids].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(j === i ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(', ');
}
