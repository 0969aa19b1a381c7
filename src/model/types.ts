import type { SerialLine } from '../protocol/rtu.js';
import type { DataSource, Table } from '../device/data-source.js';
import type { DeviceIdentity } from '../device/identity.js';
import type { Diagnostics } from '../device/diagnostics.js';
import type { Environment } from '../environment.js';
import type { ConnectionPolicy, Handler, Middleware } from '../pipeline/types.js';
import type { EventHub } from './events.js';
import type { MachineStatus } from './live.js';
import type { TableName } from './table-names.js';
import type { CompiledScenario } from './scenario.js';

/** An engineering value: number, bigint (unscaled 64-bit integers), boolean, or string. */
export type PointValue = number | bigint | boolean | string;

export type Access = 'readOnly' | 'readWrite' | 'writeOnly';

/** Server settings from the profile (CLI flags override them). */
export interface ServerSettings {
  readonly host?: string;
  readonly port?: number;
  readonly idleTimeoutMs?: number;
  readonly maxConnections?: number;
  readonly whenFull?: ConnectionPolicy;
  /** Client address ranges served (`server.allow`), checked by the compiler; undefined: every address. */
  readonly allow?: readonly string[];
  /** `server.stateFile` as written (the runtime resolves it against the profile's folder). */
  readonly stateFile?: string;
  /** `server.transport`: how the TCP listener frames requests (undefined: MBAP). */
  readonly transport?: 'tcp' | 'rtu-over-tcp';
  /** `server.serial` with its defaults filled in: the device is served in RTU on this line. */
  readonly serial?: SerialLine;
  /** `server.tls` as written (Modbus/TCP Security; the runtime reads its files, relative to the profile's folder). */
  readonly tls?: TlsSettings;
}

/** A profile's `server.tls`: file paths as written, the lowest version, the TLS faults. */
export interface TlsSettings {
  readonly cert: string;
  readonly key: string;
  readonly clientCa: string;
  readonly minVersion?: 'TLSv1.2' | 'TLSv1.3';
  readonly faults?: readonly TlsFaultRule[];
}

/** One `server.tls.faults` entry. */
export interface TlsFaultRule {
  readonly name: string;
  readonly do: 'stallHandshake' | 'closeAfterHandshake';
  readonly when?: { readonly every?: number; readonly first?: number; readonly after?: number; readonly probability?: number };
}

/** What the API and summaries know of a named point (bits of a bit field are `word.bit`). */
export interface PointInfo {
  readonly name: string;
  readonly table: Table;
  /** 0-based protocol address. */
  readonly address: number;
  /** Registers (or bits, in coil/discrete tables) the point spans. */
  readonly size: number;
  readonly type: string;
  readonly access: Access;
  readonly unit?: string;
  readonly description?: string;
  /** A generator computes its value (`generate:`); absent when none does. */
  readonly generated?: true;
  /** Client writes are checked against a rule first (min/max, an enum, 0/1); absent when not. */
  readonly writeRule?: true;
}

/** One addressable device: a single-device profile, or one unit id behind a gateway. */
export interface CompiledUnit {
  readonly name: string;
  /** The unit ids it answers; empty when it answers every unit id not claimed by another. */
  readonly unitIds: readonly number[];
  readonly identity: DeviceIdentity;
  /** Dense storage behind the Modbus tables; implements checkRange, so the handler never throws for 02. */
  readonly dataSource: DataSource;
  readonly points: ReadonlyMap<string, PointInfo>;
  /** Points per table, for the start-up summary. */
  readonly pointCounts: Readonly<Record<Table, number>>;
  /** Engineering value of a point by name. Throws Error for an unknown name. */
  read(name: string): PointValue;
  /**
   * Sets a point from code (tests, generators): the value must fit the type, and an `enumStrict`
   * point's enum (RangeError if not); access rules and min/max are not applied, since this is not
   * a client write.
   */
  write(name: string, value: PointValue): void;
  /** Raw storage by table and protocol address (registers as 0..65535, bits as 0/1), ignoring mapping and access. */
  readTable(table: TableName, address: number, quantity: number): number[];
  writeTable(table: TableName, address: number, values: readonly (number | boolean)[]): void;
  /** Every state machine's state (docs/commands.md), in declared order. */
  machines(): MachineStatus[];
  /**
   * Puts machine `machine` in state `state` now, as a transition would (exit and entry actions
   * run, an event is recorded): a test can start from Fault. Throws Error for an unknown name.
   */
  forceState(machine: string, state: string): MachineStatus;
}

/** What a runtime serves: a compiled profile, or any handler (the CLI's in-memory device). */
export interface ServedDevice {
  readonly name: string;
  /** Server settings from the profile (CLI flags and API options override them). */
  readonly server: ServerSettings;
  /**
   * What every exchange is handed to: `compose(middlewares, router)` for a compiled profile (read it
   * again after injecting or removing a fault rule: without rules the rules' middleware is left out).
   */
  readonly handler: Handler;
  /** Lines for the start-up summary. */
  summary(): string[];
}

/** What a recompile kept of the running device's state (takeOverState in model/hand-over.ts). */
export interface HandOver {
  /** Points whose client-written words carried over. */
  readonly keptPoints: number;
  /** Points that take their new declaration (changed, or new). */
  readonly resetPoints: readonly string[];
  /** Words of raw blocks that carried over (unchanged ranges). */
  readonly keptBlockWords: number;
  /** Fault rules that kept their counters (same name, match and trigger). */
  readonly keptFaultRules: readonly string[];
  /** State machines that kept their state (same definition), and those restarted because their definition changed (`unit/machine` in a gateway). */
  readonly keptMachines: readonly string[];
  readonly restartedMachines: readonly string[];
  /** Unit ids that stay in listen-only mode (FC 8/0x04): the new device is as mute as the old one was. */
  readonly listenOnly: readonly number[];
}

/** A compiled profile's fault rules (src/faults/engine.ts), as the model and the runtime see them. */
export interface FaultSet {
  /** Rule names in the order they are tried: injected rules first, then the profile's. */
  names(): string[];
  /** Every rule in the order tried, with its counters (what the control channel's web view shows). */
  rules(): FaultRuleState[];
  /** Every rule's counters back to zero (`reset()`); the rules themselves stay. */
  reset(): void;
  /** Takes over the counters of rules of `previous` with the same name, match and trigger; returns their names. */
  takeOver(previous: FaultSet): string[];
}

/** One fault rule as it stands: where it came from and what it has counted since the last reset. */
export interface FaultRuleState {
  readonly name: string;
  /** Added through the API or the control channel (tried before the profile's own rules). */
  readonly injected: boolean;
  /** Matching requests seen. */
  readonly matched: number;
  /** Requests it fired for. */
  readonly fired: number;
  /** The tables its function codes read or write; null when it matches every function code. */
  readonly tables: readonly Table[] | null;
  /** The address ranges (inclusive) it matches, in one table or any; null when it has no address condition. */
  readonly spans: readonly { readonly from: number; readonly to: number; readonly table?: Table }[] | null;
}

export interface CompiledProfile extends ServedDevice {
  /** The profile file, when it came from one. */
  readonly file?: string;
  /** Every unit, including the default device for unknown unit ids when the profile has one. */
  readonly units: readonly CompiledUnit[];
  /**
   * Request-level behaviour in front of the units, outermost first: the fault rules, the gateway's
   * answers for unreachable units (`respond:`, `unknownUnits`) and unit 0 broadcast, then the
   * response delays (`responseDelay`).
   * @internal The members marked so serve the runtime: they are left out of the published type
   * declarations (tsconfig.build.json `stripInternal`), so they promise nothing (docs/api.md).
   */
  readonly middlewares: readonly Middleware[];
  /** Routes each exchange to the device behind its unit id. @internal */
  readonly router: Handler;
  /** Unit 0 as a broadcast to every device (`unitZero: broadcast`'s answer), for RTU, where unit 0 always is one. @internal */
  readonly broadcast: Handler;
  /** The fault rules (their middleware is the first of `middlewares`). @internal */
  readonly faults: FaultSet;
  /** What the device does by itself (state machine transitions): the runtime listens and records them in the journal. @internal */
  readonly events: EventHub;
  /**
   * FC 8's counters, diagnostic registers and listen-only modes, per unit id (docs/protocol.md,
   * "FC 8 diagnostics"): read them (`counts(unitId)`), put a unit id in listen-only mode or take
   * it out, and count what a transport sees (`countBusCommunicationError`, `countCharacterOverrun`).
   */
  readonly diagnostics: Diagnostics;
  /** Time, chance, wire timer and logger the device was compiled with. @internal */
  readonly env: Environment;
  /** The unit answering `unitId`, or undefined when that id is unreachable / answered by no device. */
  unit(unitId: number): CompiledUnit | undefined;
  /** The profile's named scenarios (`scenarios:`, docs/scenarios.md), in declared order; the runtime runs them. */
  readonly scenarios: readonly CompiledScenario[];
  /**
   * Takes over what clients wrote to `previous` (the device this one replaces), by the rules in
   * model/hand-over.ts; call before this device serves its first request.
   * @internal
   */
  takeOver(previous: CompiledProfile): HandOver;
  /**
   * Compiles a fault rule (the format of a profile's `faults:` entries) for this device and tries
   * it before the profile's own rules, after those injected before; returns its remover. Throws
   * the loader's ProfileError, with every diagnostic, for a rule the schema or the compiler refuses;
   * warnings go to the device's logger. Read `handler` again afterwards.
   * @internal
   */
  injectFault(rule: object): () => void;
  /**
   * Back to the start: every unit's storage to its initial image (what clients and the API wrote
   * is gone), every generator to its initial state with time counted from now, so the device
   * replays exactly as after its start, random draws included.
   */
  reset(): void;
}

/** True for a compiled profile (compileProfile, loadDevice); false for any other served device, such as the CLI's in-memory one. */
export function isCompiledProfile(device: ServedDevice): device is CompiledProfile {
  return typeof (device as Partial<CompiledProfile>).takeOver === 'function';
}
