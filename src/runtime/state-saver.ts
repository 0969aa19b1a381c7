import type { Logger } from '../log.js';
import type { Timer, TimerHandle } from '../time.js';
import { writeStateFile } from './state-file.js';

/** How long after the first change of a burst the state is saved: the rest of the burst is in the same save. */
export const SAVE_DELAY_MS = 200;

export interface StateSaverOptions {
  readonly file: string;
  /** The text to save, taken when the save starts (so it holds every change made until then). */
  readonly text: () => string;
  /** Wire-level timer: `realTimer`, or a ManualTimer in tests. */
  readonly timer: Timer;
  readonly logger: Logger;
  readonly delayMs?: number;
  /** Default: the atomic write of state-file.ts (tests substitute one they control). */
  readonly write?: (file: string, text: string) => Promise<void>;
}

/**
 * Saves a state file soon after it changes, off the request path: a write only calls `changed()`
 * (a flag, and a timer armed once per burst). Saves are coalesced: at most one is in flight and
 * one pending, so a burst of writes costs one or two saves, each holding every write made before
 * it started, and a save starts within `delayMs` of a change (after the one in flight ends).
 */
export class StateSaver {
  /** Saves written so far (tests count them). */
  saves = 0;
  private dirty = false;
  private armed: TimerHandle | undefined;
  private inFlight: Promise<void> | undefined;
  private closed = false;
  /** The last failure logged, so a disk that stays full is said once, not at every write. */
  private lastFailure: string | undefined;

  constructor(private readonly options: StateSaverOptions) {}

  /** Something the file holds changed. */
  changed(): void {
    this.dirty = true;
    this.arm();
  }

  /** Saves now what changed since the last save (after the one in flight); resolves when the file holds it. */
  async flush(): Promise<void> {
    this.armed?.cancel();
    this.armed = undefined;
    while (this.inFlight) await this.inFlight;
    if (this.dirty) await this.save();
  }

  /** The last save (shutdown): later changes are not saved. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  private arm(): void {
    if (this.armed || this.inFlight || this.closed) return;
    this.armed = this.options.timer.setTimeout(() => {
      this.armed = undefined;
      if (this.dirty) void this.save();
    }, this.options.delayMs ?? SAVE_DELAY_MS);
  }

  private save(): Promise<void> {
    this.dirty = false;
    const { file, text, logger } = this.options;
    const write = this.options.write ?? writeStateFile;
    const run = (async () => {
      try {
        await write(file, text());
        this.saves++;
        if (this.lastFailure !== undefined) logger.log('info', `state file ${file} saved again`);
        this.lastFailure = undefined;
      } catch (error) {
        // Kept dirty: the next change, or the shutdown, tries again.
        this.dirty = true;
        const message = (error as Error).message;
        if (message !== this.lastFailure) logger.log('error', `state file ${file} not saved: ${message} (tried again at the next change and at shutdown)`);
        this.lastFailure = message;
      }
    })().finally(() => {
      this.inFlight = undefined;
      // Changes made while this save was in flight: the one pending save.
      if (this.dirty && this.lastFailure === undefined) this.arm();
    });
    this.inFlight = run;
    return run;
  }
}
