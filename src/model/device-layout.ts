import type { Table } from '../device/data-source.js';
import type { LiveFactory } from './live.js';
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
}
