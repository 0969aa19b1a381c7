import type { Environment } from '../environment.js';
import { createLogger } from '../log.js';
import { formatDiagnostic } from '../profile/diagnostics.js';
import { createEnvironment } from '../runtime/environment.js';
import { loadDevice } from '../runtime/load-device.js';
import { memoryDevice } from '../runtime/memory-device.js';
import { DEFAULT_HOST, hostPort, Runtime, type ConnectionPolicy, type ServedDevice, type TrafficLevel } from '../runtime/runtime.js';
import { describeListenError } from './errors.js';
import type { CliIo } from './io.js';

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
}

interface Planned {
  label: string;
  device: ServedDevice;
  port: number;
}

/**
 * Serves each profile through its own runtime (or the in-memory device when none is given) until
 * `io.signal` aborts. Every profile is loaded and checked before anything binds, and either every
 * listener binds or none stays up: nothing is announced as listening unless all are.
 */
export async function serve(profiles: readonly string[], flags: ServeFlags, io: CliIo): Promise<number> {
  const traffic = Math.min(flags.verbose, 2) as TrafficLevel;
  const logger = createLogger((line) => io.stderr(line), traffic ? 'debug' : 'info');
  const env = createEnvironment({ seed: flags.seed, timeScale: flags.timeScale, logger });
  const planned = profiles.length === 0 ? [{ label: 'in-memory', device: memoryDevice(logger), port: flags.port ?? DEFAULT_PORT }] : await plan(profiles, flags, io, env);
  if (!planned) return 1;

  const clash = findPortClash(planned);
  if (clash) {
    io.stderr(`modbus-emu: ${clash}\n`);
    return 1;
  }

  const runtimes = planned.map(
    (p) =>
      new Runtime({
        device: p.device,
        env,
        port: p.port,
        ...(flags.host !== undefined && { host: flags.host }),
        ...(flags.idleTimeout !== undefined && { idleTimeoutMs: flags.idleTimeout * 1000 }),
        ...(flags.maxConnections !== undefined && { maxConnections: flags.maxConnections }),
        ...(flags.whenFull !== undefined && { connectionPolicy: flags.whenFull }),
        descriptorShare: planned.length,
        traffic,
      }),
  );
  const closeAll = (): Promise<unknown> => Promise.all(runtimes.map((r) => r.close()));
  const bound = await Promise.allSettled(runtimes.map((r) => r.listen()));
  const failures = bound.flatMap((b, i) => (b.status === 'rejected' ? [{ p: planned[i]!, error: b.reason as unknown }] : []));
  if (failures.length > 0) {
    for (const { p, error } of failures) io.stderr(`modbus-emu: ${p.label}: ${describeListenError(error, flags.host ?? p.device.server.host ?? DEFAULT_HOST, p.port)}\n`);
    await closeAll();
    io.stderr('modbus-emu: not started: no device is listening\n');
    return 1;
  }

  const scale = flags.timeScale !== undefined && flags.timeScale !== 1 ? `; emulator time runs ×${flags.timeScale}` : '';
  io.stderr(`seed ${env.random.seed} (replay this run with --seed ${env.random.seed})${scale}; socket I/O: ${runtimes[0]!.ioMode}\n`);
  runtimes.forEach((r, i) => {
    const { label, device } = planned[i]!;
    const address = r.address!;
    for (const line of device.summary()) io.stderr(`${line}\n`);
    io.stderr(`${label}: listening on ${hostPort(address.host, address.port)}\n`);
  });
  runtimes.forEach((r, i) => io.stdout(`listening on ${hostPort(r.address!.host, r.address!.port)} ${planned[i]!.label}\n`));

  await untilAborted(io.signal);
  io.stderr('shutting down\n');
  await closeAll();
  return 0;
}

async function plan(files: readonly string[], flags: ServeFlags, io: CliIo, env: Environment): Promise<Planned[] | null> {
  const results = await Promise.all(files.map((file) => loadDevice(file, { cwd: io.cwd, env })));
  let failed = false;
  for (const r of results) {
    if (r.ok) {
      for (const w of r.warnings) io.stderr(`warning: ${formatDiagnostic(w)}\n`);
      continue;
    }
    failed = true;
    for (const d of r.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
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
    return { label: files[i]!, device, port };
  });
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

/** Resolves when `signal` aborts (never, without one). */
function untilAborted(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!signal) return;
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
