import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { parseCidr } from '../cidr.js';
import { getProfileSchema } from '../profile/load.js';
import { DEFAULT_MAX_FILE_BYTES, MAX_DURATION_MS } from '../profile/limits.js';
import { MAX_SEED } from '../runtime/random.js';
import { DEFAULT_JOURNAL_SIZE } from '../runtime/journal.js';
import { DEFAULT_IDLE_TIMEOUT_MS } from '../runtime/runtime.js';
import type { CliIo } from './io.js';
import { DEFAULT_HOST, DEFAULT_PORT, serve, type ServeFlags } from './serve.js';
import { listDevices } from './bundled.js';
import { validate } from './validate.js';
import { parseShard } from './fleet.js';
import { printPlan, type PlanFlags } from './fleet-plan.js';
import { printManifests, type K8sFlags } from './fleet-k8s.js';
import { packageVersion } from './version.js';

function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new InvalidArgumentError('must be an integer 0..65535');
  return n;
}

function parseNonNegative(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError('must be a number ≥ 0');
  return n;
}

/** Seconds, at most what a timer holds (2^31 - 1 ms): a longer wait is refused, not shortened. */
function parseIdleTimeout(value: string): number {
  const n = parseNonNegative(value);
  if (n * 1000 > MAX_DURATION_MS) throw new InvalidArgumentError(`must be at most ${Math.floor(MAX_DURATION_MS / 1000)} seconds (the longest a timer holds); 0 = never`);
  return n;
}

/** Mebibytes, as a byte count: the most read from one profile or included file. */
function parseFileSize(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a number of MiB > 0 (e.g. 256)');
  return Math.floor(n * 1024 * 1024);
}

function parseSeed(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > MAX_SEED) throw new InvalidArgumentError(`must be an integer 0..${MAX_SEED}`);
  return n;
}

function parsePositive(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a number > 0');
  return n;
}

function parseLogFormat(value: string): ServeFlags['logFormat'] {
  if (value !== 'text' && value !== 'json') throw new InvalidArgumentError('must be text or json');
  return value;
}

function parseLogTime(value: string): ServeFlags['logTime'] {
  if (value !== 'iso' && value !== 'none') throw new InvalidArgumentError('must be iso or none');
  return value;
}

function parseClock(value: string): ServeFlags['clock'] {
  if (value !== 'real' && value !== 'manual') throw new InvalidArgumentError('must be real or manual');
  return value;
}

function parseJournal(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1) throw new InvalidArgumentError('must be a whole number ≥ 1 (records kept); give profiles before --journal');
  return n;
}

/** `HOST:PORT`, `[::1]:PORT`, or a bare `PORT` (loopback). */
function parseControl(value: string): ServeFlags['control'] {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(value) ?? /^()()(\d+)$/.exec(value);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new InvalidArgumentError('must be HOST:PORT (127.0.0.1:8502), [IPv6]:PORT or PORT');
  return { host: m[1] || m[2] || DEFAULT_HOST, port };
}

/** `--allow` is repeatable: each address or range is added to the list. */
function collectScenario(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function collectCidr(value: string, previous: string[] | undefined): string[] {
  const range = parseCidr(value);
  if ('error' in range) throw new InvalidArgumentError(range.error);
  return [...(previous ?? []), value];
}

/** An exception code 1..255: decimal (`1`, `01`, `6`) or hexadecimal with 0x (`0x0B`). */
function parseExceptionCode(value: string): number {
  const n = /^0x[0-9a-f]{1,2}$/i.test(value) ? Number.parseInt(value.slice(2), 16) : /^\d{1,3}$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && n <= 255)) throw new InvalidArgumentError('must be an exception code 1..255 (decimal, or hexadecimal as 0x0B)');
  return n;
}

/** A whole number of worker processes, 1..64 (more than a machine's cores buys nothing). */
function parseWorkers(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 64) throw new InvalidArgumentError('must be a whole number of worker processes 1..64');
  return n;
}

function parsePolicy(value: string): ServeFlags['whenFull'] {
  if (value !== 'refuse' && value !== 'closeLeastRecentlyActive') {
    throw new InvalidArgumentError('must be refuse or closeLeastRecentlyActive');
  }
  return value;
}

function parseTransport(value: string): ServeFlags['transport'] {
  if (value !== 'tcp' && value !== 'rtu-over-tcp') throw new InvalidArgumentError('must be tcp or rtu-over-tcp (a serial line: --serial PATH)');
  return value;
}

function parseBaud(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 50 || n > 4_000_000) throw new InvalidArgumentError('must be a whole number of bits per second, 50..4000000 (e.g. 19200)');
  return n;
}

function parseParity(value: string): ServeFlags['parity'] {
  if (value !== 'even' && value !== 'odd' && value !== 'none') throw new InvalidArgumentError('must be even, odd or none');
  return value;
}

const oneOf = <T extends number>(allowed: readonly T[]) => (value: string): T => {
  const n = Number(value) as T;
  if (!allowed.includes(n) || !/^\d$/.test(value)) throw new InvalidArgumentError(`must be ${allowed.join(' or ')}`);
  return n;
};

/** `--shard i/N`. */
function parseShardFlag(value: string): ServeFlags['shard'] {
  const shard = parseShard(value);
  if (typeof shard === 'string') throw new InvalidArgumentError(shard);
  return shard;
}

/** `--shards N`: 1..10000. */
function parseShards(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 10000) throw new InvalidArgumentError('must be a whole number 1..10000');
  return n;
}

function parseFormat(value: string): PlanFlags['format'] {
  if (value !== 'json' && value !== 'csv') throw new InvalidArgumentError('must be json or csv');
  return value;
}

/** Runs the CLI on `argv` (without node and script) and returns the exit code. Never exits the process. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  let action: (() => Promise<number>) | null = null;
  const program = new Command()
    .name('modbus-emu')
    .description('Declarative, YAML-scripted Modbus TCP device emulator')
    .version(packageVersion(), '-V, --version', 'print the version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) })
    .showHelpAfterError('(run modbus-emu --help for usage)')
    // The root takes profile names, so commander would not add `help <command>` by itself and
    // `modbus-emu help validate` would look for profiles named help and validate.
    .helpCommand('help [command]', 'print the help of a command');

  program
    .argument('[profiles...]', 'device profiles (YAML) to serve; none serves the in-memory device')
    .option('--host <host>', `address to bind (default: the profile's, else ${DEFAULT_HOST})`)
    .option('-p, --port <port>', `port of the first device, the next ones on the following ports (default: the profile's, else ${DEFAULT_PORT}; 0 picks free ports)`, parsePort)
    .option('--transport <kind>', "framing on the TCP listener: tcp (Modbus/TCP, the default) | rtu-over-tcp (RTU frames, as serial gateways forward them); replaces the profile's server.transport", parseTransport)
    .option('--serial <path>', "serve the profile in RTU on this serial line (/dev/ttyUSB0, COM3) instead of TCP; needs the optional package serialport; one profile", )
    .option('--baud <rate>', 'with --serial: bits per second (default 19200)', parseBaud)
    .option('--parity <parity>', 'with --serial: even (default) | odd | none', parseParity)
    .option('--data-bits <n>', 'with --serial: 8 (default) | 7', oneOf([7, 8] as const))
    .option('--stop-bits <n>', 'with --serial: 1 (default) | 2', oneOf([1, 2] as const))
    .option('-v, --verbose', 'log each request and its outcome (exception and why, or the fault rule that fired); twice (-vv) requests and replies in hex', (_v, previous: number) => previous + 1, 0)
    .option('--idle-timeout <seconds>', `close connections idle this long; 0 = never (default ${DEFAULT_IDLE_TIMEOUT_MS / 1000}, at most ${Math.floor(MAX_DURATION_MS / 1000)})`, parseIdleTimeout)
    .option('--max-connections <n>', 'limit open connections per device (default unlimited)', parseNonNegative)
    .option('--when-full <policy>', 'at the limit: refuse (default) | closeLeastRecentlyActive', parsePolicy)
    .option('--seed <n>', 'seed of every random draw, to replay a run (default: chosen and printed)', parseSeed)
    .option('--time-scale <k>', 'run emulator time k times faster than real time (wire delays stay real)', parsePositive)
    .option('--clock <kind>', 'emulator clock: real (default) | manual (moves only through the control channel)', parseClock)
    .option('--no-watch', 'do not reload a profile when it or a file it includes changes')
    .option('--control <host:port>', 'serve the HTTP control channel there (loopback unless a host is given; off by default)', parseControl)
    .option('--control-token <token>', 'require "Authorization: Bearer <token>" on every control request but GET /health (or set MODBUS_EMU_CONTROL_TOKEN, which ps does not show); needed off loopback')
    .option('--journal [size]', `keep the last requests (default ${DEFAULT_JOURNAL_SIZE}) for the control channel`, parseJournal)
    .option('--journal-devices <glob>', 'keep the journal only for the devices whose id matches (meter-00*; * any run of characters, ? one)')
    .option('--state <file>', "keep what clients and the API write in this JSON file, saved within a second and at shutdown, loaded at start (one profile; replaces server.stateFile); for a fleet file a folder, one <id>.json per device")
    .option('--allow <cidr>', "serve only clients from this address or range (192.168.1.0/24, ::1); repeat for more; replaces the profile's server.allow", collectCidr)
    .option('--tls-cert <file>', 'Modbus/TCP Security: serve over TLS with this certificate (PEM; with --tls-key and --tls-client-ca; replaces server.tls)')
    .option('--tls-key <file>', "the TLS certificate's private key (PEM)")
    .option('--tls-client-ca <file>', 'accept only clients with a certificate this CA issued (PEM)')
    .option('--read-only', 'answer every client write (FC 5, 6, 15, 16, 22, 23) with an exception and change nothing')
    .option('--read-only-exception <code>', 'the exception code of --read-only (default 01, illegal function); implies --read-only', parseExceptionCode)
    .option('--ready-json', 'print one JSON line per listener on stdout when ready (address, port, device, id, control)')
    .option('--log-format <format>', 'log lines as text (default) or json with timestamps', parseLogFormat)
    .option('--max-file-size <MiB>', `read at most this much from one profile or included file (default ${DEFAULT_MAX_FILE_BYTES / 1024 / 1024})`, parseFileSize)
    .option('--log-time <format>', 'text log lines start with the time: iso (default) | none', parseLogTime)
    .option('--shard <i/N>', 'of a fleet file, serve shard i of N only (from 0, as pod ordinals: 0/3, 1/3, 2/3; see modbus-emu fleet plan)', parseShardFlag)
    .option('--scenario <name>', 'start this scenario of every device that declares it, or DEVICE:NAME for one device; repeat for more (docs/scenarios.md)', collectScenario)
    .option('--workers <n>', 'serve the devices from n worker processes, device i in worker (i mod n) + 1, each with its own listeners and emulator clock; the control channel reaches them all (default: one process)', parseWorkers)
    .option('--list-devices', 'list the devices bundled with the package (serve one by name: modbus-emu pump)')
    .action((profiles: string[], flags: ServeFlags & { listDevices?: boolean }) => {
      action = flags.listDevices ? () => listDevices(io) : () => serve(profiles, flags, io);
    });

  program
    .command('validate')
    .description('check profiles and print every problem with file:line:column; exit 1 if any')
    .argument('<files...>', 'profiles to check')
    .option('--max-file-size <MiB>', `read at most this much from one profile or included file (default ${DEFAULT_MAX_FILE_BYTES / 1024 / 1024})`, parseFileSize)
    .action((files: string[], flags: { maxFileSize?: number }) => {
      // Given after `validate`, commander may still give it to the top-level command, which declares it too.
      const maxFileSize = flags.maxFileSize ?? (program.opts() as { maxFileSize?: number }).maxFileSize;
      action = () => validate(files, io, maxFileSize);
    });

  const fleet = program.command('fleet').description('plan and deploy fleet files (docs/fleets.md); serve one with modbus-emu fleet.yaml');
  fleet
    .command('plan')
    .description('print where each device of a fleet answers: id, shard, host, port, unit id')
    .argument('<fleet>', 'fleet file')
    .option('--shards <n>', 'how many shards (processes, pods) serve the fleet', parseShards, 1)
    .option('--format <format>', 'json (default) or csv', parseFormat, 'json')
    .option('--address <template>', 'the host of shard {shard}\'s devices, e.g. fleet-{shard}.fleet (default: each entry\'s bind address)')
    .action((file: string, flags: PlanFlags) => {
      action = () => printPlan(file, flags, io);
    });
  fleet
    .command('k8s')
    .description('print Kubernetes manifests serving the fleet in N shards: ConfigMap, headless Service, StatefulSet (docs/fleets.md)')
    .argument('<fleet>', 'fleet file')
    .option('--shards <n>', 'pods, each serving one shard', parseShards, 1)
    .option('--name <name>', "names the objects (default: the fleet file's name)")
    .option('--image <image>', 'container image (default modbus-emu:<version>, built with the Dockerfile)')
    .option('--namespace <namespace>', 'namespace of the objects (default: none, kubectl\'s)')
    .action((file: string, flags: K8sFlags) => {
      action = () => printManifests(file, flags, io);
    });

  program
    .command('schema')
    .description('print the JSON Schema of device profiles')
    .action(() => {
      action = () => {
        io.stdout(`${JSON.stringify(getProfileSchema(), null, 2)}\n`);
        return Promise.resolve(0);
      };
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    throw error;
  }
  const chosen = action as (() => Promise<number>) | null;
  return chosen ? chosen() : 0;
}
