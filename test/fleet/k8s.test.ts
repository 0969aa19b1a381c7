import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service } from 'kubernetes-models/v1/Service';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';
import { CONTROL_PORT, MEMORY_BASE_MIB, MEMORY_PER_DEVICE_KIB } from '../../src/cli/fleet-k8s.js';

const dir = mkdtempSync(join(tmpdir(), 'modbus-emu-k8s-'));
mkdirSync(join(dir, 'profiles'));
writeFileSync(join(dir, 'profiles', 'meter.yaml'), 'version: 1\nname: meter\npoints: { v: { type: uint16, address: 0 } }\n');
writeFileSync(
  join(dir, 'plant.yaml'),
  `version: 1
seed: 3
fleet:
  - { profile: profiles/meter.yaml, count: 1000, port: 20000 }
  - { profile: meter-sdm630, count: 10, units: 247, port: 30000 }
`,
);

async function manifests(args: string[]): Promise<{ code: number; docs: Record<string, any>[]; stderr: string }> {
  let out = '';
  let stderr = '';
  const code = await run(['fleet', 'k8s', ...args], { stdout: (t) => (out += t), stderr: (t) => (stderr += t), cwd: dir });
  return { code, docs: parseAllDocuments(out).map((d) => d.toJS() as Record<string, any>), stderr };
}

describe('modbus-emu fleet k8s', () => {
  it('prints a ConfigMap, a headless Service and a StatefulSet that validate against the Kubernetes schemas', async () => {
    const { code, docs, stderr } = await manifests(['plant.yaml', '--shards', '4', '--image', 'registry.example/modbus-emu:1']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(docs.map((d) => d.kind)).toEqual(['ConfigMap', 'Service', 'StatefulSet']);
    const [configMap, service, statefulSet] = docs as [any, any, any];
    // kubernetes-models throws a ValidationError naming the path of the first problem.
    new ConfigMap(configMap).validate();
    new Service(service).validate();
    new StatefulSet(statefulSet).validate();
    // The check is real: a field of the wrong type is refused.
    expect(() => new StatefulSet({ ...statefulSet, spec: { ...statefulSet.spec, replicas: '4' } }).validate()).toThrow(/replicas/);

    // The fleet file and its profile, mounted in the layout they have here; bundled devices come with the image.
    expect(Object.keys(configMap.data)).toEqual(['fleet.yaml', 'profiles__meter.yaml']);
    const pod = statefulSet.spec.template.spec;
    expect(pod.volumes[0].configMap.items).toEqual([
      { key: 'fleet.yaml', path: 'fleet.yaml' },
      { key: 'profiles__meter.yaml', path: 'profiles/meter.yaml' },
    ]);
    // Headless, so each pod has its own DNS name: plant-0.plant, plant-1.plant, ...
    expect(service.spec.clusterIP).toBe('None');
    expect(statefulSet.spec.serviceName).toBe('plant');
    expect(statefulSet.spec.replicas).toBe(4);
    const container = pod.containers[0];
    expect(container.image).toBe('registry.example/modbus-emu:1');
    // The pod's ordinal selects its shard.
    expect(container.args.slice(0, 3)).toEqual(['/fleet/fleet.yaml', '--shard', '$(POD_INDEX)/4']);
    expect(container.env[0].valueFrom.fieldRef.fieldPath).toBe("metadata.labels['apps.kubernetes.io/pod-index']");
    expect(container.readinessProbe.httpGet).toEqual({ path: '/health', port: CONTROL_PORT });
    // 1,000 + 2,470 devices over 4 shards by listener (1,010 listeners): at most 253 listeners a pod, the gateways among them.
    const perPod = 250 * 1 + 3 * 247;
    expect(container.resources.requests.memory).toBe(`${MEMORY_BASE_MIB + Math.ceil((perPod * MEMORY_PER_DEVICE_KIB) / 1024)}Mi`);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
  });

  it('refuses a profile outside the fleet file\'s folder, which a ConfigMap cannot mount in place', async () => {
    writeFileSync(join(tmpdir(), 'modbus-emu-k8s-outside.yaml'), 'version: 1\npoints: { v: { type: uint16, address: 0 } }\n');
    writeFileSync(join(dir, 'outside.yaml'), `version: 1\nfleet:\n  - { profile: ${join(tmpdir(), 'modbus-emu-k8s-outside.yaml')}, port: 20000 }\n`);
    const { code, stderr } = await manifests(['outside.yaml']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/is outside .*: a ConfigMap holds the files next to the fleet file/);
  });
});
