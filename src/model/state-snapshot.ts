import type { Table } from '../device/data-source.js';
import type { DeviceLayout } from './device-layout.js';
import { TABLES, type PointModel } from './point-model.js';
import { TABLE_OF, type ProfileTableName } from './table-names.js';
import type { CompiledProfile, CompiledUnit } from './types.js';
import { unitInternals } from './unit.js';

/**
 * What a state file holds (docs/state-and-access.md): the values written to a device, by clients
 * or the API, as raw words, so that a restart serves them again. Plain JSON, version 1:
 *
 *   { "format": "modbus-emu-state", "version": 1, "device": "pump", "savedAt": "...",
 *     "units": { "pump": { "points": { "speedSetpoint": { "table": "holding", "address": 8502,
 *       "type": "int16", "byteOrder": "ABCD", "scale": 0.1, "initial": [0], "words": [500] } },
 *       "blocks": [{ "table": "holding", "address": 100, "words": [1, 2] }] } } }
 *
 * A point is kept when its words differ from its declaration's, or (a generated point) when a
 * write overrode its generator ("overridden": true). Generators, fault counters and time are not
 * kept: they start afresh. Raw-block words outside points are kept as runs. Addresses are 0-based.
 */
export const STATE_FORMAT = 'modbus-emu-state';
export const STATE_VERSION = 1;

export interface StateDocument {
  readonly format: typeof STATE_FORMAT;
  readonly version: typeof STATE_VERSION;
  /** The device's name, for people reading the file. */
  readonly device: string;
  /** When it was written (ISO time), for people reading the file. */
  readonly savedAt?: string;
  /** By unit name: a profile without `units:` has one unit named after the device. */
  readonly units: Readonly<Record<string, UnitState>>;
}

export interface UnitState {
  readonly points: Readonly<Record<string, PointState>>;
  readonly blocks: readonly BlockState[];
}

/** A point's declaration (what must still match for its words to mean the same) and its words. */
export interface PointState extends PointDeclaration {
  readonly words: readonly number[];
  /** A generated point a write overrode: it keeps the words, and its generator stays stopped. */
  readonly overridden?: true;
}

export interface PointDeclaration {
  readonly table: ProfileTableName;
  readonly address: number;
  readonly type: string;
  readonly byteOrder: string;
  readonly scale?: number;
  readonly offset?: number;
  /** The SunSpec scale-factor point it is scaled by. */
  readonly scaleFactor?: string;
  /** The raw words the profile declares (its `value`): a changed declaration wins over the file. */
  readonly initial: readonly number[];
}

export interface BlockState {
  readonly table: ProfileTableName;
  readonly address: number;
  readonly words: readonly number[];
}

const PROFILE_NAME = Object.fromEntries(Object.entries(TABLE_OF).map(([name, table]) => [table, name])) as Record<Table, ProfileTableName>;

/** The written state of `device`: called off the request path (the saver's timer), never per request. */
export function snapshotState(device: CompiledProfile): Omit<StateDocument, 'savedAt'> {
  const units: Record<string, UnitState> = {};
  for (const unit of device.units) {
    const state = snapshotUnit(unit);
    if (Object.keys(state.points).length > 0 || state.blocks.length > 0) units[unit.name] = state;
  }
  return { format: STATE_FORMAT, version: STATE_VERSION, device: device.name, units };
}

function snapshotUnit(unit: CompiledUnit): UnitState {
  const { layout, store, live } = unitInternals(unit);
  const points: Record<string, PointState> = {};
  for (const p of layout.byName.values()) {
    if ('word' in p) continue; // a bit field travels with its word
    const data = store.array(p.table);
    const at = store.slot(p.table, p.address);
    const overridden = live?.overridden(p.table, p.address);
    if (overridden === false) continue; // its generator decides its words
    // Most points still hold their declaration: compared in place, nothing allocated for them.
    if (overridden === undefined && untouched(data, layout.tables[p.table].image, at, p.size)) continue;
    points[p.name] = { ...declarationOf(p, layout), words: Array.from(data.subarray(at, at + p.size)), ...(overridden && { overridden: true as const }) };
  }
  const blocks: BlockState[] = [];
  for (const table of blockTables(layout)) {
    const { image, slots } = layout.tables[table];
    const data = store.array(table);
    const pointed = pointCoverage(layout, table);
    for (const b of layout.tables[table].blocks) {
      let run: number[] | undefined;
      for (let a = b.address; a <= b.address + b.length; a++) {
        const changed = a < b.address + b.length && !pointed[a] && data[slots[a]!] !== image[slots[a]!];
        if (changed) (run ??= []).push(data[slots[a]!]!);
        else if (run) {
          blocks.push({ table: PROFILE_NAME[table], address: a - run.length, words: run });
          run = undefined;
        }
      }
    }
  }
  return { points, blocks };
}

/** One value of the file that was not applied, and why (a sentence naming it). */
export type Skipped = string;

/**
 * Writes the state `doc` into `device` (before it serves its first request): every point whose
 * declaration still matches gets its words, every block word still inside a raw block and outside
 * points gets its value. What no longer matches is skipped, never misapplied, and listed.
 * `doc` is checked for shape by the caller (runtime/state-file.ts); values are checked here.
 */
export function restoreState(device: CompiledProfile, doc: StateDocument): { restored: number; skipped: Skipped[] } {
  const skipped: Skipped[] = [];
  let restored = 0;
  const several = device.units.length > 1;
  for (const [unitName, state] of Object.entries(doc.units)) {
    const unit = device.units.find((u) => u.name === unitName);
    if (!unit) {
      skipped.push(`unit ${unitName} (${Object.keys(state.points).length} point(s), ${state.blocks.length} block run(s)): no unit of that name in the profile`);
      continue;
    }
    const { layout, store, live } = unitInternals(unit);
    const named = (name: string): string => (several ? `${unitName}/${name}` : name);
    for (const [name, saved] of Object.entries(state.points)) {
      const p = layout.byName.get(name);
      if (!p || 'word' in p) {
        skipped.push(`${named(name)}: no longer in the profile`);
        continue;
      }
      const problem = mismatch(saved, p, layout, live?.overridden(p.table, p.address) !== undefined);
      if (problem) {
        skipped.push(`${named(name)}: ${problem}`);
        continue;
      }
      store.array(p.table).set(saved.words, store.slot(p.table, p.address));
      // A generated point the file says was overridden stays overridden (its generator stopped).
      live?.written(p.table, p.address, p.size, false);
      restored++;
    }
    for (const run of state.blocks) {
      const lost = restoreRun(layout, store.array.bind(store), run);
      const range = run.words.length === 1 ? `${run.table} ${run.address}` : `${run.table} ${run.address}..${run.address + run.words.length - 1}`;
      if (lost > 0) skipped.push(`${named(range)}: ${lost} raw word(s) no longer in a block, or now under a point`);
      restored += run.words.length - lost;
    }
  }
  return { restored, skipped };
}

/** Why `saved` no longer fits point `p`, or undefined when its words may be applied. */
function mismatch(saved: PointState, p: PointModel, layout: DeviceLayout, generated: boolean): string | undefined {
  const now = declarationOf(p, layout);
  const where = (d: PointDeclaration): string => `${d.type} at ${d.table} ${d.address}`;
  if (saved.type !== now.type || saved.table !== now.table || saved.address !== now.address) return `saved as ${where(saved)}, now ${where(now)}`;
  if (saved.byteOrder !== now.byteOrder || saved.scale !== now.scale || saved.offset !== now.offset || saved.scaleFactor !== now.scaleFactor) {
    return 'its encoding (byte order, scale, offset or scale factor) changed';
  }
  if (!sameWords(saved.initial, now.initial)) return 'its declared value changed: the profile\'s value is served';
  if (generated && !saved.overridden) return 'it is generated now';
  if (saved.words.length !== p.size || !saved.words.every((w) => Number.isInteger(w) && w >= 0 && w <= (p.kind === 'bit' ? 1 : 0xffff))) {
    return `its words are not ${p.size} raw ${p.kind === 'bit' ? 'bit(s) 0 or 1' : 'register value(s) 0..65535'}`;
  }
  return undefined;
}

/** Applies a block run where a block still covers it, outside points; returns the words not applied. */
function restoreRun(layout: DeviceLayout, storage: (table: Table) => Uint16Array | Uint8Array, run: BlockState): number {
  const table = TABLE_OF[run.table];
  if (!table || !blockTables(layout).includes(table)) return run.words.length;
  const t = layout.tables[table];
  const pointed = pointCoverage(layout, table);
  const max = table === 'coils' || table === 'discreteInputs' ? 1 : 0xffff;
  let lost = 0;
  const data = storage(table);
  run.words.forEach((w, i) => {
    const a = run.address + i;
    const inBlock = t.blocks.some((b) => a >= b.address && a < b.address + b.length);
    if (!inBlock || pointed[a] || !Number.isInteger(w) || w < 0 || w > max) lost++;
    else data[t.slots[a]!] = w;
  });
  return lost;
}

export function declarationOf(p: PointModel, layout: DeviceLayout): PointDeclaration {
  const { image, slots } = layout.tables[p.table];
  const at = slots[p.address]!;
  return {
    table: PROFILE_NAME[p.table],
    address: p.address,
    type: p.type,
    byteOrder: p.order,
    ...(p.scaling && { scale: p.scaling.scale, offset: p.scaling.offset }),
    ...(p.scaleFactor && { scaleFactor: p.scaleFactor.name }),
    initial: Array.from(image.subarray(at, at + p.size)),
  };
}

/** Tables with raw blocks of their own (`inputRegisters: sameAsHolding` shares the holding table's). */
function blockTables(layout: DeviceLayout): Table[] {
  return TABLES.filter((t) => layout.tables[t].blocks.length > 0 && !(t === 'inputRegisters' && layout.sameAsHolding));
}

const coverage = new WeakMap<DeviceLayout, Partial<Record<Table, Uint8Array>>>();

/** Addresses of `table` covered by a point (computed once per layout). */
function pointCoverage(layout: DeviceLayout, table: Table): Uint8Array {
  const byTable = coverage.get(layout) ?? {};
  coverage.set(layout, byTable);
  let covered = byTable[table];
  if (!covered) {
    covered = new Uint8Array(0x10000);
    for (const p of layout.byName.values()) if (!('word' in p) && p.table === table) covered.fill(1, p.address, p.address + p.size);
    byTable[table] = covered;
  }
  return covered;
}

function untouched(data: ArrayLike<number>, image: ArrayLike<number>, address: number, size: number): boolean {
  for (let a = address; a < address + size; a++) if (data[a] !== image[a]) return false;
  return true;
}

function sameWords(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((w, i) => w === b[i]);
}
