import { deviceIds } from '../control/context.js';
import { isLoopbackAddress, tokenNeeded } from '../control/guard.js';
import type { ControlServer } from '../control/server.js';
import type { Environment } from '../environment.js';
import { formatDiagnostic } from '../profile/diagnostics.js';
import { ManualClock } from '../runtime/clock.js';
import { createEnvironment } from '../runtime/environment.js';
import { ProfileLoader } from '../runtime/off-thread-load.js';
import { memoryDevice } from '../runtime/memory-device.js';
import { DEFAULT_HOST, describeTransport, hostPort, READ_ONLY_EXCEPTION, type Parity, type Runtime, type BoundAddress, type ConnectionPolicy } from '../runtime/runtime.js';
import type { Shard } from '../runtime/fleet-shard.js';
import type { ProfileWatcher } from '../watch/watcher.js';
import { resolveProfileArgument, withBundledHint } from './bundled.js';
import { isFleetFile, openFleet } from './fleet.js';
import { planFleet } from './fleet-serve.js';
import { describeListenError } from './errors.js';
import { serveInWorkers, workersRefusal } from './serve-workers.js';
import { DEFAULT_PORT, launchRuntimes, readOnlyOf, serveLogger, tlsFlags, watchProfiles, type Planned } from './launch.js';
import type { CliIo } from './io.js';
import { packageVersion } from './version.js';

export { DEFAULT_HOST, DEFAULT_PORT };
export type { Planned };

/** Serve flags; undefined means "not given on the command line" so the profile decides. */
export interface ServeFlags {
  host?: string;
  port?: number;
  verbose: number;
  idleTimeout?: number;
  maxConnections?: number;
  whenFull?: ConnectionPolicy;
  seed?: number;
  timeScale?: number;
  /** `--no-watch` sets false. */
  watch: boolean;
  readyJson?: boolean;
  logFormat?: 'text' | 'json';
  /** `--log-time`: text log lines start with an ISO time (default), or not. */
  logTime?: 'iso' | 'none';
  /** `--control HOST:PORT`, parsed. */
  control?: { host: string; port: number };
  /** `--control-token` (else MODBUS_EMU_CONTROL_TOKEN from the environment). */
  controlToken?: string;
  /** `--journal [size]`: true for the default size. */
  journal?: number | true;
  clock?: 'real' | 'manual';
  /** `--max-file-size MiB`, in bytes. */
  maxFileSize?: number;
  /** `--state FILE`: replaces the profile's `server.stateFile` (one profile only). */
  state?: string;
  /** `--allow CIDR`, repeated: replaces every profile's `server.allow`. */
  allow?: string[];
  /** `--read-only`. */
  readOnly?: boolean;
  /** `--tls-cert`, `--tls-key`, `--tls-client-ca`: all three or none (they replace every profile's `server.tls` files). */
  tlsCert?: string;
  tlsKey?: string;
  tlsClientCa?: string;
  /** `--read-only-exception CODE` (implies --read-only). */
  readOnlyException?: number;
  /** `--scenario [DEVICE:]NAME`, repeated: scenarios started once listening (docs/scenarios.md). */
  scenario?: string[];
  /** `--transport`: framing on the TCP listeners. */
  transport?: 'tcp' | 'rtu-over-tcp';
  /** `--serial PATH` and its line settings (one profile). */
  serial?: string;
  baud?: number;
  parity?: Parity;
  dataBits?: 7 | 8;
  stopBits?: 1 | 2;
  /** `--journal-devices GLOB`: the journal only for the devices whose id matches. */
  journalDevices?: string;
  /** `--shard i/N`: serve shard i of a fleet file cut into N (runtime/fleet-shard.ts). */
  shard?: Shard;
  /** `--workers N`: serve the devices from N worker processes (serve-workers.ts). */
  workers?: number;
}

/**
 * Serves each profile through its own runtime (or the in-memory device when none is given) until
 * `io.signal` aborts. Every profile is loaded and checked before anything binds, and either every
 * listener binds or none stays up: nothing is announced as listening unless all are.
 */
export async function serve(profiles: readonly string[], flags: ServeFlags, io: CliIo): Promise<number> {
  const logger = serveLogger(flags, (line) => io.stderr(line));
  if (flags.clock === 'manual' && flags.timeScale !== undefined) {
    io.stderr('modbus-emu: --clock manual and --time-scale exclude each other (a manual clock moves only when told)\n');
    return 2;
  }
  const controlToken = flags.controlToken ?? (io.env?.MODBUS_EMU_CONTROL_TOKEN || undefined);
  if (flags.control) {
    const refused = controlRefusal(flags.control, controlToken);
    if (refused) {
      io.stderr(`modbus-emu: not started: ${refused}\n`);
      return 2;
    }
  }
  if (flags.state !== undefined && profiles.length !== 1) {
    io.stderr(`modbus-emu: --state keeps the points of one profile: ${profiles.length === 0 ? 'give a profile (the in-memory device has no points to keep)' : 'give each profile its own server.stateFile instead'}\n`);
    return 2;
  }
  const refusedSerial = serialRefusal(flags, profiles.length);
  if (refusedSerial) {
    io.stderr(`modbus-emu: ${refusedSerial}\n`);
    return 2;
  }
  const noWorkers = flags.workers === undefined ? undefined : workersRefusal(profiles, flags, io.cwd);
  if (noWorkers) {
    io.stderr(`modbus-emu: not started: ${noWorkers}\n`);
    return 2;
  }
  // Both are read and driven only through the control channel: without it they do nothing.
  if (!flags.control && flags.clock === 'manual') io.stderr('warning: --clock manual without --control: nothing can advance the emulator clock, so generators and timed faults stand still\n');
  if (!flags.control && flags.journal !== undefined) io.stderr('warning: --journal without --control: nothing can read the journal\n');
  const fleets = profiles.filter((p) => isFleetFile(p, io.cwd));
  if (fleets.length > 0 && profiles.length > 1) {
    io.stderr(`modbus-emu: ${fleets[0]} is a fleet file: serve it alone (add the other profiles to it as entries)\n`);
    return 2;
  }
  if (fleets.length > 0 && flags.port !== undefined) {
    io.stderr('modbus-emu: --port does not apply to a fleet file: each entry gives its port (docs/fleets.md)\n');
    return 2;
  }
  const fleet = fleets.length === 1 ? await openFleet(profiles[0]!, io, { seed: flags.seed, maxFileBytes: flags.maxFileSize }) : undefined;
  if (fleet === null) {
    io.stderr('modbus-emu: not started: fix the problems above (modbus-emu validate <fleet file> checks a fleet and its profiles)\n');
    return 1;
  }
  // A fleet's seed is the run's: --seed with the printed seed replays every instance.
  const env = createEnvironment({ seed: flags.seed ?? fleet?.seed, logger, ...(flags.clock === 'manual' ? { clock: new ManualClock() } : { timeScale: flags.timeScale }) });
  const readOnly = readOnlyOf(flags, READ_ONLY_EXCEPTION);
  if (flags.shard && !fleet) {
    io.stderr('modbus-emu: --shard serves a part of a fleet file: give one fleet file (docs/fleets.md)\n');
    return 2;
  }
  // One loader for the process's reloads: the instances of a profile are checked once at each
  // reload and share its layouts (off-thread-load.ts), with one worker thread for all. At start
  // nothing is served yet, so profiles load in-thread (no thread to start; the same sharing).
  const loader = new ProfileLoader();
  const planned =
    profiles.length === 0
      ? [{ label: 'in-memory', path: '', device: memoryDevice(logger, readOnly), port: flags.port ?? DEFAULT_PORT, files: [], pinned: true }]
      : fleet
        ? planFleet(fleet, flags.shard, env, io, flags.state)
        : await plan(profiles, flags, io, env, new ProfileLoader(false));
  if (!planned) {
    await loader.close();
    return 1;
  }
  if (planned.length === 0) {
    await loader.close();
    io.stderr(`modbus-emu: not started: shard ${flags.shard!.index}/${flags.shard!.total} has no device (the fleet has ${fleet!.listeners} listeners; shards take them in turn)\n`);
    return 1;
  }

  const clash = fleet ? null : findPortClash(planned);
  if (clash) {
    io.stderr(`modbus-emu: ${clash}\n`);
    return 1;
  }

  const tls = tlsFlags(flags);
  if (typeof tls === 'string') {
    io.stderr(`modbus-emu: ${tls}\n`);
    await loader.close();
    return 2;
  }
  const ids = fleet ? planned.map((p) => p.instance!.id) : deviceIds(planned.map((p) => p.device.name));
  if (flags.workers !== undefined) {
    await loader.close();
    return serveInWorkers(planned, ids, flags, io, env, controlToken);
  }
  const launched = await launchRuntimes(planned, ids, fleet !== undefined, flags, env, loader, io, readOnly);
  if (!launched) return 1;
  const { runtimes, gateways, listening, closeAll, scenarios } = launched;

  let control: ControlServer | undefined;
  if (flags.control) {
    try {
      // Loaded only when asked for: fastify is most of the CLI's start-up time and memory otherwise.
      const { startControl } = await import('../control/server.js');
      control = await startControl({ ...flags.control, devices: runtimes.map((runtime, i) => ({ id: ids[i]!, runtime })), clock: env.clock, logger, version: packageVersion(), ...(controlToken !== undefined && { token: controlToken }) });
    } catch (error) {
      io.stderr(`modbus-emu: control channel: ${describeListenError(error, flags.control.host, flags.control.port, '--control')}\n`);
      await closeAll();
      io.stderr('modbus-emu: not started: no device is listening\n');
      return 1;
    }
  }
  const watchers: ProfileWatcher[] = flags.watch ? watchProfiles(runtimes, planned) : [];
  await Promise.all(watchers.map((w) => w.ready));

  const scale = flags.timeScale !== undefined && flags.timeScale !== 1 ? `; emulator time runs ×${flags.timeScale}` : flags.clock === 'manual' ? '; emulator clock: manual' : '';
  io.stderr(`seed ${env.random.seed} (replay this run with --seed ${env.random.seed})${scale}; socket I/O: ${runtimes[0]!.ioMode}\n`);
  if (readOnly !== undefined) io.stderr(`read-only: every client write is answered with exception ${hex2(readOnly)} and changes nothing\n`);
  // A fleet's devices are too many for a summary each: one line for the lot.
  if (fleet) io.stderr(`fleet ${profiles[0]}: ${planned.length} devices on ${listening.length} listeners${flags.shard ? ` (shard ${flags.shard.index}/${flags.shard.total} of ${fleet.instances.length} devices)` : ''}\n`);
  else
    runtimes.forEach((r, i) => {
      const { label, device } = planned[i]!;
      const address = r.address!;
      for (const line of device.summary()) io.stderr(`${line}\n`);
      const allow = flags.allow ?? device.server.allow;
      if (allow) io.stderr(`${label}: clients served from ${allow.join(', ')} only (others are closed at accept)\n`);
      const where = r.transport;
      const tlsFiles = tls ?? device.server.tls;
      if (where.kind === 'tcp' && where.tls && tlsFiles) io.stderr(`${label}: Modbus/TCP Security: TLS, clients need a certificate from ${tlsFiles.clientCa}\n`);
      io.stderr(`${label}: listening on ${describeTransport(where.kind === 'tcp' ? { ...where, port: address.port } : where)}\n`);
    });
  // The token itself is never printed: only that one is needed.
  if (control) io.stderr(`control channel on ${control.url} (OpenAPI: ${control.url}/openapi.json${controlToken !== undefined ? '; bearer token required' : ''})\n`);
  if (watchers.length > 0) io.stderr(`watching ${watchers.reduce((n, w) => n + w.files.length, 0)} profile file(s) for changes (--no-watch turns it off)\n`);
  // One line per listener: a gateway's line names the devices behind it by unit id.
  const listenerLine = new Map<Runtime, { label: string; id: string | null; units?: Record<number, string> }>();
  runtimes.forEach((r, i) => listenerLine.set(r, { label: planned[i]!.label, id: ids[i]! }));
  for (const g of gateways) listenerLine.set(g.runtime, { label: g.runtime.label, id: null, units: g.units });
  const announce = (address: BoundAddress, r: Runtime): void => {
    const { label, id, units } = listenerLine.get(r)!;
    if (flags.readyJson) io.stdout(`${JSON.stringify({ address: address.host, port: address.port, device: label, id, control: control?.url ?? null, ...(units && { units }) })}\n`);
    else io.stdout(`listening on ${address.family === 'serial' ? address.host : hostPort(address.host, address.port)} ${label}\n`);
  };
  for (const r of listening) announce(r.address!, r);
  for (const [runtime, name] of scenarios.starts) runtime.scenarios.start(name);
  // A reload that moved a device to another port announces it again.
  for (const r of listening) r.on('listening', (address) => announce(address, r));

  await untilAborted(io.signal);
  io.stderr('shutting down\n');
  await Promise.all(watchers.map((w) => w.close()));
  await control?.close();
  await closeAll();
  return 0;
}


async function plan(files: readonly string[], flags: ServeFlags, io: CliIo, env: Environment, loader: ProfileLoader): Promise<Planned[] | null> {
  const paths = files.map((file) => resolveProfileArgument(file, io.cwd));
  // Asked all at once, so every instance of a profile shares one load and check (ProfileLoader.load).
  const options = { ...(io.cwd !== undefined && { cwd: io.cwd }), ...(flags.maxFileSize !== undefined && { maxFileBytes: flags.maxFileSize }) };
  // With --workers the devices are the workers' to load: one instance of each profile here checks it and gives its name and settings.
  const once = new Map<string, ReturnType<ProfileLoader['load']>>();
  const load = (path: string): ReturnType<ProfileLoader['load']> => {
    if (flags.workers === undefined) return loader.load(path, options, env);
    if (!once.has(path)) once.set(path, loader.load(path, options, env));
    return once.get(path)!;
  };
  const results = await Promise.all(paths.map(load));
  let failed = false;
  for (const r of results) {
    if (r.ok) {
      for (const w of r.warnings) io.stderr(`warning: ${formatDiagnostic(w)}\n`);
      continue;
    }
    failed = true;
    for (const d of r.diagnostics) io.stderr(`${formatDiagnostic(withBundledHint(d))}\n`);
  }
  if (failed) {
    io.stderr('modbus-emu: not started: fix the profile problems above (modbus-emu validate <file> checks a profile)\n');
    return null;
  }
  // Ports: --port and the ones after it for every profile, else the profile's own port, else
  // consecutive ports from 5020. Port 0 (a free port each) is never incremented.
  let next = flags.port ?? DEFAULT_PORT;
  return results.map((r, i) => {
    const device = (r as Extract<typeof r, { ok: true }>).profile;
    const own = flags.port === undefined ? device.server.port : undefined;
    const port = own ?? next;
    if (own === undefined && next !== 0) next++;
    return { label: files[i]!, path: paths[i]!, device, port, files: (r as Extract<typeof r, { ok: true }>).files, pinned: flags.port !== undefined };
  });
}

/** Why the serial flags cannot be used as given, or undefined. */
function serialRefusal(flags: ServeFlags, profiles: number): string | undefined {
  const lineFlags = [flags.baud !== undefined && '--baud', flags.parity !== undefined && '--parity', flags.dataBits !== undefined && '--data-bits', flags.stopBits !== undefined && '--stop-bits'].filter(Boolean);
  if (flags.serial === undefined) return lineFlags.length > 0 ? `${lineFlags.join(', ')} set${lineFlags.length === 1 ? 's' : ''} the line of --serial: give --serial PATH too (a profile's server.serial has its own settings)` : undefined;
  if (flags.transport !== undefined) return '--serial and --transport exclude each other: --serial serves on a serial line, --transport chooses the framing on TCP';
  if (profiles > 1) return '--serial serves one profile on its line: give each profile its own server.serial instead';
  return undefined;
}

/** The line of `--serial`, its flags over the serial line spec's defaults. */

/** Why the control channel may not start as asked (a sentence saying how to fix it), or undefined. */
function controlRefusal(where: { host: string; port: number }, token: string | undefined): string | undefined {
  if (token === '') return 'the control token is empty: give a token of some length (for example 32 random characters)';
  if (token === undefined && !isLoopbackAddress(where.host)) return tokenNeeded(where.host, where.port);
  return undefined;
  }

function findPortClash(planned: readonly Planned[]): string | null {
  const seen = new Map<number, string>();
  for (const p of planned) {
    if (p.port === 0) continue;
    const other = seen.get(p.port);
    if (other) return `${other} and ${p.label} would both listen on port ${p.port}: give one of them another server.port, or use --port`;
    seen.set(p.port, p.label);
  }
  return null;
}

const hex2 = (code: number): string => code.toString(16).toUpperCase().padStart(2, '0');

/** Resolves when `signal` aborts (never, without one). */
function untilAborted(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!signal) return;
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

