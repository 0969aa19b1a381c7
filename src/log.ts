/**
 * Logging seam: library code never writes to the console on its own; callers pass a logger (the
 * CLI's goes to stderr). Without one, `defaultLogger` reports warnings and errors on stderr.
 */
export type LogLevel = 'error' | 'warn' | 'info' | 'debug' | 'trace';

export interface Logger {
  log(level: LogLevel, message: string): void;
}

export const silentLogger: Logger = { log() {} };

/** A logger writing `level: message` lines to a stream-like sink, dropping levels above `max`. */
export function createLogger(write: (line: string) => void, max: LogLevel = 'info'): Logger {
  const rank: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3, trace: 4 };
  const limit = rank[max];
  return {
    log(level, message) {
      if (rank[level] <= limit) write(`${level === 'info' ? '' : level + ': '}${message}\n`);
    },
  };
}

/**
 * What the library logs to when the caller passed no logger: warnings and errors on stderr, so a
 * failing data source is never silent (a test passes `silentLogger` to quiet it). The only place
 * library code reaches the process's output by itself.
 */
export const defaultLogger: Logger = createLogger((line) => process.stderr.write(line), 'warn');
