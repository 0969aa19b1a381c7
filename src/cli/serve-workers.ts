import type { ControlServer } from '../control/server.js';
import type { Environment } from '../environment.js';
import { hostPort } from '../runtime/runtime.js';
import { describeListenError } from './errors.js';
import { isFleetFile } from './fleet.js';
import type { CliIo } from './io.js';
import type { Planned } from './launch.js';
import type { ServeFlags } from './serve.js';
import { packageVersion } from './version.js';
import { splitAcross, type FromWorker, type ListenerAddress } from './worker-protocol.js';
import { WorkerFleet, WorkerProcess, workersAvailable } from './workers.js';

/** Why `--workers` cannot serve what was asked (a sentence), or undefined. */
export function workersRefusal(profiles: readonly string[], flags: ServeFlags, cwd: string | undefined): string | undefined {
  // The seam is a list of planned instances; a fleet's (own seeds, gateways, state folder) is not handed to workers yet.
  if (profiles.some((p) => isFleetFile(p, cwd))) return '--workers serves profiles given on the command line; a fleet file is served by one process (or split with --shard)';
  if (profiles.length === 0) return '--workers spreads profiles over processes: give the profiles to serve (the in-memory device is one device)';
  if (flags.scenario !== undefined) return '--scenario and --workers exclude each other for now: start scenarios through the control channel (POST /devices/{id}/scenarios/...)';
  if (flags.serial !== undefined) return '--serial serves one profile on one line: --workers has nothing to spread';
  if (flags.clock === 'manual') return '--clock manual and --workers exclude each other (each worker has its own emulator clock, and the control channel moves none of them)';
  if (!workersAvailable()) return '--workers runs the built program (dist/cli/worker-main.js), which is missing: run npm run build';
  return undefined;
}

/**
 * Serves the planned devices from `flags.workers` child processes (fewer when there are fewer
 * devices): instance i goes to worker i mod N (worker-protocol.ts), each worker loads, binds and
 * serves its own, and the control channel here forwards device routes to them. Either every
 * worker's listeners bind or none stays up. Until `io.signal` aborts; a worker that exits
 * meanwhile is logged and /health says `degraded`, and the rest go on.
 */
export async function serveInWorkers(planned: readonly Planned[], ids: readonly string[], flags: ServeFlags, io: CliIo, env: Environment, controlToken: string | undefined): Promise<number> {
  const { logger } = env;
  const instances = planned.map((p, i) => ({ index: i, id: ids[i]!, label: p.label, path: p.path, port: p.port, pinned: p.pinned }));
  const { control: _control, controlToken: _token, ...workerFlags } = flags;
  let control: ControlServer | undefined;
  const addresses: ListenerAddress[] = [];
  const workerOf: number[] = [];
  const announce = (a: ListenerAddress): void => {
    addresses[a.index] = a;
    const label = planned[a.index]!.label;
    if (flags.readyJson) io.stdout(`${JSON.stringify({ address: a.host, port: a.port, device: label, id: ids[a.index], control: control?.url ?? null, worker: workerOf[a.index] })}\n`);
    else io.stdout(`listening on ${hostPort(a.host, a.port)} ${label}\n`);
  };
  const waiting = new Map<WorkerProcess, (listeners: readonly ListenerAddress[] | null) => void>();
  const onMessage = (m: FromWorker, w: WorkerProcess): void => {
    if (m.type === 'ready') waiting.get(w)?.(m.listeners);
    else if (m.type === 'failed') waiting.get(w)?.(null);
    else if (m.type === 'listening') announce(m);
  };
  const groups = splitAcross(instances, Math.min(flags.workers!, instances.length));
  groups.forEach((group, k) => group.forEach((i) => (workerOf[i.index] = k + 1)));
  const processes = groups.map((group, k) => new WorkerProcess(k + 1, group, env, io.stderr, onMessage));
  const stopAll = (): Promise<unknown> => Promise.all(processes.map((w) => w.stop()));
  const ready = await Promise.all(
    processes.map(
      (w) =>
        new Promise<readonly ListenerAddress[] | null>((resolve) => {
          waiting.set(w, resolve);
          void w.ended.then(() => resolve(null));
          w.send({ type: 'start', instances: w.instances, flags: workerFlags, seed: env.random.seed, ...(io.cwd !== undefined && { cwd: io.cwd }) });
        }),
    ),
  );
  if (ready.some((r) => r === null)) {
    await stopAll();
    io.stderr('modbus-emu: not started: no device is listening\n');
    return 1;
  }
  const fleet = new WorkerFleet(processes);
  if (flags.control) {
    try {
      const { startControl } = await import('../control/server.js');
      const { remoteRoutes } = await import('../control/remote.js');
      control = await startControl({ ...flags.control, devices: [], clock: env.clock, logger, version: packageVersion(), routes: remoteRoutes(fleet), ...(controlToken !== undefined && { token: controlToken }) });
    } catch (error) {
      io.stderr(`modbus-emu: control channel: ${describeListenError(error, flags.control.host, flags.control.port, '--control')}\n`);
      await stopAll();
      io.stderr('modbus-emu: not started: no device is listening\n');
      return 1;
    }
  }
  const scale = flags.timeScale !== undefined && flags.timeScale !== 1 ? `; emulator time runs ×${flags.timeScale} (one clock per worker)` : '';
  io.stderr(`seed ${env.random.seed} (replay this run with --seed ${env.random.seed} and --workers ${processes.length})${scale}; ${planned.length} device(s) over ${processes.length} worker process(es), device i in worker (i mod ${processes.length}) + 1\n`);
  if (control) io.stderr(`control channel on ${control.url} (OpenAPI: ${control.url}/openapi.json${controlToken !== undefined ? '; bearer token required' : ''}; device routes reach every worker)\n`);
  const listeners = ready.flatMap((r) => r!).sort((a, b) => a.index - b.index);
  for (const a of listeners) {
    const { label, device } = planned[a.index]!;
    for (const line of device.summary()) io.stderr(`${line}\n`);
    io.stderr(`${label}: listening on ${hostPort(a.host, a.port)} (worker ${workerOf[a.index]})\n`);
  }
  for (const a of listeners) announce(a);

  await new Promise<void>((resolve) => {
    if (!io.signal) return;
    if (io.signal.aborted) return resolve();
    io.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  io.stderr('shutting down\n');
  await control?.close();
  await stopAll();
  return 0;
}
