import type { CompiledProfile, CompiledUnit, PointValue } from '../model/types.js';
import type { MachineStatus } from '../model/live.js';
import type { ConnectionPolicy } from '../pipeline/types.js';
import { formatDiagnostic, ProfileError } from '../profile/diagnostics.js';
import { defaultLogger, type Logger } from '../log.js';
import type { TableName } from '../model/table-names.js';
import type { BoundAddress } from '../server/server.js';
import type { SocketIoMode } from '../server/socket-io.js';
import type { TrafficLevel } from '../server/trace.js';
import type { Clock, Timer } from '../time.js';
import { createEnvironment } from './environment.js';
import type { Journal } from './journal.js';
import { loadDevice } from './load-device.js';
import { runtimeOptions, type TlsFileOptions } from './options.js';
import type { SerialLine } from '../protocol/rtu.js';
import { Runtime, type DeviceModes, type ReloadResult, type RuntimeEvents, type ScenarioInfo, type ScenarioStatus } from './runtime.js';
import { BadRequestError, NotFoundError } from '../errors.js';

export interface EmulatorOptions {
  /** A profile file path, or a profile as an object (same format, validated the same way). */
  profile: string | object;
  /** Default: the profile's `server.host`, else 127.0.0.1. */
  host?: string;
  /** Default 0: a free port (the profile's port is for the CLI); read it from `emulator.port`. */
  port?: number;
  /** Overrides the profile's `server.idleTimeout` (milliseconds; 0 = never). */
  idleTimeoutMs?: number;
  maxConnections?: number;
  connectionPolicy?: ConnectionPolicy;
  /** Base folder for relative profile paths and includes (default process.cwd()). */
  cwd?: string;
  /** Default: `defaultLogger`, warnings and errors on stderr; `silentLogger` quiets them. */
  logger?: Logger;
  traffic?: TrafficLevel;
  /** Wire-level timer, never scaled (tests inject a ManualTimer). */
  timer?: Timer;
  /** Seed of every random draw (default: chosen at random; read it back from `seed`). */
  seed?: number;
  /** The emulator clock (tests pass a ManualClock and advance it); excludes `timeScale`. */
  clock?: Clock;
  /** Emulator time runs this many times faster than real time (default 1). */
  timeScale?: number;
  /** 'direct' (default) or 'stream' socket I/O (docs/architecture.md, "Why below the streams"). */
  ioMode?: SocketIoMode;
  /** Keep the last requests in `journal`: on by default (10,000); a number sets the size, `false` turns it off. */
  journal?: boolean | number;
  /** Reload the device when its profile file or an included file changes (default false). */
  watch?: boolean;
  /**
   * Read-only mode: every client write answers exception 01 (`true`) or the code given (1..255)
   * and changes nothing. The handle's own writes (`write`, `writeTable`) still go through.
   */
  readOnly?: boolean | number;
  /**
   * Client addresses served: IPv4/IPv6 addresses or CIDR ranges (`['127.0.0.1', '10.0.0.0/8']`),
   * replacing the profile's `server.allow`; others are closed at accept. Default: every address.
   */
  allow?: readonly string[];
  /**
   * Keep what clients and the API write in this JSON file (relative to `cwd`), replacing the
   * profile's `server.stateFile`: loaded before the device listens (a file that is not a state file
   * rejects with a StateFileError), saved within a second of a write and by `close()`.
   */
  stateFile?: string;
  /** Starts this scenario of the profile (`scenarios:`, docs/scenarios.md) once listening. */
  scenario?: string;
  /** `tcp` (Modbus/TCP, the default) or `rtu-over-tcp` (RTU frames on the TCP listener); replaces the profile's `server.transport` and `server.serial`. */
  transport?: 'tcp' | 'rtu-over-tcp';
  /**
   * Serve in RTU on this serial line instead of TCP (needs the optional package `serialport`):
   * `{ path, baudRate, parity, dataBits, stopBits, unitId? }` (SERIAL_DEFAULTS: 19200 8E1).
   * `host` is then the line's path and `port` 0.
   */
  serial?: SerialLine;
  /**
   * Modbus/TCP Security: serve over TLS with these PEM files (relative to `cwd`), replacing the
   * profile's `server.tls` files; clients need a certificate the client CA issued (docs/tls.md).
   */
  tls?: TlsFileOptions;
}

/** Events of the handle: the runtime's, so `emulator.on('reload', ...)` is `emulator.runtime.on(...)`. */
export type EmulatorEvents = RuntimeEvents;
type Listener<K extends keyof EmulatorEvents> = (...args: EmulatorEvents[K]) => void;

/** Which unit of a gateway an API call means; a single-device profile needs none. */
export interface UnitSelector {
  unitId?: number;
}

export interface Emulator {
  readonly host: string;
  readonly port: number;
  readonly address: BoundAddress;
  readonly device: CompiledProfile;
  /** The seed of this run's random draws: pass it as `seed` to replay them. */
  readonly seed: number;
  /** Milliseconds of emulator time since the start. */
  now(): number;
  /** The runtime serving the device (events: connection, disconnect, swap, error, close). */
  readonly runtime: Runtime;
  /** Engineering value of a point by name (`speed`, `status.fault`). */
  read(name: string, where?: UnitSelector): PointValue;
  /** Sets a point from code: the value must fit its type (and an `enumStrict` enum); access rules and min/max do not apply. */
  write(name: string, value: PointValue, where?: UnitSelector): void;
  /** Raw words (or 0/1 bits) by table (`holding`, `input`, `coil`, `discreteInput`) and 0-based protocol address. */
  readTable(table: TableName, address: number, quantity: number, where?: UnitSelector): number[];
  writeTable(table: TableName, address: number, values: readonly (number | boolean)[], where?: UnitSelector): void;
  /** Every state machine's state (docs/commands.md): `[{ name: 'drive', state: 'fault', value, since }]`. */
  machines(where?: UnitSelector): MachineStatus[];
  /** Puts a state machine in a state now, as a transition would (exit and entry actions run): a test can start from Fault. */
  forceState(machine: string, state: string, where?: UnitSelector): MachineStatus;
  /**
   * Adds a fault rule (a profile's `faults:` entry, e.g. `{ name: 'busy', match: { function: 3 },
   * do: { exception: 6 } }`), tried before the profile's rules; returns a function removing it.
   */
  inject(rule: object): () => void;
  /** Every point, generator, random stream and fault-rule counter back to its initial state, and a running scenario back to its first phase (Runtime.reset). */
  reset(): void;
  /** The profile's scenarios and their phases (docs/scenarios.md). */
  scenarios(): ScenarioInfo[];
  /** The running scenario and its phase (`{ name, phase, index, since, until, cycle }`), or null. */
  scenario(): ScenarioStatus | null;
  /** Starts a scenario now, at its first phase or at `phase`; one running before ends. */
  startScenario(name: string, options?: { phase?: string }): ScenarioStatus;
  /** Ends the running scenario (false when none ran). */
  stopScenario(): boolean;
  /** Moves the running scenario to `phase` now. */
  jumpToPhase(phase: string): ScenarioStatus;
  /** The device modes that hold now: `{ offline, reboot, connections }` (docs/scenarios.md#modes). */
  modes(): DeviceModes;
  /** Sets device modes (replacing those set before), for `forMs` of emulator time or until set again; `{}` clears them. */
  setModes(modes: DeviceModes, options?: { forMs?: number }): DeviceModes;
  /** Reboots now: connections closed, connects refused for `forMs` of emulator time, then back on the same port with initial values. */
  reboot(forMs: number): void;
  /** Resolves once the listener has done what the modes asked (closed for a reboot, listening again after it). */
  modesApplied(): Promise<void>;
  /**
   * Loads the profile again (no argument: the same file), or another path or profile object, and
   * serves it from the next request on, keeping what clients wrote where the declaration did not
   * change. Resolves with the changes, or with every diagnostic (the running device is kept).
   */
  reload(profile?: string | object): Promise<ReloadResult>;
  /** The last requests answered (unless `journal: false`): `journal.entries({ unitId, function, ... })`, `clear()`. */
  readonly journal: Journal | undefined;
  /** Events: `request`, `event` (a state machine's transition), `reload`, `reloadError`, `connection`, `disconnect`, `swap`, `close`, `error`. */
  on<K extends keyof EmulatorEvents>(event: K, listener: Listener<K>): this;
  once<K extends keyof EmulatorEvents>(event: K, listener: Listener<K>): this;
  off<K extends keyof EmulatorEvents>(event: K, listener: Listener<K>): this;
  /** Ends every connection and stops listening (and watching). Idempotent. */
  close(): Promise<void>;
}

/** Something that watches a runtime's profile files and reloads it (watch/, injected: it imports chokidar). */
export type StartWatching = (runtime: Runtime, files: readonly string[]) => { readonly ready: Promise<void>; close(): Promise<void> };

/**
 * Starts a device from a profile on a real socket (port 0 by default) and returns a handle for
 * tests: the bound port, points by name, raw tables, close(). Rejects with a ProfileError that
 * carries every diagnostic when the profile is invalid. The package's `startEmulator`
 * (watch/emulator.ts) calls this with the file watcher, which the runtime may not import.
 */
export async function createEmulator(options: EmulatorOptions, startWatching: StartWatching): Promise<Emulator> {
  const env = createEnvironment({ ...options, logger: options.logger ?? defaultLogger });
  const result = await loadDevice(options.profile, { cwd: options.cwd, env });
  if (!result.ok) throw new ProfileError(result.diagnostics);
  const device = result.profile;
  for (const w of result.warnings) env.logger.log('warn', formatDiagnostic(w));
  const runtime = new Runtime(
    runtimeOptions({
      ...options,
      device,
      env,
      source: { profile: options.profile, ...(options.cwd !== undefined && { cwd: options.cwd }) },
      journal: options.journal ?? true,
      // The profile's port is for the CLI: the API binds a free port unless told otherwise.
      port: options.port ?? 0,
    }),
  );
  const address = await runtime.listen().catch(async (error: unknown) => {
    await runtime.close();
    throw error;
  });
  if (options.scenario !== undefined) {
    try {
      runtime.scenarios.start(options.scenario);
    } catch (error) {
      await runtime.close();
      throw error;
    }
  }
  const watcher = options.watch ? startWatching(runtime, result.files) : undefined;
  // Edits made once startEmulator resolved are seen.
  await watcher?.ready;

  const unitOf = (where: UnitSelector | undefined): CompiledUnit => selectUnit(runtime.device as CompiledProfile, where);
  // A reload that moves the listener (a new server.host) changes these: read them from the runtime.
  const emulator: Emulator = {
    get host() {
      return (runtime.address ?? address).host;
    },
    get port() {
      return (runtime.address ?? address).port;
    },
    get address() {
      return runtime.address ?? address;
    },
    get device() {
      return runtime.device as CompiledProfile;
    },
    seed: env.random.seed,
    now: () => env.clock.now(),
    runtime,
    read: (name, where) => unitOf(where).read(name),
    write: (name, value, where) => unitOf(where).write(name, value),
    readTable: (table, address, quantity, where) => unitOf(where).readTable(table, address, quantity),
    writeTable: (table, address, values, where) => unitOf(where).writeTable(table, address, values),
    machines: (where) => unitOf(where).machines(),
    forceState: (machine, state, where) => unitOf(where).forceState(machine, state),
    inject: (rule) => runtime.inject(rule),
    reset: () => runtime.reset(),
    scenarios: () => runtime.scenarios.list(),
    scenario: () => runtime.scenarios.status(),
    startScenario: (name, opts) => runtime.scenarios.start(name, opts?.phase),
    stopScenario: () => runtime.scenarios.stop(),
    jumpToPhase: (phase) => runtime.scenarios.jump(phase),
    modes: () => runtime.modes,
    setModes: (modes, opts) => runtime.setModes(modes, opts),
    reboot: (forMs) => runtime.reboot(forMs),
    modesApplied: () => runtime.modesApplied(),
    reload: (profile) => runtime.reload(profile),
    get journal() {
      return runtime.journal;
    },
    on(event, listener) {
      runtime.on(event, listener as never);
      return emulator;
    },
    once(event, listener) {
      runtime.once(event, listener as never);
      return emulator;
    },
    off(event, listener) {
      runtime.off(event, listener as never);
      return emulator;
    },
    close: async () => {
      await watcher?.close();
      await runtime.close();
    },
  };
  return emulator;
}

function selectUnit(device: CompiledProfile, where: UnitSelector | undefined): CompiledUnit {
  if (where?.unitId !== undefined) {
    const unit = device.unit(where.unitId);
    if (!unit) throw new NotFoundError(`${device.name}: no device answers unit id ${where.unitId}`);
    return unit;
  }
  if (device.units.length === 1) return device.units[0]!;
  throw new BadRequestError(`${device.name} has ${device.units.length} units: pass { unitId } to say which`);
}
