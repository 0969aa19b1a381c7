import type { NumberPoint, Point } from '../profile/types.generated.js';
import { describeAddress, TABLE_WORDS } from './addressing.js';
import type { DeviceContext } from './context.js';
import type { PointModel } from '../model/point-model.js';

export interface Shaped {
  readonly model: PointModel;
  readonly node: Point;
}

/**
 * Resolves `scaleFactor` and `aliasOf` by name and reports points that share addresses without
 * being declared aliases. Names of points that were declared but could not be placed, or were
 * withdrawn for schema problems, are not reported again as unknown. Returns the points that are
 * valid aliases of another.
 */
export function linkPoints(shaped: readonly Shaped[], declared: ReadonlySet<string>, ctx: DeviceContext): Set<PointModel> {
  const byName = new Map(shaped.map((s) => [s.model.name, s]));
  const group = new Map<PointModel, PointModel>(shaped.map((s) => [s.model, s.model]));
  const root = (p: PointModel): PointModel => {
    while (group.get(p) !== p) p = group.get(p)!;
    return p;
  };
  const aliases = new Set<PointModel>();
  const badAlias = new Set<PointModel>();
  const unknown = (name: string, s: Shaped, key: string): void => {
    if (declared.has(name) || ctx.report.withdrawn([...ctx.path, 'points', name])) return;
    ctx.report.error('E_UNKNOWN_REFERENCE', [...ctx.path, 'points', s.model.name, key], s.node, key, `no point named ${name} in this device`);
  };

  for (const s of shaped) {
    const sfName = (s.node as NumberPoint).scaleFactor;
    if (sfName !== undefined) {
      const target = byName.get(sfName);
      if (!target) unknown(sfName, s, 'scaleFactor');
      else if (target.model.type !== 'int16' || (target.node as NumberPoint).scaleFactor !== undefined) {
        ctx.report.error('E_SCALE_FACTOR_TYPE', [...ctx.path, 'points', s.model.name, 'scaleFactor'], s.node, 'scaleFactor', `scale factor ${sfName} is ${target.model.type}${target.model.type === 'int16' ? ' with a scale factor of its own' : ''}; it must be a plain int16 exponent (SunSpec sunssf)`);
      } else s.model.scaleFactor = target.model;
    }
    const aliasName = s.node.aliasOf;
    if (aliasName === undefined) continue;
    const target = byName.get(aliasName);
    if (!target) {
      unknown(aliasName, s, 'aliasOf');
      badAlias.add(s.model);
    } else if (target.model === s.model || target.model.table !== s.model.table || !overlaps(target.model, s.model)) {
      const why = target.model === s.model ? 'a point cannot alias itself' : target.model.table !== s.model.table ? `${aliasName} is in ${TABLE_WORDS[target.model.table]}` : `${aliasName} is at ${span(target.model, ctx)}`;
      ctx.report.error('E_ALIAS_MISMATCH', [...ctx.path, 'points', s.model.name, 'aliasOf'], s.node, 'aliasOf', `an alias shares storage with its point (same table, overlapping addresses): ${why}, this point at ${span(s.model, ctx)}`);
      badAlias.add(s.model);
    } else {
      group.set(root(s.model), root(target.model));
      aliases.add(s.model);
    }
  }
  reportOverlaps(shaped, (p) => root(p), badAlias, ctx);
  return aliases;
}

const overlaps = (a: PointModel, b: PointModel): boolean => a.address < b.address + b.size && b.address < a.address + a.size;

const span = (p: PointModel, ctx: DeviceContext): string => describeAddress(ctx.addressing, p.table, p.address, p.size, p.sixDigit);

/** Sweep by address per table: each overlapping pair outside one alias group is reported once, on the later-declared point. */
function reportOverlaps(shaped: readonly Shaped[], root: (p: PointModel) => PointModel, skip: ReadonlySet<PointModel>, ctx: DeviceContext): void {
  const order = new Map(shaped.map((s, i) => [s.model, i]));
  // Plain comparisons: this sort and sweep run once per point (the tables' names are ASCII).
  const byTable = (a: PointModel, b: PointModel): number => (a.table < b.table ? -1 : a.table > b.table ? 1 : 0);
  const sorted = shaped.map((s) => s.model).sort((a, b) => byTable(a, b) || a.address - b.address || order.get(a)! - order.get(b)!);
  const active: PointModel[] = [];
  for (const p of sorted) {
    let kept = 0;
    for (const q of active) if (q.table === p.table && q.address + q.size > p.address) active[kept++] = q;
    active.length = kept;
    for (const q of active) {
      if (root(p) === root(q) || skip.has(p) || skip.has(q)) continue;
      const [first, later] = order.get(q)! < order.get(p)! ? [q, p] : [p, q];
      const node = shaped[order.get(later)!]!.node;
      ctx.report.error('E_OVERLAP', [...ctx.path, 'points', later.name], node, 'address', `${later.name} (${span(later, ctx)}) overlaps ${first.name} (${span(first, ctx)}) in ${TABLE_WORDS[p.table]}; add \`aliasOf: ${first.name}\` if they share storage`);
    }
    active.push(p);
  }
}
