import { describe, expect, it } from 'vitest';
import { MAX_PROFILE_DEPTH } from '../../src/profile/limits.js';
import { loadProfileObject, loadProfileText } from '../../src/profile/index.js';
import { plainCopy } from '../../src/profile/plain-copy.js';
import { where } from './helpers.js';

/**
 * No nesting of a profile exhausts the stack: past MAX_PROFILE_DEPTH (64) levels of maps and
 * lists, a YAML file, a profile object or an injected rule gets one E_TOO_DEEP at its position.
 */
const HEAD = 'version: 1\nname: deep\npoints:\n  a: { type: uint16, address: 0 }\n';

/** An object `{ a: { a: … { a: 1 } } }` with `depth` maps. */
function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { a: 1 };
  for (let i = 1; i < depth; i++) value = { a: value };
  return value;
}

describe('how deeply a profile may nest', () => {
  it('YAML in flow style 3,000 lists deep (past where yaml itself runs out of stack): one E_TOO_DEEP', async () => {
    const n = 3_000;
    const result = await loadProfileText(`${HEAD}description: ${'['.repeat(n)}${']'.repeat(n)}\n`, 'deep.yaml');
    expect(where(result)).toEqual([{ code: 'E_TOO_DEEP', line: 5, column: expect.any(Number) as number }]);
  });

  it('YAML in block style past the limit: E_TOO_DEEP at the first map too deep; at the limit it is only a schema error', async () => {
    const block = (depth: number): string => Array.from({ length: depth }, (_, i) => `${'  '.repeat(i)}a:`).join('\n') + ' 1\n';
    const over = await loadProfileText(`${HEAD}x:\n${block(MAX_PROFILE_DEPTH).replace(/^/gm, '  ')}`, 'deep.yaml');
    expect(where(over)).toEqual([{ code: 'E_TOO_DEEP', line: 5 + MAX_PROFILE_DEPTH, column: 2 * MAX_PROFILE_DEPTH + 1 }]);
    const at = await loadProfileText(`${HEAD}x:\n${block(MAX_PROFILE_DEPTH - 2).replace(/^/gm, '  ')}`, 'deep.yaml');
    expect(where(at).map((d) => d.code)).toEqual(['E_SCHEMA_UNKNOWN_KEY']);
  });

  it('a profile object 20,000 maps deep: E_TOO_DEEP naming the path, nothing thrown', async () => {
    const result = await loadProfileObject({ version: 1, points: {}, description: nested(20_000) });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]).toMatchObject({ code: 'E_TOO_DEEP', path: `description${'.a'.repeat(MAX_PROFILE_DEPTH - 1)}` });
  });

  it('the copy of a profile object keeps key order, shared and circular references, and drops undefined keys', () => {
    const shared = { z: 1, a: 2, gone: undefined };
    const cyclic: Record<string, unknown> = { name: 'c' };
    cyclic.self = cyclic;
    const copy = plainCopy({ first: shared, second: shared, list: [shared, undefined], cyclic });
    expect(copy.ok).toBe(true);
    if (!copy.ok) return;
    const value = copy.value as { first: object; second: object; list: unknown[]; cyclic: { self: unknown } };
    expect(Object.keys(value.first)).toEqual(['z', 'a']);
    expect(value.second).toBe(value.first);
    expect(value.list).toEqual([value.first, undefined]);
    expect(value.cyclic.self).toBe(value.cyclic);
  });
});
