import { describe, expect, test } from 'vitest';
import { loadDevice } from '../../src/runtime/load-device.js';
import { FIXTURES } from '../profile/helpers.js';

/** A diagnostic that only follows from another one is left out; the rest come in file order. */
async function found(fixture: string): Promise<[string, string, string | undefined, number | undefined][]> {
  const result = await loadDevice(`${FIXTURES}/invalid/${fixture}`);
  if (result.ok) throw new Error(`${fixture} compiled`);
  return result.diagnostics.map((d) => [d.code, d.path, d.location?.file.replace(/^.*\//, ''), d.location?.line]);
}

describe('follow-on diagnostics', () => {
  test('a template whose include is missing is not also an unknown template', async () => {
    expect(await found('include-missing.yaml')).toEqual([['E_INCLUDE_NOT_FOUND', 'templates.meter.include', 'include-missing.yaml', 2]]);
  });

  test("a template whose included file is invalid: that file's problems only", async () => {
    const codes = (await found('include-error.yaml')).map(([code]) => code);
    expect(codes).not.toContain('E_UNKNOWN_TEMPLATE');
    expect(codes.length).toBeGreaterThan(0);
  });

  test('a template with a schema problem is not also an unknown template; a name that is really unknown still is', async () => {
    expect(await found('template-bad-key.yaml')).toEqual([
      ['E_SCHEMA_UNKNOWN_KEY', 'templates.t', 'template-bad-key.yaml', 5],
      ['E_UNKNOWN_TEMPLATE', 'units[1].use', 'template-bad-key.yaml', 8],
    ]);
  });

  test('a point with a schema problem is not also an unknown scale factor or alias target', async () => {
    expect(await found('withdrawn-reference.yaml')).toEqual([
      ['E_SCHEMA_UNKNOWN_KEY', 'points.A_SF', 'withdrawn-reference.yaml', 4],
      ['E_SCHEMA_UNKNOWN_KEY', 'points.C', 'withdrawn-reference.yaml', 6],
      ['E_UNKNOWN_REFERENCE', 'points.D.aliasOf', 'withdrawn-reference.yaml', 7],
    ]);
  });

  test('a unit after a withdrawn one keeps its index in the paths of the problems found in it', async () => {
    expect(await found('unit-withdrawn.yaml')).toEqual([
      ['E_SCHEMA_UNKNOWN_KEY', 'units[0]', 'unit-withdrawn.yaml', 3],
      ['E_OVERLAP', 'units[1].points.b', 'unit-withdrawn.yaml', 4],
    ]);
  });

  test('problems found only by the compiler come sorted by line, whichever check found them first', async () => {
    expect(await found('compile-order.yaml')).toEqual([
      ['E_VALUE_TYPE', 'points.w.value', 'compile-order.yaml', 3],
      ['E_OVERLAP', 'points.x', 'compile-order.yaml', 5],
      ['E_POINT_PAST_END', 'points.y', 'compile-order.yaml', 6],
    ]);
  });
});
