import type { Block } from '../profile/types.generated.js';
import { describeAddress, TABLE_WORDS } from './addressing.js';
import type { DeviceContext } from './context.js';
import { isBitTable, type BlockModel } from '../model/point-model.js';
import { accessOf, placeOf } from './points.js';

/** Checks one block and returns its model with its initial words or bits, or undefined. */
export function shapeBlock(node: Block, index: number, ctx: DeviceContext): BlockModel | undefined {
  const path = [...ctx.path, 'blocks', index];
  const { report } = ctx;
  const where = placeOf(node, path, 'holdingRegisters', 'block', ctx);
  if (!where) return undefined;
  const { table, address, sixDigit } = where;
  const length = node.length ?? node.values?.length;
  if (length === undefined || length === 0) {
    const why = node.fill !== undefined ? '`fill` needs `length`' : 'a block needs `length` or `values`';
    report.error('E_BLOCK_LENGTH', path, node, node.fill !== undefined ? 'fill' : undefined, why);
    return undefined;
  }
  if (address + length > 65536) {
    report.error('E_BLOCK_PAST_END', path, node, 'length', `${length} ${isBitTable(table) ? 'bits' : 'registers'} from ${describeAddress(ctx.addressing, table, address, 1, sixDigit)} run past the end of the table (${65536 - address} left)`);
    return undefined;
  }
  const bits = isBitTable(table);
  const bad = (v: number | boolean): boolean =>
    bits ? v !== true && v !== false && v !== 0 && v !== 1 : typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffff;
  const expected = bits ? 'true/false or 0/1 in a bit table' : 'raw words 0..65535';
  let ok = true;
  if (node.values && node.values.length > length) {
    report.error('E_BLOCK_VALUES', [...path, 'values'], node, 'values', `${node.values.length} values do not fit length ${length}`);
    ok = false;
  }
  node.values?.forEach((v, i) => {
    if (!bad(v)) return;
    report.error('E_BLOCK_VALUES', [...path, 'values', i], node.values!, i, `${String(v)} is not a value here: ${expected}`);
    ok = false;
  });
  if (node.fill !== undefined && bad(node.fill)) {
    report.error('E_BLOCK_VALUES', [...path, 'fill'], node, 'fill', `fill ${String(node.fill)} is not a value here: ${expected}`);
    ok = false;
  }
  if (!ok) return undefined;
  // `values` from the start, `fill` for the rest of `length`.
  const values = new Uint16Array(length).fill(Number(node.fill ?? 0));
  node.values?.forEach((v, i) => (values[i] = Number(v)));
  return { index, table, address, length, access: accessOf(node.access, table, ctx), values, sixDigit };
}

/** Blocks may not share addresses (points inside blocks are fine). */
export function checkBlockOverlaps(blocks: readonly BlockModel[], nodes: readonly Block[], ctx: DeviceContext): void {
  const sorted = [...blocks].sort((a, b) => a.table.localeCompare(b.table) || a.address - b.address || a.index - b.index);
  for (let i = 1; i < sorted.length; i++) {
    for (let j = i - 1; j >= 0; j--) {
      const a = sorted[j]!;
      const b = sorted[i]!;
      if (a.table !== b.table || a.address + a.length <= b.address) continue;
      const [first, later] = a.index < b.index ? [a, b] : [b, a];
      const where = (x: BlockModel): string => describeAddress(ctx.addressing, x.table, x.address, x.length, x.sixDigit);
      ctx.report.error('E_BLOCK_OVERLAP', [...ctx.path, 'blocks', later.index], nodes[later.index]!, 'address', `block (${where(later)}) overlaps blocks[${first.index}] (${where(first)}) in ${TABLE_WORDS[b.table]}`);
    }
  }
}
