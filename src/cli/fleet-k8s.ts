import { readFileSync } from 'node:fs';
import { basename, dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { yamlDocuments } from '../profile/yaml-out.js';
import type { ExpandedFleet } from '../runtime/fleet.js';
import { shardInstances } from '../runtime/fleet-shard.js';
import { openFleet } from './fleet.js';
import type { CliIo } from './io.js';
import { packageVersion } from './version.js';

/**
 * Memory a pod requests per device it serves, and for the process itself: a documented constant
 * (docs/fleets.md), the largest memory per device docs/performance.md measured for fleets (1,000
 * SDM630s on their own ports; 10,000 took 65 KiB each, 50,000 as unit ids 44 KiB). Requests only,
 * no limits: a pod that needs more is not killed for it.
 */
export const MEMORY_PER_DEVICE_KIB = 88;
export const MEMORY_BASE_MIB = 128;
/** The control channel's port in a pod: the readiness probe's and the plan's. */
export const CONTROL_PORT = 8502;
/** Kubernetes (1.28 and later) labels each pod of a StatefulSet with its ordinal. */
const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

export interface K8sFlags {
  shards: number;
  /** Names the StatefulSet, its Service, ConfigMap and Secret (default: the fleet file's name). */
  name?: string;
  /** Default `modbus-emu:<version>` (build it with the Dockerfile). */
  image?: string;
  namespace?: string;
  maxFileSize?: number;
}

export type Manifests = { readonly ok: true; readonly objects: readonly Record<string, unknown>[] } | { readonly ok: false; readonly error: string };

/**
 * The manifests of a fleet sharded over a StatefulSet: a ConfigMap with the fleet file and every
 * profile file it reads (mounted at /fleet in the same layout, so relative paths resolve as
 * they do here; bundled devices are in the image), a headless Service (a stable DNS name per
 * pod: <name>-<ordinal>.<name>), and the StatefulSet: pod k runs `--shard k/N`, its control
 * channel on 0.0.0.0:8502 with the token of the Secret <name>-control (not generated: create it),
 * ready when /health answers, and it requests memory for its share of the devices.
 */
export function fleetManifests(fleet: ExpandedFleet, fleetFile: string, fleetText: string, flags: K8sFlags): Manifests {
  const folder = dirname(fleetFile);
  const name = flags.name ?? (basename(fleetFile).replace(/\.ya?ml$/i, '').toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'fleet');
  if (!/^[a-z0-9]([-a-z0-9]{0,50}[a-z0-9])?$/.test(name)) return { ok: false, error: `"${name}" cannot name Kubernetes objects: lower-case letters, digits and "-", at most 52 (--name)` };
  // Every file a profile of the fleet reads, by its path under the fleet file's folder (bundled ones are in the image).
  const files = new Map<string, string>([['fleet.yaml', fleetText]]);
  for (const [path, loaded] of fleet.profiles) {
    if (!loaded.ok || isBundled(path)) continue;
    for (const file of loaded.loaded.files) {
      const inside = relative(folder, resolve(file));
      if (inside.startsWith('..') || resolve(folder, inside) !== resolve(file)) return { ok: false, error: `${file} is outside ${folder}: a ConfigMap holds the files next to the fleet file (copy it there)` };
      files.set(inside.split(sep).join('/'), readFileSync(file, 'utf8'));
    }
  }
  const keyOf = (path: string): string => path.replace(/\//g, '__');
  const labels = { 'app.kubernetes.io/name': 'modbus-emu', 'app.kubernetes.io/instance': name };
  const metadata = (objectName: string) => ({ name: objectName, labels, ...(flags.namespace !== undefined && { namespace: flags.namespace }) });
  const perShard = Math.max(...Array.from({ length: flags.shards }, (_, index) => shardInstances(fleet, { index, total: flags.shards }).length));
  const memoryMiB = MEMORY_BASE_MIB + Math.ceil((perShard * MEMORY_PER_DEVICE_KIB) / 1024);
  const configMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: metadata(`${name}-fleet`),
    data: Object.fromEntries([...files].map(([path, text]) => [keyOf(path), text])),
  };
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadata(name),
    spec: { clusterIP: 'None', selector: labels, publishNotReadyAddresses: false, ports: [{ name: 'control', port: CONTROL_PORT, targetPort: CONTROL_PORT }] },
  };
  const statefulSet = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: metadata(name),
    spec: {
      serviceName: name,
      replicas: flags.shards,
      // Shards are independent: start and replace them all at once.
      podManagementPolicy: 'Parallel',
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000 },
          containers: [
            {
              name: 'modbus-emu',
              image: flags.image ?? `modbus-emu:${packageVersion()}`,
              args: ['/fleet/fleet.yaml', '--shard', `$(POD_INDEX)/${flags.shards}`, '--host', '0.0.0.0', '--control', `0.0.0.0:${CONTROL_PORT}`, '--log-format', 'json'],
              env: [
                { name: 'POD_INDEX', valueFrom: { fieldRef: { fieldPath: `metadata.labels['${POD_INDEX_LABEL}']` } } },
                { name: 'MODBUS_EMU_CONTROL_TOKEN', valueFrom: { secretKeyRef: { name: `${name}-control`, key: 'token' } } },
              ],
              ports: [{ name: 'control', containerPort: CONTROL_PORT }],
              readinessProbe: { httpGet: { path: '/health', port: CONTROL_PORT }, periodSeconds: 5, failureThreshold: 3 },
              livenessProbe: { httpGet: { path: '/health', port: CONTROL_PORT }, periodSeconds: 20, failureThreshold: 3 },
              resources: { requests: { cpu: '500m', memory: `${memoryMiB}Mi` } },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              volumeMounts: [{ name: 'fleet', mountPath: '/fleet', readOnly: true }],
            },
          ],
          volumes: [{ name: 'fleet', configMap: { name: `${name}-fleet`, items: [...files.keys()].map((path) => ({ key: keyOf(path), path })) } }],
        },
      },
    },
  };
  return { ok: true, objects: [configMap, service, statefulSet] };
}

/** A bundled device's profile: inside the package's devices/ folder, so inside the image. */
const isBundled = (path: string): boolean => resolve(path).startsWith(fileURLToPath(new URL('../../devices/', import.meta.url)));

/** `modbus-emu fleet k8s fleet.yaml --shards N`: the manifests on stdout, as YAML documents. */
export async function printManifests(file: string, flags: K8sFlags, io: CliIo): Promise<number> {
  const fleet = await openFleet(file, io, { seed: 0, ...(flags.maxFileSize !== undefined && { maxFileBytes: flags.maxFileSize }) });
  if (!fleet) {
    io.stderr('modbus-emu: no manifests: fix the problems above\n');
    return 1;
  }
  const path = resolve(io.cwd ?? process.cwd(), file);
  const manifests = fleetManifests(fleet, path, readFileSync(path, 'utf8'), flags);
  if (!manifests.ok) {
    io.stderr(`modbus-emu: no manifests: ${manifests.error}\n`);
    return 1;
  }
  io.stdout(yamlDocuments(manifests.objects));
  return 0;
}
