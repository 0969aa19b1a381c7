import { describe, expect, it } from 'vitest';
import { loadProfileText } from '../../src/profile/index.js';
import { compileLoaded } from '../../src/runtime/load-device.js';
import { testEnv } from '../helpers/env.js';

/**
 * A point generated without state is computed on every read: a `value` (or `raw`) declared for
 * it is never served, so `validate` warns. A stateful expression starts from its value: no warning.
 */
async function warnings(points: string): Promise<string[]> {
  const result = compileLoaded(await loadProfileText(`version: 1\npoints:\n${points}`, 'p.yaml'), testEnv());
  if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
  return result.warnings.map((w) => `${w.location?.line}:${w.location?.column} ${w.path} ${w.code}: ${w.message}`);
}

describe('W_VALUE_NEVER_SERVED', () => {
  it('a stateless generated point with a value: warned at the value', async () => {
    expect(await warnings('  v: { type: uint16, address: 0, value: 230 }\n  line: { type: uint16, address: 1, value: 398, generate: "v * sqrt(3)" }\n')).toEqual([
      '4:44 points.line.value W_VALUE_NEVER_SERVED: line is generated without state (every read computes its expression), so its value is never served: remove it, or compute that value in the expression',
    ]);
  });

  it('a stateless generated point with raw: warned at raw', async () => {
    expect(await warnings('  line: { type: uint16, address: 1, raw: 7, generate: "2 * t" }\n')).toEqual([expect.stringMatching(/^3:42 points\.line\.raw W_VALUE_NEVER_SERVED: .* its raw is never served/)]);
  });

  it.each([
    ['a stateful expression (lag) starts from its value', '  v: { type: uint16, address: 0, value: 5, generate: { expression: "lag(10, 60)", every: 1 } }\n'],
    ['prev', '  v: { type: uint16, address: 0, value: 5, generate: "prev + 1" }\n'],
    ['a stateless generated point without a value', '  v: { type: uint16, address: 0, generate: "2 * t" }\n'],
    ['a point that is not generated', '  v: { type: uint16, address: 0, value: 5 }\n'],
  ])('no warning: %s', async (_what, points) => {
    expect(await warnings(points)).toEqual([]);
  });
});
