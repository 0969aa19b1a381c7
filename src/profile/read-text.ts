import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { DEFAULT_MAX_FILE_BYTES } from './limits.js';

export type ReadText =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly problem: 'missing' | 'unreadable' | 'notFile' | 'tooLarge'; readonly detail: string };

/** A file's text, or a refusal: thrown as a ReadRefused, which readText turns into words. */
export type ReadFile = (path: string) => Promise<string>;

/** Why a file is not read: not a regular file, or larger than the limit. */
export class ReadRefused extends Error {
  constructor(
    readonly problem: 'notFile' | 'tooLarge',
    message: string,
  ) {
    super(message);
  }
}

// Opening without blocking: a FIFO opens at once (and is then refused, unread), where a plain open
// would wait for a writer for ever and hold up the process's exit. No effect on a regular file.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/**
 * Reads a profile or an included file: only a regular file (a FIFO, a device such as /dev/zero, a
 * folder are refused without reading a byte), and at most `maxBytes` (DEFAULT_MAX_FILE_BYTES,
 * `--max-file-size`), checked before reading and while reading (a file that grows meanwhile).
 */
export function fileReader(maxBytes: number = DEFAULT_MAX_FILE_BYTES): ReadFile {
  return async (path) => {
    const handle = await open(path, OPEN_FLAGS);
    try {
      const stat = await handle.stat();
      if (stat.isDirectory()) throw new ReadRefused('notFile', 'it is a folder, not a file');
      if (!stat.isFile()) throw new ReadRefused('notFile', `it is ${kindOf(stat)}, not a regular file: only regular files are read`);
      const tooLarge = (): ReadRefused => new ReadRefused('tooLarge', `it is larger than ${formatBytes(maxBytes)}, the most read from one file (raise it with --max-file-size)`);
      if (stat.size > maxBytes) throw tooLarge();
      const buffer = Buffer.alloc(Math.min(stat.size, maxBytes) + 1);
      let length = 0;
      for (;;) {
        if (length === buffer.length) throw tooLarge();
        const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
        if (bytesRead === 0) break;
        length += bytesRead;
        if (length > maxBytes) throw tooLarge();
      }
      return buffer.toString('utf8', 0, length);
    } finally {
      await handle.close();
    }
  };
}

export const readUtf8: ReadFile = fileReader();

/** Reads a file, turning the failure into words: a missing file is the user's mistake, not a crash. */
export async function readText(path: string, read: ReadFile = readUtf8): Promise<ReadText> {
  try {
    return { ok: true, text: await read(path) };
  } catch (error) {
    if (error instanceof ReadRefused) return { ok: false, problem: error.problem, detail: error.message };
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'ENOENT') return { ok: false, problem: 'missing', detail: 'no such file' };
    if (code === 'EISDIR') return { ok: false, problem: 'notFile', detail: 'it is a folder, not a file' };
    return { ok: false, problem: 'unreadable', detail: error instanceof Error ? error.message : String(error) };
  }
}

function kindOf(stat: { isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean }): string {
  if (stat.isFIFO()) return 'a FIFO (named pipe)';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** `64 MiB`, `1.5 KiB`, `100 bytes`. */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${+(n / (1024 * 1024)).toFixed(2)} MiB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(2)} KiB`;
  return `${n} bytes`;
}
