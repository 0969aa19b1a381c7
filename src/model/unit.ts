import type { DeviceIdentity } from '../device/identity.js';
import { getBits, readRaw, setBits } from './values.js';
import { decode, encode, engineering, scaleFactorOf } from './codec.js';
import { shortestFloat32 } from './float-text.js';
import type { DeviceLayout } from './device-layout.js';
import type { Environment } from '../environment.js';
import type { EventSink } from './events.js';
import type { LivePoints, MachineStatus } from './live.js';
import { isBitTable, type PointModel } from './point-model.js';
import { fillTemplate } from './params.js';
import { DeviceStore } from './store.js';
import { tableOf, type TableName } from './table-names.js';
import type { CompiledUnit, PointValue } from './types.js';
import { BadRequestError, NotFoundError } from '../errors.js';

/** What the state hand-over needs of a unit, kept out of the public CompiledUnit. */
export interface UnitInternals {
  readonly layout: DeviceLayout;
  readonly store: DeviceStore;
  /** The unit's generated points, when its device has any. */
  readonly live: LivePoints | undefined;
  /** Lays down the unit's own initial words over the layout's image (parameters in strings); after every reset too. */
  readonly initialise: (() => void) | undefined;
}
const internals = new WeakMap<CompiledUnit, UnitInternals>();

/** The layout and storage behind a unit made by createUnit. */
export function unitInternals(unit: CompiledUnit): UnitInternals {
  const found = internals.get(unit);
  if (!found) throw new Error(`${unit.name} was not made by createUnit`);
  return found;
}

/** One unit id's device: its own storage over a shared layout, and the by-name API of types.ts. */
export function createUnit(name: string, unitIds: readonly number[], layout: DeviceLayout, identity: DeviceIdentity, env: Environment, events: EventSink = () => {}): CompiledUnit {
  const store = new DeviceStore(layout);
  const initialise = instanceStrings(layout, store, env, name);
  initialise?.();
  // Events carry the unit's first id, so the journal can be filtered by unit id.
  const unitId = unitIds[0];
  const live = layout.live?.(store, name, env, unitId === undefined ? events : (e) => events({ ...e, unitId }));
  if (live) store.attach(live);
  const scratch = new Uint16Array(125);

  const find = (point: string) => {
    const e = layout.byName.get(point);
    if (!e) throw new NotFoundError(`${name} has no point named ${point}`);
    return e;
  };
  const wordOf = (p: PointModel): number => decode(p, store.array(p.table), store.slot(p.table, p.address), 0) as number;
  const put = (p: PointModel, value: unknown): void => {
    const problem = encode(p, value, scaleFactorOf(p, store), scratch, 0);
    if (problem) throw new BadRequestError(`${p.name}: ${problem.message}`);
    store.array(p.table).set(scratch.subarray(0, p.size), store.slot(p.table, p.address));
  };
  const checkRange = (table: TableName, address: number, quantity: number): void => {
    if (!Number.isInteger(address) || address < 0 || address > 0xffff) throw new BadRequestError(`${table}: address ${String(address)} is not an integer 0..65535`);
    if (!Number.isInteger(quantity) || quantity < 0) throw new BadRequestError(`${table}: quantity ${String(quantity)} is not a whole number`);
    if (address + quantity > 0x10000) throw new BadRequestError(`${table}: ${quantity} from address ${address} run past address 65535`);
  };

  const unit: CompiledUnit = {
    name,
    unitIds,
    identity,
    dataSource: store,
    points: layout.info,
    pointCounts: layout.pointCounts,
    read(point: string): PointValue {
      const e = find(point);
      const word = 'word' in e ? e.word : e;
      live?.refresh(word.table, word.address, word.size);
      if ('word' in e) {
        const v = getBits(wordOf(e.word), e.bit, e.width);
        return e.width === 1 ? v === 1 : v;
      }
      const data = store.array(e.table);
      const at = store.slot(e.table, e.address);
      if (e.kind === 'bit') return data[at] !== 0;
      // A float32 reads as the decimal it was declared as (230.4), not its double expansion.
      if (e.numeric === 'float32' && e.kind === 'number') return engineering(e, shortestFloat32(readRaw('float32', e.order, data, at) as number), scaleFactorOf(e, store));
      return decode(e, data, at, scaleFactorOf(e, store));
    },
    // A write from code to a generated point overrides its expression until reset().
    write(point: string, value: PointValue): void {
      const e = find(point);
      const word = 'word' in e ? e.word : e;
      live?.beforeWrite();
      live?.beforeObey(word.table, word.address, word.size);
      if ('word' in e) {
        const v = typeof value === 'boolean' && e.width === 1 ? Number(value) : value;
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 2 ** e.width - 1) {
          throw new BadRequestError(`${point}: ${String(value)} does not fit ${e.width === 1 ? 'a bit' : `${e.width} bits`}`);
        }
        put(e.word, setBits(wordOf(e.word), e.bit, e.width, v));
      } else if (e.kind === 'bit') {
        if (value !== true && value !== false && value !== 0 && value !== 1) throw new BadRequestError(`${point}: ${String(value)} is not a boolean`);
        store.array(e.table)[store.slot(e.table, e.address)] = value ? 1 : 0;
      } else {
        put(e, value);
      }
      live?.obey(word.table, word.address, word.size, false);
      live?.written(word.table, word.address, word.size, false);
      store.changed();
    },
    readTable(name: TableName, address: number, quantity: number): number[] {
      const table = tableOf(name);
      checkRange(name, address, quantity);
      live?.refresh(table, address, quantity);
      return store.rawRead(table, address, quantity);
    },
    writeTable(name: TableName, address: number, values: readonly (number | boolean)[]): void {
      const table = tableOf(name);
      if (!Array.isArray(values)) throw new BadRequestError(`${name}: values must be an array of raw ${isBitTable(table) ? 'bits' : 'registers'}`);
      checkRange(name, address, values.length);
      const bits = isBitTable(table);
      const max = bits ? 1 : 0xffff;
      for (const v of values) {
        if (typeof v === 'boolean' ? !bits : !Number.isInteger(v) || v < 0 || v > max) throw new BadRequestError(`${name}: ${String(v)} is not a raw ${bits ? 'bit' : 'register'} value`);
      }
      live?.beforeWrite();
      live?.beforeObey(table, address, values.length);
      store.rawWrite(table, address, values.map(Number));
      live?.obey(table, address, values.length, false);
      live?.written(table, address, values.length, false);
      store.changed();
    },
    machines(): MachineStatus[] {
      return live?.machines() ?? [];
    },
    forceState(machine: string, state: string): MachineStatus {
      if (!live) throw new NotFoundError(`${name} has no state machine ${machine}`);
      return live.force(machine, state);
    },
  };
  internals.set(unit, { layout, store, live, initialise });
  return unit;
}

/**
 * The words of the string points whose initial value uses parameters, filled in with this
 * device's values (Environment.params), as a function that lays them down; undefined when the
 * layout has none or the device has no values of its own. A text that does not fit its point
 * keeps the default's words and is logged: a fleet's mistake, found at start-up.
 */
function instanceStrings(layout: DeviceLayout, store: DeviceStore, env: Environment, unitName: string): (() => void) | undefined {
  const strings = layout.paramStrings;
  if (!strings || env.params === undefined) return undefined;
  const words: { point: PointModel; words: Uint16Array }[] = [];
  for (const { point, template } of strings.points) {
    const text = fillTemplate(template, env.params, strings.defaults);
    const out = new Uint16Array(point.size);
    const problem = encode(point, text, 0, out, 0);
    if (problem) env.logger.log('warn', `${unitName}: ${point.name} = "${text}" from its parameters: ${problem.message}; it starts at the profile's default`);
    else words.push({ point, words: out });
  }
  return () => {
    for (const w of words) store.array(w.point.table).set(w.words, store.slot(w.point.table, w.point.address));
  };
}
