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
  /** What expressions read, by reference number (Frame.point(k)): points and bits of bit fields. */
  readonly refs: readonly (PointModel | FieldModel)[];
}
