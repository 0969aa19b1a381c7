import type { Table } from '../device/data-source.js';
import type { DeviceLayout } from '../model/device-layout.js';

const NOUNS: readonly (readonly [Table, string, string])[] = [
  ['holdingRegisters', 'holding register', 'holding registers'],
  ['inputRegisters', 'input register', 'input registers'],
  ['coils', 'coil', 'coils'],
  ['discreteInputs', 'discrete input', 'discrete inputs'],
];

const count = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/**
 * What a device serves, for the start-up summary: the addresses mapped per table (by points or
 * blocks, counted once where a point lies in a block) and what maps them, e.g.
 * `12 holding registers (3 points, 2 blocks), 2 coils (2 points)`. Tables with nothing mapped are
 * left out. Counted once per device definition at compile time.
 */
export function describeTables(layout: DeviceLayout): string {
  const parts: string[] = [];
  for (const [table, one, many] of NOUNS) {
    if (table === 'inputRegisters' && layout.sameAsHolding) {
      parts.push('input registers = holding registers (FC 4 reads them)');
      continue;
    }
    // A word (or bit) of the image per mapped address (table-layout.ts).
    const mapped = layout.tables[table].image.length;
    if (mapped === 0) continue;
    const points = layout.pointCounts[table];
    const blocks = layout.blockCounts[table];
    const by = [points && count(points, 'point', 'points'), blocks && count(blocks, 'block', 'blocks')].filter(Boolean).join(', ');
    parts.push(`${count(mapped, one, many)} (${by})`);
  }
  return parts.length > 0 ? parts.join(', ') : 'no address mapped';
}
