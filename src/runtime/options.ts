import type { Environment } from '../environment.js';
import type { ServedDevice } from '../model/types.js';
import type { ConnectionPolicy } from '../pipeline/types.js';
import type { SerialLine } from '../protocol/rtu.js';
import type { OpenSerial } from '../server/serial.js';
import type { SocketIoMode } from '../server/socket-io.js';
import type { TrafficLevel } from '../server/trace.js';
import { DEFAULT_JOURNAL_SIZE } from './journal.js';
import type { ProfileLoader } from './off-thread-load.js';
import type { ConnectionPool } from '../server/pool.js';

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
  /** How the TCP listener frames requests (`--transport`); replaces the profile's `server.transport` and `server.serial`. */
  transport?: 'tcp' | 'rtu-over-tcp';
  /** Serve in RTU on this serial line (`--serial`), instead of the profile's `server.serial` or TCP. */
  serial?: SerialLine;
}

/** A profile to load: a path (relative to `cwd`), or a profile object. */
export interface ProfileSource {
  readonly profile: string | object;
  readonly cwd?: string;
  /** Includes only inside this folder, none with `false` (a profile posted to the control channel). */
  readonly includeRoot?: string | false;
}

/** How a reload may differ from a local one (what the control channel asks for). */
export interface ReloadOptions {
  /** Folder that relative paths are read from (default: the last source's). */
  cwd?: string;
  /** Includes only inside this folder, none with `false` (LoadFileOptions.includeRoot). */
  includeRoot?: string | false;
  /** Refuse (ForbiddenError) a profile whose `server:` settings differ from the device served. */
  keepServer?: boolean;
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
  /**
   * The process's connection pool, shared by its runtimes (the CLI's devices; runtime/descriptors.ts
   * `connectionPool`): connections are taken from it, and a device's own limit (`maxConnections`,
   * the profile's) applies within it. Default: a ceiling of the runtime's own from `openFileLimit`.
   */
  pool?: ConnectionPool;
  /** Keep the last N requests in `journal` (default: no journal). */
  journal?: number;
  /** What `reload()` reads again: default the device's profile file. */
  source?: ProfileSource;
  /** Names the device in log lines (the CLI: the profile path). Default: the device's name. */
  label?: string;
  /**
   * Read-only mode: the exception code (1..255) every client write answers, changing nothing
   * (model/switches.ts); the API's writes go through. Default: writes allowed.
   */
  readOnly?: number;
  /**
   * Client addresses served (`--allow`): IPv4/IPv6 addresses or CIDR ranges, replacing the
   * profile's `server.allow`. Default: the profile's, else every address.
   */
  allow?: readonly string[];
  /**
   * Keep what clients and the API write in this file (runtime/state-keeper.ts), resolved against
   * `source.cwd`; replaces the profile's `server.stateFile` (resolved against the profile's folder).
   * Read when the runtime first listens (or `loadState()`); a later reload does not change it.
   */
  stateFile?: string;
  /** The most bytes a reload reads from one file (default 64 MiB, profile/limits.ts). */
  maxFileBytes?: number;
  /**
   * Loads reloads; one shared by the runtimes of a process checks a profile once for all the
   * instances reloading it, and keeps one worker thread. Default: the runtime's own.
   */
  loader?: ProfileLoader;
  /** Opens a serial line (default: through the optional `serialport` package; tests give a stream). */
  openSerial?: OpenSerial;
  /**
   * Modbus/TCP Security (`--tls-cert`, `--tls-key`, `--tls-client-ca`): PEM files resolved against
   * `source.cwd`, replacing the profile's `server.tls` files (its `faults` stay). Default: the profile's, else plain TCP.
   */
  tls?: TlsFileOptions;
}

/** The PEM files of a TLS listener, and its lowest TLS version (default TLSv1.2). */
export interface TlsFileOptions {
  readonly cert: string;
  readonly key: string;
  readonly clientCa: string;
  readonly minVersion?: 'TLSv1.2' | 'TLSv1.3';
}

/** What a client write answers in read-only mode unless told otherwise: 01, illegal function. */
export const READ_ONLY_EXCEPTION = 1;

/**
 * What a caller gives for a runtime; undefined means "not given", `journal: true` the default
 * size, and `readOnly: true` read-only with READ_ONLY_EXCEPTION (`false`: writes allowed).
 */
export type RuntimeSettings = Omit<RuntimeOptions, 'journal' | 'readOnly'> & { journal?: boolean | number; readOnly?: boolean | number };

/** Every option but the journal and read-only mode, taken as given: a record, so that a new option cannot be forgotten here. */
const TAKEN: Readonly<Record<Exclude<keyof RuntimeOptions, 'journal' | 'readOnly'>, true>> = {
  device: true, env: true, host: true, port: true, idleTimeoutMs: true, maxConnections: true, connectionPolicy: true,
  defaultPort: true, traffic: true, ioMode: true, openFileLimit: true, pool: true, source: true, label: true,
  allow: true, stateFile: true, maxFileBytes: true, loader: true, transport: true, serial: true, openSerial: true, tls: true,
};
const KEYS = Object.keys(TAKEN) as (keyof typeof TAKEN)[];

/**
 * The one place a runtime's options are assembled, for the CLI (from its flags) and startEmulator
 * (from its options): the settings given, and nothing else (`settings` may carry a caller's other
 * options); `journal` and `readOnly` as RuntimeSettings says.
 */
export function runtimeOptions(settings: RuntimeSettings): RuntimeOptions {
  const options: Record<string, unknown> = {};
  for (const key of KEYS) if (settings[key] !== undefined) options[key] = settings[key];
  const { journal, readOnly } = settings;
  if (journal !== undefined && journal !== false) options.journal = journal === true ? DEFAULT_JOURNAL_SIZE : journal;
  if (readOnly !== undefined && readOnly !== false) options.readOnly = readOnly === true ? READ_ONLY_EXCEPTION : readOnly;
  return options as unknown as RuntimeOptions;
}
