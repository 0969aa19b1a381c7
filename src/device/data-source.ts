import type { Table } from '../protocol/functions.js';

/** The four Modbus tables (protocol/functions.ts: the function codes name them). */
export type { Table };

export type MaybePromise<T> = T | PromiseLike<T>;

/** Bits as returned by a data source: one entry per bit, truthy = 1 (a Uint8Array of 0/1 is fastest). */
export type BitValues = ArrayLike<boolean | number>;
/** Registers as returned by a data source: one 16-bit unsigned value per entry (Uint16Array is fastest). */
export type RegisterValues = ArrayLike<number>;

/**
 * The user-facing seam (the ancestor's BaseDataSource, range-based). Every method may answer with
 * a value or a Promise, and may throw (or reject with) a typed ModbusError such as
 * IllegalDataAddress; any other error becomes exception 04 and one log line. A missing method
 * means the device does not support that function (exception 01).
 *
 * Ranges arrive already checked for quantity limits and for not running past 65535. Returned
 * arrays are read before the next request is handled, so a view into live storage is fine.
 */
export interface DataSource {
  readCoils?(unitId: number, address: number, quantity: number): MaybePromise<BitValues>;
  readDiscreteInputs?(unitId: number, address: number, quantity: number): MaybePromise<BitValues>;
  readHoldingRegisters?(unitId: number, address: number, quantity: number): MaybePromise<RegisterValues>;
  readInputRegisters?(unitId: number, address: number, quantity: number): MaybePromise<RegisterValues>;
  /** `values` holds one byte per coil, 0 or 1. Apply all or nothing. */
  writeCoils?(unitId: number, address: number, values: Uint8Array): MaybePromise<void>;
  /** Apply all or nothing. */
  writeHoldingRegisters?(unitId: number, address: number, values: Uint16Array): MaybePromise<void>;
  /**
   * Optional check used before compound operations (FC 23 validates both ranges before writing
   * anything): return 0 when the range may be read / written, else the exception code. Must not
   * throw and must be synchronous.
   */
  checkRange?(unitId: number, table: Table, address: number, quantity: number, access: 'read' | 'write'): number;
}
