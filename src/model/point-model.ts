import type { Table } from '../device/data-source.js';
import type { ByteOrder, NumericType, RawValue, Scaling } from './values.js';
import type { Access } from './types.js';

/**
 * What the compiler knows of a point once its configuration is checked: everything the request
 * path and the API need, nothing of the YAML. Internal to the compiler.
 */
export type PointKind = 'bit' | 'boolRegister' | 'number' | 'string' | 'bitfield';

export interface PointModel {
  readonly name: string;
  /** The profile's type name (int16, bitfield32, bool, ...). */
  readonly type: string;
  readonly kind: PointKind;
  readonly table: Table;
  readonly address: number;
  /** Registers, or 1 bit in coil/discrete tables. */
  readonly size: number;
  readonly access: Access;
  /** Register encoding of numbers and bit-field words ('uint16' for bools and strings, unused). */
  readonly numeric: NumericType;
  readonly order: ByteOrder;
  /** Only when not the identity (engineering = raw × scale + offset). */
  readonly scaling: Scaling | undefined;
  /** The int16 point holding the SunSpec exponent; set once every point is known. */
  scaleFactor: PointModel | undefined;
  /** Allowed engineering range of client writes (float32 bounds rounded to float32). */
  readonly min: number | undefined;
  readonly max: number | undefined;
  /** Raw values by `enum` label. */
  readonly labels: ReadonlyMap<string, RawValue> | undefined;
  /** With `enumStrict`: the only raw values (as readRaw gives them) a write may leave. */
  readonly enumValues: ReadonlySet<RawValue> | undefined;
  readonly fields: readonly FieldModel[];
  readonly unit: string | undefined;
  readonly description: string | undefined;
  /** The profile wrote 6-digit Modicon numbers: messages print them the same way. */
  readonly sixDigit: boolean;
}

/** A named bit or bit range of a bit-field point, addressed as `<point>.<name>`. */
export interface FieldModel {
  readonly name: string;
  readonly word: PointModel;
  readonly bit: number;
  readonly width: number;
  readonly description: string | undefined;
}

export interface BlockModel {
  readonly index: number;
  readonly table: Table;
  readonly address: number;
  readonly length: number;
  readonly access: Access;
  /** Initial raw words or bits, `length` long. */
  readonly values: Uint16Array;
  readonly sixDigit: boolean;
}

/** True when client writes to the point are checked (min/max, a strict enum, or 0/1 for a bool in a register). */
export function hasWriteRule(p: PointModel): boolean {
  return p.kind === 'boolRegister' || (p.kind === 'number' && (p.min !== undefined || p.max !== undefined || p.enumValues !== undefined));
}

export function isBitTable(table: Table): boolean {
  return table === 'coils' || table === 'discreteInputs';
}

export const TABLES: readonly Table[] = ['coils', 'discreteInputs', 'holdingRegisters', 'inputRegisters'];
