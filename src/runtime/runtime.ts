import { EventEmitter } from 'node:events';
import type { Environment } from '../environment.js';
import type { TimerHandle } from '../time.js';
import { isCompiledProfile, type CompiledProfile, type HandOver, type ServedDevice } from '../model/types.js';
import { refuseClientWrites } from '../model/switches.js';
import type { ConnectionInfo, ConnectionPolicy, Handler } from '../pipeline/types.js';
import { formatDiagnostic, type Diagnostic } from '../profile/diagnostics.js';
import { DEFAULT_IDLE_TIMEOUT_MS, ModbusTcpServer, type BoundAddress, type ModbusServer, type ServerOptions } from '../server/server.js';
import { ModbusSerialServer } from '../server/serial.js';
import { mbapFraming } from '../protocol/mbap.js';
import { rtuOverTcpFraming } from '../protocol/rtu.js';
import { createBroadcast, withBroadcast } from '../model/router.js';
import { openSerialPort } from './serial-port.js';
import { connectionLimit } from './descriptors.js';
import { InjectedRules } from './injected-rules.js';
import type { ProfileSource, ReloadOptions, RuntimeOptions } from './options.js';
import { hostPort } from '../server/host-port.js';
import { describeTransport, sameTransport, serialTransport, tcpTransport, type Transport } from '../server/transport.js';
import { allowList } from '../server/allow-list.js';
import { parseCidr } from '../cidr.js';
import type { SocketIoMode } from '../server/socket-io.js';
import type { TrafficLevel } from '../server/trace.js';
import { describeChanges, formatChanges, serverChanges, type DeviceChanges } from './changes.js';
import type { DeviceEvent } from '../model/events.js';
import { Journal, type EventRecord } from './journal.js';
import { ProfileLoader } from './off-thread-load.js';
import { StateKeeper } from './state-keeper.js';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { TlsFiles } from '../server/transport.js';
import { tlsFaultPicker } from './tls-faults.js';
import { recordingHandler, type RequestRecord } from './request-record.js';
import { BadRequestError, ConflictError, ForbiddenError } from '../errors.js';
import { MAX_DURATION_MS } from '../profile/limits.js';
import { offlineHandler, offlineOutcomes, type DeviceModes } from '../model/modes.js';
import { overrideHandler } from '../model/overrides.js';
import type { CompiledPhase } from '../model/scenario.js';
import { restoreState, snapshotState } from '../model/state-snapshot.js';
import type { Outcome } from '../pipeline/types.js';
import { checkDurationMs, checkModes, mergeModes } from './device-modes.js';
import { formatEmulatorTime, ScenarioRunner } from './scenario-runner.js';
import { Timeline } from './timeline.js';

/** What a reload did: the new device and what changed, or every problem and the old device kept. */
export type ReloadResult =
  | { readonly ok: true; readonly device: CompiledProfile; readonly changes: DeviceChanges; readonly handOver: HandOver | undefined; readonly files: readonly string[]; readonly address: BoundAddress | null }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[]; readonly files: readonly string[]; readonly error?: Error };

export type ReloadSuccess = Extract<ReloadResult, { ok: true }>;
export type ReloadFailure = Extract<ReloadResult, { ok: false }>;

export interface RuntimeEvents {
  listening: [address: BoundAddress];
  connection: [info: ConnectionInfo];
  disconnect: [info: ConnectionInfo];
  /** A new device took over (`swap`); the hand-over says what state it kept. */
  swap: [device: ServedDevice, handOver: HandOver | undefined];
  /** Every request answered, once its outcome is known (recording is on only while someone listens). */
  request: [record: RequestRecord];
  /** Something the device did by itself: a state machine's transition, a scenario's phase change, a reboot (also in the journal). */
  event: [record: EventRecord];
  /** A reload served a new device (after its `swap`). */
  reload: [result: ReloadSuccess];
  /** A reload found problems: the device served before goes on. */
  reloadError: [result: ReloadFailure];
  error: [error: Error];
  close: [];
}

export const DEFAULT_HOST = '127.0.0.1';
// What the CLI needs of the layers below, so it talks to the runtime only.
export { DEFAULT_IDLE_TIMEOUT_MS, hostPort, describeTransport };
export { SERIAL_DEFAULTS, type Parity, type SerialLine } from '../protocol/rtu.js';
export type { BoundAddress, ConnectionPolicy, ServedDevice, TrafficLevel, RequestRecord };
export type { CompiledProfile, CompiledUnit, PointValue } from '../model/types.js';
export { isCompiledProfile };
export type { ListenerSettings, ProfileSource, ReloadOptions, RuntimeOptions, RuntimeSettings, TlsFileOptions } from './options.js';
export type { DeviceModes } from '../model/modes.js';
export { checkDurationMs } from './device-modes.js';
export type { ScenarioInfo, ScenarioStatus } from './scenario-runner.js';
export { runtimeOptions, READ_ONLY_EXCEPTION } from './options.js';
export { PROFILE_TABLE_NAME, tableOf } from '../model/table-names.js';

/**
 * One served device: owns its listener (the only place in src/ that constructs the server),
 * holds the current device, swaps it for another without dropping a connection, and tells what
 * happens through events. The CLI runs one per profile; `startEmulator` wraps one.
 */
export class Runtime extends EventEmitter<RuntimeEvents> {
  readonly env: Environment;
  readonly label: string;
  /** The last requests answered, when the runtime keeps a journal (`journal` option, `setJournal`). */
  journal: Journal | undefined;
  private current: ServedDevice;
  private server: ModbusServer;
  private readonly options: RuntimeOptions;
  /** Where and how the server was told to listen (port 0 stays 0): a reload that changes it rebinds. */
  private listenOn: Transport;
  private source: ProfileSource | undefined;
  private file: string | undefined;
  private reloading: Promise<unknown> = Promise.resolve();
  private closing: Promise<void> | null = null;
  /** Rules added through the API: they follow the device across a swap. */
  private readonly injected: InjectedRules;
  /** The connection limit: below what the open-file limit allows (descriptors.ts), or within the pool. */
  private readonly maxConnections: number | undefined;
  private recording = false;
  /** Parses reloaded files on a worker thread (when running from the built package); perhaps shared (options.loader). */
  private readonly loader: ProfileLoader;
  private seq = 0;
  /** The state file, when one is kept. */
  private readonly state: StateKeeper | undefined;
  private readonly recordContext = { now: () => this.env.clock.now(), wallNow: Date.now, nextSeq: () => ++this.seq };
  /** What is due on the emulator clock: scenario phases, the end of a reboot or of a modes window. */
  private readonly timeline: Timeline;
  /** The profile's named scenarios (docs/scenarios.md): list, start, stop, jump, status. */
  readonly scenarios: ScenarioRunner;
  /** Modes set through the API, and the phase that holds (its rules' removers): the modes are both merged. */
  private apiModes: DeviceModes = {};
  private apiModesEnd: TimerHandle | undefined;
  private phase: { readonly phase: CompiledPhase; readonly since: number; readonly removers: (() => void)[]; readonly dropped: Set<string> } | undefined;
  private effectiveModes: DeviceModes = {};
  /** Each unit id's outcome while offline; undefined when no unit is offline (the handler is not wrapped). */
  private offline: (Outcome | undefined)[] | undefined;
  /** Reboots' listener steps, one after the other: closing, then listening again. */
  private listenerSteps: Promise<void> = Promise.resolve();

  constructor(options: RuntimeOptions) {
    super();
    if (options.idleTimeoutMs !== undefined && !(options.idleTimeoutMs <= MAX_DURATION_MS)) {
      throw new BadRequestError(`idleTimeoutMs ${options.idleTimeoutMs} is longer than a timer holds: at most ${MAX_DURATION_MS} ms (0 = never)`);
    }
    this.options = options;
    this.env = options.env;
    this.loader = options.loader ?? new ProfileLoader();
    this.current = options.device;
    if (isCompiledProfile(this.current)) this.current.events.listen(this.deviceEvent);
    this.label = options.label ?? options.device.name;
    // A bad --allow entry is the caller's mistake, found before anything listens.
    if (options.allow) this.allowListOf(options.device);
    const readOnly = options.readOnly;
    if (readOnly !== undefined && (!Number.isInteger(readOnly) || readOnly < 1 || readOnly > 255)) throw new RangeError(`readOnly: ${String(readOnly)} is not an exception code 1..255`);
    this.applySwitches(options.device);
    const file = isCompiledProfile(options.device) ? options.device.file : undefined;
    this.source = options.source ?? (file !== undefined ? { profile: file } : undefined);
    if (typeof this.source?.profile === 'string') this.file = resolve(this.source.cwd ?? process.cwd(), this.source.profile);
    const stateFile = this.stateFileOf(options);
    if (stateFile !== undefined) this.state = new StateKeeper(stateFile, this.env);
    if (options.journal !== undefined) this.journal = new Journal(options.journal);
    this.injected = new InjectedRules(this.env.logger);
    const configured = options.maxConnections ?? options.device.server.maxConnections;
    // In a pool, the pool keeps the process within its descriptors; the device's own limit is what was configured.
    this.maxConnections = options.pool ? configured : connectionLimit(configured, this.env.logger, options.openFileLimit);
    this.listenOn = this.listenAddress(options.device);
    this.server = this.createServer(this.listenOn);
    this.timeline = new Timeline(this.env);
    this.scenarios = new ScenarioRunner({
      label: this.label,
      logger: this.env.logger,
      timeline: this.timeline,
      now: () => this.env.clock.now(),
      scenarios: () => (isCompiledProfile(this.current) ? this.current.scenarios : []),
      apply: (phase, since) => this.applyPhase(phase, since),
      event: (event) => this.deviceEvent(event),
      deviceName: () => this.current.name,
    });
    // The recording wrapper is installed only while a journal or a `request` listener wants it.
    this.on('newListener' as 'request', ((event: string) => {
      if (event === 'request') this.updateRecording(true);
    }) as never);
    this.on('removeListener' as 'request', ((event: string) => {
      if (event === 'request') this.updateRecording();
    }) as never);
    this.updateRecording();
  }

  get device(): ServedDevice {
    return this.current;
  }

  /**
   * What the listener hands each exchange to now: the device with the injected rules and the
   * journal's recording. A fleet's gateway (fleet-gateway.ts) routes the unit ids behind its port
   * to the runtimes of its instances, which do not listen themselves, through it.
   */
  get handler(): Handler {
    return this.server.handler;
  }

  /** The bound address once listening. */
  get address(): BoundAddress | null {
    return this.server.address;
  }

  /** Where and how the device is served (port 0 as asked: `address` has the bound port). */
  get transport(): Transport {
    return this.listenOn;
  }

  /** How sockets are read and written: 'direct' below Node's streams, or 'stream'. */
  get ioMode(): SocketIoMode {
    return this.server.ioMode;
  }

  get connectionCount(): number {
    return this.server.connectionCount;
  }

  /** The state file kept (absolute path), if any. */
  get stateFile(): string | undefined {
    return this.state?.file;
  }

  /**
   * Reads the state file into the device and saves its changes from then on; `listen()` does it
   * first if not done. Rejects with a StateFileError (the file cannot be read, is not a state file,
   * or cannot be written), and nothing is overwritten. Once only.
   */
  async loadState(): Promise<void> {
    if (!this.state) return;
    if (!isCompiledProfile(this.current)) throw new ConflictError(`${this.label}: a state file keeps the points of a profile, and this device has none`);
    await this.state.open(this.current);
  }

  /** Saves the state file now if anything changed (writes are otherwise saved within a second). */
  saveState(): Promise<void> {
    return this.state?.flush() ?? Promise.resolve();
  }

  /** Binds (rejects with the listen error, e.g. EADDRINUSE) and resolves with the address. */
  async listen(): Promise<BoundAddress> {
    await this.loadState();
    const address = await this.server.listen();
    this.emit('listening', address);
    return address;
  }

  /** Keeps the last `size` requests from now on (a new, empty journal), or none with `false`. */
  setJournal(size: number | false): Journal | undefined {
    this.journal = size === false ? undefined : new Journal(size);
    this.updateRecording();
    return this.journal;
  }

  /**
   * Serves `next` from the next request on: open connections stay open, an exchange already
   * under way finishes on the device it started on. When both are compiled profiles, `next`
   * first takes over the state of the current one (model/hand-over.ts).
   */
  swap(next: ServedDevice): HandOver | undefined {
    const previous = this.current;
    // Injected rules go on on the new device (before the hand-over, so they keep their counters).
    this.injected.moveTo(next);
    const handOver = isCompiledProfile(previous) && isCompiledProfile(next) ? next.takeOver(previous) : undefined;
    this.applySwitches(next);
    if (isCompiledProfile(next)) this.state?.follow(next);
    if (isCompiledProfile(previous)) previous.events.listen(undefined);
    if (isCompiledProfile(next)) next.events.listen(this.deviceEvent);
    this.current = next;
    this.server.setHandler(this.handlerOf(next));
    this.server.setAllow(this.allowListOf(next));
    if (this.listenOn.kind === 'tcp' && this.listenOn.tls && this.server instanceof ModbusTcpServer) this.server.setTlsFaults(tlsFaultPicker(next.server.tls?.faults, this.env.random));
    // The running scenario follows the new device (kept, restarted or stopped: said in the log).
    const scenario = this.scenarios.reloaded();
    if (scenario !== undefined) this.env.logger.log('info', `${this.label}: ${scenario}`);
    this.emit('swap', next, handOver);
    return handOver;
  }

  /**
   * Returns the served device to its initial state (CompiledProfile.reset): storage, generators,
   * random streams and fault-rule counters; time in expressions counts from now. Connections stay open. A device
   * that is not a compiled profile (the in-memory one) has nothing to reset.
   */
  reset(): void {
    if (isCompiledProfile(this.current)) this.current.reset();
    this.state?.changed();
    this.scenarios.restart();
  }

  /** The device modes that hold now (docs/scenarios.md#modes): those set through the API, under a phase's. */
  get modes(): DeviceModes {
    return this.effectiveModes;
  }

  /**
   * Sets the device modes from the API (replacing those set before; a scenario's phase wins key by
   * key while it lasts), for `forMs` of emulator time or until set again. `{}` clears them.
   * Throws BadRequestError for modes that are not modes.
   */
  setModes(modes: DeviceModes, options: { forMs?: number } = {}): DeviceModes {
    const checked = checkModes(modes);
    const forMs = options.forMs === undefined ? undefined : checkDurationMs('forMs', options.forMs);
    this.apiModesEnd?.cancel();
    this.apiModesEnd = undefined;
    this.apiModes = checked;
    if (forMs !== undefined) {
      this.apiModesEnd = this.timeline.at(this.env.clock.now() + forMs, () => {
        this.apiModesEnd = undefined;
        this.apiModes = {};
        this.applyModes();
      });
    }
    this.applyModes();
    return this.effectiveModes;
  }

  /**
   * Reboots the device now: every connection closed, connects refused for `forMs` of emulator
   * time, then it listens again on the same port with its initial values (those of the state
   * file, when one is kept), generators and state machines started over. `modesApplied()`
   * resolves once the listener has done it.
   */
  reboot(forMs: number): void {
    const ms = checkDurationMs('reboot', forMs);
    this.setModes({ ...this.apiModes, reboot: true });
    this.apiModesEnd = this.timeline.at(this.env.clock.now() + ms, () => {
      this.apiModesEnd = undefined;
      const { reboot: _, ...rest } = this.apiModes;
      this.apiModes = rest;
      this.applyModes();
    });
  }

  /** Resolves once the listener has done what the modes asked so far (closed for a reboot, or listening again after one). */
  modesApplied(): Promise<void> {
    return this.listenerSteps;
  }

  /**
   * Adds a fault rule (the format of a profile's `faults:` entries) in front of the profile's own
   * rules, from the next request on; it stays across a swap. Returns its remover (idempotent).
   * Throws a ProfileError for a rule the schema or the compiler refuses, an Error for a name
   * that exists already or a device that is not a compiled profile.
   */
  inject(rule: object): () => void {
    const remove = this.injected.add(this.current, rule);
    this.server.setHandler(this.handlerOf(this.current));
    return () => {
      remove();
      this.server.setHandler(this.handlerOf(this.current));
    };
  }

  /** The names of the rules added with `inject`, in the order they are tried. */
  get injectedRules(): string[] {
    return this.injected.names();
  }

  /** Removes the injected rule `name`; false when there is none (the profile's own rules stay). */
  eject(name: string): boolean {
    if (!this.injected.remove(name)) return false;
    this.server.setHandler(this.handlerOf(this.current));
    return true;
  }

  /**
   * Loads `source` (default: what was loaded last, the profile file) and serves it through `swap`;
   * a listener whose host or port the profile changed (and the caller did not pin) is rebound.
   * On any problem the device served so far goes on and the result lists every diagnostic.
   * Reloads run one after the other, in the order asked. Never rejects.
   */
  reload(source?: string | object, options: ReloadOptions = {}): Promise<ReloadResult> {
    const next = source === undefined ? this.source : { profile: source, cwd: options.cwd ?? this.source?.cwd, ...(options.includeRoot !== undefined && { includeRoot: options.includeRoot }) };
    const run = this.reloading.then(() => this.reloadNow(next, options.keepServer === true));
    this.reloading = run;
    return run;
  }

  /** Gets reloads ready (the loader thread), for a runtime that expects them: a watched profile. */
  prepareReloads(): void {
    this.loader.warm();
  }

  /** Ends every connection and stops listening. Idempotent. */
  close(): Promise<void> {
    this.timeline.close();
    this.scenarios.close();
    this.closing ??= this.reloading
      .then(() => this.listenerSteps)
      // A shared loader is its owner's to close.
      .then(() => Promise.all([this.server.close(), this.options.loader ? undefined : this.loader.close()]))
      // The last save, once no client can write any more.
      .then(() => this.state?.close())
      .then(() => {
        this.emit('close');
      });
    return this.closing;
  }

  /**
   * The profile file the device was last loaded from, absolute; undefined for a device given as
   * an object. The control channel reloads only this file.
   */
  get profileFile(): string | undefined {
    return this.file;
  }

  /** Whether `path` (relative to the folder reloads read from) names `profileFile`. */
  isOwnProfile(path: string): boolean {
    return this.file !== undefined && resolve(this.source?.cwd ?? process.cwd(), path) === this.file;
  }

  private async reloadNow(source: ProfileSource | undefined, keepServer: boolean): Promise<ReloadResult> {
    if (!source) {
      return this.reloadFailed({ ok: false, diagnostics: [], files: [], error: new ConflictError(`${this.label} was not loaded from a profile: nothing to reload`) });
    }
    if (this.closing) return { ok: false, diagnostics: [], files: [], error: new ConflictError(`${this.label} is closed`) };
    let loaded: Awaited<ReturnType<ProfileLoader['load']>>;
    try {
      const options = { ...(source.cwd !== undefined && { cwd: source.cwd }), ...(this.options.maxFileBytes !== undefined && { maxFileBytes: this.options.maxFileBytes }), ...(source.includeRoot !== undefined && { includeRoot: source.includeRoot }) };
      loaded = await this.loader.load(source.profile, options, this.env);
    } catch (error) {
      // A bug of ours, not the profile's: said once with its stack, and the device goes on.
      this.env.logger.log('error', `${this.label}: reload failed: ${(error as Error).stack ?? String(error)}`);
      return this.reloadFailed({ ok: false, diagnostics: [], files: [], error: new Error(`internal error while loading the profile: ${(error as Error).message}`) });
    }
    if (!loaded.ok) return this.reloadFailed({ ok: false, diagnostics: loaded.diagnostics, files: loaded.files ?? [] });
    // Each step of a reload on the event loop is followed by a turn of it, so clients wait for
    // one step at most (a 10,000-point device: tens of ms each), not for the whole reload.
    await turn();
    const next = loaded.profile;
    const previous = this.current;
    const moved = keepServer ? serverChanges(previous, next) : [];
    if (moved.length > 0) {
      return this.reloadFailed({ ok: false, diagnostics: [], files: loaded.files, error: new ForbiddenError(`server settings cannot change over the control channel (${moved.join(', ')}): edit the profile file, which is reloaded when it changes, or restart modbus-emu`) });
    }
    const where = this.listenAddress(next);
    if (!sameTransport(where, this.listenOn)) {
      const error = await this.rebind(where, next);
      if (error) return this.reloadFailed({ ok: false, diagnostics: [], files: loaded.files, error });
    }
    // Only a reload that succeeded becomes what a plain reload (and the watcher) reads again.
    this.source = source;
    if (typeof source.profile === 'string') this.file = resolve(source.cwd ?? process.cwd(), source.profile);
    // Taking over the state and swapping are one step: a write in between would be lost.
    const handOver = this.swap(next);
    await turn();
    const changes = describeChanges(previous, next, handOver);
    this.env.logger.log('info', `${this.label} reloaded: ${formatChanges(changes, handOver)}`);
    const result: ReloadSuccess = { ok: true, device: next, changes, handOver, files: loaded.files, address: this.address };
    this.emit('reload', result);
    return result;
  }

  private reloadFailed(result: ReloadFailure): ReloadFailure {
    const { logger } = this.env;
    const count = result.diagnostics.length;
    logger.log('error', `${this.label} not reloaded${count ? ` (${count} problem${count === 1 ? '' : 's'})` : ''}: the device served so far goes on${result.error ? `: ${result.error.message}` : ''}`);
    for (const d of result.diagnostics) logger.log('error', `  ${formatDiagnostic(d)}`);
    this.emit('reloadError', result);
    return result;
  }

  /**
   * Moves the listener to `where` for `next`: binds the new address first, so a failure leaves the
   * old listener (and its clients) as they were; then the old one closes its connections.
   */
  private async rebind(where: Transport, next: ServedDevice): Promise<Error | undefined> {
    const old = this.server;
    const was = this.listenOn;
    // A serial line cannot be open twice: the same device with new settings is closed first, and
    // opened again as it was if the new settings fail.
    const sameLine = where.kind === 'serial' && was.kind === 'serial' && where.line.path === was.line.path;
    if (sameLine) await old.close();
    let server: ModbusServer;
    try {
      server = this.createServer(where, next);
      await server.listen();
    } catch (error) {
      if (sameLine) {
        this.server = this.createServer(was);
        await this.server.listen().catch((reopen: unknown) => this.env.logger.log('error', `${this.label}: cannot reopen ${describeTransport(was)}: ${(reopen as Error).message}`));
      }
      return new Error(`cannot ${where.kind === 'serial' ? 'open' : 'listen on'} ${describeTransport(where)}: ${(error as Error).message}`);
    }
    this.server = server;
    this.listenOn = where;
    this.env.logger.log('info', `${this.label}: listening on ${describeTransport(where.kind === 'tcp' ? { ...where, port: server.address!.port } : where)} (was ${old.address ? describeTransport(was.kind === 'tcp' ? { ...was, port: old.address.port } : was) : 'not listening'})`);
    this.emit('listening', server.address!);
    if (!sameLine) await old.close();
    return undefined;
  }

  /**
   * The caller's settings win over the profile's (what the CLI pinned stays put), then the
   * defaults: a serial line (the caller's, else the profile's unless the caller chose a TCP
   * transport), else TCP with the caller's or the profile's framing.
   */
  private listenAddress(device: ServedDevice): Transport {
    const line = this.options.serial ?? (this.options.transport === undefined ? device.server.serial : undefined);
    if (line) return serialTransport(line);
    const transport = this.options.transport ?? device.server.transport;
    return tcpTransport(
      this.options.host ?? device.server.host ?? DEFAULT_HOST,
      this.options.port ?? device.server.port ?? this.options.defaultPort ?? 0,
      transport === 'rtu-over-tcp' ? rtuOverTcpFraming : mbapFraming,
      this.tlsFilesOf(device),
    );
  }

  /** The caller's TLS files (against its folder) win over the profile's `server.tls` (against the profile's folder). */
  private tlsFilesOf(device: ServedDevice): TlsFiles | undefined {
    const cwd = this.source?.cwd ?? process.cwd();
    const given = this.options.tls;
    const own = device.server.tls;
    const files = given ?? own;
    if (files === undefined) return undefined;
    const file = given === undefined && isCompiledProfile(device) ? device.file : undefined;
    const base = file === undefined ? cwd : resolve(cwd, dirname(file));
    const minVersion = given ? given.minVersion : own?.minVersion;
    return { cert: resolve(base, files.cert), key: resolve(base, files.key), clientCa: resolve(base, files.clientCa), ...(minVersion && { minVersion }) };
  }

  /** The PEM files of a TLS transport, read now: a file that cannot be read is the caller's mistake. */
  private tlsOptions(files: TlsFiles): { cert: Buffer; key: Buffer; clientCa: Buffer; minVersion?: 'TLSv1.2' | 'TLSv1.3' } {
    const read = (what: string, path: string): Buffer => {
      try {
        return readFileSync(path);
      } catch (error) {
        throw new BadRequestError(`cannot read the TLS ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
    };
    return { cert: read('certificate', files.cert), key: read('key', files.key), clientCa: read('client CA', files.clientCa), ...(files.minVersion && { minVersion: files.minVersion }) };
  }

  /** The server for a transport: the one place a listener (or a serial line) is built. */
  private createServer(where: Transport, device = this.current): ModbusServer {
    const options = this.options;
    const settings = device.server;
    // FC 8's bus communication error count: RTU frames dropped for their CRC (docs/protocol.md).
    // Read at each error: a reload may have swapped the device.
    const onCrcError = (): void => {
      if (isCompiledProfile(this.current)) this.current.diagnostics.countBusCommunicationError();
    };
    if (where.kind === 'serial') {
      return new ModbusSerialServer({
        handler: this.handlerOf(device, where),
        line: where.line,
        open: options.openSerial ?? openSerialPort,
        // Read at each frame: a reload may change the units served.
        serves: (unitId) => !isCompiledProfile(this.current) || this.current.unit(unitId) !== undefined,
        timer: options.env.timer,
        logger: options.env.logger,
        traffic: options.traffic ?? 0,
        onCrcError,
      });
    }
    const ioMode = options.ioMode ?? ioModeFromEnvironment();
    const tls = where.tls && this.tlsOptions(where.tls);
    const tlsFaults = tls && tlsFaultPicker(settings.tls?.faults, options.env.random);
    const serverOptions: ServerOptions = {
      ...(tls && { tls }),
      ...(tlsFaults && { tlsFaults }),
      handler: this.handlerOf(device, where),
      host: where.host,
      port: where.port,
      framing: where.framing,
      idleTimeoutMs: options.idleTimeoutMs ?? settings.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
      maxConnections: this.maxConnections,
      ...(options.pool && { pool: options.pool }),
      connectionPolicy: options.connectionPolicy ?? settings.whenFull,
      timer: options.env.timer,
      logger: options.env.logger,
      traffic: options.traffic ?? 0,
      ...(ioMode && { ioMode }),
      allow: this.allowListOf(device),
      onConnection: (info) => this.emit('connection', info),
      onDisconnect: (info) => this.emit('disconnect', info),
      onError: (error) => this.failed(error),
      onCrcError,
    };
    try {
      return new ModbusTcpServer(serverOptions);
    } catch (error) {
      // Node refused the PEM (not a certificate, a key that does not match it): said as such.
      if (tls) throw new BadRequestError(`TLS: ${(error as Error).message} (${where.tls!.cert}, ${where.tls!.key}, ${where.tls!.clientCa})`);
      throw error;
    }
  }

  /** `stateFile` against the caller's folder, else the profile's `server.stateFile` against the profile's folder. */
  private stateFileOf(options: RuntimeOptions): string | undefined {
    const cwd = this.source?.cwd ?? process.cwd();
    if (options.stateFile !== undefined) return resolve(cwd, options.stateFile);
    const own = options.device.server.stateFile;
    if (own === undefined) return undefined;
    const file = (isCompiledProfile(options.device) ? options.device.file : undefined);
    return resolve(cwd, file === undefined ? '.' : dirname(file), own);
  }

  /** The client ranges served: the caller's (`allow`) win over the profile's `server.allow`. */
  private allowListOf(device: ServedDevice): ReturnType<typeof allowList> {
    const ranges = (this.options.allow ?? device.server.allow ?? []).map((text) => {
      const range = parseCidr(text);
      if ('error' in range) throw new RangeError(`allow: ${range.error}`);
      return range;
    });
    return allowList(ranges);
  }

  /** What the runtime's options switch on a device's storage, set before it serves its first request. */
  private applySwitches(device: ServedDevice): void {
    if (!isCompiledProfile(device)) return;
    if (this.options.readOnly !== undefined) refuseClientWrites(device, this.options.readOnly);
  }

  /**
   * The device's own handler (on RTU, with unit 0 a broadcast), behind the modes and a phase's
   * point overrides while any hold, and wrapped to record each request while anyone records. With
   * none of them the device's handler is served as it is: modes cost nothing until set.
   */
  private handlerOf(device: ServedDevice, where: Transport = this.listenOn): Handler {
    const rtu = where.kind === 'serial' || where.framing !== mbapFraming;
    let handler = rtu ? withBroadcast(device.handler, isCompiledProfile(device) ? device.broadcast : createBroadcast([device.handler])) : device.handler;
    if (this.phase && this.phase.phase.overrides.length > 0 && isCompiledProfile(device)) handler = this.withOverrides(device, handler);
    if (this.offline) handler = offlineHandler(this.offline, handler);
    if (!this.recording) return handler;
    return recordingHandler(handler, (record) => this.recorded(record), this.recordContext);
  }

  /** `handler` answering the phase's point overrides; an override the device cannot take is dropped, with a warning once. */
  private withOverrides(device: CompiledProfile, handler: Handler): Handler {
    const { phase, since, dropped } = this.phase!;
    const now = (): number => this.env.clock.now();
    const usable = phase.overrides.filter((o) => {
      if (dropped.has(o.point)) return false;
      try {
        overrideHandler(device, [o], since, now, handler);
        return true;
      } catch (error) {
        dropped.add(o.point);
        this.env.logger.log('warn', `${this.label}: phase ${phase.name}: ${o.point} is not overridden: ${(error as Error).message}`);
        return false;
      }
    });
    return usable.length === 0 ? handler : overrideHandler(device, usable, since, now, handler);
  }

  /** A scenario's phase holds from `since` (undefined: none does any more): its fault rules, modes and overrides. */
  private applyPhase(phase: CompiledPhase | undefined, since: number): void {
    for (const remove of this.phase?.removers ?? []) remove();
    this.phase = phase && { phase, since, removers: [], dropped: new Set() };
    for (const rule of phase?.faults ?? []) {
      try {
        this.phase!.removers.push(this.inject(rule));
      } catch (error) {
        this.env.logger.log('warn', `${this.label}: phase ${phase!.name}: fault rule ${(rule as { name?: string }).name ?? '?'} not applied: ${(error as Error).message}`);
      }
    }
    this.applyModes();
  }

  /** Serves the modes that hold now: the handler, what the listener accepts, a reboot begun or ended. */
  private applyModes(): void {
    const wasDown = this.effectiveModes.reboot === true;
    const modes = mergeModes(this.apiModes, this.phase?.phase.modes);
    this.effectiveModes = modes;
    this.offline = offlineOutcomes(modes.offline);
    this.applyConnectionModes(this.server);
    this.server.setHandler(this.handlerOf(this.current));
    if (modes.reboot === true && !wasDown) this.goDown();
    if (modes.reboot !== true && wasDown) this.comeBack();
  }

  /** What a TCP listener accepts under the modes (a serial line has one connection: nothing to accept). */
  private applyConnectionModes(server: ModbusServer): void {
    if (!(server instanceof ModbusTcpServer)) return;
    const c = this.effectiveModes.connections;
    server.setAccepting(c?.accept ?? 'serve');
    const limit = c?.limit === undefined ? undefined : Math.min(c.limit, this.maxConnections ?? Infinity);
    server.setConnectionLimit(limit);
  }

  /** A reboot begins: every connection closes and the listener stops (connects are refused). */
  private goDown(): void {
    const at = this.env.clock.now();
    this.env.logger.log('info', `${this.label}: rebooting at ${formatEmulatorTime(at)}: every connection closed, connects refused`);
    this.deviceEvent({ time: at, event: 'reboot', unit: this.current.name, source: 'modes', message: 'rebooting: every connection closed, connects refused', data: { state: 'down' } });
    this.listenerSteps = this.listenerSteps.then(() => this.server.close());
  }

  /** A reboot ends: the device starts over (initial values, or the state file's) and listens on the same port again. */
  private comeBack(): void {
    const at = this.env.clock.now();
    this.listenerSteps = this.listenerSteps.then(async () => {
      if (this.closing) return;
      this.restartDevice();
      const port = this.server.address?.port;
      // A TCP listener comes back on the port it had (also one picked with port 0); a serial line reopens.
      const where = this.listenOn.kind === 'tcp' ? { ...this.listenOn, port: port ?? this.listenOn.port } : this.listenOn;
      const server = this.createServer(where);
      this.server = server;
      this.applyConnectionModes(server);
      // A runtime that was not listening yet (a test driving it without sockets) does not start now.
      if (port === undefined) return;
      await this.listenAgain(server, at, true);
    });
  }

  /**
   * Binds `server` on the port it had before the reboot (ended at `at`); while another process
   * holds the port, says so once and tries again each second (wire time), off the listener's
   * steps, until it is free or the runtime closes or moves on.
   */
  private async listenAgain(server: ModbusServer, at: number, first: boolean): Promise<void> {
    let address: BoundAddress;
    try {
      address = await server.listen();
    } catch (error) {
      if (first) this.failed(new Error(`cannot listen again after the reboot: ${(error as Error).message}; trying again every second`));
      this.env.timer.setTimeout(() => {
        if (!this.closing && this.server === server) void this.listenAgain(server, at, false);
      }, 1000);
      return;
    }
    this.env.logger.log('info', `${this.label}: back after the reboot at ${formatEmulatorTime(at)}, listening on ${hostPort(address.host, address.port)} with ${this.state ? "the state file's" : 'its initial'} values`);
    this.deviceEvent({ time: at, event: 'reboot', unit: this.current.name, source: 'modes', message: 'back after the reboot: listening again, values as at the start', data: { state: 'up', port: address.port } });
    this.emit('listening', address);
  }

  /** Storage, generators, machines and fault counters as at the start; with a state file, its values on top. */
  private restartDevice(): void {
    const device = this.current;
    if (!isCompiledProfile(device)) return;
    const saved = this.state ? snapshotState(device) : undefined;
    device.reset();
    if (saved) restoreState(device, { ...saved, savedAt: '' });
  }

  /** A device event: numbered with the requests, kept in the journal, emitted. */
  private readonly deviceEvent = (event: DeviceEvent): void => {
    const record: EventRecord = { kind: 'event', seq: ++this.seq, wallTime: Date.now(), ...event };
    this.journal?.add(record);
    this.emit('event', record);
  };

  private recorded(record: RequestRecord): void {
    this.journal?.add(record);
    this.emit('request', record);
  }

  /** `adding`: a `request` listener is about to be added (not yet counted). */
  private updateRecording(adding = false): void {
    const recording = adding || this.journal !== undefined || this.listenerCount('request') > 0;
    if (recording === this.recording) return;
    this.recording = recording;
    this.server.setHandler(this.handlerOf(this.current));
  }

  /** Errors after listening are logged, and emitted to whoever listens for them. */
  private failed(error: Error): void {
    this.env.logger.log('error', `server error: ${error.message}`);
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }
}

/** Lets the event loop serve what is waiting (I/O included) before going on. */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));


/**
 * `MODBUS_EMU_IO_MODE=stream` forces Node's documented socket API (troubleshooting, and the test
 * suite's second run); anything else leaves the server's default.
 */
function ioModeFromEnvironment(): SocketIoMode | undefined {
  const mode = process.env.MODBUS_EMU_IO_MODE;
  return mode === 'stream' || mode === 'direct' ? mode : undefined;
}
