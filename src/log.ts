/** Logging seam: library code never writes to the console; the CLI decides where lines go. */
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
