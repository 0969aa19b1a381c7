import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { buildControl, routesOf, startControl } from '../../src/control/server.js';
import { deviceIds, type ControlledDevice } from '../../src/control/context.js';
import { ROUTES } from '../../src/control/routes.js';
import type { CompiledProfile } from '../../src/model/types.js';
import { silentLogger } from '../../src/log.js';
import { ManualClock, realClock } from '../../src/runtime/clock.js';
import { loadDevice } from '../../src/runtime/load-device.js';
import { Runtime } from '../../src/runtime/runtime.js';
import type { Clock } from '../../src/time.js';
import { testEnv } from '../helpers/env.js';
import { connectClient } from '../helpers/modbus-client.js';
import { fetchWithin } from '../helpers/within.js';

/**
 * The HTTP control channel, route by route, through fastify's inject (and once over a socket):
 * what each endpoint does, and the 4xx JSON a bad request gets.
 */
const dir = mkdtempSync(join(tmpdir(), 'modbus-emu-control-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PUMP = `version: 1
name: Pump P-101
points:
  speed:   { type: uint16, address: 0, value: 100 }
  big:     { type: uint64, address: 10, raw: "0xFFFFFFFFFFFFFFFF" }
  running: { type: bool, address: 0 }
`;
const GATEWAY = {
  version: 1,
  name: 'line',
  units: [
    { unitId: 1, points: { temp: { type: 'int16', address: 0, value: 21 } } },
    { unitId: 2, points: { temp: { type: 'int16', address: 0, value: 22 } } },
  ],
};

let clock: ManualClock;
let file: string;
let app: FastifyInstance;
let pump: Runtime;

async function runtime(source: string | object, journal?: number): Promise<Runtime> {
  const env = { ...testEnv(), clock };
  const loaded = await loadDevice(source, { env });
  if (!loaded.ok) throw new Error('fixture');
  const r = new Runtime({ device: loaded.profile, env, port: 0, ...(journal && { journal }) });
  onTestFinished(() => r.close());
  await r.listen();
  return r;
}

function build(devices: ControlledDevice[], c: Clock = clock): FastifyInstance {
  const a = buildControl({ devices, clock: c, logger: silentLogger, version: '0.0.0-test' });
  onTestFinished(() => a.close());
  return a;
}

const call = async (method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, payload?: unknown) => {
  const res = await app.inject({ method, url, ...(payload !== undefined && { payload: payload as object }) });
  return { status: res.statusCode, body: res.body ? (JSON.parse(res.body) as Record<string, unknown>) : undefined };
};

beforeEach(async () => {
  clock = new ManualClock();
  file = join(dir, `pump-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, PUMP);
  pump = await runtime(file, 100);
  const line = await runtime(GATEWAY);
  app = build([
    { id: 'pump-p-101', runtime: pump },
    { id: 'line', runtime: line },
  ]);
});

describe('control channel routes', () => {
  it('GET /health', async () => {
    expect(await call('GET', '/health')).toEqual({ status: 200, body: { status: 'ok', devices: 2 } });
  });

  it('GET /devices lists every device with its address and journal', async () => {
    const { body } = await call('GET', '/devices');
    expect(body!.devices).toEqual([
      { id: 'pump-p-101', name: 'Pump P-101', file, host: '127.0.0.1', port: pump.address!.port, connections: 0, seed: pump.env.random.seed, journal: { size: 100, length: 0 } },
      expect.objectContaining({ id: 'line', name: 'line', journal: null }),
    ]);
  });

  it('GET /devices/:device gives its units and points', async () => {
    const { status, body } = await call('GET', '/devices/line');
    expect(status).toBe(200);
    expect(body!.units).toEqual([
      { name: expect.any(String), unitIds: [1], points: [expect.objectContaining({ name: 'temp', address: 0, type: 'int16' })] },
      { name: expect.any(String), unitIds: [2], points: [expect.objectContaining({ name: 'temp' })] },
    ]);
  });

  it('reads and writes points by name; 64-bit values travel as strings', async () => {
    expect(await call('GET', '/devices/pump-p-101/points/speed')).toEqual({ status: 200, body: { name: 'speed', value: 100 } });
    expect(await call('PUT', '/devices/pump-p-101/points/speed', { value: 42 })).toEqual({ status: 200, body: { name: 'speed', value: 42 } });
    expect((pump.device as CompiledProfile).units[0]!.read('speed')).toBe(42); // the device itself holds what HTTP wrote
    expect((await call('GET', '/devices/pump-p-101/points/big')).body).toEqual({ name: 'big', value: '18446744073709551615' });
    expect((await call('PUT', '/devices/pump-p-101/points/running', { value: true })).body).toEqual({ name: 'running', value: true });
  });

  it('a gateway unit is chosen by unitId (query to read, body to write)', async () => {
    expect((await call('GET', '/devices/line/points/temp?unitId=2')).body).toEqual({ name: 'temp', value: 22 });
    expect((await call('PUT', '/devices/line/points/temp', { value: -5, unitId: 1 })).body).toEqual({ name: 'temp', value: -5 });
  });

  it('FC 8 diagnostics: a unit id\'s counters; PUT puts it in listen-only mode (GET /devices/:device lists it) and takes it out', async () => {
    expect((await call('GET', '/devices/line/diagnostics?unitId=2')).body).toEqual({
      unitId: 2, busMessages: 0, busCommunicationErrors: 0, busExceptionErrors: 0, serverMessages: 0, serverNoResponses: 0,
      serverNaks: 0, serverBusy: 0, busCharacterOverruns: 0, diagnosticRegister: 0, listenOnly: false,
    });
    expect(await call('PUT', '/devices/line/diagnostics', { unitId: 2, listenOnly: true })).toMatchObject({ status: 200, body: { unitId: 2, listenOnly: true } });
    expect((await call('GET', '/devices/line')).body!.listenOnly).toEqual([2]);
    expect((await call('PUT', '/devices/line/diagnostics', { unitId: 2, listenOnly: false })).body).toMatchObject({ listenOnly: false });
    expect((await call('GET', '/devices/line')).body!.listenOnly).toEqual([]);
    expect((await call('GET', '/devices/line/diagnostics')).status).toBe(400);
  });

  it('reads and writes raw tables', async () => {
    expect(await call('PUT', '/devices/pump-p-101/tables/holding/0', { values: [7, 8] })).toEqual({ status: 200, body: { table: 'holding', address: 0, values: [7, 8] } });
    expect((await call('GET', '/devices/pump-p-101/tables/holding/0?quantity=2')).body).toEqual({ table: 'holding', address: 0, values: [7, 8] });
    expect((await call('GET', '/devices/pump-p-101/tables/coil/0')).body).toEqual({ table: 'coil', address: 0, values: [0] });
  });

  it('POST reload serves the edited file; an invalid one is 422 with every diagnostic and changes nothing', async () => {
    writeFileSync(file, PUMP.replace('value: 100', 'value: 5'));
    expect(await call('POST', '/devices/pump-p-101/reload')).toMatchObject({ status: 200, body: { ok: true, changes: { changed: ['speed'] } } });
    writeFileSync(file, PUMP.replace('address: 0, value: 100', 'address: -1, value: 100'));
    const { status, body } = await call('POST', '/devices/pump-p-101/reload');
    expect(status).toBe(422);
    expect(body).toMatchObject({ error: 'Unprocessable Entity', diagnostics: [{ code: 'E_SCHEMA_RANGE', location: { line: 4 }, text: expect.stringContaining(':4:') }] });
    expect((await call('GET', '/devices/pump-p-101/points/speed')).body).toEqual({ name: 'speed', value: 5 });
  });

  it('POST reload takes a profile object', async () => {
    const profile = { version: 1, points: { speed: { type: 'uint16', address: 0, value: 9 } } };
    expect(await call('POST', '/devices/pump-p-101/reload', { profile })).toMatchObject({ status: 200, body: { ok: true } });
    expect((await call('GET', '/devices/pump-p-101/points/speed')).body).toEqual({ name: 'speed', value: 9 });
  });

  it('reads the journal filtered, and clears it', async () => {
    const client = await connectClient(pump.address!.port);
    await client.readHoldingRegisters(0, 1);
    clock.advance(1000);
    await client.writeRegister(0, 3);
    await expect(client.readHoldingRegisters(500, 1)).rejects.toMatchObject({ modbusCode: 2 });
    const all = await call('GET', '/devices/pump-p-101/journal');
    expect(all.body!.size).toBe(100);
    expect((all.body!.records as { function: string }[]).map((r) => r.function)).toEqual(['readHoldingRegisters', 'writeSingleRegister', 'readHoldingRegisters']);
    const pick = async (query: string) => ((await call('GET', `/devices/pump-p-101/journal?${query}`)).body!.records as { seq: number }[]).map((r) => r.seq);
    expect(await pick('outcome=exception')).toEqual([3]);
    expect(await pick('function=6')).toEqual([2]);
    expect(await pick('function=readHoldingRegisters')).toEqual([1, 3]);
    expect(await pick('address=500')).toEqual([3]);
    expect(await pick('since=1000')).toEqual([2, 3]);
    expect(await pick('until=999')).toEqual([1]);
    expect(await pick('unitId=9')).toEqual([]);
    expect(await pick('rule=none')).toEqual([]);
    expect(await pick('limit=1')).toEqual([3]);
    expect(await pick('limit=2')).toEqual([2, 3]);
    expect(await pick('limit=5')).toEqual([1, 2, 3]);
    expect(await call('DELETE', '/devices/pump-p-101/journal')).toEqual({ status: 200, body: { cleared: 3 } });
    expect((await call('GET', '/devices/pump-p-101/journal')).body!.records).toEqual([]);
  });

  it('injects a fault rule a Modbus client then meets, lists it, removes it; the journal names the rule', async () => {
    const rule = { name: 'busy', match: { function: 3 }, do: { exception: 6 } };
    expect(await call('POST', '/devices/pump-p-101/faults', rule)).toEqual({ status: 200, body: { name: 'busy', injected: ['busy'] } });
    expect(await call('GET', '/devices/pump-p-101/faults')).toEqual({ status: 200, body: { injected: ['busy'], rules: [{ name: 'busy', injected: true, matched: 0, fired: 0, tables: ['holding'], spans: null }] } });
    const client = await connectClient(pump.address!.port);
    await expect(client.readHoldingRegisters(0, 1)).rejects.toMatchObject({ modbusCode: 6 });
    const journal = await call('GET', '/devices/pump-p-101/journal?rule=busy');
    expect((journal.body!.records as unknown[]).length).toBe(1);
    expect((await call('GET', '/devices/pump-p-101/faults')).body!.rules).toEqual([{ name: 'busy', injected: true, matched: 1, fired: 1, tables: ['holding'], spans: null }]);
    expect(await call('DELETE', '/devices/pump-p-101/faults/busy')).toEqual({ status: 200, body: { removed: 'busy', injected: [] } });
    expect((await client.readHoldingRegisters(0, 1)).data).toEqual([100]);
  });

  it('a bad rule is 422 with its diagnostics, a name in use 409, an unknown name to remove 404', async () => {
    const bad = await call('POST', '/devices/pump-p-101/faults', { name: 'x', match: { function: 3 }, do: { explode: true } });
    expect(bad.status).toBe(422);
    expect((bad.body!.diagnostics as unknown[]).length).toBeGreaterThan(0);
    const rule = { name: 'slow', do: { delay: 10 } };
    expect((await call('POST', '/devices/pump-p-101/faults', rule)).status).toBe(200);
    expect((await call('POST', '/devices/pump-p-101/faults', rule)).status).toBe(409);
    expect((await call('DELETE', '/devices/pump-p-101/faults/nothing')).status).toBe(404);
    expect((await call('POST', '/devices/pump-p-101/faults', { do: { delay: 10 } })).status).toBe(400); // no name
  });

  it('POST reset returns written points to their declared values', async () => {
    await call('PUT', '/devices/pump-p-101/points/speed', { value: 7 });
    expect(await call('POST', '/devices/pump-p-101/reset')).toEqual({ status: 200, body: { reset: true } });
    expect((await call('GET', '/devices/pump-p-101/points/speed')).body).toEqual({ name: 'speed', value: 100 });
  });

  it('advances a manual clock', async () => {
    expect(await call('GET', '/clock')).toEqual({ status: 200, body: { now: 0, manual: true } });
    expect(await call('POST', '/clock/advance', { ms: 60_000 })).toEqual({ status: 200, body: { now: 60_000, manual: true } });
    expect(clock.now()).toBe(60_000);
    expect((await call('PUT', '/clock/time-scale', { timeScale: 2 })).status).toBe(409);
  });

  it('sets the time scale of a real clock (and will not advance it)', async () => {
    const real = realClock();
    app = build([], real);
    expect(await call('PUT', '/clock/time-scale', { timeScale: 60 })).toMatchObject({ status: 200, body: { manual: false, timeScale: 60 } });
    expect(real.timeScale).toBe(60);
    expect(await call('POST', '/clock/advance', { ms: 1 })).toMatchObject({ status: 409, body: { error: 'Conflict', message: expect.stringContaining('--clock manual') } });
  });
});

describe('bad requests get a 4xx JSON body that says what is wrong', () => {
  it.each<[string, 'GET' | 'PUT' | 'POST' | 'DELETE', string, unknown, number, RegExp]>([
    // [what, method, url, body, status, message]
    ['an unknown route', 'GET', '/nope', undefined, 404, /no route GET \/nope/],
    ['an unknown device', 'GET', '/devices/boiler/points/speed', undefined, 404, /no device "boiler"; devices: pump-p-101, line/],
    ['an unknown point', 'GET', '/devices/pump-p-101/points/sped', undefined, 404, /no point named sped/],
    ['a value that does not fit', 'PUT', '/devices/pump-p-101/points/speed', { value: 70000 }, 400, /speed/],
    ['a write without a value', 'PUT', '/devices/pump-p-101/points/speed', {}, 400, /^body: missing required key "value"$/],
    ['an unknown key in a body', 'PUT', '/devices/pump-p-101/points/speed', { value: 1, vlaue: 2 }, 400, /^body: unknown key "vlaue"/],
    ['a gateway without unitId', 'GET', '/devices/line/points/temp', undefined, 400, /2 units: give unitId/],
    ['a unit id nobody answers', 'GET', '/devices/line/points/temp?unitId=9', undefined, 404, /no device answers unit id 9/],
    ['an unknown table', 'GET', '/devices/pump-p-101/tables/holdings/0', undefined, 400, /^params\.table: "holdings" is not one of .*; did you mean "holding"\?$/],
    ['an address past 65535', 'GET', '/devices/pump-p-101/tables/holding/65536', undefined, 400, /^params\.address: must be at most 65535, not 65536$/],
    ['a range past the end', 'GET', '/devices/pump-p-101/tables/holding/65535?quantity=2', undefined, 400, /run past address 65535/],
    ['a register value out of range', 'PUT', '/devices/pump-p-101/tables/holding/0', { values: [65536] }, 400, /values/],
    ['a journal that is off', 'GET', '/devices/line/journal', undefined, 409, /--journal/],
    ['a bad outcome filter', 'GET', '/devices/pump-p-101/journal?outcome=maybe', undefined, 400, /outcome/],
    // Journal query bounds: limit=0 is no "all of them", and nothing outside a field's range reaches the filter.
    ['a journal limit of 0', 'GET', '/devices/pump-p-101/journal?limit=0', undefined, 400, /^query\.limit: must be at least 1, not 0$/],
    ['a negative journal limit', 'GET', '/devices/pump-p-101/journal?limit=-1', undefined, 400, /^query\.limit: must be at least 1, not -1$/],
    ['a journal limit that is no integer', 'GET', '/devices/pump-p-101/journal?limit=1.5', undefined, 400, /^query\.limit: must be an integer/],
    ['a journal address past 65535', 'GET', '/devices/pump-p-101/journal?address=65536', undefined, 400, /^query\.address: must be at most 65535, not 65536$/],
    ['a journal unit id past 255', 'GET', '/devices/pump-p-101/journal?unitId=256', undefined, 400, /^query\.unitId: must be at most 255, not 256$/],
    ['a journal function code past 255', 'GET', '/devices/pump-p-101/journal?function=256', undefined, 400, /"256" is not a function name/],
    ['a journal time that is no number', 'GET', '/devices/pump-p-101/journal?since=soon', undefined, 400, /^query\.since: /],
    ['a negative advance', 'POST', '/clock/advance', { ms: -1 }, 400, /^body\.ms: must be at least 0, not -1$/],
    ['a zero time scale', 'PUT', '/clock/time-scale', { timeScale: 0 }, 400, /^body\.timeScale: must be more than 0, not 0$/],
    ['a reload of a profile object that is invalid', 'POST', '/devices/pump-p-101/reload', { profile: { version: 2 } }, 422, /problem/],
  ])('%s', async (_what, method, url, payload, status, message) => {
    const res = await call(method, url, payload);
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ error: expect.any(String), message: expect.stringMatching(message) });
  });

  it('a body that is not JSON', async () => {
    const res = await app.inject({ method: 'PUT', url: '/devices/pump-p-101/points/speed', headers: { 'content-type': 'application/json' }, payload: '{"value": ' });
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ error: 'Bad Request', message: expect.any(String) });
  });
});

describe('the OpenAPI document', () => {
  it('lists exactly the routes served, with their path parameters', async () => {
    const { body } = await call('GET', '/openapi.json');
    expect(body!.openapi).toBe('3.1.0');
    const paths = body!.paths as Record<string, Record<string, { parameters?: { name: string; in: string }[]; operationId: string }>>;
    const documented = Object.entries(paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    const served = routesOf(app).map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`);
    expect(documented.sort()).toEqual(served.sort());
    for (const [path, ops] of Object.entries(paths)) {
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const op of Object.values(ops)) expect((op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name)).toEqual(inPath);
    }
    const ids = Object.values(paths).flatMap((ops) => Object.values(ops).map((o) => o.operationId));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('a route added to the table is served and documented with no other change', async () => {
    const extra = { id: 'ping', method: 'GET' as const, url: '/ping', summary: 'Ping', tag: 'emulator', response: { type: 'object' }, handler: () => ({ pong: true }) };
    app = buildControl({ devices: [], clock, logger: silentLogger, version: '0', routes: [...ROUTES, extra] });
    onTestFinished(() => app.close());
    expect(await call('GET', '/ping')).toEqual({ status: 200, body: { pong: true } });
    expect(((await call('GET', '/openapi.json')).body!.paths as Record<string, unknown>)['/ping']).toMatchObject({ get: { operationId: 'ping' } });
  });
});

describe('over a socket', () => {
  it('listens on loopback port 0 and answers', async () => {
    const server = await startControl({ host: '127.0.0.1', port: 0, devices: [{ id: 'pump', runtime: pump }], clock, logger: silentLogger, version: '0' });
    onTestFinished(() => server.close());
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetchWithin(`${server.url}/devices/pump/points/speed`);
    expect(await res.json()).toEqual({ name: 'speed', value: 100 });
  });
});

describe('device ids', () => {
  it('are the names in lower case, URL-safe, numbered when repeated', () => {
    expect(deviceIds(['Pump P-101', 'pump p-101', 'meter/1', '***', 'in-memory'])).toEqual(['pump-p-101', 'pump-p-101-2', 'meter-1', 'device', 'in-memory']);
  });
});
