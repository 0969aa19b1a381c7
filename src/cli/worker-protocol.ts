import type { ServeFlags } from './serve.js';

/**
 * The seam between the main process and its workers (`--workers N`): the main process plans every
 * instance (its id, label, port: what a single process would give it) and hands each worker a
 * list of them; the worker loads and serves exactly those. Anything that expands into instances
 * (profiles on the command line, a fleet file) ends as such a list.
 */
export interface PlannedInstance {
  /** Position in the whole plan: the order of --ready-json lines and GET /devices. */
  readonly index: number;
  /** The control channel's id, given by the main process so that it is the same as in one process. */
  readonly id: string;
  readonly label: string;
  /** The profile file to load (absolute, or a bundled device's file). */
  readonly path: string;
  readonly port: number;
  /** The port came from --port: a reload does not move it. */
  readonly pinned: boolean;
}

/** What a worker needs of the flags: all but the control channel, which stays in the main process. */
export type WorkerFlags = Omit<ServeFlags, 'control' | 'controlToken'>;

/** A route's request as the worker runs it: the validated parts fastify gave the main process. */
export interface ForwardedRequest {
  readonly params: Record<string, string>;
  readonly query: Record<string, unknown>;
  readonly body: unknown;
}

/** Main process → worker. `call` runs one control route (routes.ts, by id) on the worker's devices. */
export type ToWorker =
  | { readonly type: 'start'; readonly instances: readonly PlannedInstance[]; readonly flags: WorkerFlags; readonly seed: number; readonly cwd?: string }
  | { readonly type: 'call'; readonly id: number; readonly route: string; readonly request: ForwardedRequest }
  | { readonly type: 'stop' };

export interface ListenerAddress {
  readonly index: number;
  readonly host: string;
  readonly port: number;
}

/**
 * Worker → main process. `reply` answers the `call` of the same id: the route's JSON body, or the
 * HTTP status the refusal has in one process (control/errors.ts `statusOf`) and its sentence.
 */
export type FromWorker =
  | { readonly type: 'ready'; readonly listeners: readonly ListenerAddress[] }
  | { readonly type: 'failed' }
  | ({ readonly type: 'listening' } & ListenerAddress)
  | { readonly type: 'reply'; readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly type: 'reply'; readonly id: number; readonly ok: false; readonly status: number; readonly message: string; readonly diagnostics?: readonly unknown[] };

/**
 * The deterministic split: instance i (counting from 0 in the plan's order) goes to worker
 * i mod n. Round-robin rather than blocks, so the instances of each profile spread evenly over the
 * workers whatever order the command line gives them in.
 */
export function splitAcross<T>(items: readonly T[], n: number): T[][] {
  const groups = Array.from({ length: n }, (): T[] => []);
  items.forEach((item, i) => groups[i % n]!.push(item));
  return groups;
}
