/**
 * Something a device did on its own, not a request: a state machine's transition (the scenarios
 * work adds its own kinds). One shape for every kind, so the journal, `-v` and listeners handle
 * them alike; what is particular to a kind goes in `data`.
 */
export interface DeviceEvent {
  /** Emulator time (ms) at which it happened: a transition on a step carries the step's time. */
  readonly time: number;
  /** What kind of event: `transition`. */
  readonly event: string;
  /** The unit it happened in (its name) and its first unit id (none: the device answering every other id). */
  readonly unit: string;
  readonly unitId?: number;
  /** What it happened to: the machine's name. */
  readonly source: string;
  /** One line for a person: `drive: operationEnabled → fault (motorCurrent > 14)`. */
  readonly message: string;
  /** Kind-specific details: a transition's `from`, `to`, `cause` (write, condition, after, force) and `trigger`. */
  readonly data: Readonly<Record<string, string | number | boolean>>;
}

export type EventSink = (event: DeviceEvent) => void;

/**
 * A compiled device's events: its units emit, whoever serves the device listens (the runtime
 * records them in the journal). Without a listener an event costs the call only.
 */
export class EventHub {
  private listener: EventSink | undefined;

  /** The one listener from now on (undefined: none). */
  listen(listener: EventSink | undefined): void {
    this.listener = listener;
  }

  readonly emit = (event: DeviceEvent): void => {
    this.listener?.(event);
  };
}
