import type { Table } from '../device/data-source.js';
import type { Environment } from '../environment.js';
import type { EventSink } from './events.js';
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
  /**
   * Takes over the state of the unit this one replaces (a reload), where the generator or the
   * machine is unchanged; says which machines kept their state and which restarted.
   */
  takeOver(previous: LivePoints): MachineHandOver;
  /** Before a write over commanded points (table flag COMMANDED): remembers their values, what `previous` reads. */
  beforeObey(table: Table, address: number, quantity: number): void;
  /**
   * After the words of a write are stored: a client write meets the write rules first (a refusal
   * throws the rule's ModbusError before anything else changes: the caller puts the words back),
   * then the written points' reactions and write-triggered transitions run, in address order.
   */
  obey(table: Table, address: number, quantity: number, client: boolean): void;
  /** Every state machine's state. */
  machines(): MachineStatus[];
  /** Puts a machine in a state now (its exit and entry actions run). Throws Error for an unknown name. */
  force(machine: string, state: string): MachineStatus;
}

/** A state machine as the API shows it. */
export interface MachineStatus {
  readonly name: string;
  readonly state: string;
  /** The state's number (what expressions read as the machine's name). */
  readonly value: number;
  /** Emulator time (ms) at which it entered the state. */
  readonly since: number;
  /** Every state's name, in declared order (what a force may name). */
  readonly states: readonly string[];
}

export interface MachineHandOver {
  readonly kept: readonly string[];
  /** Machines whose definition changed: back to their initial state. */
  readonly restarted: readonly string[];
}

/** Made once per unit id from the compiled generators of its device definition. */
export type LiveFactory = (store: DeviceStore, unitName: string, env: Environment, events: EventSink) => LivePoints;
