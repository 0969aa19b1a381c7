import { open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { STATE_FORMAT, STATE_VERSION, type StateDocument } from '../model/state-snapshot.js';

/**
 * A state file on disk (the format is in model/state-snapshot.ts): read and checked at start,
 * replaced atomically on every save, so that whenever the process dies (SIGKILL, power loss) the
 * file holds one whole save, the one before or the one after, never a mix or a truncated text.
 */

/** A state file that cannot be read or is not one: the emulator does not start (nothing in it is overwritten). */
export class StateFileError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
    this.name = 'StateFileError';
  }
}

const KEPT = ': not started, so that nothing in it is overwritten; fix it, or move it away to start afresh';

/**
 * The document in `file`; null when there is none yet (no file, or an empty one: nothing to
 * lose). A file that is not a state file of this version is a StateFileError naming it.
 */
export async function readStateFile(file: string): Promise<StateDocument | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new StateFileError(file, `cannot read the state file ${file}: ${(error as Error).message}`);
  }
  if (text.trim() === '') return null;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new StateFileError(file, `the state file ${file} is not valid JSON (${(error as Error).message})${KEPT}`);
  }
  const problem = shapeProblem(doc);
  if (problem) throw new StateFileError(file, `the state file ${file} ${problem}${KEPT}`);
  return doc as StateDocument;
}

/** What makes `doc` not a version-1 state document, as the end of a sentence; undefined when it is one. */
function shapeProblem(doc: unknown): string | undefined {
  if (!isObject(doc) || doc.format !== STATE_FORMAT) return `is not a modbus-emu state file (no "format": "${STATE_FORMAT}")`;
  if (doc.version !== STATE_VERSION) return `is version ${JSON.stringify(doc.version)}; this modbus-emu reads version ${STATE_VERSION}`;
  if (!isObject(doc.units)) return 'has no "units" object';
  for (const [unit, state] of Object.entries(doc.units)) {
    const at = `units.${unit}`;
    if (!isObject(state) || !isObject(state.points) || !Array.isArray(state.blocks)) return `has no "points" object and "blocks" list at ${at}`;
    for (const [name, p] of Object.entries(state.points)) {
      if (!isObject(p) || typeof p.table !== 'string' || typeof p.type !== 'string' || typeof p.byteOrder !== 'string' || !Number.isInteger(p.address) || !isNumbers(p.initial) || !isNumbers(p.words)) {
        return `has a point at ${at}.points.${name} without its "table", "address", "type", "byteOrder", "initial" and "words"`;
      }
    }
    for (const [i, b] of state.blocks.entries()) {
      if (!isObject(b) || typeof b.table !== 'string' || !Number.isInteger(b.address) || !isNumbers(b.words)) return `has a block run at ${at}.blocks[${i}] without its "table", "address" and "words"`;
    }
  }
  return undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumbers = (v: unknown): v is number[] => Array.isArray(v) && v.every((n) => typeof n === 'number');

/** The document as text: two-space indentation, lists of words on one line. */
export function formatState(doc: StateDocument): string {
  return `${JSON.stringify(doc, null, 2).replace(/\[\s+(-?\d[\d\s,.e+-]*?)\s+\]/g, (_, inner: string) => `[${inner.split(/,\s*/).join(', ')}]`)}\n`;
}

/**
 * Replaces `file` with `text` atomically: write a temporary file in the same folder, fsync it,
 * rename it over the file (atomic within one file system), then fsync the folder so the rename
 * itself survives a power loss. One temporary name per file: at most one save is in flight
 * (runtime/state-saver.ts), and one process owns a state file.
 */
export async function writeStateFile(file: string, text: string): Promise<void> {
  const temp = `${file}.tmp`;
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, file);
  await syncFolder(dirname(file));
}

async function syncFolder(folder: string): Promise<void> {
  let handle;
  try {
    handle = await open(folder, 'r');
    await handle.sync();
  } catch (error) {
    // Windows cannot open or fsync a folder; there the rename is as durable as the system makes it.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EACCES') throw error;
  } finally {
    await handle?.close();
  }
}
