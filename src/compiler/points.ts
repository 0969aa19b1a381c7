import type { Table } from '../device/data-source.js';
import { fitsRaw, wordCount, type ByteOrder, type NumericType, type RawValue } from '../model/values.js';
import type { BitfieldPoint, NumberPoint, Point } from '../profile/types.generated.js';
import { describeAddress, resolveAddress, TABLE_OF } from './addressing.js';
import { enumValues } from '../model/enum-values.js';
import type { DeviceContext } from './context.js';
import { isBitTable, type FieldModel, type PointModel } from '../model/point-model.js';
import type { Access } from '../model/types.js';

/**
 * Checks one point's own configuration (address, table, size, bits, scaling, range, enum) and
 * returns its model, or undefined when it cannot be placed. References to other points (aliasOf,
 * scaleFactor), overlaps and initial values are checked later, once every point is known.
 */
export function shapePoint(name: string, node: Point, ctx: DeviceContext): PointModel | undefined {
  const path = [...ctx.path, 'points', name];
  const { report } = ctx;
  const where = placeOf(node, path, node.type === 'bool' ? 'coils' : 'holdingRegisters', 'point', ctx);
  if (!where) return undefined;
  const { table, address, sixDigit } = where;
  if (isBitTable(table) && node.type !== 'bool') {
    report.error('E_TABLE_TYPE', path, node, 'type', `${node.type} cannot live in ${table === 'coils' ? 'coils' : 'discrete inputs'}: only bool points are single bits`);
    return undefined;
  }
  const size = sizeOf(node);
  if (address + size > 65536) {
    const unit = isBitTable(table) ? 'bits' : 'registers';
    report.error('E_POINT_PAST_END', path, node, 'address', `${node.type} needs ${size} ${unit}; ${describeAddress(ctx.addressing, table, address, 1, sixDigit)} leaves ${65536 - address}`);
    return undefined;
  }
  const numeric: NumericType = node.type === 'bitfield32' ? 'uint32' : isNumber(node) ? node.type : 'uint16';
  const num = isNumber(node) ? node : undefined;
  const labels = num?.enum ? labelsOf(num, numeric, path, ctx) : undefined;
  const model: PointModel = {
    name,
    type: node.type,
    kind: node.type === 'bool' ? (isBitTable(table) ? 'bit' : 'boolRegister') : num ? 'number' : node.type === 'string' ? 'string' : 'bitfield',
    table,
    address,
    size,
    access: accessOf(node.access, table, ctx),
    numeric,
    // An inherited byteOrder applies to values of more than one register and to strings; a
    // one-register value is byte-swapped only by its own BADC/DCBA (Home Assistant `swap: byte`).
    order: size === 1 && node.type !== 'string' ? ownOrder(node) ?? 'ABCD' : ownOrder(node) ?? ctx.byteOrder,
    scaling: num && ((num.scale ?? 1) !== 1 || (num.offset ?? 0) !== 0) ? { scale: num.scale ?? 1, offset: num.offset ?? 0 } : undefined,
    scaleFactor: undefined,
    // Bounds of a float32 point compare with float32 values: fround(0.1) must pass `max: 0.1`.
    min: num?.min !== undefined && numeric === 'float32' ? Math.fround(num.min) : num?.min,
    max: num?.max !== undefined && numeric === 'float32' ? Math.fround(num.max) : num?.max,
    labels,
    enumValues: num?.enumStrict && labels ? enumValues(labels, numeric) : undefined,
    fields: [],
    unit: node.unit,
    description: node.description,
    sixDigit,
  };
  if (num) checkNumber(num, path, ctx);
  if (node.type === 'bitfield16' || node.type === 'bitfield32') (model.fields as FieldModel[]).push(...fieldsOf(node, model, path, ctx));
  return model;
}

const isNumber = (node: Point): node is NumberPoint => node.type !== 'bool' && node.type !== 'string' && !node.type.startsWith('bitfield');

function sizeOf(node: Point): number {
  if (node.type === 'bool') return 1;
  if (node.type === 'string') return node.registers;
  if (node.type === 'bitfield16') return 1;
  if (node.type === 'bitfield32') return 2;
  return wordCount(node.type);
}

/**
 * A point's or block's access: its own, else the device's default, else the table's. The device
 * default stops at discrete inputs and input registers: clients cannot write them, and a device
 * saying `writeOnly` (or `readWrite`) would otherwise make whole read-only tables read as zeros
 * (or list them as writable).
 */
export function accessOf(own: Access | undefined, table: Table, ctx: DeviceContext): Access {
  if (own) return own;
  return table === 'coils' || table === 'holdingRegisters' ? (ctx.access ?? 'readWrite') : 'readOnly';
}

function checkNumber(node: NumberPoint, path: readonly (string | number)[], { report }: DeviceContext): void {
  if (node.scaleFactor !== undefined && (node.scale !== undefined || node.offset !== undefined)) {
    report.error('E_SCALE_CONFLICT', [...path, 'scaleFactor'], node, 'scaleFactor', 'scaleFactor excludes scale and offset: engineering = raw × 10^sf');
  }
  if (node.enumStrict && !node.enum) {
    report.error('E_ENUM_STRICT', [...path, 'enumStrict'], node, 'enumStrict', 'enumStrict needs an enum: it restricts writes to the enum\'s values');
  }
  if (node.min !== undefined && node.max !== undefined && node.min > node.max) {
    report.error('E_RANGE_EMPTY', [...path, 'min'], node, 'min', `min ${node.min} is above max ${node.max}: no value could be written`);
  }
}

function labelsOf(node: NumberPoint, type: NumericType, path: readonly (string | number)[], { report }: DeviceContext): Map<string, RawValue> {
  const labels = new Map<string, RawValue>();
  for (const [key, label] of Object.entries(node.enum ?? {})) {
    const raw = type === 'int64' || type === 'uint64' ? BigInt(key) : Number(key);
    if (!fitsRaw(type, raw)) report.error('E_VALUE_TYPE', [...path, 'enum', key], node.enum!, key, `enum value ${key} does not fit ${type}`);
    else labels.set(label, raw);
  }
  return labels;
}

function fieldsOf(node: BitfieldPoint, word: PointModel, path: readonly (string | number)[], { report }: DeviceContext): FieldModel[] {
  const bitsInWord = word.size * 16;
  const owner: (string | undefined)[] = [];
  const fields: FieldModel[] = [];
  for (const [name, spec] of Object.entries(node.bits)) {
    const bit = typeof spec === 'number' ? spec : spec.bit;
    const width = typeof spec === 'number' ? 1 : (spec.width ?? 1);
    const at = [...path, 'bits', name];
    const span = width === 1 ? `bit ${bit}` : `bits ${bit}-${bit + width - 1}`;
    if (bit + width > bitsInWord) {
      report.error('E_BIT_RANGE', at, node.bits, name, `${span} is beyond bit ${bitsInWord - 1} of a ${node.type}`);
      continue;
    }
    const taken = owner.slice(bit, bit + width).find((o) => o !== undefined);
    if (taken !== undefined) {
      report.error('E_BIT_OVERLAP', at, node.bits, name, `${span} overlaps bits.${taken}`);
      continue;
    }
    for (let b = bit; b < bit + width; b++) owner[b] = name;
    fields.push({ name: `${word.name}.${name}`, word, bit, width, description: typeof spec === 'number' ? undefined : spec.description });
  }
  return fields;
}

function ownOrder(node: object): ByteOrder | undefined {
  return 'byteOrder' in node ? (node.byteOrder as ByteOrder | undefined) : undefined;
}

/**
 * Where a point or block lives: its address resolved in the device's addressing, or undefined
 * after reporting why not (a bad address, or input registers aliased to holding).
 */
export function placeOf(
  node: { readonly address: number; readonly table?: keyof typeof TABLE_OF },
  path: readonly (string | number)[],
  fallback: Table,
  noun: 'point' | 'block',
  ctx: DeviceContext,
): Placed | undefined {
  const where = resolveAddress(ctx.addressing, node.address, node.table && TABLE_OF[node.table], fallback);
  if (!where.ok) {
    ctx.report.error(where.code, [...path, 'address'], node, 'address', where.message);
    return undefined;
  }
  if (ctx.sameAsHolding && where.table === 'inputRegisters') {
    ctx.report.error('E_TABLE_ALIASED', path, node, node.table ? 'table' : 'address', `input registers read the holding registers (inputRegisters: sameAsHolding): declare the ${noun} as holding`);
    return undefined;
  }
  return where;
}

type Placed = Extract<ReturnType<typeof resolveAddress>, { ok: true }>;
