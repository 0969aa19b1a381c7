import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { assembleChecked, checkProfile, type CheckedProfile } from '../compiler/compile.js';
import type { Environment } from '../environment.js';
import type { LoadFileOptions } from '../profile/index.js';
import { compileLoaded, loadDevice, loadSource, type DeviceResult } from './load-device.js';
import type { LoadReply, LoadRequest } from './load-worker.js';

const WORKER = new URL('./load-worker.js', import.meta.url);

/** A profile file read and checked, ready to assemble as often as asked; or its problems. */
type Checked = { readonly ok: true; readonly checked: CheckedProfile; readonly files: readonly string[] } | Extract<DeviceResult, { ok: false }>;

/**
 * Loads profile files for reloads on a worker thread: reading, parsing, schema and semantic checks
 * and the table layouts (checkProfile), which for 10,000 points take 0.5-1 s of CPU. The event
 * loop only assembles storage and closures from the layouts (assembleChecked, a few ms), so it
 * goes on serving every client meanwhile. Profile objects, and runs from the TypeScript sources
 * (tests: the worker needs the built .js), load in-thread.
 */
export class ProfileLoader {
  private worker: Worker | undefined;
  private readonly waiting = new Map<number, (reply: LoadReply) => void>();
  /** Checks under way, by file, options and time scale: later callers share them. */
  private readonly checks = new Map<string, Promise<Checked>>();
  private nextId = 1;

  constructor(private readonly offThread = existsSync(fileURLToPath(WORKER))) {}

  /** Whether files are parsed on a worker thread (the built package) or in-thread (sources). */
  get usesWorker(): boolean {
    return this.offThread;
  }

  /**
   * Loads a profile file and compiles it with `env`. Loads of the same file (and options) asked
   * while one is under way share it: the file is read and checked once, and each caller gets a
   * device of its own (storage, generators, rules, `env`) over the same layouts. That is how the
   * instances of one profile are started and reloaded (an edit reloads every instance at once).
   */
  async load(source: string | object, options: LoadFileOptions, env: Environment): Promise<DeviceResult> {
    if (typeof source !== 'string') return loadDevice(source, { ...options, env });
    const key = JSON.stringify([source, options, env.clock.timeScale]);
    let pending = this.checks.get(key);
    if (!pending) {
      pending = this.check(source, options, env).finally(() => this.checks.delete(key));
      this.checks.set(key, pending);
    }
    const checked = await pending;
    if (!checked.ok) return checked;
    // Receiving a worker's reply (copying the layouts in) was one step on the event loop: serve clients before the next.
    if (this.offThread) await new Promise((resolve) => setImmediate(resolve));
    return { ok: true, profile: assembleChecked(checked.checked, { env }), files: checked.files, warnings: checked.checked.warnings };
  }

  /** Reads and checks a profile file: on the worker thread when there is one, else (or when it cannot send the result) here. */
  private async check(file: string, options: LoadFileOptions, env: Environment): Promise<Checked> {
    if (this.offThread) {
      const reply = await this.ask({ id: this.nextId++, file, options });
      if (reply.ok === true) return { ok: true, checked: reply.checked, files: reply.files };
      if (reply.ok === false) return { ok: false, diagnostics: reply.diagnostics, ...(reply.files && { files: reply.files }) };
      env.logger.log('debug', `profile loader: ${file} loaded on the event loop: ${reply.why}`);
    }
    const loaded = await loadSource(file, options);
    const checked = loaded.ok ? checkProfile(loaded.loaded, env.clock.timeScale) : undefined;
    if (loaded.ok && checked?.ok) return { ok: true, checked, files: loaded.loaded.files };
    // Problems: every diagnostic, the schema's and the compiler's together (as loadDevice gives them).
    const result = compileLoaded(loaded, env);
    return result.ok ? { ok: false, diagnostics: [], files: result.files } : result;
  }

  /**
   * Starts the worker now rather than at the first reload: starting one stalls the event loop for
   * up to ~200 ms on a busy machine, better spent before clients are served (a watched profile).
   */
  warm(): void {
    if (this.offThread) this.worker ??= this.startWorker();
  }

  /** Stops the worker (if one started). */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private ask(request: LoadRequest): Promise<LoadReply> {
    const worker = (this.worker ??= this.startWorker());
    return new Promise((resolve) => {
      this.waiting.set(request.id, resolve);
      worker.postMessage(request);
    });
  }

  private startWorker(): Worker {
    const worker = new Worker(WORKER);
    // An idle worker must not keep the process alive.
    worker.unref();
    worker.on('message', (reply: LoadReply) => {
      const resolve = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      resolve?.(reply);
    });
    const fail = (why: string): void => {
      this.worker = undefined;
      for (const [id, resolve] of this.waiting) resolve({ id, ok: 'inThread', why: `the loader thread stopped: ${why}` });
      this.waiting.clear();
    };
    worker.on('error', (error) => fail(error.message));
    worker.on('exit', (code) => this.waiting.size > 0 && fail(`exit code ${code}`));
    return worker;
  }
}
