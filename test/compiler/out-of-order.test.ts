import { describe, expect, test } from 'vitest';
import { compileFaultRules, type ServedUnits } from '../../src/compiler/faults.js';
import { Reporter } from '../../src/compiler/report.js';
import type { Fault } from '../../src/profile/types.generated.js';
import { compile, loadYaml } from './helpers.js';

/**
 * `outOfOrder` needs replies that carry the transaction id: over a framing without one (RTU) the
 * rule is refused at load, at the action's position (docs/errors.md, E_FAULT_OUT_OF_ORDER).
 */
const PROFILE = `
  version: 1
  points: { a: { type: uint16, address: 0 } }
  faults:
    - { name: late, do: { delay: 10ms } }
    - name: swap
      do:
        - delay: 5ms
        - outOfOrder: { window: 3 }
    - { name: mix, do: { outOfOrder: true } }
`;

function rulesOver(framing: ServedUnits['framing']): Reporter {
  const loaded = loadYaml(PROFILE, 'rtu-device.yaml');
  const report = new Reporter(loaded);
  const list = loaded.profile.faults as Fault[];
  compileFaultRules([{ source: { list, path: [] }, unitIds: [1] }], { framing, device: () => undefined }, report);
  return report;
}

describe('outOfOrder and the framing', () => {
  test('over a framing without transaction ids each outOfOrder action is an error with file, line and column', () => {
    const report = rulesOver({ name: 'RTU', transactionIds: false });
    expect(report.diagnostics.map((d) => [d.code, d.path, `${d.location?.file}:${d.location?.line}:${d.location?.column}`])).toEqual([
      ['E_FAULT_OUT_OF_ORDER', 'faults[1].do[1].outOfOrder', 'rtu-device.yaml:8:21'],
      ['E_FAULT_OUT_OF_ORDER', 'faults[2].do.outOfOrder', 'rtu-device.yaml:9:36'],
    ]);
    expect(report.diagnostics[0]!.message).toMatch(/over RTU: its frames carry no transaction id/);
  });

  test('over MBAP they compile, and a profile is served over MBAP today', () => {
    expect(rulesOver({ name: 'MBAP', transactionIds: true }).diagnostics).toEqual([]);
    expect(compile(PROFILE).faults.names()).toEqual(['late', 'swap', 'mix']);
  });
});
