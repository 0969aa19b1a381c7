import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveProfileArgument } from '../../src/cli/bundled.js';
import { formatDiagnostic } from '../../src/profile/diagnostics.js';
import { isFleetText, parseFleetText } from '../../src/profile/fleet-file.js';
import { expandFleet } from '../../src/runtime/fleet.js';
import { fleetPlan, planCsv, shardInstances } from '../../src/runtime/fleet-shard.js';

const dir = mkdtempSync(join(tmpdir(), 'modbus-emu-fleet-unit-'));
writeFileSync(
  join(dir, 'meter.yaml'),
  `version: 1
name: meter
params: { serial: SN-0, nominal: 230, factor: 1 }
points: { v: { type: float32, address: 0, generate: "params.nominal * params.factor" } }
`,
);

async function expand(text: string, seed?: number) {
  const parsed = parseFleetText(text, join(dir, 'fleet.yaml'));
  if (!parsed.ok) return { ok: false as const, lines: parsed.diagnostics.map(formatDiagnostic) };
  const result = await expandFleet(parsed.loaded, { seed, cwd: dir, resolveProfile: resolveProfileArgument, pickSeed: () => 99 });
  return result.ok ? { ok: true as const, fleet: result.fleet } : { ok: false as const, lines: result.diagnostics.map((d) => formatDiagnostic(d).replace(dir + '/', '')) };
}

describe('fleet files', () => {
  it('are told from profiles by their top-level fleet key', () => {
    expect(isFleetText('version: 1\nfleet:\n  - profile: pump\n')).toBe(true);
    expect(isFleetText('version: 1\npoints: {}\n# fleet: no\n  fleet: nested\n')).toBe(false);
  });

  it('expand into instances: ids and parameters per instance, ports per listener, unit ids behind shared ports, bundled profiles by name', async () => {
    const r = await expand(`version: 1
seed: 5
fleet:
  - { profile: meter.yaml, count: 3, id: "m-{i:03}", port: 20000, params: { serial: "SN-{i:04}", nominal: "230 + random(-5, 5)", factor: 2 } }
  - { profile: meter.yaml, count: 2, units: [1, 7], port: 20100, host: 127.0.0.2 }
  - { profile: pump, port: 20200 }
`);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const { instances, listeners, seed } = r.fleet;
    expect(seed).toBe(5);
    expect(listeners).toBe(6);
    expect(instances.map((i) => [i.id, i.port, i.unitId ?? null, i.listener, i.host ?? null])).toEqual([
      ['m-001', 20000, null, 0, null],
      ['m-002', 20001, null, 1, null],
      ['m-003', 20002, null, 2, null],
      ['meter-1', 20100, 1, 3, '127.0.0.2'],
      ['meter-2', 20100, 7, 3, '127.0.0.2'],
      ['meter-3', 20101, 1, 4, '127.0.0.2'],
      ['meter-4', 20101, 7, 4, '127.0.0.2'],
      ['pump-1', 20200, null, 5, null],
    ]);
    expect(instances[1]!.params.serial).toBe('SN-0002');
    expect(instances[1]!.params.factor).toBe(2);
    // Drawn per instance from its own seed: within the range, different from instance to instance.
    const nominal = instances.slice(0, 3).map((i) => i.params.nominal as number);
    for (const v of nominal) expect(v).toBeGreaterThanOrEqual(225), expect(v).toBeLessThanOrEqual(235);
    expect(new Set(nominal).size).toBe(3);
    // Defaults where the entry sets nothing.
    expect(instances[3]!.params).toEqual({ serial: 'SN-0', nominal: 230, factor: 1 });
    expect(new Set(instances.map((i) => i.seed)).size).toBe(instances.length);
  });

  it('replay: the same fleet seed gives the same seeds and draws; an instance keeps its seed when entries are added before it', async () => {
    const one = `version: 1
fleet:
  - { profile: meter.yaml, count: 2, id: "a-{i}", port: 20000, params: { nominal: "random(0, 1000)" } }
`;
    const a = await expand(one, 42);
    const b = await expand(one, 42);
    const c = await expand(one.replace('fleet:\n', 'fleet:\n  - { profile: meter.yaml, id: "b-{i}", port: 21000 }\n'), 42);
    const d = await expand(one, 43);
    const values = (r: typeof a) => (r.ok ? r.fleet.instances.filter((i) => i.id.startsWith('a-')).map((i) => [i.seed, i.params.nominal]) : []);
    expect(values(a)).toEqual(values(b));
    expect(values(c)).toEqual(values(a));
    expect(values(d)).not.toEqual(values(a));
  });

  it('report every mistake with file:line:column', async () => {
    const r = await expand(`version: 1
fleet:
  - { profile: meter.yaml, count: 2, id: "m-{n}", port: 20000 }
  - { profile: meter.yaml, count: 2, id: "x", port: 20001, params: { serail: "S", nominal: "230 +" } }
  - { profile: meter.yaml, count: 5, port: 65533 }
`);
    expect(r.ok ? [] : r.lines).toEqual([
      expect.stringMatching(/^fleet\.yaml:3:45 fleet\[0\]\.id: \{n\} is not an instance variable.*\[E_FLEET_TEMPLATE\]$/),
      expect.stringMatching(/^fleet\.yaml:4:42 fleet\[1\]\.id: instance 2 gets the id "x", which fleet\[1\] gives too.*\[E_FLEET_ID\]$/),
      expect.stringMatching(/^fleet\.yaml:4:53 fleet\[1\]\.port: ports 20001\.\.20002 overlap fleet\[0\]'s 20000\.\.20001.*\[E_FLEET_PORT\]$/),
      expect.stringMatching(/^fleet\.yaml:4:70 fleet\[1\]\.params\.serail: meter\.yaml declares no parameter serail: did you mean serial\?.*\[E_UNKNOWN_PARAM\]$/),
      expect.stringMatching(/^fleet\.yaml:4:98 fleet\[1\]\.params\.nominal: .*\[E_PARAM_VALUE\]$/),
      expect.stringMatching(/^fleet\.yaml:5:44 fleet\[2\]\.port: 5 listeners from port 65533 run past port 65535.*\[E_FLEET_PORT\]$/),
    ]);
  });

  it('schema problems read as a profile\'s do', async () => {
    const r = await expand('version: 1\nfleet:\n  - { profile: meter.yaml, count: 0, units: 300 }\n');
    expect(r.ok ? [] : r.lines).toEqual([
      expect.stringMatching(/^.*fleet\.yaml:3:5 fleet\[0\]: .*port.*\[E_SCHEMA_REQUIRED\]$/),
      expect.stringMatching(/^.*fleet\.yaml:3:35 fleet\[0\]\.count: .*\[E_SCHEMA_RANGE\]$/),
      expect.stringMatching(/^.*fleet\.yaml:3:45 fleet\[0\]\.units: .*\[E_SCHEMA.*\]$/),
    ]);
  });

  it('shards take listeners in turn, each device in exactly one; the plan prints as CSV', async () => {
    const r = await expand(`version: 1
fleet:
  - { profile: meter.yaml, count: 4, id: "m-{i}", port: 20000 }
  - { profile: meter.yaml, count: 2, units: 3, id: "g-{port}-{unit}", port: 20100 }
`);
    if (!r.ok) throw new Error(r.lines.join('\n'));
    const shards = [0, 1, 2].map((index) => shardInstances(r.fleet, { index, total: 3 }).map((i) => i.id));
    expect(shards).toEqual([
      ['m-1', 'm-4'],
      ['m-2', 'g-20100-1', 'g-20100-2', 'g-20100-3'],
      ['m-3', 'g-20101-1', 'g-20101-2', 'g-20101-3'],
    ]);
    const csv = planCsv(fleetPlan(r.fleet, 3, (_, shard) => `fleet-${shard}.fleet`));
    expect(csv.split('\n').slice(0, 3)).toEqual(['id,shard,host,port,unit,profile', 'm-1,0,fleet-0.fleet,20000,,meter.yaml', 'm-2,1,fleet-1.fleet,20001,,meter.yaml']);
    expect(csv).toContain('g-20101-3,2,fleet-2.fleet,20101,3,meter.yaml');
  });
});
