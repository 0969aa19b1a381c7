import type { Logger, LogLevel } from '../log.js';
import type { Timer, TimerHandle } from '../time.js';

/** Lines of one kind logged as they come in each window; the rest are only counted. */
export const WARN_BURST = 5;
/** How long a window lasts, and so how often the count of lines held back is logged. */
export const WARN_WINDOW_MS = 5000;

/**
 * Logs repeated lines of one kind (a bad frame, a refused connection) sparingly: an attack or a
 * broken client would otherwise write one line per frame. Per kind, the first `WARN_BURST` lines
 * of a window go out as they are; later ones are counted and reported as one line when the window
 * ends ("… 1,234 more bad frames in the last 5 s"). A window starts with the first line of its kind
 * after a quiet one, so a lone line always goes out at once.
 */
export class WarnLimiter {
  private readonly kinds = new Map<string, { logged: number; heldBack: number; level: LogLevel; window: TimerHandle }>();

  /** `unlimited` (-vv) logs every line. */
  constructor(
    private readonly logger: Logger,
    private readonly timer: Timer,
    private readonly unlimited = false,
  ) {}

  /** Logs `message` unless this window already had its share of `kind` (a plural noun: "bad frames"). */
  log(level: LogLevel, kind: string, message: string): void {
    if (this.unlimited) {
      this.logger.log(level, message);
      return;
    }
    let state = this.kinds.get(kind);
    if (!state) {
      const window = this.timer.setTimeout(() => this.endWindow(kind), WARN_WINDOW_MS);
      state = { logged: 0, heldBack: 0, level, window };
      this.kinds.set(kind, state);
    }
    if (state.logged < WARN_BURST) {
      state.logged++;
      this.logger.log(level, message);
    } else {
      state.heldBack++;
    }
  }

  /** Reports what is held back now and forgets every window (server shutdown). */
  flush(): void {
    for (const [kind, state] of this.kinds) {
      state.window.cancel();
      this.endWindow(kind);
    }
  }

  private endWindow(kind: string): void {
    const state = this.kinds.get(kind);
    if (!state) return;
    this.kinds.delete(kind);
    if (state.heldBack > 0) {
      this.logger.log(state.level, `… ${state.heldBack.toLocaleString('en-US')} more ${kind} in the last ${WARN_WINDOW_MS / 1000} s`);
    }
  }
}
