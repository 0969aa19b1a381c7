import { watch, type FSWatcher } from 'chokidar';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Runtime } from '../runtime/runtime.js';
import type { Timer } from '../time.js';
import { debounce } from './debounce.js';

/** Quiet time after the last file event before reloading: a burst of saves is one reload. */
export const DEFAULT_DEBOUNCE_MS = 50;
/** chokidar's write-finish detection: a file's size must hold still this long before it is read. */
export const DEFAULT_WRITE_FINISH_MS = 30;

export interface WatchOptions {
  debounceMs?: number;
  writeFinishMs?: number;
  /** Default: the runtime's wire timer (real time, never scaled). */
  timer?: Timer;
}

export interface ProfileWatcher {
  /** The files watched now: the profile and every file it includes (followed across reloads). */
  readonly files: readonly string[];
  /** Resolves once chokidar watches every file (tests wait for it before editing). */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * Reloads `runtime` whenever one of its profile's files changes, is replaced (editors that save to
 * a temporary file and rename it over the profile) or comes back after being deleted. Events are
 * debounced: the reload starts `debounceMs` after the last one, so the last edit of a burst is
 * what gets served, and edits further apart than that are each served. Reloads never overlap
 * (the runtime runs them in order); a broken edit keeps the running device (the runtime logs why).
 */
export function watchRuntime(runtime: Runtime, files: readonly string[], options: WatchOptions = {}): ProfileWatcher {
  return watchRuntimes([runtime], files, options);
}

/**
 * watchRuntime for every instance of one profile: one watcher, and an edit reloads them all at
 * once (with a shared ProfileLoader, the file is read and checked once), each keeping its own state.
 */
export function watchRuntimes(runtimes: readonly Runtime[], files: readonly string[], options: WatchOptions = {}): ProfileWatcher {
  const runtime = runtimes[0]!;
  const debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
  const writeFinishMs = options.writeFinishMs ?? DEFAULT_WRITE_FINISH_MS;
  const timer = options.timer ?? runtime.env.timer;
  let watched = new Set(files.map((f) => resolve(f)));
  for (const r of runtimes) r.prepareReloads();
  let closed = false;

  const chokidar: FSWatcher = watch([...watched], {
    ignoreInitial: true,
    awaitWriteFinish: writeFinishMs > 0 && { stabilityThreshold: writeFinishMs, pollInterval: Math.max(5, Math.floor(writeFinishMs / 3)) },
  });
  const ready = new Promise<void>((done) => chokidar.once('ready', () => done()));
  chokidar.on('error', (error) => runtime.env.logger.log('warn', `${runtime.label}: watching its files: ${(error as Error).message}`));

  const follow = (next: readonly string[]): void => {
    if (closed || next.length === 0) return;
    const now = new Set(next.map((f) => resolve(f)));
    const added = [...now].filter((f) => !watched.has(f));
    // A file that failed to load is kept watched: it is what the user is about to fix.
    const gone = [...watched].filter((f) => !now.has(f));
    if (added.length) chokidar.add(added);
    if (gone.length) chokidar.unwatch(gone);
    watched = now;
  };

  // Files that changed since the last reload, and whether an empty one was already given time.
  const changed = new Set<string>();
  let waitedForWriter = false;

  const reload = async (): Promise<void> => {
    if (closed) return;
    // `gen.py > live.yaml`: the shell empties the file before a slow writer fills it. An empty
    // file is one being written: give it one more quiet period, and report E_EMPTY only if it is
    // still empty then (a new event restarts the wait as usual).
    if (!waitedForWriter && (await anyEmpty(changed))) {
      waitedForWriter = true;
      debounced.poke();
      return;
    }
    waitedForWriter = false;
    changed.clear();
    // Every instance reloads; they read the same files, so the first result says which to watch.
    const result = (await Promise.all(runtimes.map((r) => r.reload())))[0]!;
    // Includes may have been added or dropped: watch what this load read. A failed load without
    // a file list (an unreadable profile) keeps the set it had.
    follow(result.ok ? result.files : result.files.length > 0 ? [...new Set([...watched, ...result.files])] : []);
  };

  const debounced = debounce(timer, debounceMs, () => void reload());
  chokidar.on('all', (_event, path) => {
    if (closed) return;
    changed.add(path);
    debounced.poke();
  });

  return {
    get files() {
      return [...watched];
    },
    ready,
    async close() {
      closed = true;
      debounced.cancel();
      await chokidar.close();
    },
  };
}

/** True when one of `files` exists and holds nothing but white space (a missing file is not empty). */
async function anyEmpty(files: Iterable<string>): Promise<boolean> {
  for (const file of files) {
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text !== undefined && text.trim() === '') return true;
  }
  return false;
}
