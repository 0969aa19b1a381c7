import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { assembleChecked } from '../compiler/compile.js';
import type { Environment } from '../environment.js';
import type { LoadFileOptions } from '../profile/index.js';
import { loadDevice, type DeviceResult } from './load-device.js';
import type { LoadReply, LoadRequest } from './load-worker.js';

const WORKER = new URL('./load-worker.js', import.meta.url);

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
  private nextId = 1;

  constructor(private readonly offThread = existsSync(fileURLToPath(WORKER))) {}

  /** Whether files are parsed on a worker thread (the built package) or in-thread (sources). */
  get usesWorker(): boolean {
    return this.offThread;
  }

  async load(source: string | object, options: LoadFileOptions, env: Environment): Promise<DeviceResult> {
    if (typeof source !== 'string' || !this.offThread) return loadDevice(source, { ...options, env });
    const reply = await this.ask({ id: this.nextId++, file: source, options });
    if (reply.ok === 'inThread') {
      env.logger.log('debug', `profile loader: ${source} loaded on the event loop: ${reply.why}`);
      return loadDevice(source, { ...options, env });
    }
    if (!reply.ok) return { ok: false, diagnostics: reply.diagnostics, ...(reply.files && { files: reply.files }) };
    // Receiving the reply (copying the layouts in) was one step on the event loop: serve clients before the next.
    await new Promise((resolve) => setImmediate(resolve));
    return { ok: true, profile: assembleChecked(reply.checked, { env }), files: reply.files, warnings: reply.checked.warnings };
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
