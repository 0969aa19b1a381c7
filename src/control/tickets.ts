import { randomUUID } from 'node:crypto';
import type { Timer } from '../time.js';

/** How long a ticket may wait for its stream: long enough for a page to open it, too short to reuse a leaked one. */
export const TICKET_TTL_MS = 30_000;
/** Tickets waiting at once: an old unredeemed one is dropped first, so a caller that only asks costs bounded memory. */
const MAX_WAITING = 64;

/**
 * Single-use, short-lived tickets for the live stream. `EventSource` cannot send an
 * Authorization header, so a page asks for a ticket with an authenticated POST (the channel's
 * own rules apply to it) and passes it in the stream's query; redeeming it once is what lets the
 * stream in. The ticket is a random UUID from the system's CSPRNG: it must not be guessable, so
 * it never comes from the emulator's seeded random source (which replays by design).
 */
export class StreamTickets {
  /** ticket → when it expires (timer time, ms), oldest first. */
  private readonly waiting = new Map<string, number>();

  constructor(
    private readonly timer: Timer,
    private readonly ttlMs = TICKET_TTL_MS,
  ) {}

  issue(): { ticket: string; expiresInMs: number } {
    this.prune();
    if (this.waiting.size >= MAX_WAITING) this.waiting.delete(this.waiting.keys().next().value!);
    const ticket = randomUUID();
    this.waiting.set(ticket, this.timer.now() + this.ttlMs);
    return { ticket, expiresInMs: this.ttlMs };
  }

  /** True once for a ticket issued and not expired; it is spent either way. */
  redeem(ticket: unknown): boolean {
    this.prune();
    if (typeof ticket !== 'string' || !this.waiting.has(ticket)) return false;
    this.waiting.delete(ticket);
    return true;
  }

  private prune(): void {
    const now = this.timer.now();
    for (const [ticket, expires] of this.waiting) {
      if (expires > now) break; // insertion order is expiry order: the rest are newer
      this.waiting.delete(ticket);
    }
  }
}
