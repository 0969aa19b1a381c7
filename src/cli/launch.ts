import type { Environment } from '../environment.js';
import { BadRequestError } from '../errors.js';
import type { TlsFileOptions } from '../runtime/runtime.js';
import { createLogger, type Logger } from '../log.js';
import { createJsonLogger, createTimedLogger } from '../runtime/json-logger.js';
import { connectionPool } from '../runtime/descriptors.js';
import type { ProfileLoader } from '../runtime/off-thread-load.js';
import { DEFAULT_HOST, describeTransport, Runtime, runtimeOptions, SERIAL_DEFAULTS, type SerialLine, type ServedDevice, type TrafficLevel } from '../runtime/runtime.js';
import { watchRuntimes, type ProfileWatcher } from '../watch/watcher.js';
import { globMatcher } from '../control/select.js';
import { gatewayRuntimes } from './fleet-serve.js';
import { scenarioStarts } from './scenario-flags.js';
import { describeListenError } from './errors.js';
import type { CliIo } from './io.js';
import type { ServeFlags } from './serve.js';

/** One device to serve: where it listens and what it was loaded from (the CLI's plan). */
export interface Planned {
  label: string;
  device: ServedDevice;
  port: number;
  /** What is loaded and reloaded: the argument, or the bundled profile it names. */
  path: string;
  /** The profile's files (none for the in-memory device): what is watched. */
  files: readonly string[];
  /** The port came from --port, so a reload that changes server.port does not move it. */
  pinned: boolean;
  /** A fleet's instance (fleet-serve.ts): its own id, environment (seed, parameters), host, unit id behind a shared port, state file. */
  instance?: {
    readonly id: string;
    readonly env: Environment;
    /** Its listener in the fleet: instances with a unit id share it through a gateway (runtime/fleet-gateway.ts). */
    readonly listener: number;
    readonly host?: string;
    readonly unitId?: number;
    readonly stateFile?: string;
  };
}

/** The log of a serving process, as the flags ask (the main process and every worker alike). */
export function serveLogger(flags: ServeFlags, write: (line: string) => void): Logger {
  const level = flags.verbose ? 'debug' : 'info';
  return flags.logFormat === 'json' ? createJsonLogger(write, level) : flags.logTime === 'none' ? createLogger(write, level) : createTimedLogger(write, level);
}

export function trafficLevel(flags: ServeFlags): TrafficLevel {
  return Math.min(flags.verbose, 2) as TrafficLevel;
}

/** The read-only exception code the flags ask for, or undefined. */
export function readOnlyOf(flags: ServeFlags, fallback: number): number | undefined {
  return flags.readOnly || flags.readOnlyException !== undefined ? (flags.readOnlyException ?? fallback) : undefined;
}

export interface Launched {
  readonly runtimes: readonly Runtime[];
  /** A fleet's gateways: one listener for the instances behind a shared port. */
  readonly gateways: ReturnType<typeof gatewayRuntimes>;
  /** What listens: the runtimes on their own ports, and the gateways. */
  readonly listening: readonly Runtime[];
  /** The scenarios `--scenario` starts once every listener is announced. */
  readonly scenarios: { starts: [Runtime, string][] };
  /** Closes every runtime and gateway, then the loader. */
  closeAll(): Promise<unknown>;
}

/**
 * Builds one runtime per planned device (`ids`: their control ids; `isFleet`: planned from a fleet
 * file) and binds them all: state files are read before anything listens, and either every
 * listener binds or none stays up (null, the reasons said on stderr). The one place the CLI's
 * runtimes are made, in the main process and in each worker (--workers).
 */
export async function launchRuntimes(planned: readonly Planned[], ids: readonly string[], isFleet: boolean, flags: ServeFlags, env: Environment, loader: ProfileLoader, io: CliIo, readOnly: number | undefined): Promise<Launched | null> {
  const journaled = flags.journalDevices === undefined ? () => true : globMatcher(flags.journalDevices);
  const listenerCount = isFleet ? new Set(planned.map((p) => p.instance!.listener)).size : planned.length;
  // One pool of connections for the process, sized from the open-file limit less the listeners (descriptors.ts).
  const pool = connectionPool(listenerCount, env.logger);
  const tlsGiven = tlsFlags(flags);
  const tls = typeof tlsGiven === 'string' ? undefined : tlsGiven;
  const runtimes = unlessRefused(io, () => planned.map(
    (p, i) =>
      new Runtime(
        runtimeOptions({
          device: p.device,
          env: p.instance?.env ?? env,
          label: p.label,
          ...(p.files.length > 0 && { source: { profile: p.path, ...(io.cwd !== undefined && { cwd: io.cwd }) } }),
          // A port from --port stays put; otherwise a reload may move the device to its profile's new port.
          ...(p.pinned ? { port: p.port } : { defaultPort: p.device.server.port === undefined ? p.port : DEFAULT_PORT }),
          journal: journaled(ids[i]!) ? (flags.journal ?? (flags.journalDevices !== undefined ? true : undefined)) : undefined,
          maxFileBytes: flags.maxFileSize,
          host: flags.host ?? p.instance?.host,
          idleTimeoutMs: flags.idleTimeout === undefined ? undefined : flags.idleTimeout * 1000,
          maxConnections: flags.maxConnections,
          connectionPolicy: flags.whenFull,
          pool,
          readOnly,
          allow: flags.allow,
          stateFile: p.instance ? p.instance.stateFile : flags.state,
          transport: flags.transport,
          serial: serialLine(flags),
          tls,
          traffic: trafficLevel(flags),
          loader,
        }),
      ),
  ));
  if (!runtimes) {
    await loader.close();
    return null;
  }
  // Instances behind a shared port (`units:`) listen through one gateway per port.
  const gateways = isFleet ? gatewayRuntimes(planned, runtimes, env, { ...flags, pool, traffic: trafficLevel(flags) }) : [];
  const listening = [...runtimes.filter((_, i) => planned[i]!.instance?.unitId === undefined), ...gateways.map((g) => g.runtime)];
  const closeAll = (): Promise<unknown> => Promise.all([...runtimes, ...gateways.map((g) => g.runtime)].map((r) => r.close())).then(() => loader.close());
  const stateClash = findStateClash(runtimes);
  if (stateClash) {
    io.stderr(`modbus-emu: ${stateClash}\n`);
    await closeAll();
    return null;
  }
  // State files are read before anything listens: one that is not a state file stops the start, and is not overwritten.
  const loaded = await Promise.allSettled(runtimes.map((r) => r.loadState()));
  const unreadable = loaded.flatMap((l) => (l.status === 'rejected' ? [(l.reason as Error).message] : []));
  if (unreadable.length > 0) {
    for (const message of unreadable) io.stderr(`modbus-emu: ${message}\n`);
    await closeAll();
    io.stderr('modbus-emu: not started: no device is listening\n');
    return null;
  }
  const scenarios = scenarioStarts(flags.scenario ?? [], runtimes, ids);
  if ('error' in scenarios) {
    io.stderr(`modbus-emu: ${scenarios.error}\n`);
    await closeAll();
    io.stderr('modbus-emu: not started: no device is listening\n');
    return null;
  }
  const bound = await Promise.allSettled(listening.map((r) => r.listen()));
  const failures = bound.flatMap((b, i) => (b.status === 'rejected' ? [{ r: listening[i]!, error: b.reason as unknown }] : []));
  if (failures.length > 0) {
    for (const { r, error } of failures) {
      const p = planned[runtimes.indexOf(r)];
      const g = gateways.find((x) => x.runtime === r);
      const host = flags.host ?? (p ? (p.instance?.host ?? p.device.server.host) : g!.host) ?? DEFAULT_HOST;
      const transport = r.transport;
      const why = transport.kind === 'serial' ? `cannot open ${describeTransport(transport)}: ${(error as Error)?.message ?? String(error)}` : describeListenError(error, host, p ? p.port : g!.port);
      io.stderr(`modbus-emu: ${r.label}: ${why}\n`);
    }
    await closeAll();
    io.stderr('modbus-emu: not started: no device is listening\n');
    return null;
  }
  return { runtimes, gateways, listening, closeAll, scenarios };
}

/** The CLI's first port, and where a device goes when a reload drops its profile's own port. */
export const DEFAULT_PORT = 5020;

/** One watcher per profile file: an edit reloads every instance served from it. */
export function watchProfiles(runtimes: readonly Runtime[], planned: readonly Planned[]): ProfileWatcher[] {
  const byPath = new Map<string, { runtimes: Runtime[]; files: readonly string[] }>();
  planned.forEach((p, i) => {
    if (p.files.length === 0) return;
    const group = byPath.get(p.path);
    if (group) group.runtimes.push(runtimes[i]!);
    else byPath.set(p.path, { runtimes: [runtimes[i]!], files: p.files });
  });
  return [...byPath.values()].map((g) => watchRuntimes(g.runtimes, g.files));
}

function findStateClash(runtimes: readonly Runtime[]): string | null {
  const seen = new Map<string, string>();
  for (const r of runtimes) {
    const file = r.stateFile;
    if (file === undefined) continue;
    const other = seen.get(file);
    if (other) return `${other} and ${r.label} would both keep their state in ${file}: give each its own server.stateFile`;
    seen.set(file, r.label);
  }
  return null;
}

/** The serial line `--serial` and its flags ask for, or undefined. */
function serialLine(flags: ServeFlags): SerialLine | undefined {
  if (flags.serial === undefined) return undefined;
  return {
    ...SERIAL_DEFAULTS,
    path: flags.serial,
    ...(flags.baud !== undefined && { baudRate: flags.baud }),
    ...(flags.parity !== undefined && { parity: flags.parity }),
    ...(flags.dataBits !== undefined && { dataBits: flags.dataBits }),
    ...(flags.stopBits !== undefined && { stopBits: flags.stopBits }),
  };
}

/** The three TLS flags as runtime options, none, or what is wrong with them. */
export function tlsFlags(flags: ServeFlags): TlsFileOptions | undefined | string {
  const given = { '--tls-cert': flags.tlsCert, '--tls-key': flags.tlsKey, '--tls-client-ca': flags.tlsClientCa };
  const missing = Object.entries(given).filter(([, v]) => v === undefined).map(([k]) => k);
  if (missing.length === 3) return undefined;
  if (missing.length > 0) return `--tls-cert, --tls-key and --tls-client-ca go together: ${missing.join(' and ')} missing`;
  return { cert: flags.tlsCert!, key: flags.tlsKey!, clientCa: flags.tlsClientCa! };
}

/** `make()`, or undefined when it refused the caller's settings (a TLS file that cannot be read, or that Node refuses): said on stderr. */
function unlessRefused<T>(io: CliIo, make: () => T): T | undefined {
  try {
    return make();
  } catch (error) {
    if (!(error instanceof BadRequestError)) throw error;
    io.stderr(`modbus-emu: ${error.message}\nmodbus-emu: not started: no device is listening\n`);
    return undefined;
  }
}
