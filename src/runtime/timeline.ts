import type { Environment } from '../environment.js';
import type { TimerHandle } from '../time.js';
import { ManualClock } from './clock.js';

/** Past this, a wait for emulator time is checked again: the time scale may have changed meanwhile. */
const RECHECK_MS = 1000;

interface Entry {
  readonly at: number;
  readonly seq: number;
  readonly fn: (at: number) => void;
}

/**
 * Things due at a time on the emulator clock (a scenario's next phase, the end of a reboot), run
 * in time order, each given its own due time. A ManualClock runs them during `advance`, so a
 * test sees a phase change on its next line; a clock on real time, from a wire timer armed for
 * the earliest entry only while there is one. Nothing here touches the request path.
 */
export class Timeline {
  private entries: Entry[] = [];
  private seq = 0;
  private timer: TimerHandle | undefined;
  private unsubscribe: (() => void) | undefined;
  private running = false;
  private closed = false;

  constructor(private readonly env: Environment) {}

  /** Runs `fn(at)` once the emulator clock reaches `at` (at once, on the next sync, if it has). */
  at(at: number, fn: (at: number) => void): TimerHandle {
    const entry: Entry = { at, seq: ++this.seq, fn };
    this.entries.push(entry);
    this.entries.sort((a, b) => a.at - b.at || a.seq - b.seq);
    this.arm();
    return {
      cancel: () => {
        const i = this.entries.indexOf(entry);
        if (i >= 0) this.entries.splice(i, 1);
        this.arm();
      },
    };
  }

  /** Runs every entry due by now, earliest first (entries they add that are due run too). */
  sync(): void {
    if (this.running) return;
    this.running = true;
    try {
      const now = this.env.clock.now();
      for (let next = this.entries[0]; next && next.at <= now && !this.closed; next = this.entries[0]) {
        this.entries.shift();
        next.fn(next.at);
      }
    } finally {
      this.running = false;
    }
    this.arm();
  }

  /** Drops every entry and stops watching the clock. */
  close(): void {
    this.closed = true;
    this.entries = [];
    this.timer?.cancel();
    this.unsubscribe?.();
  }

  private arm(): void {
    this.timer?.cancel();
    this.timer = undefined;
    const first = this.entries[0];
    if (!first || this.closed) return;
    const { clock } = this.env;
    if (first.at <= clock.now()) {
      // Already due (a reboot of no time): on the next turn, not inside the caller's call.
      this.timer = this.env.timer.setTimeout(() => this.sync(), 0);
      return;
    }
    if (clock instanceof ManualClock) {
      this.unsubscribe ??= clock.onMove(() => this.sync());
      return;
    }
    const wait = Math.min(RECHECK_MS, Math.max(0, (first.at - clock.now()) / (clock.timeScale ?? 1)));
    this.timer = this.env.timer.setTimeout(() => this.sync(), Math.ceil(wait));
  }
}
