import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Environment } from '../environment.js';
import type { connectionPool } from '../runtime/descriptors.js';
import { formatDiagnostic } from '../profile/diagnostics.js';
import { createEnvironment } from '../runtime/environment.js';
import type { ExpandedFleet } from '../runtime/fleet.js';
import { shardInstances, type Shard } from '../runtime/fleet-shard.js';
import { checkLoaded } from '../runtime/load-device.js';
import { fleetGateway, type GatewayMember } from '../runtime/fleet-gateway.js';
import { Runtime, runtimeOptions, type TrafficLevel } from '../runtime/runtime.js';
import type { CliIo } from './io.js';
import type { Planned, ServeFlags } from './serve.js';

/**
 * The instances of a fleet this process serves (its shard), each compiled with its own
 * environment: the process's clock, wire timer and logger, the instance's seed and parameters.
 * The profile was parsed once (ExpandedFleet.profiles); its warnings print once. `stateFolder`
 * (`--state DIR`) gives each instance the file DIR/<id>.json. Null after a problem (printed).
 */
export function planFleet(fleet: ExpandedFleet, shard: Shard | undefined, env: Environment, io: CliIo, stateFolder: string | undefined): Planned[] | null {
  const instances = shardInstances(fleet, shard);
  if (stateFolder !== undefined) mkdirSync(resolve(io.cwd ?? process.cwd(), stateFolder), { recursive: true });
  // Checked once per profile (the checks and the layouts do not depend on an instance), assembled per instance.
  const checked = new Map<string, ReturnType<typeof checkLoaded>>();
  const planned: Planned[] = [];
  for (const instance of instances) {
    const own = createEnvironment({ seed: instance.seed, clock: env.clock, timer: env.timer, logger: env.logger, params: instance.params });
    let check = checked.get(instance.profile);
    if (!check) {
      checked.set(instance.profile, (check = checkLoaded(fleet.profiles.get(instance.profile)!, env.clock.timeScale ?? 1)));
      if (!check.ok) {
        for (const d of check.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
        io.stderr('modbus-emu: not started: fix the profile problems above (modbus-emu validate <fleet file> checks a fleet)\n');
        return null;
      }
      for (const w of check.warnings) io.stderr(`warning: ${formatDiagnostic(w)}\n`);
    }
    if (!check.ok) return null;
    planned.push({
      label: instance.id,
      path: instance.profile,
      device: check.assemble(own),
      port: instance.port,
      files: check.files,
      pinned: true,
      instance: {
        id: instance.id,
        env: own,
        listener: instance.listener,
        ...(instance.host !== undefined && { host: instance.host }),
        ...(instance.unitId !== undefined && { unitId: instance.unitId }),
        ...(stateFolder !== undefined && { stateFile: join(stateFolder, `${instance.id}.json`) }),
      },
    });
  }
  return planned;
}

/** A listener shared by instances with unit ids: its runtime (serving fleetGateway), and which id answers which unit id. */
export interface GatewayListener {
  readonly runtime: Runtime;
  readonly host: string | undefined;
  readonly port: number;
  readonly units: Record<number, string>;
}

/** The listener settings of the CLI that a gateway's runtime takes as the instances' runtimes do. */
export type GatewaySettings = Pick<ServeFlags, 'host' | 'idleTimeout' | 'maxConnections' | 'whenFull' | 'allow'> & { pool: ReturnType<typeof connectionPool>; traffic: TrafficLevel };

/**
 * One runtime per shared port: it listens and routes each unit id to its instance's runtime,
 * which does not listen (runtime/fleet-gateway.ts). Read-only mode, the journal, injected rules
 * and reloads stay with each instance's runtime.
 */
export function gatewayRuntimes(planned: readonly Planned[], runtimes: readonly Runtime[], env: Environment, s: GatewaySettings): GatewayListener[] {
  const groups = new Map<number, { members: GatewayMember[]; units: Record<number, string>; first: Planned }>();
  planned.forEach((p, i) => {
    const unitId = p.instance?.unitId;
    if (unitId === undefined) return;
    const listener = p.instance!.listener;
    let group = groups.get(listener);
    if (!group) groups.set(listener, (group = { members: [], units: {}, first: p }));
    group.members.push({ unitId, runtime: runtimes[i]! });
    group.units[unitId] = p.instance!.id;
  });
  return [...groups.values()].map(({ members, units, first }) => {
    const label = `gateway:${first.port}`;
    const host = first.instance!.host;
    const runtime = new Runtime(
      runtimeOptions({
        device: fleetGateway(label, members),
        env,
        label,
        port: first.port,
        host: s.host ?? host,
        idleTimeoutMs: s.idleTimeout === undefined ? undefined : s.idleTimeout * 1000,
        maxConnections: s.maxConnections,
        connectionPolicy: s.whenFull,
        pool: s.pool,
        allow: s.allow,
        traffic: s.traffic,
      }),
    );
    return { runtime, host, port: first.port, units };
  });
}
