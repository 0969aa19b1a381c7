import { ROUTES, type Route, type RouteRequest, type Schema } from './routes.js';

/** How one worker of the process is doing, as GET /health reports it. */
export interface WorkerHealth {
  /** 1..N */
  readonly worker: number;
  readonly pid: number | null;
  readonly devices: number;
  readonly status: 'running' | 'exited';
}

/**
 * The devices of a process that serves them from workers (`--workers`): the control channel in
 * the main process reaches them through this. Refusals come back as the errors a local route
 * throws (a ControlError with the status a single process gives), so HTTP sees no difference.
 */
export interface RemoteDevices {
  /** Runs route `route` (its id in ROUTES) on the worker that serves `request.params.device`. */
  call(route: string, request: RouteRequest): Promise<unknown>;
  /** Every served device's summary (GET /devices), in the order of the command line. */
  listDevices(): Promise<unknown[]>;
  readonly devices: number;
  readonly workers: readonly WorkerHealth[];
}

const WORKER_HEALTH: Schema = {
  type: 'object',
  properties: { worker: { type: 'integer' }, pid: { type: ['integer', 'null'] }, devices: { type: 'integer' }, status: { type: 'string', enum: ['running', 'exited'] } },
};

/**
 * The route table of a control channel whose devices live in workers: every device route of
 * ROUTES, run by the worker that serves the device (the same handler, so the same replies and
 * refusals); GET /devices gathers every worker's; GET /health says `degraded` once a worker has
 * exited. Left out: the emulator clock's routes (each worker has its own clock) and the web view
 * with its live stream (docs/limitations.md).
 */
export function remoteRoutes(remote: RemoteDevices): Route[] {
  return ROUTES.flatMap((route): Route[] => {
    if (route.id === 'getHealth') {
      return [{ ...route, summary: 'Is the emulator up, and every worker', response: { type: 'object', properties: { status: { type: 'string', enum: ['ok', 'degraded'] }, devices: { type: 'integer' }, workers: { type: 'array', items: WORKER_HEALTH } } }, handler: () => health(remote) }];
    }
    if (route.id === 'listDevices') return [{ ...route, handler: async () => ({ devices: await remote.listDevices() }) }];
    if (!route.url.startsWith('/devices/:device')) return [];
    return [{ ...route, handler: (request) => remote.call(route.id, request) }];
  });
}

function health(remote: RemoteDevices) {
  const workers = remote.workers;
  return { status: workers.every((w) => w.status === 'running') ? 'ok' : 'degraded', devices: remote.devices, workers };
}
