import type { DataSource, Table } from '../device/data-source.js';
import type { DeviceIdentity } from '../device/identity.js';
import type { Handler } from '../pipeline/types.js';
import type { ConnectionPolicy } from '../server/server.js';
import type { Diagnostic } from '../profile/diagnostics.js';
import type { TableName } from './table-names.js';

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
}

export interface CompiledProfile {
  readonly name: string;
  /** The profile file, when it came from one. */
  readonly file?: string;
  readonly server: ServerSettings;
  /** Every unit, including the default device for unknown unit ids when the profile has one. */
  readonly units: readonly CompiledUnit[];
  /** Device handler routing by unit id; what unknown unit ids and unit 0 get is compiled in. */
  readonly handler: Handler;
  /** The unit answering `unitId`, or undefined when that id is unreachable / answered by no device. */
  unit(unitId: number): CompiledUnit | undefined;
  /** One line per unit for the start-up summary (name, unit ids, points per table). */
  summary(): string[];
}

export type CompileResult =
  | { readonly ok: true; readonly profile: CompiledProfile }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };
