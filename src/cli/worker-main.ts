// The program of one worker process (`modbus-emu --workers N`, started by cli/workers.ts with
// child_process.fork): it loads and serves the instances the main process gives it, each with its
// own listener, on an emulator clock of its own, and runs the control routes the main process
// forwards. It writes its log on stderr (the main process passes it on) and ends when told to
// stop or when the main process goes away.
import type { ControlContext } from '../control/context.js';
import { statusOf } from '../control/errors.js';
import { ROUTES } from '../control/routes.js';
import { formatDiagnostic } from '../profile/diagnostics.js';
import { createEnvironment } from '../runtime/environment.js';
import { ProfileLoader } from '../runtime/off-thread-load.js';
import { READ_ONLY_EXCEPTION } from '../runtime/runtime.js';
import type { ProfileWatcher } from '../watch/watcher.js';
import type { CliIo } from './io.js';
import { launchRuntimes, readOnlyOf, serveLogger, watchProfiles, type Launched } from './launch.js';
import type { FromWorker, ToWorker } from './worker-protocol.js';

const write = (text: string): void => void process.stderr.write(text);
const send = (message: FromWorker): void => {
  if (process.connected) process.send!(message);
};

let context: ControlContext | undefined;
let launched: Launched | undefined;
let watchers: ProfileWatcher[] = [];
let stopping: Promise<void> | undefined;

process.on('message', (message: ToWorker) => {
  if (message.type === 'start') void start(message);
  else if (message.type === 'call') void call(message);
  else void stop();
});
// The main process went away (killed, crashed): nobody can reach these devices any more.
process.on('disconnect', () => void stop());
// Ctrl-C reaches the whole process group: the main process stops the workers itself, after its control channel.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => void stop());

async function start(m: Extract<ToWorker, { type: 'start' }>): Promise<void> {
  const logger = serveLogger(m.flags, write);
  const io: CliIo = { stdout: write, stderr: write, ...(m.cwd !== undefined && { cwd: m.cwd }) };
  const env = createEnvironment({ seed: m.seed, logger, timeScale: m.flags.timeScale });
  const options = { ...(m.cwd !== undefined && { cwd: m.cwd }), ...(m.flags.maxFileSize !== undefined && { maxFileBytes: m.flags.maxFileSize }) };
  // Loaded together, so the instances of a profile share its layouts (ProfileLoader.load).
  const first = new ProfileLoader(false);
  const results = await Promise.all(m.instances.map((i) => first.load(i.path, options, env)));
  const planned = [];
  for (const [k, r] of results.entries()) {
    // The main process checked every profile already: only a file changed since then fails here.
    if (!r.ok) {
      for (const d of r.diagnostics) write(`${formatDiagnostic(d)}\n`);
      return fail();
    }
    planned.push({ ...m.instances[k]!, device: r.profile, files: r.files });
  }
  launched = (await launchRuntimes(planned, m.instances.map((i) => i.id), false, m.flags, env, new ProfileLoader(), io, readOnlyOf(m.flags, READ_ONLY_EXCEPTION))) ?? undefined;
  if (!launched) return fail();
  const { runtimes } = launched;
  watchers = m.flags.watch ? watchProfiles(runtimes, planned) : [];
  await Promise.all(watchers.map((w) => w.ready));
  context = { devices: runtimes.map((runtime, k) => ({ id: m.instances[k]!.id, runtime })), clock: env.clock };
  send({ type: 'ready', listeners: runtimes.map((r, k) => ({ index: m.instances[k]!.index, host: r.address!.host, port: r.address!.port })) });
  // A reload that moved a device to another port is announced again.
  runtimes.forEach((r, k) => r.on('listening', (a) => send({ type: 'listening', index: m.instances[k]!.index, host: a.host, port: a.port })));
}

function fail(): void {
  send({ type: 'failed' });
  process.exitCode = 1;
  process.disconnect();
}

/** Runs a control route here, as the main process's control channel would in one process. */
async function call(m: Extract<ToWorker, { type: 'call' }>): Promise<void> {
  const route = ROUTES.find((r) => r.id === m.route);
  try {
    if (!route || !context) throw new Error(!route ? `no route ${m.route}` : 'the worker is not serving yet');
    const result: unknown = await route.handler(m.request, context);
    send({ type: 'reply', id: m.id, ok: true, result });
  } catch (error) {
    const status = statusOf(error);
    // Our own fault: logged with its stack, as the control channel does in one process.
    if (status === undefined) write(`control: ${m.route} failed in worker ${process.pid}: ${(error as Error).stack ?? String(error)}\n`);
    const diagnostics = (error as { diagnostics?: readonly unknown[] }).diagnostics;
    send({ type: 'reply', id: m.id, ok: false, status: status ?? 500, message: (error as Error).message, ...(diagnostics !== undefined && { diagnostics }) });
  }
}

function stop(): Promise<void> {
  stopping ??= (async () => {
    await Promise.all(watchers.map((w) => w.close()));
    // Every listener closed and every state file saved before the process ends.
    await launched?.closeAll();
    process.exit(process.exitCode ?? 0);
  })();
  return stopping;
}
