import type { Table } from '../device/data-source.js';
import { readRaw } from '../model/values.js';
import type { Blocks, Point, Points, UnmappedMode } from '../profile/types.generated.js';
import { checkBlockOverlaps, shapeBlock } from './blocks.js';
import { decode, encode, inRange } from '../model/codec.js';
import type { DeviceContext } from './context.js';
import type { DeviceLayout, ParamString } from '../model/device-layout.js';
import { paramText } from './param-text.js';
import type { CommandBody } from './commands.js';
import { compileGenerators } from './generators.js';
import { buildTable } from './layout.js';
import type { BlockModel, FieldModel, PointModel } from '../model/point-model.js';
import { shapePoint } from './points.js';
import { nonFiniteNumber } from '../profile/non-finite.js';
import { shortestFloat32 } from '../model/float-text.js';
import { encodeRaw } from './raw.js';
import { linkPoints, type Shaped } from './references.js';
import type { PointInfo } from '../model/types.js';
import { GENERATED, RULE } from '../model/table-layout.js';

export interface TableSettings {
  readonly writeToReadOnly: 'reject' | 'ignore';
  readonly unmapped: Readonly<Record<Table, UnmappedMode>>;
}

/** Checks a device's points and blocks and lays them out; problems go to the context's reporter. */
export function compileDevice(body: { readonly points?: Points; readonly blocks?: Blocks } & CommandBody, ctx: DeviceContext, settings: TableSettings): DeviceLayout {
  const points = body.points ?? {};
  const shaped: Shaped[] = [];
  // By key rather than Object.entries: no pair array per point (a device may have 100,000).
  for (const name of Object.keys(points)) {
    const node = points[name]!;
    const model = shapePoint(name, node, ctx);
    if (model) shaped.push({ model, node });
  }
  const aliases = linkPoints(shaped, new Set(Object.keys(points)), ctx);
  const templates: ParamString[] = [];
  const initial = initialValues(shaped, aliases, ctx, templates);
  const blocks = (body.blocks ?? []).map((b, i) => shapeBlock(b, i, ctx)).filter((b): b is BlockModel => b !== undefined);
  checkBlockOverlaps(blocks, body.blocks ?? [], ctx);
  const byName = new Map<string, PointModel | FieldModel>();
  for (const { model: p } of shaped) {
    byName.set(p.name, p);
    for (const f of p.fields) byName.set(f.name, f);
  }
  const { refreshed, commanded, live } = compileGenerators(shaped, byName, ctx, body);

  // Aliases lay their initial values down last, over the point they alias.
  const ordered = [...shaped.filter((s) => !aliases.has(s.model)), ...shaped.filter((s) => aliases.has(s.model))].map((s) => s.model);
  const table = (t: Table) =>
    buildTable({
      table: t,
      zero: settings.unmapped[t] === 'zero',
      ignoreReadOnly: settings.writeToReadOnly === 'ignore',
      blocks: blocks.filter((b) => b.table === t),
      points: ordered.filter((p) => p.table === t),
      initial,
      generated: refreshed,
      commanded,
    });
  const holding = table('holdingRegisters');
  const tables = { coils: table('coils'), discreteInputs: table('discreteInputs'), holdingRegisters: holding, inputRegisters: ctx.sameAsHolding ? holding : table('inputRegisters') };

  const pointCounts = { coils: 0, discreteInputs: 0, holdingRegisters: 0, inputRegisters: 0 };
  for (const { model: p } of shaped) pointCounts[p.table]++;
  const blockCounts = { coils: 0, discreteInputs: 0, holdingRegisters: 0, inputRegisters: 0 };
  for (const b of blocks) blockCounts[b.table]++;
  const paramStrings = templates.length > 0 ? { points: templates, defaults: ctx.report.params ?? {} } : undefined;
  return { tables, sameAsHolding: ctx.sameAsHolding, byName, info: pointInfos(byName, tables), pointCounts, blockCounts, live, ...(paramStrings && { paramStrings }) };
}

/**
 * What the API tells of each point (and each bit of a bit field), derived from the models. Also
 * used to rebuild `info` of a layout that crossed threads without it (compile.ts, packChecked).
 */
export function pointInfos(byName: ReadonlyMap<string, PointModel | FieldModel>, tables: DeviceLayout['tables']): Map<string, PointInfo> {
  const info = new Map<string, PointInfo>();
  // What the table layout flags at the point's first address: generated, or writes checked by a rule.
  const touched = (p: PointModel) => {
    const f = tables[p.table].flags[p.address] ?? 0;
    return { ...(f & GENERATED && { generated: true as const }), ...(f & RULE && { writeRule: true as const }) };
  };
  byName.forEach((m, name) => {
    if ('word' in m) {
      const p = m.word;
      info.set(name, { name, table: p.table, address: p.address, size: p.size, type: m.width === 1 ? 'bit' : 'field', access: p.access, description: m.description, ...touched(p) });
    } else {
      info.set(name, { name, table: m.table, address: m.address, size: m.size, type: m.type, access: m.access, unit: m.unit, description: m.description, ...touched(m) });
    }
  });
  return info;
}

const DEFAULTS = { bit: false, boolRegister: false, number: 0, string: '', bitfield: 0 } as const;

/** A float point's `.nan`, `.inf` or `-.inf` (non-finite.ts) as the number; any other value as is. */
function numberOf(p: PointModel, value: unknown): unknown {
  const float = p.kind === 'number' && (p.numeric === 'float32' || p.numeric === 'float64');
  return float && typeof value === 'string' && !p.labels?.has(value) ? (nonFiniteNumber(value) ?? value) : value;
}

/** `raw` exists on number and bit-field points only. */
const rawOf = (node: Point): number | string | undefined => ('raw' in node ? node.raw : undefined);

/**
 * Initial words of each point. Points without `value` or `raw` start at engineering 0 (raw 0 when
 * 0 is not representable, e.g. past an offset) and aliases without either keep what their point
 * lays down. Scale-factor points are encoded first: their initial exponent scales their
 * dependents' values. `raw` is laid down as is (raw.ts), so min/max do not apply to it, nor to
 * an initial NaN.
 */
function initialValues(shaped: readonly Shaped[], aliases: ReadonlySet<PointModel>, ctx: DeviceContext, templates: ParamString[]): Map<PointModel, Uint16Array> {
  const initial = new Map<PointModel, Uint16Array>();
  const sorted = [...shaped.filter((s) => !s.model.scaleFactor), ...shaped.filter((s) => s.model.scaleFactor)];
  for (const { model: p, node } of sorted) {
    const raw = rawOf(node);
    const explicit = node.value !== undefined;
    if (!explicit && raw === undefined && aliases.has(p)) continue;
    let value = explicit ? numberOf(p, node.value) : DEFAULTS[p.kind];
    // A string using the profile's parameters: checked as the defaults fill it in, filled in per device (model/unit.ts).
    if (p.kind === 'string' && typeof value === 'string') {
      const t = paramText(value, node, 'value', [...ctx.path, 'points', p.name, 'value'], ctx.report);
      value = t.text;
      if (t.template !== undefined) templates.push({ point: p, template: t.template });
    }
    const words = new Uint16Array(p.size);
    initial.set(p, words);
    if (p.kind === 'bit') {
      words[0] = value ? 1 : 0;
      continue;
    }
    if (raw !== undefined) {
      const path = (): (string | number)[] => [...ctx.path, 'points', p.name, 'raw'];
      if (explicit) ctx.report.error('E_VALUE_CONFLICT', path(), node, 'raw', 'value and raw both give the initial value: keep one (raw is the register contents, value the engineering value)');
      const problem = explicit ? undefined : encodeRaw(p, raw, words, 0);
      if (problem) ctx.report.error(problem.code, path(), node, 'raw', problem.message);
      continue;
    }
    const sfWords = p.scaleFactor && initial.get(p.scaleFactor);
    const sf = sfWords ? (readRaw('int16', p.scaleFactor!.order, sfWords, 0) as number) : 0;
    const problem = encode(p, value, sf, words, 0);
    // Built only for a problem: this loop runs once per point of a device.
    const path = (): (string | number)[] => [...ctx.path, 'points', p.name, 'value'];
    if (problem) {
      words.fill(0);
      if (!explicit) continue;
      if (problem.sub === undefined) ctx.report.error(problem.code, path(), node, 'value', problem.message);
      else ctx.report.error(problem.code, [...path(), problem.sub], node.value as object, problem.sub, problem.message);
    } else if (explicit && p.kind === 'number') {
      const v = decode(p, words, 0, sf) as number | bigint;
      // An initial `.nan` is "no value" (SunSpec's float "not implemented"), not a number outside
      // min..max, which only bound what clients write.
      if (!inRange(p, v) && !Number.isNaN(v)) {
        ctx.report.error('E_VALUE_RANGE', path(), node, 'value', `${String(node.value)} is outside the allowed range ${boundText(p, p.min, '-∞')}..${boundText(p, p.max, '∞')}`);
      }
    }
  }
  return initial;
}

/** A float32 bound is stored as float32 (fround(0.1)); it is shown as the profile wrote it. */
function boundText(p: PointModel, bound: number | undefined, none: string): string {
  if (bound === undefined) return none;
  return String(p.numeric === 'float32' ? shortestFloat32(bound) : bound);
}
