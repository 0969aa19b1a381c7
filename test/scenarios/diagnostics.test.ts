import { describe, expect, test } from 'vitest';
import { compileProfile } from '../../src/compiler/compile.js';
import { loadYaml, problems } from '../compiler/helpers.js';
import { testEnv } from '../helpers/env.js';

const compiles = (yaml: string): boolean => compileProfile(loadYaml(yaml), { env: testEnv() }).ok;

/**
 * What `validate` says of a profile's scenarios: each problem with its code, its dotted path and
 * the line it points at (file:line:column in the CLI).
 */
const HEAD = `
    points:
      power: { type: uint16, address: 0 }
      flow: { type: uint16, address: 1 }`;

const rows: [code: string, path: string, line: number, yaml: string][] = [
  ['E_SCENARIO_REFERENCE', 'scenarios.s.phases[0].points.powr', 8, `${HEAD}
    scenarios:
      s:
        phases:
          - name: dark
            points: { powr: 0 }`],
  ['E_SCENARIO_REFERENCE', 'scenarios.s.phases[1].generate.flw', 9, `${HEAD}
    scenarios:
      s:
        phases:
          - { name: a, duration: 1s }
          - name: b
            generate: { flw: "t" }`],
  ['E_SCENARIO_REFERENCE', 'scenarios.s.phases[0].modes.offline.units[1]', 8, `${HEAD}
    scenarios:
      s:
        phases:
          - name: a
            modes: { offline: { units: [1, 300] } }`],
  ['E_SCENARIO_PHASE', 'scenarios.s.phases[1].name', 8, `${HEAD}
    scenarios:
      s:
        phases:
          - { name: a, duration: 1s }
          - { name: a }`],
  ['E_SCENARIO_PHASE', 'scenarios.s.phases[0]', 7, `${HEAD}
    scenarios:
      s:
        phases:
          - { name: a }
          - { name: b }`],
  ['E_SCENARIO_PHASE', 'scenarios.s.phases[0]', 8, `${HEAD}
    scenarios:
      s:
        loop: true
        phases:
          - { name: a }`],
  ['E_SCENARIO_PHASE', 'scenarios.s.phases[0].duration', 8, `${HEAD}
    scenarios:
      s:
        loop: true
        phases:
          - { name: a, duration: 0 }`],
  ['E_EXPRESSION', 'scenarios.s.phases[0].generate.flow', 8, `${HEAD}
    scenarios:
      s:
        phases:
          - name: a
            generate: { flow: "lag(t, 5)" }`],
  ['E_FAULT_DUPLICATE', 'scenarios.s.phases[0].faults[0].name', 10, `${HEAD}
    faults:
      - { name: busy, do: { exception: 6 } }
    scenarios:
      s:
        phases:
          - name: a
            faults: [{ name: busy, do: { exception: 4 } }]`],
  ['E_FAULT_POINT', 'scenarios.s.phases[0].faults[0].match.points[0]', 8, `${HEAD}
    scenarios:
      s:
        phases:
          - name: a
            faults: [{ name: slow, match: { points: [flo] }, do: { delay: 1s } }]`],
];

describe('scenario diagnostics', () => {
  test.each(rows)('%s at %s (line %i)', (code, path, line, yaml) => {
    const found = problems(yaml);
    expect(found.map((d) => [d.code, d.path, d.location?.line])).toEqual([[code, path, line]]);
  });

  test('the same fault rule name in two phases is fine: they never hold together', () => {
    expect(compiles(`${HEAD}
    scenarios:
      s:
        phases:
          - { name: a, duration: 1s, faults: [{ name: slow, do: { delay: 1s } }] }
          - { name: b, faults: [{ name: slow, do: { delay: 2s } }] }`)).toBe(true);
  });
});
