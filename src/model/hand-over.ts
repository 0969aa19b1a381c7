import type { Table } from '../device/data-source.js';
import type { DeviceLayout } from './device-layout.js';
import type { PointModel } from './point-model.js';
import { TABLES } from './point-model.js';
import type { CompiledProfile, CompiledUnit, HandOver } from './types.js';
import { unitInternals, type UnitInternals } from './unit.js';

/**
 * State that survives a recompile (live reload): the new device takes over what clients (or the
 * API) wrote to the one it replaces, wherever the declaration did not change.
 * - A point keeps its current raw words when its name, table, address, type, size and encoding
 *   (word order, scale and offset, scale-factor point) are unchanged and its declared initial
 *   words are the same; otherwise the new declaration wins. A renamed point is a new point.
 * - Raw blocks keep their words at addresses that a block covers in both versions with the same
 *   initial word and that no point of either version covers.
 * - A state machine keeps its state, time in it and step when its definition (states, transitions,
 *   actions, `every`) is unchanged; otherwise it restarts in its initial state.
 * - A fault rule keeps its counters (every Nth, first/after N, probability draws, activations)
 *   when its name, match and trigger are unchanged, whatever its actions.
 * Units are matched by unit id; the device answering unknown unit ids matches its predecessor.
 */
export function takeOverState(to: CompiledProfile, from: CompiledProfile): HandOver {
  const resetPoints: string[] = [];
  let keptPoints = 0;
  let keptBlockWords = 0;
  const keptMachines: string[] = [];
  const restartedMachines: string[] = [];
  for (const unit of to.units) {
    const previous = predecessor(from, unit);
    const next = unitInternals(unit);
    if (!previous) {
      for (const [name, p] of next.layout.byName) if (!('word' in p)) resetPoints.push(qualified(to, unit, name));
      continue;
    }
    const old = unitInternals(previous);
    for (const [name, p] of next.layout.byName) {
      if ('word' in p) continue; // a bit field travels with its word
      const before = old.layout.byName.get(name);
      if (!before || 'word' in before || !sameDeclaration(before, old.layout, p, next.layout)) {
        resetPoints.push(qualified(to, unit, name));
        continue;
      }
      const from = old.store.slot(p.table, p.address);
      next.store.array(p.table).set(old.store.array(p.table).subarray(from, from + p.size), next.store.slot(p.table, p.address));
      keptPoints++;
    }
    keptBlockWords += handOverBlocks(old, next);
    // Generators whose expression, step and point are unchanged continue where they were; so do
    // state machines whose definition is unchanged (the others restart, and the reload says so).
    if (next.live && old.live) {
      const machines = next.live.takeOver(old.live);
      keptMachines.push(...machines.kept.map((m) => qualified(to, unit, m)));
      restartedMachines.push(...machines.restarted.map((m) => qualified(to, unit, m)));
    }
  }
  // Fault rules are matched by name: a rule whose name, match and trigger are unchanged keeps its counters.
  const keptFaultRules = to.faults.takeOver(from.faults);
  // FC 8 counters and listen-only modes go on for the unit ids both versions serve.
  const listenOnly = to.diagnostics.takeOver(from.diagnostics, (id) => to.unit(id) !== undefined && from.unit(id) !== undefined);
  return { keptPoints, resetPoints, keptBlockWords, keptFaultRules, keptMachines, restartedMachines, listenOnly };
}

/**
 * Every unit back to its initial storage, generator and machine state, every fault rule's counters
 * and FC 8 counter cleared, and listen-only mode ended (CompiledProfile.reset).
 */
export function resetProfile(device: CompiledProfile): void {
  for (const unit of device.units) {
    const { store, live, initialise } = unitInternals(unit);
    store.reset();
    initialise?.();
    live?.reset();
  }
  device.faults.reset();
  device.diagnostics.reset();
}

function predecessor(from: CompiledProfile, unit: CompiledUnit): CompiledUnit | undefined {
  if (unit.unitIds.length === 0) return from.units.find((u) => u.unitIds.length === 0);
  const id = unit.unitIds[0]!;
  return from.units.find((u) => u.unitIds.includes(id));
}

const qualified = (device: CompiledProfile, unit: CompiledUnit, name: string): string => (device.units.length > 1 ? `${unit.name}/${name}` : name);

function sameDeclaration(a: PointModel, aLayout: DeviceLayout, b: PointModel, bLayout: DeviceLayout): boolean {
  if (a.table !== b.table || a.address !== b.address || a.size !== b.size || a.type !== b.type || a.kind !== b.kind) return false;
  if (a.numeric !== b.numeric || a.order !== b.order) return false;
  if (a.scaling?.scale !== b.scaling?.scale || a.scaling?.offset !== b.scaling?.offset) return false;
  if (a.scaleFactor?.name !== b.scaleFactor?.name) return false;
  const aTable = aLayout.tables[a.table];
  const bTable = bLayout.tables[b.table];
  const aAt = aTable.slots[a.address]!;
  const bAt = bTable.slots[b.address]!;
  for (let i = 0; i < a.size; i++) if (aTable.image[aAt + i] !== bTable.image[bAt + i]) return false;
  return true;
}

function handOverBlocks(old: UnitInternals, next: UnitInternals): number {
  let kept = 0;
  for (const table of TABLES) {
    const before = old.layout.tables[table];
    const after = next.layout.tables[table];
    if (after.blocks.length === 0 || before.blocks.length === 0) continue;
    // inputRegisters with `sameAsHolding` is the holding table itself: handed over once.
    if (table === 'inputRegisters' && next.layout.sameAsHolding) continue;
    const pointed = pointCoverage(table, old.layout, next.layout);
    const inOld = new Uint8Array(0x10000);
    for (const b of before.blocks) inOld.fill(1, b.address, b.address + b.length);
    const source = old.store.array(table);
    const target = next.store.array(table);
    for (const b of after.blocks) {
      for (let a = b.address; a < b.address + b.length; a++) {
        if (!inOld[a] || pointed[a] || before.image[before.slots[a]!] !== after.image[after.slots[a]!]) continue;
        target[after.slots[a]!] = source[before.slots[a]!]!;
        kept++;
      }
    }
  }
  return kept;
}

/** Addresses of `table` covered by a point in either layout. */
function pointCoverage(table: Table, ...layouts: DeviceLayout[]): Uint8Array {
  const covered = new Uint8Array(0x10000);
  for (const layout of layouts) {
    for (const p of layout.byName.values()) if (!('word' in p) && p.table === table) covered.fill(1, p.address, p.address + p.size);
  }
  return covered;
}
