import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ControlError } from '../control/errors.js';
import type { RemoteDevices, WorkerHealth } from '../control/remote.js';
import type { RouteRequest } from '../control/routes.js';
import { NotFoundError } from '../errors.js';
import type { Environment } from '../environment.js';
import type { TimerHandle } from '../time.js';
import type { FromWorker, ListenerAddress, PlannedInstance, ToWorker, WorkerFlags } from './worker-protocol.js';

const ENTRY = new URL('./worker-main.js', import.meta.url);
/** How long a control call waits for a worker's reply (a reload of a large profile takes a second or two). */
export const CALL_TIMEOUT_MS = 10_000;
/** How long a worker has to close its listeners and save its state once told to stop. */
const STOP_TIMEOUT_MS = 10_000;

/** Whether workers can be started: they run the built program (dist/), which the sources do not have. */
export const workersAvailable = (): boolean => existsSync(fileURLToPath(ENTRY));

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: TimerHandle;
}

/**
 * One worker process: its devices, the calls waiting for its replies, its log passed on line by
 * line. An exit nobody asked for is logged, fails the calls under way with 503, and leaves the
 * main process (and the other workers) running.
 */
export class WorkerProcess {
  readonly child: ChildProcess;
  status: 'running' | 'exited' = 'running';
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private stopping = false;
  private readonly exited: Promise<void>;

  constructor(
    readonly number: number,
    readonly instances: readonly PlannedInstance[],
    /** The main process's environment: its log and its real (wire) timer, for the timeouts. */
    private readonly env: Environment,
    stderr: (text: string) => void,
    onMessage: (message: FromWorker, worker: WorkerProcess) => void,
  ) {
    this.child = fork(fileURLToPath(ENTRY), [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'json' });
    let partial = '';
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop()!;
      for (const line of lines) stderr(`${line}\n`);
    });
    this.child.on('message', (message: FromWorker) => {
      if (message.type === 'reply') this.settle(message);
      else onMessage(message, this);
    });
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        this.status = 'exited';
        if (partial) stderr(`${partial}\n`);
        if (!this.stopping) this.env.logger.log('error', `worker ${number} (pid ${this.child.pid}) exited (${signal ?? `code ${code}`}): its ${instances.length} device(s) are no longer served; the others go on`);
        for (const [id, p] of this.pending) {
          p.timer.cancel();
          p.reject(new ControlError(503, `worker ${number}, which served this device, has exited`));
          this.pending.delete(id);
        }
        resolve();
      });
    });
    // A worker that cannot be reached (it exited meanwhile) is reported by its exit, not here.
    this.child.on('error', (error) => this.env.logger.log('error', `worker ${number}: ${error.message}`));
  }

  send(message: ToWorker): void {
    if (this.status === 'running' && this.child.connected) this.child.send(message);
  }

  /** Runs a control route in the worker: its body, or the ControlError with the status it answered. */
  call(route: string, request: RouteRequest, timeoutMs = CALL_TIMEOUT_MS): Promise<unknown> {
    if (this.status !== 'running') return Promise.reject(new ControlError(503, `worker ${this.number}, which served this device, has exited`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = this.env.timer.setTimeout(() => {
        this.pending.delete(id);
        reject(new ControlError(504, `worker ${this.number} did not answer within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.send({ type: 'call', id, route, request: { params: request.params, query: request.query, body: request.body } });
    });
  }

  get health(): WorkerHealth {
    return { worker: this.number, pid: this.child.pid ?? null, devices: this.instances.length, status: this.status };
  }

  /** Asks the worker to close its listeners and save its state; killed (by its PID) if it does not end in time. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.send({ type: 'stop' });
    const timer = this.env.timer.setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await this.exited;
    timer.cancel();
  }

  /** Resolves when the process has ended. */
  get ended(): Promise<void> {
    return this.exited;
  }

  private settle(reply: Extract<FromWorker, { type: 'reply' }>): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    p.timer.cancel();
    if (reply.ok) p.resolve(reply.result);
    else p.reject(new ControlError(reply.status, reply.message, reply.diagnostics));
  }
}

/**
 * The workers of a process as the control channel sees them (control/remote.ts): a device id
 * leads to the worker that serves it.
 */
export class WorkerFleet implements RemoteDevices {
  private readonly owner = new Map<string, { worker: WorkerProcess; index: number }>();

  constructor(readonly processes: readonly WorkerProcess[]) {
    for (const worker of processes) for (const i of worker.instances) this.owner.set(i.id, { worker, index: i.index });
  }

  get devices(): number {
    return this.owner.size;
  }

  get workers(): WorkerHealth[] {
    return this.processes.map((w) => w.health);
  }

  call(route: string, request: RouteRequest): Promise<unknown> {
    const id = request.params.device!;
    const found = this.owner.get(id);
    if (!found) return Promise.reject(new NotFoundError(`no device "${id}" (GET /devices lists them)`));
    return found.worker.call(route, request);
  }

  /** Every running worker's devices, in the order of the plan; a worker that exited has none to list. */
  async listDevices(): Promise<unknown[]> {
    const running = this.processes.filter((w) => w.status === 'running');
    const lists = await Promise.all(running.map((w) => w.call('listDevices', { params: {}, query: {}, body: undefined }) as Promise<{ devices: { id: string }[] }>));
    const all = lists.flatMap((l) => l.devices);
    return all.sort((a, b) => this.owner.get(a.id)!.index - this.owner.get(b.id)!.index);
  }
}

export type { FromWorker, ListenerAddress, PlannedInstance, WorkerFlags };
