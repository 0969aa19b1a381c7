import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { checkProfile, packChecked, type CheckedProfile } from '../compiler/compile.js';
import type { Diagnostic } from '../profile/diagnostics.js';
import type { LoadFileOptions } from '../profile/index.js';
import { createEnvironment } from './environment.js';
import { compileLoaded, loadSource } from './load-device.js';

/** What the main thread asks: read, validate and check this profile file. */
export interface LoadRequest {
  readonly id: number;
  readonly file: string;
  /** cwd, maxFileBytes, includeRoot: plain data. */
  readonly options: LoadFileOptions;
}

/**
 * The answer: the checked profile (its layouts are plain data) for the main thread to assemble,
 * every diagnostic, or `inThread` when the checked profile cannot be sent (it holds something a
 * structured clone cannot copy): the main thread then loads the file itself.
 */
export type LoadReply =
  | { readonly id: number; readonly ok: true; readonly checked: CheckedProfile; readonly files: readonly string[] }
  | { readonly id: number; readonly ok: false; readonly diagnostics: readonly Diagnostic[]; readonly files?: readonly string[] }
  | { readonly id: number; readonly ok: 'inThread'; readonly why: string };

// The worker of off-thread-load.ts: reading and checking a large profile takes hundreds of
// milliseconds that would otherwise stall every client on the event loop.
parentPort?.on('message', (request: LoadRequest) => void answer(request));
// Below the event loop's thread: when the cores are busy serving clients, they come first (on
// Linux a thread has its own nice value; pid 0 is this thread). Where not allowed, nothing changes.
try {
  setPriority(10);
} catch {
  // not permitted here: the worker runs at the process's priority
}

async function answer(request: LoadRequest): Promise<void> {
  const port = parentPort!;
  try {
    const loaded = await loadSource(request.file, request.options);
    const checked = loaded.ok ? checkProfile(loaded.loaded) : undefined;
    if (loaded.ok && checked?.ok) {
      try {
        port.postMessage({ id: request.id, ok: true, checked: packChecked(checked), files: loaded.loaded.files } satisfies LoadReply);
      } catch (error) {
        port.postMessage({ id: request.id, ok: 'inThread', why: String(error) } satisfies LoadReply);
      }
      return;
    }
    // Problems: the same diagnostics an in-thread load reports (schema and semantic ones together).
    const result = compileLoaded(loaded, createEnvironment());
    port.postMessage({ id: request.id, ok: false, diagnostics: result.ok ? [] : result.diagnostics, ...(result.files && { files: result.files }) } satisfies LoadReply);
  } catch (error) {
    port.postMessage({ id: request.id, ok: 'inThread', why: String(error) } satisfies LoadReply);
  }
}
