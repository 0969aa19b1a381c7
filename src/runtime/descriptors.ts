import { readFileSync } from 'node:fs';
import type { Logger } from '../log.js';

/**
 * Descriptors a process keeps for other things than client connections: the listeners, stdio,
 * profile files and their watchers, the control channel, Node's own (the event loop, its thread
 * pool). At least this many, and a quarter of the limit: a refused or evicted connection's
 * descriptor is only released on the next turn of the event loop, so a burst of newcomers needs
 * headroom, or libuv drops the rest of the burst without a word.
 */
export const RESERVED_DESCRIPTORS = 64;

/**
 * The soft limit on open files of this process (`ulimit -n`), from Linux's /proc/self/limits;
 * undefined where that cannot be read. Node has no getrlimit of its own.
 */
export function openFileLimit(readLimits: () => string = () => readFileSync('/proc/self/limits', 'utf8')): number | undefined {
  let text: string;
  try {
    text = readLimits();
  } catch {
    return undefined;
  }
  const soft = /^Max open files\s+(\S+)/m.exec(text)?.[1];
  return soft === undefined || soft === 'unlimited' ? undefined : Number(soft);
}

/**
 * How many connections a device may hold so that accepting never runs the process out of
 * descriptors: when it does, libuv accepts and closes waiting connections itself and nobody is
 * told. `share` devices split the budget. Undefined when the limit is unknown.
 */
export function connectionCeiling(limit: number | undefined, share = 1): number | undefined {
  if (limit === undefined) return undefined;
  const reserved = Math.max(RESERVED_DESCRIPTORS, Math.floor(limit / 4));
  return Math.max(1, Math.floor((limit - reserved) / Math.max(1, share)));
}

/**
 * The connection limit a device runs with: the configured one (flag, option or profile), lowered
 * to what the open-file limit allows (`limit`, default read from the system), so that the
 * connection policy (refuse, or reset the least recently active) acts and logs before the process
 * runs out of descriptors, where libuv would drop newcomers without a word.
 */
export function connectionLimit(configured: number | undefined, logger: Logger, limit = openFileLimit(), share?: number): number | undefined {
  const ceiling = connectionCeiling(limit, share);
  if (ceiling === undefined || (configured !== undefined && configured > 0 && configured <= ceiling)) return configured;
  // An unlimited device under a generous limit needs no word; a lowered limit is said once.
  if (configured !== undefined && configured > 0) {
    logger.log('warn', `--max-connections ${configured} is above what the open-file limit (${limit}) allows: at most ${ceiling} connections (raise it with ulimit -n)`);
  } else if (ceiling < 65_536) {
    logger.log('info', `open-file limit ${limit}: at most ${ceiling} connections at once (raise it with ulimit -n)`);
  }
  return ceiling;
}
