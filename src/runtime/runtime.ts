import { EventEmitter } from 'node:events';
import { compileInjectedRule } from '../compiler/fault-scopes.js';
import type { Environment } from '../environment.js';
import { FaultEngine } from '../faults/engine.js';
import { formatDiagnostic, ProfileError } from '../profile/diagnostics.js';
import type { CompiledProfile, HandOver, ServedDevice } from '../model/types.js';
import type { ConnectionInfo, ConnectionPolicy } from '../pipeline/types.js';
import { DEFAULT_IDLE_TIMEOUT_MS, ModbusTcpServer, type BoundAddress } from '../server/server.js';
import { connectionCeiling, openFileLimit } from './descriptors.js';
import { hostPort } from '../server/host-port.js';
import type { SocketIoMode } from '../server/socket-io.js';
import type { TrafficLevel } from '../server/trace.js';

/**
 * Listener settings given by the caller (CLI flags, API options). Each one given wins over the
 * profile's `server:` setting; what neither gives takes the default.
 */
export interface ListenerSettings {
  host?: string;
  port?: number;
  idleTimeoutMs?: number;
  maxConnections?: number;
  connectionPolicy?: ConnectionPolicy;
}

export interface RuntimeOptions extends ListenerSettings {
  device: ServedDevice;
  env: Environment;
  /** Used when neither the caller nor the profile gives a port (the CLI: 5020; the API: 0). */
  defaultPort?: number;
  traffic?: TrafficLevel;
  /** Socket I/O (server/socket-io.ts); default `MODBUS_EMU_IO_MODE` from the environment, else 'direct'. */
  ioMode?: SocketIoMode;
  /** The process's open-file limit (default: read from the system; tests set it). */
  openFileLimit?: number;
  /** How many runtimes of this process share that limit (the CLI's profiles; default 1). */
  descriptorShare?: number;
}

export interface RuntimeEvents {
  listening: [address: BoundAddress];
  connection: [info: ConnectionInfo];
  disconnect: [info: ConnectionInfo];
  /** A new device took over (`swap`); the hand-over says what state it kept. */
  swap: [device: ServedDevice, handOver: HandOver | undefined];
  error: [error: Error];
  close: [];
}

export const DEFAULT_HOST = '127.0.0.1';
// What the CLI needs of the layers below, so it talks to the runtime only.
export { DEFAULT_IDLE_TIMEOUT_MS, hostPort };
export type { BoundAddress, ConnectionPolicy, ServedDevice, TrafficLevel };

/**
 * One served device: owns its listener (the only place in src/ that constructs the server),
 * holds the current device, swaps it for another without dropping a connection, and tells what
 * happens through events. The CLI runs one per profile; `startEmulator` wraps one.
 */
export class Runtime extends EventEmitter<RuntimeEvents> {
  readonly env: Environment;
  private current: ServedDevice;
  private readonly server: ModbusTcpServer;
  private closing: Promise<void> | null = null;
  /** Rules added through the API, by name, in order: they follow the device across a swap. */
  private readonly injected = new Map<string, { readonly rule: object; remove: () => void }>();

  constructor(options: RuntimeOptions) {
    super();
    this.env = options.env;
    this.current = options.device;
    const settings = options.device.server;
    const ioMode = options.ioMode ?? ioModeFromEnvironment();
    const maxConnections = this.connectionLimit(options.maxConnections ?? settings.maxConnections, options);
    this.server = new ModbusTcpServer({
      handler: options.device.handler,
      host: options.host ?? settings.host ?? DEFAULT_HOST,
      port: options.port ?? settings.port ?? options.defaultPort ?? 0,
      idleTimeoutMs: options.idleTimeoutMs ?? settings.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
      maxConnections,
      connectionPolicy: options.connectionPolicy ?? settings.whenFull,
      timer: options.env.timer,
      logger: options.env.logger,
      traffic: options.traffic ?? 0,
      ...(ioMode && { ioMode }),
      onConnection: (info) => this.emit('connection', info),
      onDisconnect: (info) => this.emit('disconnect', info),
      onError: (error) => this.failed(error),
    });
  }

  get device(): ServedDevice {
    return this.current;
  }

  /** The bound address once listening. */
  get address(): BoundAddress | null {
    return this.server.address;
  }

  /** How sockets are read and written: 'direct' below Node's streams, or 'stream'. */
  get ioMode(): SocketIoMode {
    return this.server.ioMode;
  }

  get connectionCount(): number {
    return this.server.connectionCount;
  }

  /** Binds (rejects with the listen error, e.g. EADDRINUSE) and resolves with the address. */
  async listen(): Promise<BoundAddress> {
    const address = await this.server.listen();
    this.emit('listening', address);
    return address;
  }

  /**
   * Serves `next` from the next request on: open connections stay open, an exchange already
   * under way finishes on the device it started on. When both are compiled profiles, `next`
   * first takes over the state of the current one (model/hand-over.ts).
   */
  swap(next: ServedDevice): HandOver | undefined {
    const previous = this.current;
    // Injected rules go on on the new device (before the hand-over, so they keep their counters).
    for (const [name, entry] of this.injected) {
      try {
        entry.remove = this.addRule(next, entry.rule);
      } catch (error) {
        this.injected.delete(name);
        this.env.logger.log('warn', `fault rule ${name} dropped: ${(error as Error).message}`);
      }
    }
    const handOver = isCompiled(previous) && isCompiled(next) ? next.adoptState(previous) : undefined;
    this.current = next;
    this.server.setHandler(next.handler);
    this.emit('swap', next, handOver);
    return handOver;
  }

  /**
   * Returns the served device to its initial state (CompiledProfile.reset): storage, generators
   * and random streams; time in expressions counts from now. Connections stay open. A device
   * that is not a compiled profile (the in-memory one) has nothing to reset.
   */
  reset(): void {
    if (isCompiled(this.current)) this.current.reset();
  }

  /**
   * Adds a fault rule (the format of a profile's `faults:` entries) in front of the profile's own
   * rules, from the next request on; it stays across a swap. Returns its remover (idempotent).
   * Throws a ProfileError for a rule the schema or the compiler refuses, an Error for a name
   * that exists already or a device that is not a compiled profile.
   */
  inject(rule: object): () => void {
    const name = (rule as { name?: unknown }).name;
    if (typeof name === 'string' && this.injected.has(name)) throw new Error(`a fault rule named ${name} exists already`);
    const remove = this.addRule(this.current, rule);
    const entry = { rule, remove };
    this.injected.set(name as string, entry);
    this.server.setHandler(this.current.handler);
    return () => {
      if (this.injected.get(name as string) !== entry) return;
      this.injected.delete(name as string);
      entry.remove();
      this.server.setHandler(this.current.handler);
    };
  }

  /**
   * Clears the counters of every fault rule (every Nth, first/after N, probability draws): the
   * rules start over as if no request had come. Only the fault rules' part of a reset.
   */
  resetFaults(): void {
    if (isCompiled(this.current)) this.current.faults.reset();
  }

  /** Compiles `rule` for `device` and adds it; returns the engine's remover. */
  private addRule(device: ServedDevice, rule: object): () => void {
    if (!isCompiled(device) || !(device.faults instanceof FaultEngine)) throw new Error(`${device.name} is not a compiled profile: fault rules need one`);
    const compiled = compileInjectedRule(device, rule);
    if (!compiled.ok) throw new ProfileError(compiled.diagnostics);
    for (const w of compiled.warnings) this.env.logger.log('warn', formatDiagnostic(w));
    return device.faults.inject(compiled.rule);
  }

  /** Ends every connection and stops listening. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.server.close().then(() => {
      this.emit('close');
    });
    return this.closing;
  }

  /**
   * The configured connection limit, lowered to what the open-file limit allows, so that the
   * connection policy (refuse, or reset the least recently active) acts and logs before the
   * process runs out of descriptors, where libuv would drop newcomers without a word.
   */
  private connectionLimit(configured: number | undefined, options: RuntimeOptions): number | undefined {
    const limit = options.openFileLimit ?? openFileLimit();
    const ceiling = connectionCeiling(limit, options.descriptorShare);
    if (ceiling === undefined || (configured !== undefined && configured > 0 && configured <= ceiling)) return configured;
    // An unlimited device under a generous limit needs no word; a lowered limit is said once.
    if (configured !== undefined && configured > 0) {
      this.env.logger.log('warn', `--max-connections ${configured} is above what the open-file limit (${limit}) allows: at most ${ceiling} connections (raise it with ulimit -n)`);
    } else if (ceiling < 65_536) {
      this.env.logger.log('info', `open-file limit ${limit}: at most ${ceiling} connections at once (raise it with ulimit -n)`);
    }
    return ceiling;
  }

  /** Errors after listening are logged, and emitted to whoever listens for them. */
  private failed(error: Error): void {
    this.env.logger.log('error', `server error: ${error.message}`);
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }
}

const isCompiled = (d: ServedDevice): d is CompiledProfile => typeof (d as Partial<CompiledProfile>).adoptState === 'function';

/**
 * `MODBUS_EMU_IO_MODE=stream` forces Node's documented socket API (troubleshooting, and the test
 * suite's second run); anything else leaves the server's default.
 */
function ioModeFromEnvironment(): SocketIoMode | undefined {
  const mode = process.env.MODBUS_EMU_IO_MODE;
  return mode === 'stream' || mode === 'direct' ? mode : undefined;
}
