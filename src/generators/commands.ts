import type { Table } from '../device/data-source.js';
import { CustomModbusError } from '../device/errors.js';
import { getBits, setBits } from '../model/values.js';
import type { EventSink } from '../model/events.js';
import type { MachineHandOver, MachineStatus } from '../model/live.js';
import type { FieldModel, PointModel } from '../model/point-model.js';
import type { CompiledExpression } from './compile-expression.js';
import type { PointWriter } from './fit.js';
import type { Evaluate, Frame } from './frame.js';
import type { Assignment, CommandPlan, MachinePlan, TransitionPlan, WriteRulePlan } from './plan.js';
import { BadRequestError, NotFoundError } from '../errors.js';

/** What the commands need of the unit's generators (engine.ts LiveUnit). */
export interface CommandHost {
  readonly unitName: string;
  /** Milliseconds since origin of the evaluation under way. */
  readonly now: number;
  readonly origin: number;
  /** Evaluations from here on happen at `at` (ms since origin), and see values afresh. */
  at(at: number): void;
  /** A frame for one expression of the commands (its random streams named after `stream`). */
  frame(expression: CompiledExpression, stream: string): Frame;
  /** The engineering value of a point now. */
  value(p: PointModel): number;
  writer(p: PointModel): PointWriter;
  log(message: string): void;
}

const truth = (x: number): boolean => x !== 0 && !Number.isNaN(x);

/** An expression bound to its frame: evaluated at the host's now. */
class Bound {
  private readonly evaluate: Evaluate;
  constructor(
    expression: CompiledExpression,
    private readonly frame: Frame,
    private readonly host: CommandHost,
  ) {
    this.evaluate = expression.evaluate;
  }

  run(): number {
    const f = this.frame;
    f.t = this.host.now / 1000;
    f.index = this.host.now; // random draws: one per millisecond of emulator time
    return this.evaluate(f);
  }
}

/** `point: expression`: computes and stores (a bit field's bits into its word). */
class Setter {
  private readonly bound: Bound;
  private readonly word: PointModel;
  private readonly field: FieldModel | undefined;
  private readonly writer: PointWriter;

  constructor(a: Assignment, host: CommandHost, stream: string) {
    this.bound = new Bound(a.expression, host.frame(a.expression, stream), host);
    this.field = 'word' in a.target ? a.target : undefined;
    this.word = 'word' in a.target ? a.target.word : a.target;
    this.writer = host.writer(this.word);
  }

  run(host: CommandHost): void {
    const v = this.bound.run();
    if (!this.field) {
      this.writer.put(v, host.value(this.word));
      return;
    }
    const { bit, width } = this.field;
    const max = 2 ** width - 1;
    const bits = v !== v ? getBits(host.value(this.word), bit, width) : Math.min(max, Math.max(0, Math.round(v)));
    this.writer.put(setBits(host.value(this.word), bit, width, bits), 0);
  }
}

/** Runs the sets in order; each sees the ones before it, through generated points too (host.at: values afresh). */
const runAll = (setters: readonly Setter[], host: CommandHost): void => {
  for (const s of setters) {
    s.run(host);
    host.at(host.now);
  }
};

class TransitionRun {
  readonly when: Bound | undefined;
  constructor(
    readonly plan: TransitionPlan,
    host: CommandHost,
    stream: string,
  ) {
    this.when = plan.when && new Bound(plan.when, host.frame(plan.when, stream), host);
  }

  leaves(state: number): boolean {
    return this.plan.from ? this.plan.from.has(state) : state !== this.plan.to;
  }

  holds(): boolean {
    return !this.when || truth(this.when.run());
  }
}

/**
 * One state machine of one unit: its state, when it entered it, its step, and the last sample of
 * each `when`-only condition (a transition fires on the rising edge, false then true).
 */
class MachineRun {
  state: number;
  /** Ms since origin at which it entered `state`. */
  enteredAt = 0;
  step = 0;
  /** When the first `after` transition out of the current state is due (ms since origin), else Infinity. */
  afterDue = Infinity;
  private readonly transitions: TransitionRun[];
  private readonly entry: Setter[][];
  private readonly exit: Setter[][];
  /** Per transition: its condition held at the last step (sampled ones only). */
  readonly last: Uint8Array;
  private readonly rising: Uint8Array;
  /** The states' names, for status(): made once, shared by every reply. */
  private readonly stateNames: readonly string[];

  constructor(
    readonly plan: MachinePlan,
    private readonly host: CommandHost,
    private readonly emit: EventSink,
  ) {
    const stream = `${host.unitName}/${plan.name}`;
    this.transitions = plan.transitions.map((t, i) => new TransitionRun(t, host, `${stream}/transition${i}`));
    this.entry = plan.states.map((s) => s.onEntry.map((a) => new Setter(a, host, `${stream}/${s.name}/onEntry/${a.target.name}`)));
    this.exit = plan.states.map((s) => s.onExit.map((a) => new Setter(a, host, `${stream}/${s.name}/onExit/${a.target.name}`)));
    this.last = new Uint8Array(plan.transitions.length);
    this.rising = new Uint8Array(plan.transitions.length);
    this.stateNames = Object.freeze(plan.states.map((s) => s.name));
    this.state = plan.initial;
    this.restart(0);
  }

  /** Back to the initial state at `at` (no actions: the points' declared values are that state's). */
  restart(at: number): void {
    this.state = this.plan.initial;
    this.enteredAt = at;
    this.step = Math.floor(at / this.plan.everyMs);
    this.last.fill(0);
    this.schedule();
  }

  /** When it next has something to do: a step that samples conditions, or an `after` that is up. */
  due(): number {
    const step = this.plan.sampled ? (this.step + 1) * this.plan.everyMs : Infinity;
    return step < this.afterDue ? step : this.afterDue;
  }

  /** Skips steps older than `maxSteps` before `until` (catching up after a long jump of the clock). */
  limit(until: number, maxSteps: number): void {
    const last = Math.floor(until / this.plan.everyMs);
    if (last - this.step > maxSteps) this.step = last - maxSteps;
  }

  /** Does what is due at `at` (the host's now): samples conditions on a step, then fires the first transition that applies. */
  tick(at: number): void {
    const sampling = this.plan.sampled && at === (this.step + 1) * this.plan.everyMs;
    this.rising.fill(0);
    if (sampling) {
      this.step++;
      for (let i = 0; i < this.transitions.length; i++) {
        const t = this.transitions[i]!;
        if (t.plan.write !== undefined || t.plan.afterMs !== undefined) continue;
        const now = t.holds() ? 1 : 0;
        this.rising[i] = now & (this.last[i]! ^ 1);
        this.last[i] = now;
      }
    }
    for (let i = 0; i < this.transitions.length; i++) {
      const t = this.transitions[i]!;
      if (t.plan.write !== undefined || !t.leaves(this.state)) continue;
      if (t.plan.afterMs !== undefined) {
        // Exactly at its time: an `after` whose condition does not hold then does not fire later.
        if (this.enteredAt + t.plan.afterMs === at && t.holds()) return this.enter(t.plan.to, 'after', t.plan.label);
      } else if (this.rising[i]) {
        return this.enter(t.plan.to, 'condition', t.plan.label);
      }
    }
    if (this.afterDue <= at) this.schedule(at);
  }

  /** A write to `p` was stored: the first write-triggered transition that applies fires. */
  written(p: PointModel): void {
    for (const t of this.transitions) {
      if (t.plan.write?.has(p) && t.leaves(this.state) && t.holds()) return this.enter(t.plan.to, 'write', t.plan.label);
    }
  }

  /** Leaves the state (its exit actions), enters `to` (its entry actions) at the host's now, and says so. */
  enter(to: number, cause: string, trigger: string): void {
    const from = this.state;
    const host = this.host;
    runAll(this.exit[from]!, host);
    this.state = to;
    this.enteredAt = host.now;
    this.schedule();
    host.at(host.now);
    runAll(this.entry[to]!, host);
    const states = this.plan.states;
    const message = `${host.unitName}: ${this.plan.name}: ${states[from]!.name} → ${states[to]!.name} (${cause === 'force' ? 'forced' : trigger})`;
    host.log(message);
    this.emit({
      time: host.origin + host.now,
      event: 'transition',
      unit: host.unitName,
      source: this.plan.name,
      message,
      data: { from: states[from]!.name, to: states[to]!.name, cause, ...(cause !== 'force' && { trigger }) },
    });
  }

  status(): MachineStatus {
    const s = this.plan.states[this.state]!;
    return { name: this.plan.name, state: s.name, value: s.value, since: this.host.origin + this.enteredAt, states: this.stateNames };
  }

  /** The state's value (`drive`), or whether it is in state `state` (`drive.fault`). */
  read(state: number): number {
    return state < 0 ? this.plan.states[this.state]!.value : this.state === state ? 1 : 0;
  }

  /** The first `after` out of the current state that is up later than `past` (ms since origin). */
  private schedule(past = this.enteredAt): void {
    let due = Infinity;
    for (const t of this.transitions) {
      const at = t.plan.afterMs === undefined ? Infinity : this.enteredAt + t.plan.afterMs;
      if (at > past && at < due && t.leaves(this.state)) due = at;
    }
    this.afterDue = due;
  }
}

interface Watched {
  readonly point: PointModel;
  readonly reactions: readonly { readonly when: Bound | undefined; readonly set: readonly Setter[] }[];
  /** Machines with a write-triggered transition on this point. */
  readonly machines: readonly MachineRun[];
}

/**
 * A unit's reactions, write rules and state machines (docs/commands.md) at run time. Everything
 * runs on the host's clock: write-triggered things at the write, machine steps from the host's
 * catch-up loop in time order with the stateful generators.
 */
export class Commands {
  readonly machines: MachineRun[];
  /** The write being obeyed: the written point's value after and before it. */
  value = 0;
  previous = 0;
  private readonly watched: Watched[];
  /** Per table, the watched point at each address (-1: none). */
  private readonly watchAt: Partial<Record<Table, Int32Array>> = {};
  private readonly before: Float64Array;
  private readonly rules: { readonly plan: WriteRulePlan; readonly allow: Bound }[];

  constructor(
    plan: CommandPlan,
    private readonly host: CommandHost,
    emit: EventSink,
  ) {
    const unit = host.unitName;
    this.machines = plan.machines.map((m) => new MachineRun(m, host, emit));
    const points = new Set<PointModel>(plan.reactions.keys());
    for (const m of plan.machines) for (const t of m.transitions) for (const p of t.write ?? []) points.add(p);
    this.watched = [...points].map((p) => ({
      point: p,
      reactions: (plan.reactions.get(p) ?? []).map((r, i) => ({
        when: r.when && new Bound(r.when, host.frame(r.when, `${unit}/${p.name}/reaction${i}`), host),
        set: r.set.map((a) => new Setter(a, host, `${unit}/${p.name}/reaction${i}/${a.target.name}`)),
      })),
      machines: this.machines.filter((m) => m.plan.transitions.some((t) => t.write?.has(p))),
    }));
    this.watched.forEach((w, i) => {
      const index = (this.watchAt[w.point.table] ??= new Int32Array(0x10000).fill(-1));
      index.fill(i, w.point.address, w.point.address + w.point.size);
    });
    this.before = new Float64Array(this.watched.length);
    this.rules = plan.rules.map((r, i) => ({ plan: r, allow: new Bound(r.allow, host.frame(r.allow, `${unit}/rule${i}`), host) }));
  }

  beforeObey(table: Table, address: number, quantity: number): void {
    const index = this.watchAt[table];
    if (!index) return;
    for (let a = address, end = address + quantity; a < end; a++) {
      const i = index[a]!;
      if (i >= 0) this.before[i] = this.host.value(this.watched[i]!.point);
    }
  }

  obey(table: Table, address: number, quantity: number, client: boolean): void {
    const host = this.host;
    host.at(host.now);
    if (client) this.check(table, address, quantity);
    const index = this.watchAt[table];
    if (!index) return;
    let last = -1;
    for (let a = address, end = address + quantity; a < end; a++) {
      const i = index[a]!;
      if (i < 0 || i === last) continue;
      last = i;
      const w = this.watched[i]!;
      this.previous = this.before[i]!;
      this.value = host.value(w.point);
      for (const r of w.reactions) {
        if (!r.when || truth(r.when.run())) {
          runAll(r.set, host);
        }
      }
      for (const m of w.machines) m.written(w.point);
    }
  }

  /** The write rules a write of [address, address + quantity) touches, in order: the first false one refuses it. */
  private check(table: Table, address: number, quantity: number): void {
    const end = address + quantity;
    for (const r of this.rules) {
      if (!r.plan.points.some((p) => p.table === table && p.address < end && address < p.address + p.size)) continue;
      if (truth(r.allow.run())) continue;
      const code = r.plan.exception;
      this.host.log(`${this.host.unitName}: write of ${quantity} at ${address} refused by write rule "${r.plan.name}" (exception 0x${code.toString(16).padStart(2, '0')})`);
      throw new CustomModbusError(code, `refused by write rule ${r.plan.name}`);
    }
  }

  reset(): void {
    for (const m of this.machines) m.restart(0);
  }

  takeOver(previous: Commands, now: number): MachineHandOver {
    const kept: string[] = [];
    const restarted: string[] = [];
    const before = new Map(previous.machines.map((m) => [m.plan.name, m]));
    for (const m of this.machines) {
      const old = before.get(m.plan.name);
      if (old && old.plan.signature === m.plan.signature) {
        m.state = old.state;
        m.enteredAt = old.enteredAt;
        m.step = old.step;
        m.last.set(old.last);
        m.afterDue = old.afterDue;
        kept.push(m.plan.name);
      } else {
        m.restart(now);
        if (old) restarted.push(m.plan.name);
      }
    }
    return { kept, restarted };
  }

  status(): MachineStatus[] {
    return this.machines.map((m) => m.status());
  }

  force(machine: string, state: string): MachineStatus {
    const m = this.machines.find((x) => x.plan.name === machine);
    if (!m) throw new NotFoundError(`${this.host.unitName} has no state machine ${machine}${this.machines.length ? ` (machines: ${this.machines.map((x) => x.plan.name).join(', ')})` : ''}`);
    const to = m.plan.states.findIndex((s) => s.name === state);
    if (to < 0) throw new BadRequestError(`${machine} has no state ${state} (states: ${m.plan.states.map((s) => s.name).join(', ')})`);
    m.enter(to, 'force', 'force');
    return m.status();
  }
}
