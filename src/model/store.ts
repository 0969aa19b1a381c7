import type { DataSource, Table } from '../device/data-source.js';
import { IllegalDataAddress, IllegalDataValue } from '../device/errors.js';
import { ExceptionCode } from '../protocol/constants.js';
import { readRaw } from './values.js';
import { engineering, inRange } from './codec.js';
import type { DeviceLayout } from './device-layout.js';
import { MAPPED, READ_ONLY, WRITE_ONLY, type Storage, type TableLayout } from './table-layout.js';
import type { LivePoints } from './live.js';
import type { PointModel } from './point-model.js';

/**
 * One unit id's storage and the DataSource over it. Storage holds the mapped addresses only, at
 * their slots (table-layout.ts): its size is what the profile maps, not 65,536 per table. Every
 * check is a lookup in the layout's precomputed runs; reads return views into storage unless an
 * address must read as zero (write-only, or unmapped with `unmapped: zero`). Client writes follow
 * the write rules documented in compile.ts.
 */
export class DeviceStore implements DataSource, Storage {
  private readonly arrays: Record<Table, Uint16Array | Uint8Array>;
  private readonly tables: DeviceLayout['tables'];
  // Shared by every store: a reply is encoded before the next request is read (handler.ts), so
  // no two requests use them at once, and an instance does not pay 6 KiB for its own.
  private readonly scratchWords = SCRATCH_WORDS;
  private readonly scratchBits = SCRATCH_BITS;
  private readonly pointWords = new Uint16Array(4);
  private readonly sfWord = new Uint16Array(1);
  /** The words (or bits) a write over commanded points replaced: put back when a write rule refuses it. */
  private readonly undo = UNDO;
  /** The unit's generated points, when it has any (attached once by createUnit). */
  private live: LivePoints | undefined;
  /**
   * Non-zero: the exception code every client write answers, before anything changes (read-only
   * mode, model/switches.ts). Code writes (the API) are not client writes and go through.
   */
  writeRefusal = 0;
  /**
   * Words code wrote (writeTable) at addresses the profile does not map, which have no slot: kept
   * aside, made on the first such write. Clients read them only with `unmapped: zero`, as before.
   */
  private loose: Partial<Record<Table, Map<number, number>>> | undefined;
  /** Told after every write that changed storage, client or code (the state file marks itself dirty). */
  onWrite: (() => void) | undefined = undefined;

  constructor(layout: DeviceLayout) {
    this.tables = layout.tables;
    const init = (t: Table): Uint16Array | Uint8Array => layout.tables[t].image.slice();
    const holding = init('holdingRegisters');
    this.arrays = {
      coils: init('coils'),
      discreteInputs: init('discreteInputs'),
      holdingRegisters: holding,
      inputRegisters: layout.sameAsHolding ? holding : init('inputRegisters'),
    };
  }

  attach(live: LivePoints): void {
    this.live = live;
  }

  /** Every table back to its initial image (reset). */
  reset(): void {
    for (const table of ['coils', 'discreteInputs', 'holdingRegisters', 'inputRegisters'] as const) this.arrays[table].set(this.tables[table].image);
    this.loose = undefined;
  }

  /** Raw words (or bits) from `address`, mapped or not (the by-name API's readTable): unmapped ones read as code last wrote them, else 0. */
  rawRead(table: Table, address: number, quantity: number): number[] {
    const { flags, slots } = this.tables[table];
    const data = this.arrays[table];
    const loose = this.loose?.[this.storageTable(table)];
    return Array.from({ length: quantity }, (_, i) => (flags[address + i]! & MAPPED ? data[slots[address + i]!]! : (loose?.get(address + i) ?? 0)));
  }

  /** Raw words (or bits) from `address`, mapped or not, no access rules (writeTable); the caller checked the values. */
  rawWrite(table: Table, address: number, values: readonly number[]): void {
    const { flags, slots } = this.tables[table];
    const data = this.arrays[table];
    for (let i = 0; i < values.length; i++) {
      const a = address + i;
      if (flags[a]! & MAPPED) data[slots[a]!] = values[i]!;
      else ((this.loose ??= {})[this.storageTable(table)] ??= new Map()).set(a, values[i]!);
    }
  }

  /** The table whose storage `table` is (inputRegisters: sameAsHolding is the holding table). */
  private storageTable(table: Table): Table {
    return table === 'inputRegisters' && this.tables.inputRegisters === this.tables.holdingRegisters ? 'holdingRegisters' : table;
  }

  /** Storage of a table, by slot. */
  array(table: Table): Uint16Array | Uint8Array {
    return this.arrays[table];
  }

  slot(table: Table, address: number): number {
    return this.tables[table].slots[address]!;
  }

  /** The handler asks before every client read or write (FC 22 and 23 both ranges first), so a refusal here changes nothing. */
  checkRange(_unitId: number, table: Table, address: number, quantity: number, access: 'read' | 'write'): number {
    const t = this.tables[table];
    if (access === 'read') return t.readRun[address]! >= quantity ? 0 : ExceptionCode.IllegalDataAddress;
    if (this.writeRefusal !== 0) return this.writeRefusal;
    return t.writeRun[address]! >= quantity ? 0 : ExceptionCode.IllegalDataAddress;
  }

  /** Code wrote storage (the by-name API, a restored state file). */
  changed(): void {
    this.onWrite?.();
  }

  readCoils(_unitId: number, address: number, quantity: number): Uint8Array {
    return this.read('coils', this.tables.coils, this.arrays.coils, this.scratchBits, address, quantity);
  }
  readDiscreteInputs(_unitId: number, address: number, quantity: number): Uint8Array {
    return this.read('discreteInputs', this.tables.discreteInputs, this.arrays.discreteInputs, this.scratchBits, address, quantity);
  }
  readHoldingRegisters(_unitId: number, address: number, quantity: number): Uint16Array {
    return this.read('holdingRegisters', this.tables.holdingRegisters, this.arrays.holdingRegisters, this.scratchWords, address, quantity);
  }
  readInputRegisters(_unitId: number, address: number, quantity: number): Uint16Array {
    return this.read('inputRegisters', this.tables.inputRegisters, this.arrays.inputRegisters, this.scratchWords, address, quantity);
  }

  private read<T extends Uint16Array | Uint8Array>(table: Table, t: TableLayout, data: Uint16Array | Uint8Array, scratch: T, address: number, quantity: number): T {
    // Mapped runs are slot runs: one view, as dense storage gave.
    if (t.plainRun[address]! >= quantity) {
      const s = t.slots[address]!;
      return data.subarray(s, s + quantity) as T;
    }
    // Generated words are brought to now first (one clock read for the whole request).
    if (t.viewRun !== undefined) {
      this.live!.refresh(table, address, quantity);
      if (t.viewRun[address]! >= quantity) {
        const s = t.slots[address]!;
        return data.subarray(s, s + quantity) as T;
      }
    }
    // Write-only addresses read as zeros, unmapped ones (`unmapped: zero`) as zeros or what code wrote there: copied into the reusable scratch.
    const out = scratch.subarray(0, quantity) as T;
    const loose = this.loose?.[this.storageTable(table)];
    for (let i = 0; i < quantity; i++) {
      const a = address + i;
      const f = t.flags[a]!;
      out[i] = f & MAPPED ? (f & WRITE_ONLY ? 0 : data[t.slots[a]!]!) : (loose?.get(a) ?? 0);
    }
    return out;
  }

  writeCoils(_unitId: number, address: number, values: Uint8Array): void {
    this.write('coils', this.tables.coils, this.arrays.coils, address, values);
  }

  writeHoldingRegisters(_unitId: number, address: number, values: Uint16Array): void {
    this.write('holdingRegisters', this.tables.holdingRegisters, this.arrays.holdingRegisters, address, values);
  }

  /** All or nothing: refusals are found before the first word is stored. */
  private write(table: Table, t: TableLayout, data: Uint16Array | Uint8Array, address: number, values: Uint16Array | Uint8Array): void {
    const n = values.length;
    // Stateful generators step up to now before any input of theirs changes.
    this.live?.beforeWrite();
    if (t.directRun[address]! >= n) {
      data.set(values, t.slots[address]!);
      this.onWrite?.();
      return;
    }
    if (t.writeRun[address]! < n) throw new IllegalDataAddress(); // the handler's checkRange normally said so
    if (t.rules) this.checkRules(t, data as Uint16Array, address, values as Uint16Array);
    if (t.viewRun !== undefined) this.live!.checkClientWrite(table, address, n);
    // Commanded points (reactions, transitions, write rules): the rules see the values after the
    // whole request, so the words are stored first and put back if a rule refuses.
    const obey = t.commanded;
    const { flags, slots } = t;
    if (obey) {
      for (let i = 0; i < n; i++) if (flags[address + i]! & MAPPED) this.undo[i] = data[slots[address + i]!]!;
      this.live!.beforeObey(table, address, n);
    }
    for (let i = 0; i < n; i++) {
      // Unmapped (`unmapped: zero`) and ignored read-only addresses swallow the write.
      if ((flags[address + i]! & (MAPPED | READ_ONLY)) === MAPPED) data[slots[address + i]!] = values[i]!;
    }
    if (obey) {
      try {
        this.live!.obey(table, address, n, true);
      } catch (error) {
        for (let i = 0; i < n; i++) if (flags[address + i]! & MAPPED) data[slots[address + i]!] = this.undo[i]!;
        throw error;
      }
    }
    if (t.viewRun !== undefined) this.live!.written(table, address, n, true);
    this.onWrite?.();
  }

  /** Each ruled point touched is checked once, on its complete value after the write (03 if refused). */
  private checkRules(t: TableLayout, data: Uint16Array, address: number, values: Uint16Array): void {
    const end = address + values.length;
    for (let a = address; a < end; a++) {
      const g = t.rules![a]!;
      if (g < 0) continue;
      for (const p of t.ruleGroups[g]!) {
        if (a !== address && a !== p.address) continue;
        if (!this.allows(t, p, data, address, values)) throw new IllegalDataValue(`${p.name}: value refused by its rule`);
      }
    }
  }

  private allows(t: TableLayout, p: PointModel, data: Uint16Array, address: number, values: Uint16Array): boolean {
    const words = this.pointWords;
    for (let i = 0; i < p.size; i++) words[i] = after(t, data, address, values, p.address + i);
    if (p.kind === 'boolRegister') return words[0]! <= 1;
    let sf = 0;
    const f = p.scaleFactor;
    if (f) {
      this.sfWord[0] = f.table === 'holdingRegisters' ? after(t, data, address, values, f.address) : this.arrays[f.table][this.tables[f.table].slots[f.address]!]!;
      sf = readRaw('int16', f.order, this.sfWord, 0) as number;
    }
    const raw = readRaw(p.numeric, p.order, words, 0);
    if (p.enumValues && !p.enumValues.has(raw)) return false;
    return inRange(p, engineering(p, raw, sf));
  }
}

/** The word at `a` once the write of `values` at `address` is applied. */
function after(t: TableLayout, data: Uint16Array, address: number, values: Uint16Array, a: number): number {
  const i = a - address;
  return i >= 0 && i < values.length && (t.flags[a]! & (MAPPED | READ_ONLY)) === MAPPED ? values[i]! : data[t.slots[a]!]!;
}

const SCRATCH_WORDS = new Uint16Array(125);
const SCRATCH_BITS = new Uint8Array(2000);
const UNDO = new Uint16Array(2000);
