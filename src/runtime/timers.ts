import type { Timer, TimerHandle } from '../time.js';

/** Wall-clock timer for wire-level waits. The only module that calls setTimeout for the server. */
export const realTimer: Timer = {
  now: () => performance.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return { cancel: () => clearTimeout(t) };
  },
  defer(fn) {
    // setImmediate runs after the poll phase: every socket with input is read before `fn` runs.
    const t = setImmediate(fn);
    return { cancel: () => clearImmediate(t) };
  },
};

/** A timer that moves only when told (tests). */
export class ManualTimer implements Timer {
  private current = 0;
  private seq = 0;
  private readonly pending = new Map<number, { at: number; fn: () => void }>();
  private readonly deferred = new Map<number, () => void>();

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = ++this.seq;
    this.pending.set(id, { at: this.current + Math.max(0, ms), fn });
    return { cancel: () => void this.pending.delete(id) };
  }

  defer(fn: () => void): TimerHandle {
    const id = ++this.seq;
    this.deferred.set(id, fn);
    return { cancel: () => void this.deferred.delete(id) };
  }

  /** Number of timers not yet fired (deferred calls not included: see `deferredCount`). */
  get size(): number {
    return this.pending.size;
  }

  /** Number of deferred calls waiting for `runDeferred`. */
  get deferredCount(): number {
    return this.deferred.size;
  }

  /**
   * Runs the deferred calls queued so far, in order: one turn of the loop. Calls they defer wait
   * for the next `runDeferred`, as setImmediate callbacks wait for the next turn. Returns how many
   * ran.
   */
  runDeferred(): number {
    let ran = 0;
    for (const id of [...this.deferred.keys()]) {
      const fn = this.deferred.get(id);
      if (!fn) continue; // cancelled by an earlier call of this turn
      this.deferred.delete(id);
      fn();
      ran++;
    }
    return ran;
  }

  /** Moves time forward, firing due timers in order (including ones they schedule). */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      let nextId = -1;
      let next: { at: number; fn: () => void } | undefined;
      for (const [id, t] of this.pending) {
        if (t.at <= target && (!next || t.at < next.at)) {
          next = t;
          nextId = id;
        }
      }
      if (!next) break;
      this.pending.delete(nextId);
      this.current = next.at;
      next.fn();
    }
    this.current = target;
  }
}
