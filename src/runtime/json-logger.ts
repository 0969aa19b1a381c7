import { createLogger, type Logger, type LogLevel } from '../log.js';

const RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3, trace: 4 };

/**
 * `--log-format json`: one JSON object per line, `{"time":"2026-11-30T11:20:01.123Z","level":"info","message":"..."}`,
 * so scripts and log shippers read the traffic log without parsing prose. Here because it reads the wall clock.
 */
export function createJsonLogger(write: (line: string) => void, max: LogLevel = 'info'): Logger {
  const limit = RANK[max];
  return {
    log(level, message) {
      if (RANK[level] <= limit) write(`${JSON.stringify({ time: new Date().toISOString(), level, message })}\n`);
    },
  };
}

/**
 * The CLI's text log: `createLogger`'s lines, each after the wall-clock time in ISO 8601
 * (`2026-11-30T11:20:01.123Z warn: ...`), so a -v traffic log can be lined up with a client's log.
 */
export function createTimedLogger(write: (line: string) => void, max: LogLevel = 'info'): Logger {
  return createLogger((line) => write(`${new Date().toISOString()} ${line}`), max);
}
