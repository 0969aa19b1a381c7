import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildControl } from '../../src/control/server.js';
import { silentLogger } from '../../src/log.js';
import { bundledDevice } from '../../src/runtime/bundled-devices.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { Journal } from '../../src/runtime/journal.js';
import { loadDevice } from '../../src/runtime/load-device.js';
import { Runtime } from '../../src/runtime/runtime.js';
import { testEnv } from '../helpers/env.js';

/**
 * The control channel as a new user meets it with the bundled pump and gateway: one vocabulary
 * for tables, "any" for a unit that answers every unit id, a bit field written as its profile
 * writes it, an empty JSON body where none is needed, and validator output as sentences.
 */
let app: FastifyInstance;

async function runtime(name: string): Promise<Runtime> {
  const env = testEnv();
  const loaded = await loadDevice(bundledDevice(name), { env });
  if (!loaded.ok) throw new Error(`${name} does not compile`);
  return new Runtime({ device: loaded.profile, env, port: 0, journal: 10 });
}

beforeAll(async () => {
  app = buildControl({ devices: [{ id: 'pump', runtime: await runtime('pump') }, { id: 'gateway', runtime: await runtime('gateway') }], clock: new ManualClock(), logger: silentLogger, version: '0.0.0-test' });
});
afterAll(() => app.close());

async function call(method: 'GET' | 'PUT' | 'POST', url: string, payload?: unknown, headers: Record<string, string> = {}) {
  const res = await app.inject({ method, url, headers, ...(payload !== undefined && { payload: payload as object }) });
  return { status: res.statusCode, body: JSON.parse(res.body) as Record<string, unknown> };
}

describe('control-channel shapes', () => {
  it('GET /devices/pump names tables as routes take them (holding), and a unit answering every unit id "any"', async () => {
    const { body } = await call('GET', '/devices/pump');
    const [unit] = body.units as { unitIds: unknown; points: { name: string; table: string }[] }[];
    expect(unit!.unitIds).toBe('any');
    expect(unit!.points.find((p) => p.name === 'statusWord')!.table).toBe('holding');
    for (const p of unit!.points) expect(['coil', 'discreteInput', 'holding', 'input']).toContain(p.table);
    const gateway = (await call('GET', '/devices/gateway')).body.units as { unitIds: unknown }[];
    expect(gateway[0]!.unitIds).toEqual([1]);
  });

  it('a raw table read by the library name answers with the profile name', async () => {
    expect((await call('GET', '/devices/pump/tables/holdingRegisters/3201')).body).toMatchObject({ table: 'holding', address: 3201 });
  });

  it('POST /devices/pump/reset with a JSON content type and no body is accepted', async () => {
    expect(await call('POST', '/devices/pump/reset', undefined, { 'content-type': 'application/json' })).toEqual({ status: 200, body: { reset: true } });
  });

  it('a route that needs a body still says so when it is empty', async () => {
    expect(await call('PUT', '/devices/pump/points/frequencyReference', undefined, { 'content-type': 'application/json' })).toEqual({
      status: 400,
      body: { error: 'Bad Request', message: 'body: must be a map, not an empty value' },
    });
  });
});

describe('times', () => {
  it('the OpenAPI document says now and a record\'s time are fractional emulator milliseconds, wallTime whole ones', async () => {
    const doc = (await call('GET', '/openapi.json')).body as { paths: Record<string, Record<string, { responses: { 200: { content: { 'application/json': { schema: { properties: Record<string, { properties?: Record<string, unknown>; items?: { properties: Record<string, { type: string; description: string }> } }> } } } } } }>> };
    const schema = (path: string) => doc.paths[path]!.get!.responses[200].content['application/json'].schema;
    expect(schema('/clock').properties.now).toEqual({ type: 'number', description: expect.stringMatching(/milliseconds since start, fractional/) });
    const record = schema('/devices/{device}/journal').properties.records!.items!.properties;
    expect(record.time).toEqual({ type: 'number', description: expect.stringMatching(/milliseconds since start, fractional/) });
    expect(record.wallTime).toEqual({ type: 'integer', description: expect.stringMatching(/milliseconds since the epoch/) });
  });
});

describe('writing a bit field as its profile writes it', () => {
  it('PUT statusWord {"value":{"fault":true}} sets the word from its named bits (bits not named are 0)', async () => {
    expect(await call('PUT', '/devices/pump/points/statusWord', { value: { fault: true, remote: true } })).toEqual({ status: 200, body: { name: 'statusWord', value: 0x0208 } });
    expect((await call('GET', '/devices/pump/points/statusWord.fault')).body).toEqual({ name: 'statusWord.fault', value: true });
  });

  it('an unknown bit is a 400 naming it', async () => {
    const { status, body } = await call('PUT', '/devices/pump/points/statusWord', { value: { falut: true } });
    expect(status).toBe(400);
    expect(body.message).toMatch(/falut/);
  });
});

describe('validator output as sentences', () => {
  it.each([
    ['PUT', '/devices/pump/points/frequencyReference', { value: [1] }, 'body.value: must be a number, true or false, a string or a map, not a list'],
    ['PUT', '/devices/pump/points/frequencyReference', { value: 1, unitld: 1 }, 'body: unknown key "unitld"; did you mean "unitId"?'],
    ['PUT', '/devices/pump/points/frequencyReference', {}, 'body: missing required key "value"'],
    ['GET', '/devices/pump/tables/holdng/0', undefined, 'params.table: "holdng" is not one of coil, discreteInput, holding, input, coils, discreteInputs, holdingRegisters or inputRegisters; did you mean "holding"?'],
    ['GET', '/devices/pump/tables/holding/70000', undefined, 'params.address: must be at most 65535, not 70000'],
    ['GET', '/devices/pump/points/statusWord?unitId=300', undefined, 'query.unitId: must be at most 255, not 300'],
    ['POST', '/clock/advance', { ms: -1 }, 'body.ms: must be at least 0, not -1'],
  ] as const)('%s %s %j', async (method, url, payload, message) => {
    expect(await call(method, url, payload)).toEqual({ status: 400, body: { error: 'Bad Request', message } });
  });
});

describe('journal function names', () => {
  it('GET journal?function=readHoldingRegister (a slip) is a 400 listing the valid names', async () => {
    const { status, body } = await call('GET', '/devices/pump/journal?function=readHoldingRegister');
    expect(status).toBe(400);
    expect(body.message).toContain('"readHoldingRegister" is not a function name; did you mean readHoldingRegisters?');
    expect(body.message).toContain('writeMultipleRegisters');
    expect((await call('GET', '/devices/pump/journal?function=readHoldingRegisters')).status).toBe(200);
    expect((await call('GET', '/devices/pump/journal?function=invalid')).status).toBe(200);
    expect((await call('GET', '/devices/pump/journal?function=3')).status).toBe(200);
  });

  it('journal.entries({ function }) throws for an unknown name', () => {
    const journal = new Journal(2);
    expect(() => journal.entries({ function: 'readHoldingRegister' })).toThrow(/is not a function name; did you mean readHoldingRegisters\?.*readCoils/);
    expect(journal.entries({ function: 'readHoldingRegisters' })).toEqual([]);
  });
});

describe('fault rules in the same vocabulary', () => {
  it('GET /devices/pump/faults names the tables a rule reaches as routes take them', async () => {
    await call('POST', '/devices/pump/faults', { name: 'voltage', match: { points: ['lineVoltage'] }, do: { exception: 4 } });
    const { body } = await call('GET', '/devices/pump/faults');
    expect((body.rules as { name: string }[]).find((r) => r.name === 'voltage')).toMatchObject({ tables: null, spans: [{ table: 'holding', from: 3207, to: 3207 }] });
  });
});
