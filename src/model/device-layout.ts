import type { Table } from '../device/data-source.js';
import type { LiveFactory } from './live.js';
import type { ParamValues } from './params.js';
import type { FieldModel, PointModel } from './point-model.js';
import type { TableLayout } from './table-layout.js';
import type { PointInfo } from './types.js';

/**
 * A compiled device definition: what every unit id built from it shares. Storage is not here:
 * each unit id gets its own (DeviceStore), initialised from the tables' images.
 */
export interface DeviceLayout {
  /** With `inputRegisters: sameAsHolding`, inputRegisters is the holdingRegisters layout itself. */
  readonly tables: Readonly<Record<Table, TableLayout>>;
  readonly sameAsHolding: boolean;
  readonly byName: ReadonlyMap<string, PointModel | FieldModel>;
  readonly info: ReadonlyMap<string, PointInfo>;
  readonly pointCounts: Readonly<Record<Table, number>>;
  readonly blockCounts: Readonly<Record<Table, number>>;
  /** Builds the generators of one unit id; undefined when nothing is generated. */
  readonly live: LiveFactory | undefined;
  /**
   * String points whose `value` uses the profile's parameters (model/params.ts), with the
   * parameters' defaults: each unit fills them in with its device's own values. Absent when none does.
   */
  readonly paramStrings?: { readonly points: readonly ParamString[]; readonly defaults: ParamValues };
}

/** A string point's initial value as written: `SN-{serial}`. */
export interface ParamString {
  readonly point: PointModel;
  readonly template: string;
}
