import { describe, expect, it } from 'vitest';
import { splitAcross } from '../../src/cli/worker-protocol.js';
import { ControlError } from '../../src/control/errors.js';
import { remoteRoutes, type RemoteDevices, type WorkerHealth } from '../../src/control/remote.js';
import { ROUTES, type RouteRequest } from '../../src/control/routes.js';
import { buildControl } from '../../src/control/server.js';
import { silentLogger } from '../../src/log.js';
import { ManualClock } from '../../src/runtime/clock.js';

/** Devices in workers, as the control channel sees them: each call recorded, answered by `answer`. */
function fakeWorkers(answer: (route: string, request: RouteRequest) => Promise<unknown>, workers: WorkerHealth[]) {
  const calls: [string, RouteRequest][] = [];
  const remote: RemoteDevices = {
    call: (route, request) => (calls.push([route, request]), answer(route, request)),
    listDevices: () => Promise.resolve([{ id: 'a' }, { id: 'b' }]),
    devices: 2,
    workers,
  };
  const app = buildControl({ devices: [], clock: new ManualClock(), logger: silentLogger, version: '0', routes: remoteRoutes(remote) });
  return { app, calls };
}

const RUNNING: WorkerHealth[] = [
  { worker: 1, pid: 10, devices: 1, status: 'running' },
  { worker: 2, pid: 11, devices: 1, status: 'running' },
];

describe('the split of planned instances over workers', () => {
  it.each([
    [5, 2, [[0, 2, 4], [1, 3]]],
    [3, 3, [[0], [1], [2]]],
    [4, 1, [[0, 1, 2, 3]]],
  ])('%i instances over %i workers: instance i in worker i mod n', (count, n, expected) => {
    expect(splitAcross([...Array(count).keys()], n)).toEqual(expected);
  });
});

describe('the control channel of devices in workers (remoteRoutes)', () => {
  it('serves every device route of the table, GET /devices and /health; not the clock, the web view or the stream', () => {
    const ids = remoteRoutes({ call: () => Promise.resolve(), listDevices: () => Promise.resolve([]), devices: 0, workers: [] }).map((r) => r.id);
    const deviceRoutes = ROUTES.filter((r) => r.url.startsWith('/devices/:device')).map((r) => r.id);
    expect(ids).toEqual(['getHealth', 'listDevices', ...deviceRoutes]);
    expect(ids).not.toContain('advanceClock');
    expect(ids).not.toContain('streamDevice');
  });

  it('hands a device route to the worker side with its validated request, and answers its body', async () => {
    const { app, calls } = fakeWorkers(() => Promise.resolve({ reset: true }), RUNNING);
    const reply = await app.inject({ method: 'POST', url: '/devices/b/reset' });
    expect([reply.statusCode, reply.json()]).toEqual([200, { reset: true }]);
    const read = await app.inject({ method: 'GET', url: '/devices/b/tables/holding/7?quantity=2' });
    expect(read.statusCode).toBe(200);
    expect(calls.map(([route, r]) => [route, r.params, r.query])).toEqual([
      ['resetDevice', { device: 'b' }, {}],
      // Coerced by the schema in the main process, as one process would.
      ['readTable', { device: 'b', table: 'holding', address: 7 }, { quantity: 2 }],
    ]);
  });

  it.each([
    [404, 'pump has no point named nope'],
    [422, 'the rule has 1 problem(s)'],
    [503, 'worker 2, which served this device, has exited'],
    [504, 'worker 2 did not answer within 10 s'],
  ])('a refusal from the worker side keeps its status %i and sentence', async (status, message) => {
    const { app } = fakeWorkers(() => Promise.reject(new ControlError(status, message, status === 422 ? [{ code: 'E_X' }] : undefined)), RUNNING);
    const reply = await app.inject({ method: 'GET', url: '/devices/b/points/nope' });
    expect(reply.statusCode).toBe(status);
    expect(reply.json()).toMatchObject({ message, ...(status === 422 && { diagnostics: [{ code: 'E_X' }] }) });
  });

  it('a request the schema refuses never reaches a worker (400)', async () => {
    const { app, calls } = fakeWorkers(() => Promise.resolve({}), RUNNING);
    expect((await app.inject({ method: 'GET', url: '/devices/b/tables/holding/70000' })).statusCode).toBe(400);
    expect(calls).toEqual([]);
  });

  it('/health is ok while every worker runs, degraded (200) once one has exited', async () => {
    const workers = RUNNING.map((w) => ({ ...w }));
    const { app } = fakeWorkers(() => Promise.resolve({}), workers);
    expect((await app.inject({ method: 'GET', url: '/health' })).json()).toEqual({ status: 'ok', devices: 2, workers });
    workers[1] = { ...workers[1]!, status: 'exited' };
    const degraded = await app.inject({ method: 'GET', url: '/health' });
    expect([degraded.statusCode, degraded.json().status]).toEqual([200, 'degraded']);
    expect((await app.inject({ method: 'GET', url: '/devices' })).json()).toEqual({ devices: [{ id: 'a' }, { id: 'b' }] });
  });
});
