import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { cli } from '../helpers/cli.js';
import { connectClient } from '../helpers/modbus-client.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Starting three Node processes on a loaded 2-core machine: bounded, not slept. */
const START_MS = 15_000;
const NETWORK_MS = 1_000;

interface Ready {
  address: string;
  port: number;
  device: string;
  id: string;
  control: string;
  worker: number;
}

/**
 * `modbus-emu --workers 2` as a user runs it: the built program (workers are processes that run
 * dist/, which `npm ci` builds). Its stdout's JSON lines, its stderr, and a wait for a stderr line.
 */
function startWorkers(args: string[]) {
  const child = spawn(process.execPath, ['bin/modbus-emu.js', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  onTestFinished(() => {
    if (child.exitCode === null) child.kill('SIGTERM');
    return new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));
  });
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (d: string) => ((stdout += d), waiters.forEach((w) => w())));
  child.stderr.setEncoding('utf8').on('data', (d: string) => ((stderr += d), waiters.forEach((w) => w())));
  child.on('exit', () => waiters.forEach((w) => w()));
  const until = <T>(what: string, test: () => T | undefined, ms = START_MS): Promise<T> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${what}: not seen within ${ms} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`)), ms);
      const check = (): void => {
        const found = test();
        if (found === undefined && child.exitCode === null) return;
        clearTimeout(timer);
        waiters.delete(check);
        if (found === undefined) reject(new Error(`${what}: modbus-emu exited (${child.exitCode})\nstderr:\n${stderr}`));
        else resolve(found);
      };
      waiters.add(check);
      check();
    });
  const readyLines = (n: number) =>
    until(`${n} --ready-json lines`, () => {
      const lines = stdout.split('\n').filter((l) => l.startsWith('{'));
      return lines.length >= n ? lines.map((l) => JSON.parse(l) as Ready) : undefined;
    });
  const stderrLine = (what: string, pattern: RegExp) => until(what, () => pattern.exec(stderr) ?? undefined);
  return { readyLines, stderrLine };
}

async function http(url: string, init?: RequestInit): Promise<{ status: number; body: any }> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(NETWORK_MS * 5), ...(init?.body !== undefined && { headers: { 'content-type': 'application/json' } }) });
  return { status: response.status, body: await response.json() };
}

/** A Modbus read that names what was missing when nothing comes within a second. */
function within<T>(what: string, read: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no reply within ${NETWORK_MS} ms`)), NETWORK_MS)));
  return Promise.race([read, timeout]).finally(() => clearTimeout(timer));
}

describe('modbus-emu --workers 2', () => {
  it('serves device i from worker (i mod 2) + 1; the control channel lists both, injects and resets in worker 2; a worker that dies leaves the rest up and /health degraded', async () => {
    const run = startWorkers(['--workers', '2', '--port', '0', '--ready-json', '--no-watch', '--log-time', 'none', '--control', '127.0.0.1:0', 'devices/pump.yaml', 'devices/meter-sdm630.yaml']);
    const [pump, meter] = await run.readyLines(2);
    expect([pump!.id, pump!.worker, meter!.id, meter!.worker]).toEqual(['pump', 1, 'meter-sdm630', 2]);
    const control = meter!.control;

    // Both devices answer real clients, each on its own worker's listener.
    const pumpClient = await connectClient(pump!.port);
    const meterClient = await connectClient(meter!.port);
    expect((await within('pump FC 3', pumpClient.readHoldingRegisters(8501, 1))).data).toHaveLength(1);
    const voltage = (await within('meter FC 4', meterClient.readInputRegisters(0, 2))).buffer.readFloatBE(0);
    expect(voltage).toBeGreaterThan(220);

    const listed = await http(`${control}/devices`);
    expect(listed.body.devices.map((d: { id: string; port: number }) => [d.id, d.port])).toEqual([['pump', pump!.port], ['meter-sdm630', meter!.port]]);

    // A fault injected into the device in worker 2, seen by its client; the pump in worker 1 is untouched.
    const injected = await http(`${control}/devices/meter-sdm630/faults`, { method: 'POST', body: JSON.stringify({ name: 'busy', match: { function: 4 }, do: { exception: 6 } }) });
    expect(injected).toEqual({ status: 200, body: { name: 'busy', injected: ['busy'] } });
    await expect(within('meter FC 4 with the fault', meterClient.readInputRegisters(0, 2))).rejects.toMatchObject({ modbusCode: 6 });
    expect((await within('pump FC 3 beside the fault', pumpClient.readHoldingRegisters(8501, 1))).data).toHaveLength(1);
    // Refusals carry the status a single process gives.
    expect((await http(`${control}/devices/meter-sdm630/points/nope`)).status).toBe(404);
    expect((await http(`${control}/devices/nope/points/x`)).status).toBe(404);
    expect((await http(`${control}/devices/meter-sdm630/faults/busy`, { method: 'DELETE' })).status).toBe(200);

    // A reset through the channel puts back what a client wrote (systemType, 40011: protocol address 10).
    const before = (await within('meter FC 3', meterClient.readHoldingRegisters(10, 2))).data;
    await within('meter FC 16', meterClient.writeRegisters(10, [0x4000, 0x0000]));
    expect((await http(`${control}/devices/meter-sdm630/points/systemType`)).body.value).toBe(2);
    expect((await http(`${control}/devices/meter-sdm630/reset`, { method: 'POST' })).body).toEqual({ reset: true });
    expect((await within('meter FC 3 after reset', meterClient.readHoldingRegisters(10, 2))).data).toEqual(before);

    // Worker 1 killed: logged, /health degraded, worker 2's device still served.
    const health = await http(`${control}/health`);
    expect(health.body.status).toBe('ok');
    process.kill(health.body.workers[0].pid, 'SIGKILL');
    await run.stderrLine('the exit of worker 1', /worker 1 \(pid \d+\) exited \(SIGKILL\)/);
    const after = await http(`${control}/health`);
    expect([after.status, after.body.status, after.body.workers.map((w: { status: string }) => w.status)]).toEqual([200, 'degraded', ['exited', 'running']]);
    expect((await http(`${control}/devices/pump/points/statusWord`)).status).toBe(503);
    expect((await within('meter FC 4 after worker 1 died', meterClient.readInputRegisters(0, 2))).data).toHaveLength(2);
  });
});

describe('modbus-emu --workers refusals (exit 2, nothing started)', () => {
  it.each([
    [['--workers', '0', 'devices/pump.yaml'], /--workers.*must be a whole number of worker processes 1\.\.64/],
    [['--workers', '2'], /give the profiles to serve/],
    [['--workers', '2', '--clock', 'manual', 'devices/pump.yaml'], /--clock manual and --workers exclude each other/],
  ])('%j', async (args, message) => {
    const c = cli(args, { cwd: ROOT });
    expect(await c.exit).toBe(2);
    expect(c.out.stderr).toMatch(message);
  });
});
