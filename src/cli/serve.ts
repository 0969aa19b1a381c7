import { deviceIds } from '../control/context.js';
import { isLoopbackAddress, tokenNeeded } from '../control/guard.js';
import type { ControlServer } from '../control/server.js';
import type { Environment } from '../environment.js';
import { createLogger } from '../log.js';
import { formatDiagnostic } from '../profile/diagnostics.js';
import { ManualClock } from '../runtime/clock.js';
import { createEnvironment } from '../runtime/environment.js';
import { createJsonLogger, createTimedLogger } from '../runtime/json-logger.js';
import { ProfileLoader } from '../runtime/off-thread-load.js';
import { memoryDevice } from '../runtime/memory-device.js';
import { connectionPool } from '../runtime/descriptors.js';
import { DEFAULT_HOST, describeTransport, hostPort, READ_ONLY_EXCEPTION, SERIAL_DEFAULTS, type Parity, type SerialLine, Runtime, runtimeOptions, type BoundAddress, type ConnectionPolicy, type ServedDevice, type TrafficLevel } from '../runtime/runtime.js';
import { watchRuntimes, type ProfileWatcher } from '../watch/watcher.js';
import { resolveProfileArgument, withBundledHint } from './bundled.js';
import { describeListenError } from './errors.js';
import type { CliIo } from './io.js';
import { packageVersion } from './version.js';

export const DEFAULT_PORT = 5020;
export { DEFAULT_HOST };

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
  /** `--read-only-exception CODE` (implies --read-only). */
  readOnlyException?: number;
  /** `--transport`: framing on the TCP listeners. */
  transport?: 'tcp' | 'rtu-over-tcp';
  /** `--serial PATH` and its line settings (one profile). */
  serial?: string;
  baud?: number;
  parity?: Parity;
  dataBits?: 7 | 8;
  stopBits?: 1 | 2;
}

interface Planned {
  label: string;
  device: ServedDevice;
  port: number;
  /** What is loaded and reloaded: the argument, or the bundled profile it names. */
  path: string;
  /** The profile's files (none for the in-memory device): what is watched. */
  files: readonly string[];
  /** The port came from --port, so a reload that changes server.port does not move it. */
  pinned: boolean;
}

/**
 * Serves each profile through its own runtime (or the in-memory device when none is given) until
 * `io.signal` aborts. Every profile is loaded and checked before anything binds, and either every
 * listener binds or none stays up: nothing is announced as listening unless all are.
 */
export async function serve(profiles: readonly string[], flags: ServeFlags, io: CliIo): Promise<number> {
  const traffic = Math.min(flags.verbose, 2) as TrafficLevel;
  const write = (line: string): void => io.stderr(line);
  const level = traffic ? 'debug' : 'info';
  const logger = flags.logFormat === 'json' ? createJsonLogger(write, level) : flags.logTime === 'none' ? createLogger(write, level) : createTimedLogger(write, level);
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
  // Both are read and driven only through the control channel: without it they do nothing.
  if (!flags.control && flags.clock === 'manual') io.stderr('warning: --clock manual without --control: nothing can advance the emulator clock, so generators and timed faults stand still\n');
  if (!flags.control && flags.journal !== undefined) io.stderr('warning: --journal without --control: nothing can read the journal\n');
  const env = createEnvironment({ seed: flags.seed, logger, ...(flags.clock === 'manual' ? { clock: new ManualClock() } : { timeScale: flags.timeScale }) });
  const readOnly = flags.readOnly || flags.readOnlyException !== undefined ? (flags.readOnlyException ?? READ_ONLY_EXCEPTION) : undefined;
  // One loader for the process's reloads: the instances of a profile are checked once at each
  // reload and share its layouts (off-thread-load.ts), with one worker thread for all. At start
  // nothing is served yet, so profiles load in-thread (no thread to start; the same sharing).
  const loader = new ProfileLoader();
  const planned = profiles.length === 0 ? [{ label: 'in-memory', path: '', device: memoryDevice(logger, readOnly), port: flags.port ?? DEFAULT_PORT, files: [], pinned: true }] : await plan(profiles, flags, io, env, new ProfileLoader(false));
  if (!planned) {
    await loader.close();
    return 1;
  }

  const clash = findPortClash(planned);
  if (clash) {
    io.stderr(`modbus-emu: ${clash}\n`);
    return 1;
  }

  // One pool of connections for the process, sized from the open-file limit less the listeners (descriptors.ts).
  const pool = connectionPool(planned.length, logger);
  const runtimes = planned.map(
    (p) =>
      new Runtime(
        runtimeOptions({
          device: p.device,
          env,
          label: p.label,
          ...(p.files.length > 0 && { source: { profile: p.path, ...(io.cwd !== undefined && { cwd: io.cwd }) } }),
          // A port from --port stays put; otherwise a reload may move the device to its profile's new port.
          ...(p.pinned ? { port: p.port } : { defaultPort: p.device.server.port === undefined ? p.port : DEFAULT_PORT }),
          journal: flags.journal,
          maxFileBytes: flags.maxFileSize,
          host: flags.host,
          idleTimeoutMs: flags.idleTimeout === undefined ? undefined : flags.idleTimeout * 1000,
          maxConnections: flags.maxConnections,
          connectionPolicy: flags.whenFull,
          pool,
          readOnly,
          allow: flags.allow,
          stateFile: flags.state,
          transport: flags.transport,
          serial: serialLine(flags),
          traffic,
          loader,
        }),
      ),
  );
  const closeAll = (): Promise<unknown> => Promise.all(runtimes.map((r) => r.close())).then(() => loader.close());
  const stateClash = findStateClash(runtimes);
  if (stateClash) {
    io.stderr(`modbus-emu: ${stateClash}\n`);
    await closeAll();
    return 1;
  }
  // State files are read before anything listens: one that is not a state file stops the start, and is not overwritten.
  const loaded = await Promise.allSettled(runtimes.map((r) => r.loadState()));
  const unreadable = loaded.flatMap((l) => (l.status === 'rejected' ? [(l.reason as Error).message] : []));
  if (unreadable.length > 0) {
    for (const message of unreadable) io.stderr(`modbus-emu: ${message}\n`);
    await closeAll();
    io.stderr('modbus-emu: not started: no device is listening\n');
    return 1;
  }
  const bound = await Promise.allSettled(runtimes.map((r) => r.listen()));
  const failures = bound.flatMap((b, i) => (b.status === 'rejected' ? [{ p: planned[i]!, error: b.reason as unknown, transport: runtimes[i]!.transport }] : []));
  if (failures.length > 0) {
    for (const { p, error, transport } of failures) {
      const why = transport.kind === 'serial' ? `cannot open ${describeTransport(transport)}: ${(error as Error)?.message ?? String(error)}` : describeListenError(error, flags.host ?? p.device.server.host ?? DEFAULT_HOST, p.port);
      io.stderr(`modbus-emu: ${p.label}: ${why}\n`);
    }
    await closeAll();
    io.stderr('modbus-emu: not started: no device is listening\n');
    return 1;
  }

  const ids = deviceIds(planned.map((p) => p.device.name));
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
  runtimes.forEach((r, i) => {
    const { label, device } = planned[i]!;
    const address = r.address!;
    for (const line of device.summary()) io.stderr(`${line}\n`);
    const allow = flags.allow ?? device.server.allow;
    if (allow) io.stderr(`${label}: clients served from ${allow.join(', ')} only (others are closed at accept)\n`);
    const where = r.transport;
    io.stderr(`${label}: listening on ${describeTransport(where.kind === 'tcp' ? { ...where, port: address.port } : where)}\n`);
  });
  // The token itself is never printed: only that one is needed.
  if (control) io.stderr(`control channel on ${control.url} (OpenAPI: ${control.url}/openapi.json${controlToken !== undefined ? '; bearer token required' : ''})\n`);
  if (watchers.length > 0) io.stderr(`watching ${watchers.reduce((n, w) => n + w.files.length, 0)} profile file(s) for changes (--no-watch turns it off)\n`);
  const announce = (address: BoundAddress, i: number): void => {
    const { label } = planned[i]!;
    if (flags.readyJson) io.stdout(`${JSON.stringify({ address: address.host, port: address.port, device: label, id: ids[i], control: control?.url ?? null })}\n`);
    else io.stdout(`listening on ${address.family === 'serial' ? address.host : hostPort(address.host, address.port)} ${label}\n`);
  };
  runtimes.forEach((r, i) => announce(r.address!, i));
  // A reload that moved a device to another port announces it again.
  runtimes.forEach((r, i) => r.on('listening', (address) => announce(address, i)));

  await untilAborted(io.signal);
  io.stderr('shutting down\n');
  await Promise.all(watchers.map((w) => w.close()));
  await control?.close();
  await closeAll();
  return 0;
}

/** One watcher per profile file: an edit reloads every instance served from it. */
function watchProfiles(runtimes: readonly Runtime[], planned: readonly Planned[]): ProfileWatcher[] {
  const byPath = new Map<string, { runtimes: Runtime[]; files: readonly string[] }>();
  planned.forEach((p, i) => {
    if (p.files.length === 0) return;
    const group = byPath.get(p.path);
    if (group) group.runtimes.push(runtimes[i]!);
    else byPath.set(p.path, { runtimes: [runtimes[i]!], files: p.files });
  });
  return [...byPath.values()].map((g) => watchRuntimes(g.runtimes, g.files));
}

async function plan(files: readonly string[], flags: ServeFlags, io: CliIo, env: Environment, loader: ProfileLoader): Promise<Planned[] | null> {
  const paths = files.map((file) => resolveProfileArgument(file, io.cwd));
  // Asked all at once, so every instance of a profile shares one load and check (ProfileLoader.load).
  const options = { ...(io.cwd !== undefined && { cwd: io.cwd }), ...(flags.maxFileSize !== undefined && { maxFileBytes: flags.maxFileSize }) };
  const results = await Promise.all(paths.map((path) => loader.load(path, options, env)));
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

/** Why the control channel may not start as asked (a sentence saying how to fix it), or undefined. */
function controlRefusal(where: { host: string; port: number }, token: string | undefined): string | undefined {
  if (token === '') return 'the control token is empty: give a token of some length (for example 32 random characters)';
  if (token === undefined && !isLoopbackAddress(where.host)) return tokenNeeded(where.host, where.port);
  return undefined;
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
