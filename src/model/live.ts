import type { Table } from '../device/data-source.js';
import type { Environment } from '../environment.js';
import type { DeviceStore } from './store.js';

/**
 * The generated points of one unit's storage (generators/engine.ts implements it): the store
 * and the by-name API call it so that generated words are brought to the emulator's now before
 * they are read, and so that writes meet the points' `onWrite` rule.
 */
export interface LivePoints {
  /** Brings the generated words of [address, address + quantity) up to now: one clock read per call. */
  refresh(table: Table, address: number, quantity: number): void;
  /** Before any write: stateful generators catch up to now, so a write never reaches their past steps. */
  beforeWrite(): void;
  /** A client write over generated points: throws IllegalDataValue (03) where `onWrite: refuse`. */
  checkClientWrite(table: Table, address: number, quantity: number): void;
  /** After a write: generated points there keep the written value until reset (client: not read-only ones). */
  written(table: Table, address: number, quantity: number, client: boolean): void;
  /**
   * Whether the point at `address` is generated and, if so, overridden by a write (it then keeps
   * the written value until reset): undefined where nothing is generated. For the state file.
   */
  overridden(table: Table, address: number): boolean | undefined;
  /** Every generator back to its start; time counts from now. */
  reset(): void;
  /** Takes over the state of the unit this one replaces (a reload), where the generator is unchanged. */
  takeOver(previous: LivePoints): void;
}

/** Made once per unit id from the compiled generators of its device definition. */
export type LiveFactory = (store: DeviceStore, unitName: string, env: Environment) => LivePoints;
