import { readFileSync } from 'node:fs';
import type { Logger } from '../log.js';
import { ConnectionPool } from '../server/pool.js';

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
 * How many connections may be open at once so that accepting never runs the process out of
 * descriptors: when it does, libuv accepts and closes waiting connections itself and nobody is
 * told. `listeners` descriptors are the process's listening sockets (10,000 devices on their own
 * ports hold 10,000). Undefined when the limit is unknown.
 */
export function connectionCeiling(limit: number | undefined, listeners = 0): number | undefined {
  if (limit === undefined) return undefined;
  const reserved = Math.max(RESERVED_DESCRIPTORS, Math.floor(limit / 4));
  return Math.max(1, limit - reserved - listeners);
}

/**
 * The connection limit a device runs with on its own (the API's startEmulator): the configured one
 * (option or profile), lowered to what the open-file limit allows (`limit`, default read from the
 * system), so that the connection policy (refuse, or reset the least recently active) acts and
 * logs before the process runs out of descriptors, where libuv would drop newcomers without a word.
 */
export function connectionLimit(configured: number | undefined, logger: Logger, limit = openFileLimit()): number | undefined {
  const ceiling = connectionCeiling(limit);
  if (ceiling === undefined || (configured !== undefined && configured > 0 && configured <= ceiling)) return configured;
  // An unlimited device under a generous limit needs no word; a lowered limit is said once.
  if (configured !== undefined && configured > 0) {
    logger.log('warn', `--max-connections ${configured} is above what the open-file limit (${limit}) allows: at most ${ceiling} connections (raise it with ulimit -n)`);
  } else if (ceiling < 65_536) {
    logger.log('info', `open-file limit ${limit}: at most ${ceiling} connections at once (raise it with ulimit -n)`);
  }
  return ceiling;
}

/**
 * One pool of connections for every device of a process (the CLI): what the open-file limit
 * leaves once `listeners` listening sockets and the reserve are counted, taken by whichever device
 * clients connect to, instead of an equal share each (which gave 10,000 devices one connection
 * apiece). Undefined when the limit is unknown: no ceiling then.
 */
export function connectionPool(listeners: number, logger: Logger, limit = openFileLimit()): ConnectionPool | undefined {
  const ceiling = connectionCeiling(limit, listeners);
  if (ceiling === undefined) return undefined;
  if (ceiling < 65_536) logger.log('info', `open-file limit ${limit}: at most ${ceiling} connections at once across ${listeners === 1 ? 'the device' : `all ${listeners} devices`} (raise it with ulimit -n)`);
  return new ConnectionPool(ceiling);
}
