import type { Table } from '../device/data-source.js';
import { IllegalDataValue } from '../device/errors.js';
import { getBits } from '../model/values.js';
import type { Environment } from '../environment.js';
import { decode, scaleFactorOf } from '../model/codec.js';
import type { EventSink } from '../model/events.js';
import type { LiveFactory, LivePoints, MachineHandOver, MachineStatus } from '../model/live.js';
import type { PointModel } from '../model/point-model.js';
import type { DeviceStore } from '../model/store.js';
import { PointWriter } from './fit.js';
import { createFrame, type Evaluate, type Frame } from './frame.js';
import { Commands, type CommandHost } from './commands.js';
import type { CompiledExpression } from './compile-expression.js';
import type { GeneratedPoint, GeneratorPlan, Ref } from './plan.js';

/**
 * At most this many steps of one stateful generator are computed to catch up with the clock in
 * one evaluation (a read; a write makes one more): 2.8 hours at `every: 1`. Older steps are
 * skipped, the state held over them. It was 100,000, under which `every: 0.001` with
 * `--time-scale 1000000` made every request compute 100,000 steps (the server fell from 56,000 to
 * 20 requests/s). See docs/generators.md, Evaluation: "Catching up".
 */
export const POINT_STEP_BUDGET = 10_000;

/**
 * At most this many steps of all of a unit's stateful generators together are computed in one
 * evaluation (tens of milliseconds, once after a long idle time). Past it, generators skip their
 * oldest steps so that the steps kept are the latest ones, every generator's from the same
 * instant on (skipOldest). Both budgets count steps, not time, so a seed and a manual clock
 * replay a run exactly.
 */
export const REQUEST_STEP_BUDGET = 100_000;

/** One generated point of one unit id: its frame, state and bookkeeping. */
class Generator {
  readonly frame: Frame;
  readonly stateful: boolean;
  readonly writer: PointWriter;
  readonly evaluate: Evaluate;
  /** Engineering value now (not rounded to the register: `prev` and lags keep their precision). */
  value: number;
  /** Stateful: the step `value` belongs to. */
  step = 0;
  /** Stateless: the evaluation serial `value` belongs to. */
  serial = -1;
  busy = false;
  overridden = false;
  warned = false;
  /** Steps a settling generator may still take in the current catch-up (POINT_STEP_BUDGET). */
  budget = 0;
  /**
   * Its steps depend on its own state only: no `t`, no random draw, no generated point (static
   * inputs change only by writes, and every write lets the steps due before it happen first).
   * Once a step changes nothing, no later step can: catching up stops there, exactly.
   */
  readonly settles: boolean;
  private readonly before: Float64Array;

  constructor(
    readonly plan: GeneratedPoint,
    readonly initial: number,
    frame: Frame,
    writer: PointWriter,
    settles: boolean,
  ) {
    this.frame = frame;
    this.writer = writer;
    this.stateful = plan.expression.stateful;
    this.evaluate = plan.expression.evaluate;
    this.value = initial;
    this.initSlots();
    this.settles = settles;
    this.before = new Float64Array(frame.slots.length);
  }

  /** Remembers the state before a step. */
  mark(): void {
    this.before.set(this.frame.slots);
  }

  /** The last step left value and state as they were (`previous` is the value before it). */
  unchanged(previous: number): boolean {
    if (!Object.is(previous, this.value)) return false;
    const slots = this.frame.slots;
    for (let i = 0; i < slots.length; i++) if (!Object.is(slots[i], this.before[i])) return false;
    return true;
  }

  initSlots(): void {
    this.plan.expression.slots.forEach((s, i) => (this.frame.slots[i] = s === 'initial' ? this.initial : s));
  }
}

/** Builds the run-time generators of each unit id from a device definition's plan. */
export function liveFactory(plan: GeneratorPlan): LiveFactory {
  return (store, unitName, env, events) => new LiveUnit(plan, store, unitName, env, events);
}

type GeneratorIndex = Partial<Record<Table, Int32Array>>;
const indexes = new WeakMap<GeneratorPlan, GeneratorIndex>();

/**
 * Per table, the index of the generator (in plan.points order) at each address, -1 for none;
 * undefined for a table with nothing generated. Made once per plan and shared by every unit (and
 * instance) built from it: 256 KiB a table would otherwise be paid per unit.
 */
function generatorIndex(plan: GeneratorPlan, sameAsHolding: boolean): GeneratorIndex {
  const known = indexes.get(plan);
  if (known) return known;
  const at: GeneratorIndex = {};
  plan.points.forEach((g, i) => {
    const p = g.model;
    (at[p.table] ??= new Int32Array(0x10000).fill(-1)).fill(i, p.address, p.address + p.size);
  });
  // Points machine actions set are read through refresh too (their table's layout says so), so
  // a machine due before the read steps first: what a client reads never depends on when it reads.
  for (const m of plan.commands.machines) {
    for (const st of m.states) for (const a of [...st.onEntry, ...st.onExit]) at[('word' in a.target ? a.target.word : a.target).table] ??= new Int32Array(0x10000).fill(-1);
  }
  // inputRegisters: sameAsHolding reads the holding table's storage under the other name.
  if (at.holdingRegisters && sameAsHolding) at.inputRegisters = at.holdingRegisters;
  indexes.set(plan, at);
  return at;
}

/**
 * The generated points of one unit id. Time is the emulator clock read once per request
 * (refresh) and counted from `origin` (start, or the last reset). Stateless points are evaluated
 * at that time when read; stateful points advance on their steps, all of a unit's in time order,
 * so their values depend only on emulator time and on what was written when, never on reads.
 */
class LiveUnit implements LivePoints {
  private origin = 0;
  /** Milliseconds since origin of the evaluation under way. */
  private now = -1;
  private serial = 0;
  /** Something was written since the last evaluation began. */
  private dirty = true;
  private readonly gens: Generator[];
  private readonly stateful: Generator[];
  /** Per table, the generator index at each address (-1: none); undefined: nothing generated there. */
  private readonly at: GeneratorIndex;
  /** Reference k → reader. */
  private readonly readers: (() => number)[];
  /** Earliest time (ms since origin) at which a stateful generator or a machine takes its next step. */
  private nextDue = Infinity;
  /** Reactions, write rules and state machines (commands.ts). */
  private readonly commands: Commands;
  /** Something moves on the clock by itself: a stateful generator or a state machine. */
  private readonly clocked: boolean;

  constructor(
    plan: GeneratorPlan,
    private readonly store: DeviceStore,
    private readonly unitName: string,
    private readonly env: Environment,
    events: EventSink,
  ) {
    const point = (k: number): number => this.readers[k]!();
    const frame = (expression: CompiledExpression, stream: string, everyMs: number): Frame => createFrame(expression, stream, everyMs / 1000, env.random, point);
    const generatedNames = new Set(plan.points.map((g) => g.model.name));
    // A machine's entry actions change static points between writes: no generator may settle then.
    const machines = plan.commands.machines.length > 0;
    this.gens = plan.points.map((g) => {
      const sf = () => scaleFactorOf(g.model, store);
      // A reference is a point or a bit of one (`status.fault`): the point's name comes before the dot.
      const readsGenerated = [...g.expression.references].some((name) => generatedNames.has(name.split('.')[0]!));
      const settles = g.expression.stateful && !g.expression.timed && g.expression.streams === 0 && !readsGenerated && !machines;
      return new Generator(g, this.stored(g.model), frame(g.expression, `${unitName}/${g.model.name}`, g.everyMs), new PointWriter(g.model, store, sf), settles);
    });
    this.stateful = this.gens.filter((g) => g.stateful);
    this.at = generatorIndex(plan, store.array('inputRegisters') === store.array('holdingRegisters'));
    const byModel = new Map(this.gens.map((g) => [g.plan.model, g]));
    const unit = this;
    const host: CommandHost = {
      unitName,
      get now() {
        return unit.now;
      },
      get origin() {
        return unit.origin;
      },
      at(at) {
        unit.now = at;
        unit.serial++;
        unit.dirty = true;
      },
      frame: (expression, stream) => frame(expression, stream, 0),
      value: (p) => {
        const g = byModel.get(p);
        return g ? this.valueOf(g) : this.stored(p);
      },
      writer: (p) => new PointWriter(p, store, () => scaleFactorOf(p, store)),
      log: (message) => env.logger.log('debug', message),
    };
    this.commands = new Commands(plan.commands, host, events);
    this.clocked = this.stateful.length > 0 || this.commands.machines.length > 0;
    this.readers = plan.refs.map((ref) => this.reader(ref, byModel));
    this.schedule();
  }

  refresh(table: Table, address: number, quantity: number): void {
    const index = this.at[table];
    if (!index) return;
    this.begin();
    for (let a = address, end = address + quantity; a < end; a++) {
      const i = index[a]!;
      if (i < 0) continue;
      const g = this.gens[i]!;
      if (!g.stateful && !g.overridden && g.serial !== this.serial) this.evaluate(g);
    }
  }

  beforeWrite(): void {
    if (this.clocked) this.begin();
    // What is about to be written may be read by stateless points: evaluate them afresh.
    this.dirty = true;
  }

  checkClientWrite(table: Table, address: number, quantity: number): void {
    this.each(table, address, quantity, (g) => {
      if (g.plan.model.access !== 'readOnly' && g.plan.onWrite === 'refuse') throw new IllegalDataValue(`${g.plan.model.name} is generated (onWrite: refuse)`);
    });
  }

  written(table: Table, address: number, quantity: number, client: boolean): void {
    this.each(table, address, quantity, (g) => {
      if (client && g.plan.model.access === 'readOnly') return;
      g.overridden = true;
    });
    this.dirty = true;
  }

  beforeObey(table: Table, address: number, quantity: number): void {
    this.commands.beforeObey(table, address, quantity);
  }

  obey(table: Table, address: number, quantity: number, client: boolean): void {
    this.begin();
    this.commands.obey(table, address, quantity, client);
    this.schedule();
  }

  machines(): MachineStatus[] {
    this.begin();
    return this.commands.status();
  }

  force(machine: string, state: string): MachineStatus {
    this.begin();
    const status = this.commands.force(machine, state);
    this.schedule();
    return status;
  }

  overridden(table: Table, address: number): boolean | undefined {
    const i = this.at[table]?.[address] ?? -1;
    return i < 0 ? undefined : this.gens[i]!.overridden;
  }

  reset(): void {
    this.origin = this.env.clock.now();
    this.now = 0;
    this.commands.reset();
    for (const g of this.gens) {
      g.value = g.initial;
      g.step = 0;
      g.serial = -1;
      g.overridden = false;
      g.warned = false;
      g.initSlots();
    }
    this.dirty = true;
    this.schedule();
  }

  takeOver(previous: LivePoints): MachineHandOver {
    if (!(previous instanceof LiveUnit)) return { kept: [], restarted: [] };
    this.origin = previous.origin;
    const nowMs = this.env.clock.now() - this.origin;
    this.now = Math.floor(nowMs);
    const machines = this.commands.takeOver(previous.commands, this.now);
    const before = new Map(previous.gens.map((g) => [g.plan.model.name, g]));
    for (const g of this.gens) {
      const old = before.get(g.plan.model.name);
      if (old && sameGenerator(old.plan, g.plan)) {
        g.value = old.value;
        g.step = old.step;
        g.overridden = old.overridden;
        g.warned = old.warned;
        g.frame.slots.set(old.frame.slots);
      } else if (g.stateful) {
        // A new or changed generator starts from its initial value now, not at the device's start.
        g.step = Math.floor(nowMs / g.plan.everyMs);
        this.put(g, g.initial);
      }
    }
    this.serial++;
    this.schedule();
    return machines;
  }

  /**
   * Starts an evaluation at the clock's now, in whole milliseconds: stateful generators step up
   * to it first. Stateless values are kept while neither the millisecond nor anything written
   * changed (requests within one millisecond share them: a busy server evaluates each point
   * about once per millisecond, not once per request).
   */
  private begin(): void {
    const now = Math.floor(this.env.clock.now() - this.origin);
    if (now === this.now && !this.dirty) return;
    if (now >= this.nextDue) this.advance(now);
    this.now = now;
    this.dirty = false;
    this.serial++;
  }

  /**
   * Takes every step due by `until` (ms since origin), all generators in time order: at most
   * POINT_STEP_BUDGET of each (a generator further behind skips its oldest steps) and
   * REQUEST_STEP_BUDGET of all together (generators that do not settle skip their oldest steps to
   * fit: skipOldest). One that settles stops at its first step that changes nothing, exactly, or
   * holds after its budget; if the request's runs out first, every generator holds its state over
   * the steps left.
   */
  private advance(until: number): void {
    let pending = 0;
    for (const g of this.stateful) {
      const last = Math.floor(until / g.plan.everyMs);
      if (g.overridden) g.step = last;
      else if (g.settles) g.budget = POINT_STEP_BUDGET;
      else {
        if (last - g.step > POINT_STEP_BUDGET) g.step = last - POINT_STEP_BUDGET;
        pending += last - g.step;
      }
    }
    // A machine catches up at most a point's budget of steps, as a generator does.
    const machines = this.commands.machines;
    for (const m of machines) m.limit(until, POINT_STEP_BUDGET);
    if (pending > REQUEST_STEP_BUDGET) this.skipOldest(until);
    let steps = 0;
    for (;;) {
      let next: Generator | undefined;
      let due = Infinity;
      for (const g of this.stateful) {
        const at = (g.step + 1) * g.plan.everyMs;
        if (at < due && !g.overridden) {
          due = at;
          next = g;
        }
      }
      // Machines in time order with the generators; at the same instant after them, so a
      // machine's conditions see the values of that instant.
      if (machines.length > 0) {
        let machine: (typeof machines)[number] | undefined;
        let at = Infinity;
        for (const m of machines) {
          const d = m.due();
          if (d < at) {
            at = d;
            machine = m;
          }
        }
        if (machine && at < due && at <= until) {
          this.now = at;
          this.serial++;
          machine.tick(at);
          continue;
        }
      }
      if (!next || due > until) break;
      if (++steps > REQUEST_STEP_BUDGET) {
        for (const g of this.stateful) if (!g.overridden) g.step = Math.max(g.step, Math.floor(until / g.plan.everyMs));
        break;
      }
      if (!next.settles) {
        this.takeStep(next, next.step + 1, due);
        continue;
      }
      const previous = next.value;
      next.mark();
      this.takeStep(next, next.step + 1, due);
      if (next.unchanged(previous) || --next.budget <= 0) next.step = Math.floor(until / next.plan.everyMs);
    }
    this.schedule();
  }

  /**
   * Moves every non-settling generator past its oldest pending steps so that those left, from the
   * latest instant `from` on, number at most REQUEST_STEP_BUDGET together: a binary search over
   * whole milliseconds (the count only falls as `from` grows).
   */
  private skipOldest(until: number): void {
    const moving = this.stateful.filter((g) => !g.overridden && !g.settles);
    const left = (from: number): number => {
      let n = 0;
      for (const g of moving) n += Math.floor(until / g.plan.everyMs) - Math.max(g.step, Math.floor(from / g.plan.everyMs));
      return n;
    };
    let low = 0;
    let high = until;
    while (low < high) {
      const mid = Math.floor((low + high) / 2);
      if (left(mid) <= REQUEST_STEP_BUDGET) high = mid;
      else low = mid + 1;
    }
    for (const g of moving) g.step = Math.max(g.step, Math.floor(low / g.plan.everyMs));
  }

  private takeStep(g: Generator, step: number, at: number): void {
    const f = g.frame;
    this.now = at;
    this.serial++; // stateless points read during the step are evaluated at its time
    f.t = at / 1000;
    f.index = step;
    f.prev = g.value;
    g.busy = true;
    const v = g.plan.expression.evaluate(f);
    g.busy = false;
    g.step = step;
    this.put(g, v);
  }

  private evaluate(g: Generator): void {
    const f = g.frame;
    f.t = this.now / 1000;
    f.index = Math.floor(this.now / g.plan.everyMs);
    g.busy = true;
    const v = g.evaluate(f);
    g.busy = false;
    g.serial = this.serial;
    this.put(g, v);
  }

  private put(g: Generator, v: number): void {
    g.value = g.writer.put(v, g.value);
    const problem = g.writer.problem;
    if (problem !== undefined && !g.warned) {
      g.warned = true;
      this.env.logger.log('warn', `${this.unitName}: ${g.plan.model.name} = ${g.plan.source} at t = ${this.now / 1000} s: ${problem} (logged once per point)`);
    }
  }

  /** The engineering value of a point as stored (a static point, or an overridden generated one). */
  private stored(p: PointModel): number {
    const data = this.store.array(p.table);
    const at = this.store.slot(p.table, p.address);
    if (p.kind === 'bit') return data[at]!;
    return Number(decode(p, data, at, scaleFactorOf(p, this.store)));
  }

  private reader(ref: Ref, byModel: ReadonlyMap<PointModel, Generator>): () => number {
    if ('machine' in ref) {
      const m = this.commands.machines[ref.machine]!;
      const state = ref.state;
      return () => m.read(state);
    }
    if ('written' in ref) return ref.written === 'value' ? () => this.commands.value : () => this.commands.previous;
    if ('param' in ref) {
      // Checked numeric when the fleet was expanded (runtime/fleet-params.ts); a string here is a bug, read as NaN.
      const given = this.env.params?.[ref.param];
      const value = given === undefined ? ref.default : Number(given);
      return () => value;
    }
    const word = 'word' in ref ? ref.word : ref;
    const g = byModel.get(word);
    const value = g ? () => this.valueOf(g) : () => this.stored(word);
    if (!('word' in ref)) return value;
    const { bit, width } = ref;
    return () => getBits(value(), bit, width);
  }

  /** What a reference to a generated point reads at the evaluation's time. */
  private valueOf(g: Generator): number {
    if (g.overridden) return this.stored(g.plan.model);
    // A stateful point's value is its last step's; a stateless one is evaluated once per serial.
    if (!g.stateful && !g.busy && g.serial !== this.serial) this.evaluate(g);
    return g.value;
  }

  private each(table: Table, address: number, quantity: number, fn: (g: Generator) => void): void {
    const index = this.at[table];
    if (!index) return;
    let last = -1;
    for (let a = address, end = address + quantity; a < end; a++) {
      const i = index[a]!;
      if (i >= 0 && i !== last) fn(this.gens[(last = i)]!);
    }
  }

  private schedule(): void {
    let due = Infinity;
    for (const g of this.stateful) if (!g.overridden) due = Math.min(due, (g.step + 1) * g.plan.everyMs);
    for (const m of this.commands.machines) due = Math.min(due, m.due());
    this.nextDue = due;
  }
}

function sameGenerator(a: GeneratedPoint, b: GeneratedPoint): boolean {
  const p = a.model;
  const q = b.model;
  return a.source === b.source && a.everyMs === b.everyMs && a.onWrite === b.onWrite && p.type === q.type && p.table === q.table && p.address === q.address;
}
