import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { createDeviceHandler } from '../device/handler.js';
import { InMemoryDataSource } from '../device/memory.js';
import { createLogger, type LogLevel } from '../log.js';
import { ModbusTcpServer, DEFAULT_IDLE_TIMEOUT_MS } from '../server/server.js';
import type { TrafficLevel } from '../server/trace.js';
import { describeListenError } from './errors.js';
import type { CliIo } from './io.js';

export const DEFAULT_PORT = 5020;
export const DEFAULT_HOST = '127.0.0.1';

export interface ServeFlags {
  host: string;
  port?: number;
  verbose: number;
  idleTimeout?: number;
  maxConnections?: number;
  whenFull?: 'refuse' | 'closeLeastRecentlyActive';
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be an integer 0..65535');
  return n;
}

function parseNonNegative(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('must be a number ≥ 0');
  return n;
}

/** Resolves when `signal` aborts (never, without one). */
function untilAborted(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!signal) return;
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** Serves the in-memory device (no profile), as the ancestor did. */
async function serveMemory(flags: ServeFlags, io: CliIo): Promise<number> {
  const traffic = Math.min(flags.verbose, 2) as TrafficLevel;
  const level: LogLevel = traffic ? 'debug' : 'info';
  const logger = createLogger((line) => io.stderr(line), level);
  const port = flags.port ?? DEFAULT_PORT;
  const server = new ModbusTcpServer({
    handler: createDeviceHandler({ dataSource: new InMemoryDataSource(), logger }),
    host: flags.host,
    port,
    idleTimeoutMs: flags.idleTimeout !== undefined ? flags.idleTimeout * 1000 : DEFAULT_IDLE_TIMEOUT_MS,
    maxConnections: flags.maxConnections,
    connectionPolicy: flags.whenFull,
    logger,
    traffic,
  });
  let bound;
  try {
    bound = await server.listen();
  } catch (error) {
    io.stderr(`modbus-emu: ${describeListenError(error, flags.host, port)}\n`);
    return 1;
  }
  io.stderr(`in-memory device: every table 0..65535 zero-filled, coils and holding registers writable, every unit id\n`);
  io.stdout(`listening on ${bound.host}:${bound.port}\n`);
  await untilAborted(io.signal);
  io.stderr('shutting down\n');
  await server.close();
  return 0;
}

/** Runs the CLI on `argv` (without node and script) and returns the exit code. Never exits the process. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  let action: (() => Promise<number>) | null = null;
  const program = new Command()
    .name('modbus-emu')
    .description('Declarative, YAML-scripted Modbus TCP device emulator')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) })
    .showHelpAfterError('(run modbus-emu --help for usage)');

  program
    .argument('[profiles...]', 'device profiles (YAML); none serves the in-memory device')
    .option('--host <host>', 'address to bind', DEFAULT_HOST)
    .option('-p, --port <port>', `port to bind (default ${DEFAULT_PORT}; 0 picks a free one)`, parsePort)
    .option('-v, --verbose', 'log each request; twice (-vv) also requests and replies in hex', (_v, prev: number) => prev + 1, 0)
    .option('--idle-timeout <seconds>', `close connections idle this long; 0 = never (default ${DEFAULT_IDLE_TIMEOUT_MS / 1000})`, parseNonNegative)
    .option('--max-connections <n>', 'limit open connections (default unlimited)', parseNonNegative)
    .option('--when-full <policy>', 'at the limit: refuse | closeLeastRecentlyActive', (v) => {
      if (v !== 'refuse' && v !== 'closeLeastRecentlyActive') throw new InvalidArgumentError('must be refuse or closeLeastRecentlyActive');
      return v;
    })
    .action((profiles: string[], flags: ServeFlags) => {
      action = profiles.length === 0 ? () => serveMemory(flags, io) : () => Promise.resolve(notYet(io));
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    throw error;
  }
  return action ? await (action as () => Promise<number>)() : 0;
}

function notYet(io: CliIo): number {
  io.stderr('modbus-emu: device profiles are not supported yet\n');
  return 2;
}
