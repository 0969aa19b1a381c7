import type { ConnectionInfo } from '../pipeline/types.js';
import type { Clock, RandomSource } from '../time.js';

/** A compiled `when:`; every condition given must hold. */
export interface TriggerSpec {
  readonly probability?: number;
  readonly every?: number;
  readonly first?: number;
  readonly after?: number;
  /** Whether every/first/after count per rule or per connection. */
  readonly perConnection: boolean;
  /** Emulator milliseconds. */
  readonly window?: { readonly after: number; readonly for: number; readonly every: number };
  readonly inFlightAbove?: number;
}

/**
 * What a rule has counted: kept across a reload when the rule's name, match and trigger did not
 * change, cleared by reset().
 */
export class RuleCounters {
  /** Matching requests seen (the probability draw's index). */
  matched = 0;
  /** Requests the rule fired for (the index of its actions' own draws). */
  fired = 0;
  perConnection = new WeakMap<ConnectionInfo, number>();
  /** Bumped each time the rule starts firing after not firing (or a new time window opens): stale values snapshot per activation. */
  activation = 0;
  firing = false;
  windowIndex = -1;

  /** Counts from zero again. `activation` only moves on, so no stale snapshot is mistaken for a new one. */
  reset(): void {
    this.matched = 0;
    this.fired = 0;
    this.perConnection = new WeakMap();
    this.firing = false;
    this.windowIndex = -1;
  }

  /** A reload: the counts of the rule this one replaces (its snapshots stay behind: a new activation). */
  takeOver(previous: RuleCounters): void {
    this.matched = previous.matched;
    this.fired = previous.fired;
    this.perConnection = previous.perConnection;
    this.activation = previous.activation + 1;
    this.windowIndex = previous.windowIndex;
  }
}

/** What a trigger reads from outside: the emulator clock, the seeded draws, the device's load. */
export interface TriggerEnv {
  readonly clock: Clock;
  readonly random: RandomSource;
  /** Requests in flight on the device, this one included. */
  inFlight(): number;
}

/**
 * Decides whether a matching request fires the rule, advancing its counters (all of them, for
 * every matching request, whatever the other conditions say), so which request fires depends
 * only on the order of matching requests, the emulator time and the seed.
 */
export function fires(t: TriggerSpec, c: RuleCounters, stream: string, env: TriggerEnv, connection: ConnectionInfo): boolean {
  const index = c.matched++;
  let ok = true;
  if (t.every !== undefined || t.first !== undefined || t.after !== undefined) {
    let n: number;
    if (t.perConnection) {
      n = (c.perConnection.get(connection) ?? 0) + 1;
      c.perConnection.set(connection, n);
    } else {
      n = index + 1;
    }
    if (t.every !== undefined && n % t.every !== 0) ok = false;
    if (t.first !== undefined && n > t.first) ok = false;
    if (t.after !== undefined && n <= t.after) ok = false;
  }
  if (t.probability !== undefined && !(env.random.at(stream, index) < t.probability)) ok = false;
  let window = 0;
  if (t.window) {
    window = windowAt(t.window, env.clock.now());
    if (window < 0) ok = false;
  }
  if (t.inFlightAbove !== undefined && !(env.inFlight() > t.inFlightAbove)) ok = false;
  if (ok && (!c.firing || window !== c.windowIndex)) c.activation++;
  c.firing = ok;
  if (ok) c.windowIndex = window;
  return ok;
}

/** The number of the window `now` falls in (0, 1, …), or -1 outside every window. */
function windowAt(w: NonNullable<TriggerSpec['window']>, now: number): number {
  if (now < w.after) return -1;
  const since = now - w.after;
  if (!Number.isFinite(w.every)) return since < w.for ? 0 : -1;
  const k = Math.floor(since / w.every);
  return since - k * w.every < w.for ? k : -1;
}
