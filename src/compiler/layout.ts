import type { Table } from '../device/data-source.js';
import { hasWriteRule, isBitTable, type BlockModel, type PointModel } from '../model/point-model.js';
import { COMMANDED, GENERATED, MAPPED, READ_ONLY, RULE, WRITE_ONLY, type TableLayout } from '../model/table-layout.js';
import type { Access } from '../model/types.js';

/** Marks, while building, an address a point (not a block) decided; beside the model's flags. */
const BY_POINT = 16;
const SIZE = 0x10000;
// Shared by tables with nothing mapped; never written.
const ZERO_RUN = new Uint16Array(SIZE);
const FULL_RUN = new Uint16Array(SIZE).fill(0xffff);
const NO_FLAGS = new Uint8Array(SIZE);
const NO_SLOTS = new Uint16Array(SIZE);
const NO_WORDS = new Uint16Array(0);
const NO_BITS = new Uint8Array(0);

const accessFlags = (a: Access): number => (a === 'readOnly' ? READ_ONLY : a === 'writeOnly' ? WRITE_ONLY : 0);
const clientWritable = (t: Table): boolean => t === 'coils' || t === 'holdingRegisters';

export interface TableInput {
  readonly table: Table;
  readonly zero: boolean;
  readonly ignoreReadOnly: boolean;
  readonly blocks: readonly BlockModel[];
  /** Points in the order their initial values are laid down (aliases last). */
  readonly points: readonly PointModel[];
  /** Initial words (or the bit) of each point; absent = leave what is there. */
  readonly initial: ReadonlyMap<PointModel, Uint16Array>;
  /** Points whose value a generator computes (refreshed on read, never written by a plain copy). */
  readonly generated: ReadonlySet<PointModel>;
  /** Points whose writes are obeyed (reactions, write-triggered transitions, write rules): never written by a plain copy. */
  readonly commanded?: ReadonlySet<PointModel>;
}

export function buildTable(input: TableInput): TableLayout {
  const { table, zero, ignoreReadOnly, blocks, points } = input;
  const writable = clientWritable(table);
  if (blocks.length === 0 && points.length === 0) {
    const write = writable && zero ? FULL_RUN : ZERO_RUN;
    const image = isBitTable(table) ? NO_BITS : NO_WORDS;
    return { zero, ignoreReadOnly, flags: NO_FLAGS, readRun: zero ? FULL_RUN : ZERO_RUN, plainRun: ZERO_RUN, viewRun: undefined, writeRun: write, directRun: ZERO_RUN, rules: undefined, ruleGroups: [], commanded: false, blocks: [], slots: NO_SLOTS, image };
  }
  const flags = new Uint8Array(SIZE);
  // Laid down densely while building (blocks, then points over them), kept for the mapped addresses only.
  const dense = isBitTable(table) ? new Uint8Array(SIZE) : new Uint16Array(SIZE);
  for (const b of blocks) {
    flags.fill(MAPPED | accessFlags(b.access), b.address, b.address + b.length);
    dense.set(b.values, b.address);
  }
  // A point overrides the block it lies in; where points overlap (aliases) the most restrictive access wins.
  const ruled = new Map<number, PointModel[]>();
  for (const p of points) {
    const own = accessFlags(p.access);
    const rule = writable && p.access !== 'readOnly' && hasWriteRule(p);
    const generated = input.generated.has(p) ? GENERATED : 0;
    const commanded = writable && input.commanded?.has(p) ? COMMANDED : 0;
    for (let a = p.address; a < p.address + p.size; a++) {
      flags[a] = (flags[a]! & BY_POINT ? flags[a]! : MAPPED | BY_POINT) | own | (rule ? RULE : 0) | generated | commanded;
      if (!rule) continue;
      const list = ruled.get(a);
      if (list) list.push(p);
      else ruled.set(a, [p]);
    }
    const words = input.initial.get(p);
    if (words) dense.set(words, p.address);
  }
  const slots = new Uint16Array(SIZE);
  let mapped = 0;
  for (let a = 0; a < SIZE; a++) if (flags[a]! & MAPPED) slots[a] = mapped++;
  const image = isBitTable(table) ? new Uint8Array(mapped) : new Uint16Array(mapped);
  for (let a = 0; a < SIZE; a++) if (flags[a]! & MAPPED) image[slots[a]!] = dense[a]!;
  const { rules, ruleGroups } = groupRules(ruled);
  const run = (ok: (f: number) => boolean): Uint16Array => {
    const r = new Uint16Array(SIZE);
    let n = 0;
    for (let a = SIZE - 1; a >= 0; a--) r[a] = n = ok(flags[a]!) ? Math.min(n + 1, 0xffff) : 0;
    return r;
  };
  const readOk = (f: number): boolean => (f & MAPPED) !== 0 || zero;
  const anyGenerated = points.some((p) => input.generated.has(p));
  return {
    zero,
    ignoreReadOnly,
    flags,
    readRun: run(readOk),
    plainRun: run((f) => (f & (MAPPED | WRITE_ONLY | GENERATED)) === MAPPED),
    viewRun: anyGenerated ? run((f) => (f & (MAPPED | WRITE_ONLY)) === MAPPED) : undefined,
    writeRun: writable ? run((f) => ((f & MAPPED) !== 0 ? (f & READ_ONLY) === 0 || ignoreReadOnly : zero)) : ZERO_RUN,
    directRun: writable ? run((f) => (f & (MAPPED | READ_ONLY | RULE | GENERATED | COMMANDED)) === MAPPED) : ZERO_RUN,
    rules,
    ruleGroups,
    commanded: writable && points.some((p) => input.commanded?.has(p)),
    blocks: blocks.map((b) => ({ address: b.address, length: b.length })),
    slots,
    image,
  };
}

/** Addresses covered by the same set of ruled points share one group. */
function groupRules(ruled: ReadonlyMap<number, PointModel[]>): Pick<TableLayout, 'rules' | 'ruleGroups'> {
  if (ruled.size === 0) return { rules: undefined, ruleGroups: [] };
  const rules = new Int32Array(SIZE).fill(-1);
  const ruleGroups: PointModel[][] = [];
  const index = new Map<string, number>();
  for (const [a, group] of ruled) {
    const key = group.map((p) => p.name).join('\0');
    let i = index.get(key);
    if (i === undefined) index.set(key, (i = ruleGroups.push(group) - 1));
    rules[a] = i;
  }
  return { rules, ruleGroups };
}
