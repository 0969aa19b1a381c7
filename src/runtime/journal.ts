import type { DeviceEvent } from '../model/events.js';
import { FUNCTIONS, functionNamed } from '../protocol/functions.js';
import { suggest } from '../suggest.js';
import type { RequestOutcome, RequestRecord } from './request-record.js';
import { BadRequestError } from '../errors.js';

/**
 * A journal record of something that is not a request: one shape for every kind of event
 * (model/events.ts DeviceEvent: `event` names the kind, `data` holds what is particular to it),
 * numbered in the same sequence as the requests. `time` is when it happened on the emulator
 * clock: a transition found while catching up carries its step's time, earlier than the request
 * during which it was computed, so order by `seq` for the order of recording, by `time` for the
 * order of happening.
 */
export interface EventRecord extends DeviceEvent {
  readonly kind: 'event';
  readonly seq: number;
  /** Wall-clock time (ms since the epoch) of recording. */
  readonly wallTime: number;
}

export type JournalRecord = RequestRecord | EventRecord;

export const isEventRecord = (r: JournalRecord): r is EventRecord => (r as Partial<EventRecord>).kind === 'event';

/** Which records `entries` returns: requests (default), events, or both in the order recorded. */
export type JournalKind = 'request' | 'event' | 'all';

/** A record's `function`: a served request's name (the function table's), or `invalid` (answered 01 or 03 before decoding). */
const isRecordFunction = (name: string): boolean => name === 'invalid' || functionNamed(name) !== undefined;

export const DEFAULT_JOURNAL_SIZE = 10_000;

/** Which records to return; every field given must match (all of them: AND). */
export interface JournalFilter {
  unitId?: number;
  /** Function code (3) or name (`readHoldingRegisters`). */
  function?: number | string;
  /** Records whose range (read or written) contains this address. */
  address?: number;
  outcome?: RequestOutcome;
  /** Name of the fault rule that fired. */
  rule?: string;
  /** Emulator time bounds (ms), inclusive. */
  since?: number;
  until?: number;
}

/** Events are filtered by unit id, time, and: */
export interface EventFilter {
  /** The event's kind (`transition`). */
  event?: string;
  /** What it happened to (a machine's name). */
  source?: string;
}

/**
 * The last `size` requests a runtime answered, oldest first: a ring buffer, so a long run keeps
 * constant memory and the newest records win.
 */
export class Journal {
  readonly size: number;
  private readonly ring: (JournalRecord | undefined)[];
  private next = 0;
  private count = 0;

  constructor(size = DEFAULT_JOURNAL_SIZE) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`a journal holds at least 1 record, not ${size}`);
    this.size = size;
    this.ring = new Array<JournalRecord | undefined>(size);
  }

  /** How many records it holds now (at most `size`). */
  get length(): number {
    return this.count;
  }

  readonly add = (record: JournalRecord): void => {
    this.ring[this.next] = record;
    this.next = (this.next + 1) % this.size;
    if (this.count < this.size) this.count++;
  };

  /**
   * The records that match `filter`, oldest first: requests, unless `kind` asks for events or all.
   * A function name that no record can have (a slip: `readHoldingRegister`) is an Error naming the
   * valid ones, not an empty list that would let "no reads happened" pass unchecked.
   */
  entries(filter: JournalFilter & EventFilter & { kind: 'event' }): EventRecord[];
  entries(filter: JournalFilter & EventFilter & { kind: JournalKind }): JournalRecord[];
  entries(filter?: JournalFilter & { kind?: 'request' }): RequestRecord[];
  entries(filter: JournalFilter & EventFilter & { kind?: JournalKind } = {}): JournalRecord[] {
    if (typeof filter.function === 'string' && !isRecordFunction(filter.function)) {
      const names = [...FUNCTIONS.map((d) => d.name), 'invalid'];
      const guess = suggest(filter.function, names);
      throw new BadRequestError(`${JSON.stringify(filter.function)} is not a function name${guess ? `; did you mean ${guess}?` : ''} (names: ${names.join(', ')}; or give the function code)`);
    }
    const out: JournalRecord[] = [];
    const kind = filter.kind ?? 'request';
    const first = (this.next - this.count + this.size) % this.size;
    for (let i = 0; i < this.count; i++) {
      const r = this.ring[(first + i) % this.size]!;
      if (isEventRecord(r) ? kind !== 'request' && matchesEvent(r, filter) : kind !== 'event' && matches(r, filter)) out.push(r);
    }
    return out;
  }

  /**
   * The records (requests and events) after sequence number `seq`, oldest first, at most the newest `limit` of them:
   * walks back from the newest record only as far as needed, so a reader that polls (the live
   * stream) pays for what is new, not for the whole ring. Events are kept in, so a gap in `seq`
   * is always records left out, never events filtered away.
   */
  after(seq: number, limit: number): JournalRecord[] {
    const out: JournalRecord[] = [];
    for (let i = 1; i <= this.count && out.length < limit; i++) {
      const r = this.ring[(this.next - i + this.size) % this.size]!;
      if (r.seq <= seq) break;
      out.push(r);
    }
    return out.reverse();
  }

  clear(): void {
    this.ring.fill(undefined);
    this.next = 0;
    this.count = 0;
  }
}

function matches(r: RequestRecord, f: JournalFilter): boolean {
  if (f.unitId !== undefined && r.unitId !== f.unitId) return false;
  if (f.function !== undefined && (typeof f.function === 'number' ? r.functionCode !== f.function : r.function !== f.function)) return false;
  if (f.address !== undefined && !covers(r, f.address)) return false;
  if (f.outcome !== undefined && r.outcome !== f.outcome) return false;
  if (f.rule !== undefined && r.rule !== f.rule) return false;
  if (f.since !== undefined && r.time < f.since) return false;
  if (f.until !== undefined && r.time > f.until) return false;
  return true;
}

/** An event matches the unit id and time bounds, its own fields, and no request-only field. */
function matchesEvent(r: EventRecord, f: JournalFilter & EventFilter): boolean {
  if (f.function !== undefined || f.address !== undefined || f.outcome !== undefined || f.rule !== undefined) return false;
  if (f.unitId !== undefined && r.unitId !== f.unitId) return false;
  if (f.event !== undefined && r.event !== f.event) return false;
  if (f.source !== undefined && r.source !== f.source) return false;
  if (f.since !== undefined && r.time < f.since) return false;
  if (f.until !== undefined && r.time > f.until) return false;
  return true;
}

function covers(r: RequestRecord, address: number): boolean {
  const inside = (start: number | undefined, quantity: number | undefined): boolean => start !== undefined && address >= start && address < start + (quantity ?? 1);
  return inside(r.address, r.quantity) || inside(r.read?.address, r.read?.quantity);
}
