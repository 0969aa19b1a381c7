import { createDeviceHandler } from '../device/handler.js';
import { InMemoryDataSource } from '../device/memory.js';
import type { CompiledProfile, ServerSettings } from '../compiler/types.js';
import { createLogger, type Logger } from '../log.js';
import { formatDiagnostic } from '../profile/diagnostics.js';
import type { Handler } from '../pipeline/types.js';
import { loadDevice } from '../runtime/load-device.js';
import { ModbusTcpServer, DEFAULT_IDLE_TIMEOUT_MS, type ConnectionPolicy } from '../server/server.js';
import { hostPort } from '../server/host-port.js';
import type { TrafficLevel } from '../server/trace.js';
import { describeListenError } from './errors.js';
import type { CliIo } from './io.js';

export const DEFAULT_PORT = 5020;
export const DEFAULT_HOST = '127.0.0.1';

/** Serve flags; undefined means "not given on the command line" so the profile decides. */
export interface ServeFlags {
  host?: string;
  port?: number;
  verbose: number;
  idleTimeout?: number;
  maxConnections?: number;
  whenFull?: ConnectionPolicy;
}

interface Listener {
  label: string;
  summary: string[];
  handler: Handler;
  host: string;
  port: number;
  settings: ServerSettings;
}

/**
 * Serves each profile on its own listener (or the in-memory device when none is given) until
 * `io.signal` aborts. Every profile is loaded and checked before anything binds, so a broken
 * profile or a port clash starts nothing.
 */
export async function serve(profiles: readonly string[], flags: ServeFlags, io: CliIo): Promise<number> {
  const traffic = Math.min(flags.verbose, 2) as TrafficLevel;
  const logger = createLogger((line) => io.stderr(line), traffic ? 'debug' : 'info');
  const listeners = profiles.length === 0 ? [memoryListener(flags, logger)] : await profileListeners(profiles, flags, io, logger);
  if (!listeners) return 1;

  const clash = findPortClash(listeners);
  if (clash) {
    io.stderr(`modbus-emu: ${clash}\n`);
    return 1;
  }

  const servers: ModbusTcpServer[] = [];
  const closeAll = (): Promise<unknown> => Promise.all(servers.map((s) => s.close()));
  for (const l of listeners) {
    const server = new ModbusTcpServer({
      handler: l.handler,
      host: l.host,
      port: l.port,
      idleTimeoutMs: flags.idleTimeout !== undefined ? flags.idleTimeout * 1000 : (l.settings.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS),
      maxConnections: flags.maxConnections ?? l.settings.maxConnections,
      connectionPolicy: flags.whenFull ?? l.settings.whenFull,
      logger,
      traffic,
    });
    try {
      const bound = await server.listen();
      servers.push(server);
      for (const line of l.summary) io.stderr(`${line}\n`);
      io.stderr(`${l.label}: listening on ${hostPort(bound.host, bound.port)}\n`);
      io.stdout(`listening on ${hostPort(bound.host, bound.port)} ${l.label}\n`);
    } catch (error) {
      io.stderr(`modbus-emu: ${l.label}: ${describeListenError(error, l.host, l.port)}\n`);
      await closeAll();
      return 1;
    }
  }

  await untilAborted(io.signal);
  io.stderr('shutting down\n');
  await closeAll();
  return 0;
}

function memoryListener(flags: ServeFlags, logger: Logger): Listener {
  return {
    label: 'in-memory',
    summary: ['in-memory device: every table 0..65535 zero-filled, coils and holding registers writable, every unit id'],
    handler: createDeviceHandler({ dataSource: new InMemoryDataSource(), logger }),
    host: flags.host ?? DEFAULT_HOST,
    port: flags.port ?? DEFAULT_PORT,
    settings: {},
  };
}

async function profileListeners(
  files: readonly string[],
  flags: ServeFlags,
  io: CliIo,
  logger: Logger,
): Promise<Listener[] | null> {
  const results = await Promise.all(files.map((file) => loadDevice(file, { cwd: io.cwd, logger })));
  let failed = false;
  for (const r of results) {
    if (r.ok) continue;
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
    const device = (r as { profile: CompiledProfile }).profile;
    const own = flags.port === undefined ? device.server.port : undefined;
    const port = own ?? next;
    if (own === undefined && next !== 0) next++;
    return {
      label: files[i]!,
      summary: device.summary(),
      handler: device.handler,
      host: flags.host ?? device.server.host ?? DEFAULT_HOST,
      port,
      settings: device.server,
    };
  });
}

function findPortClash(listeners: readonly Listener[]): string | null {
  const seen = new Map<number, string>();
  for (const l of listeners) {
    if (l.port === 0) continue;
    const other = seen.get(l.port);
    if (other) return `${other} and ${l.label} would both listen on port ${l.port}: give one of them another server.port, or use --port`;
    seen.set(l.port, l.label);
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
