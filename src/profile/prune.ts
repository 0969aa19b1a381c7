import type { ErrorObject } from 'ajv';
import { isRecord } from './one-of.js';

/**
 * Removes from `profile` (in place) the smallest named entity around each schema error — a point,
 * a block, a unit, a template, or a top-level key — so the rest can still be checked for semantic
 * problems and a file with several mistakes gets all of them reported in one run. Returns the
 * paths removed, as they were before removing anything (`['points', 'speed']`, `['units', 2]`).
 */
export function pruneInvalid(profile: Record<string, unknown>, errors: readonly ErrorObject[]): (string | number)[][] {
  const targets: (string | number)[][] = [];
  for (const e of errors) {
    const path = e.instancePath.split('/').slice(1).map(unescape);
    const extra = (e.params as { additionalProperty?: string }).additionalProperty;
    if (path.length === 0) {
      if (extra !== undefined) targets.push([extra]);
      continue;
    }
    targets.push(entityPrefix(path));
  }
  // Deepest first, and array items from the end, so earlier removals do not shift later ones.
  targets.sort((a, b) => b.length - a.length || compareLast(b, a));
  for (const target of targets) remove(profile, target);
  return targets;
}

/** Path segments below which a whole entity sits: points.<n>, blocks[i], units[i], templates.<n>. */
function entityPrefix(path: readonly string[]): (string | number)[] {
  let keep = 1;
  for (let i = 0; i + 1 < path.length; i++) {
    const key = path[i];
    if (key === 'points' || key === 'blocks' || key === 'units' || key === 'templates') keep = i + 2;
  }
  return path.slice(0, keep).map((s, i) => (i > 0 && /^\d+$/.test(s) && isArrayKey(path[i - 1]!) ? Number(s) : s));
}

const isArrayKey = (key: string): boolean => key === 'blocks' || key === 'units';

function compareLast(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  const x = a[a.length - 1];
  const y = b[b.length - 1];
  return typeof x === 'number' && typeof y === 'number' ? x - y : 0;
}

function remove(root: Record<string, unknown>, path: readonly (string | number)[]): void {
  let node: unknown = root;
  for (let i = 0; i < path.length - 1; i++) {
    node = isRecord(node) || Array.isArray(node) ? (node as Record<string | number, unknown>)[path[i]!] : undefined;
  }
  const last = path[path.length - 1]!;
  if (Array.isArray(node) && typeof last === 'number') {
    if (last < node.length) node.splice(last, 1);
  } else if (isRecord(node)) {
    delete node[last];
  }
}

const unescape = (segment: string): string => segment.replace(/~1/g, '/').replace(/~0/g, '~');
