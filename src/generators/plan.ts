import type { FieldModel, PointModel } from '../model/point-model.js';
import type { CompiledExpression } from './compile-expression.js';

export type OnWrite = 'refuse' | 'override';

/** A point whose value a generator computes, as compiled once per device definition. */
export interface GeneratedPoint {
  readonly model: PointModel;
  /** The expression's text: a reload keeps the state of a generator whose text, step and point are unchanged. */
  readonly source: string;
  readonly expression: CompiledExpression;
  /** Milliseconds per step (`every`, default 1 s). */
  readonly everyMs: number;
  readonly onWrite: OnWrite;
}

/** The generators of one device definition: shared by every unit id built from it. */
export interface GeneratorPlan {
  readonly points: readonly GeneratedPoint[];
  /** What expressions read, by reference number (Frame.point(k)): points, bits of bit fields, machine states, the write. */
  readonly refs: readonly Ref[];
  /** Reactions, write rules and state machines (docs/commands.md). */
  readonly commands: CommandPlan;
}

/** A machine's state as expressions read it: `drive` (state -1: the state's value) or `drive.fault` (1 while in it). */
export interface MachineRef {
  readonly machine: number;
  readonly state: number;
}

/** `value` and `previous` in a reaction or a write-triggered transition: the written point's value after and before the write. */
export interface WrittenRef {
  readonly written: 'value' | 'previous';
}

/**
 * `params.<name>`: a profile parameter, read from the device's environment (a fleet instance's own
 * value) when the unit is built, else the profile's default. Never compiled into the plan, so one
 * plan serves instances whose parameters differ.
 */
export interface ParamRef {
  readonly param: string;
  readonly default: number;
}

/** What `Frame.point(k)` reads: a point, a bit field, a machine's state, the write being obeyed, or a parameter. */
export type Ref = PointModel | FieldModel | MachineRef | WrittenRef | ParamRef;

/** `point: expression` of an action: a point (or a bit field's bits) set to the expression's value. */
export interface Assignment {
  readonly target: PointModel | FieldModel;
  readonly expression: CompiledExpression;
}

export interface StatePlan {
  readonly name: string;
  readonly value: number;
  readonly onEntry: readonly Assignment[];
  readonly onExit: readonly Assignment[];
}

export interface TransitionPlan {
  /** States it leaves, by index; undefined: any state but `to`. */
  readonly from: ReadonlySet<number> | undefined;
  readonly to: number;
  /** Fires at a write to one of these points (undefined: not write-triggered). */
  readonly write: ReadonlySet<PointModel> | undefined;
  readonly when: CompiledExpression | undefined;
  /** Milliseconds in the state (undefined: no time). */
  readonly afterMs: number | undefined;
  /** How logs and event records name it: `write command when value == 1`, `after 0.08 s`, `when current > 100`. */
  readonly label: string;
}

export interface MachinePlan {
  readonly name: string;
  readonly states: readonly StatePlan[];
  readonly initial: number;
  /** Milliseconds per step (the sampling of `when`-only transitions). */
  readonly everyMs: number;
  readonly transitions: readonly TransitionPlan[];
  /** Whether any transition is sampled on steps (a `when` without `write` or `after`). */
  readonly sampled: boolean;
  /** The declaration as written: a reload keeps the state of a machine whose signature is unchanged. */
  readonly signature: string;
}

export interface ReactionPlan {
  readonly when: CompiledExpression | undefined;
  readonly set: readonly Assignment[];
}

export interface WriteRulePlan {
  readonly name: string;
  /** Writes touching these points are checked. */
  readonly points: readonly PointModel[];
  readonly allow: CompiledExpression;
  readonly exception: number;
}

/** What a device does with commands: compiled once per device definition, like its generators. */
export interface CommandPlan {
  readonly machines: readonly MachinePlan[];
  /** Reactions by the point written, in declared order. */
  readonly reactions: ReadonlyMap<PointModel, readonly ReactionPlan[]>;
  readonly rules: readonly WriteRulePlan[];
}
