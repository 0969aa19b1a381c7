import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { run } from '../../src/cli/run.js';
import { buildControl, startControl, type ControlOptions } from '../../src/control/server.js';
import { ROUTES } from '../../src/control/routes.js';
import { createLogger, silentLogger } from '../../src/log.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { loadDevice } from '../../src/runtime/load-device.js';
import { Runtime } from '../../src/runtime/runtime.js';
import { testEnv } from '../helpers/env.js';

/**
 * The control channel is no way into the machine (docs/security.md): over HTTP a device reloads
 * only its own profile file, a posted profile includes only files of that file's folder and
 * quotes nothing of a file that is not a profile, `server` settings stay, a token guards every
 * route but GET /health, a loopback channel answers only loopback Host names, bodies are JSON.
 */
const root = mkdtempSync(join(tmpdir(), 'modbus-emu-security-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const PUMP = 'version: 1\nname: pump\npoints:\n  speed: { type: uint16, address: 0, value: 100 }\n';
const SECRET = 'API_KEY=hunter2\nroot:$6$salt$hash:19000:0:99999:7:::\n';

let folder: string;
let outside: string;
let pump: Runtime;
let app: FastifyInstance;

beforeEach(async () => {
  const base = mkdtempSync(join(root, 'case-'));
  folder = join(base, 'devices');
  outside = join(base, 'elsewhere');
  mkdirSync(folder);
  mkdirSync(outside);
  writeFileSync(join(folder, 'pump.yaml'), PUMP);
  writeFileSync(join(folder, 'lib.yaml'), 'points:\n  flow: { type: uint16, address: 1, value: 7 }\n');
  writeFileSync(join(folder, 'secret.env'), SECRET);
  writeFileSync(join(outside, 'secret.env'), SECRET);
  writeFileSync(join(outside, 'lib.yaml'), 'points:\n  flow: { type: uint16, address: 1 }\n');
  const env = { ...testEnv(), clock: new ManualClock() };
  const loaded = await loadDevice(join(folder, 'pump.yaml'), { env });
  if (!loaded.ok) throw new Error('fixture');
  pump = new Runtime({ device: loaded.profile, env, port: 0 });
  onTestFinished(() => pump.close());
  await pump.listen();
  app = build();
});

function build(options: Partial<ControlOptions> = {}): FastifyInstance {
  const a = buildControl({ devices: [{ id: 'pump', runtime: pump }], clock: new ManualClock(), logger: silentLogger, version: '0', ...options });
  onTestFinished(() => a.close());
  return a;
}

async function call(method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = {}) {
  const res = await app.inject({ method, url, headers, ...(payload !== undefined && { payload: payload as object }) });
  return { status: res.statusCode, body: res.body ? (JSON.parse(res.body) as Record<string, unknown>) : undefined, text: res.body };
}

const reload = (profile: unknown) => call('POST', '/devices/pump/reload', { profile });
const codes = (body: Record<string, unknown> | undefined): unknown[] => ((body?.diagnostics ?? []) as { code: string }[]).map((d) => d.code);
const withUnit = (include: string) => ({ version: 1, name: 'pump', units: [{ unitId: 1, include }] });

describe('reload over HTTP reads only the device\'s own profile file', () => {
  it('another file, existing or not, is 403 with the same sentence: nothing of it is read or quoted', async () => {
    const shadow = await reload(join(outside, 'secret.env'));
    const missing = await reload(join(outside, 'no-such-file'));
    expect(shadow.status).toBe(403);
    expect(shadow.body?.message).toBe('over the control channel pump reloads only its own profile file (GET /devices/pump names it): post no body to reload it, or post the profile as an object');
    expect(missing.body).toEqual(shadow.body);
    expect(shadow.text).not.toContain('hunter2');
  });

  it('its own file, by path or with no body, reloads', async () => {
    writeFileSync(join(folder, 'pump.yaml'), PUMP.replace('value: 100', 'value: 5'));
    expect(await reload(join(folder, 'pump.yaml'))).toMatchObject({ status: 200, body: { ok: true } });
    expect((await call('POST', '/devices/pump/reload')).status).toBe(200);
    expect(pump.device.name).toBe('pump');
  });
});

describe('a posted profile includes only files of the device\'s profile folder', () => {
  it('a file in the folder is included', async () => {
    expect(await reload(withUnit('lib.yaml'))).toMatchObject({ status: 200, body: { ok: true } });
  });

  it.each([
    ['an absolute path elsewhere', () => join(outside, 'lib.yaml')],
    ['a path that climbs out', () => '../elsewhere/lib.yaml'],
    ['a file elsewhere that does not exist', () => join(outside, 'nothing.yaml')],
    ['/etc/passwd', () => '/etc/passwd'],
  ])('%s: E_INCLUDE_OUTSIDE, decided before the file system is asked', async (_what, path) => {
    const { status, body } = await reload(withUnit(path()));
    expect(status).toBe(422);
    expect(codes(body)).toEqual(['E_INCLUDE_OUTSIDE']);
  });

  it('a link in the folder to a file elsewhere is outside too', async () => {
    const { symlinkSync } = await import('node:fs');
    symlinkSync(join(outside, 'lib.yaml'), join(folder, 'link.yaml'));
    expect(codes((await reload(withUnit('link.yaml'))).body)).toEqual(['E_INCLUDE_OUTSIDE']);
  });

  it('a file in the folder that is not a profile is one E_INCLUDE_INVALID that quotes nothing of it', async () => {
    const { status, body, text } = await reload(withUnit('secret.env'));
    expect(status).toBe(422);
    expect(codes(body)).toEqual(['E_INCLUDE_INVALID']);
    expect(text).not.toMatch(/hunter2|API_KEY|salt/);
  });

  it('a device given as an object (no profile file) takes no includes over HTTP', async () => {
    const env = testEnv();
    const loaded = await loadDevice({ version: 1, name: 'mem', points: { a: { type: 'uint16', address: 0 } } }, { env, cwd: folder });
    if (!loaded.ok) throw new Error('fixture');
    const memory = new Runtime({ device: loaded.profile, env, port: 0, source: { profile: { version: 1 }, cwd: folder } });
    onTestFinished(() => memory.close());
    app = buildControl({ devices: [{ id: 'mem', runtime: memory }], clock: new ManualClock(), logger: silentLogger, version: '0' });
    const res = await app.inject({ method: 'POST', url: '/devices/mem/reload', payload: { profile: withUnit('lib.yaml') } });
    expect(codes(JSON.parse(res.body) as Record<string, unknown>)).toEqual(['E_INCLUDE_OUTSIDE']);
  });
});

describe('server settings do not change over HTTP', () => {
  it('a posted profile that moves the listener is 403, and the device stays where it listens', async () => {
    const before = pump.address;
    const { status, body } = await reload({ version: 1, name: 'pump', server: { host: '0.0.0.0' }, points: { speed: { type: 'uint16', address: 0 } } });
    expect(status).toBe(403);
    expect(body?.message).toMatch(/^server settings cannot change over the control channel \(host: default → 0\.0\.0\.0\): edit the profile file/);
    expect(pump.address).toEqual(before);
  });

  it('a posted profile that names TLS files is 403: nothing is read, the device stays plain TCP', async () => {
    const before = pump.address;
    const tls = { cert: '/etc/passwd', key: '/etc/shadow', clientCa: '/etc/hosts' };
    const { status, body } = await reload({ version: 1, name: 'pump', server: { tls }, points: { speed: { type: 'uint16', address: 0 } } });
    expect(status).toBe(403);
    expect(body?.message).toMatch(/^server settings cannot change over the control channel \(tls: none → \/etc\/passwd, \/etc\/shadow, \/etc\/hosts\)/);
    expect(pump.address).toEqual(before);
  });

  it('the same edit of the file is refused over HTTP, and served by a local reload (the watcher\'s)', async () => {
    writeFileSync(join(folder, 'pump.yaml'), `${PUMP}server: { idleTimeout: 5 }\n`);
    expect((await call('POST', '/devices/pump/reload')).status).toBe(403);
    expect((await pump.reload()).ok).toBe(true);
    expect(pump.device.server.idleTimeoutMs).toBe(5000);
  });
});

describe('the bearer token', () => {
  it('every route but GET /health needs it; a wrong one is refused like a missing one', async () => {
    app = build({ token: 's3cret-token' });
    expect((await call('GET', '/health')).status).toBe(200);
    const missing = await call('GET', '/devices');
    expect(missing).toMatchObject({ status: 401, body: { error: 'Unauthorized', message: expect.stringContaining('Authorization: Bearer <token>') as string } });
    expect(missing.text).not.toContain('s3cret');
    expect((await call('GET', '/devices', undefined, { authorization: 'Bearer s3cret-tokex' })).status).toBe(401);
    expect((await call('GET', '/devices', undefined, { authorization: 'Bearer s3cret' })).status).toBe(401);
    expect((await call('GET', '/devices', undefined, { authorization: 'Basic s3cret-token' })).status).toBe(401);
    expect((await call('GET', '/devices', undefined, { authorization: 'Bearer s3cret-token' })).status).toBe(200);
  });

  it('the web view\'s files are public and its stream takes a ticket, which only a caller with the token gets', async () => {
    app = build({ token: 's3cret-token' });
    expect((await app.inject({ method: 'GET', url: '/' })).statusCode).toBe(200);
    expect((await call('POST', '/stream-tickets', {})).status).toBe(401);
    const ticket = await call('POST', '/stream-tickets', {}, { authorization: 'Bearer s3cret-token' });
    expect(ticket.status).toBe(200);
    expect((await call('GET', '/devices/pump/events?ticket=guessed')).status).toBe(401);
  });

  it('a channel beyond loopback does not start without one, and says how to give one', async () => {
    await expect(startControl({ host: '0.0.0.0', port: 0, devices: [], clock: new ManualClock(), logger: silentLogger, version: '0' })).rejects.toThrow(/--control-token TOKEN or the environment variable MODBUS_EMU_CONTROL_TOKEN/);
    let err = '';
    const code = await run(['--control', '0.0.0.0:0', '--port', '0'], { stdout: () => {}, stderr: (t) => (err += t) });
    expect(code).toBe(2);
    expect(err).toBe('modbus-emu: not started: the control channel on 0.0.0.0:0 would answer anyone who can reach this machine: give it a token with --control-token TOKEN or the environment variable MODBUS_EMU_CONTROL_TOKEN (clients then send "Authorization: Bearer TOKEN"), or listen on loopback (--control 127.0.0.1:0)\n');
  });

  it('from the environment it starts the CLI, and is never printed', async () => {
    const controller = new AbortController();
    let out = '';
    let err = '';
    let ready: () => void = () => {};
    const started = new Promise<void>((resolve) => (ready = resolve));
    const exit = run(['--control', '0.0.0.0:0', '--port', '0', '--ready-json'], {
      stdout: (t) => ((out += t), ready()),
      stderr: (t) => (err += t),
      signal: controller.signal,
      env: { MODBUS_EMU_CONTROL_TOKEN: 'env-token-1234' },
    });
    await started;
    controller.abort();
    expect(await exit).toBe(0);
    expect(err).toMatch(/control channel on http:\/\/0\.0\.0\.0:\d+ \(OpenAPI: .*; bearer token required\)/);
    expect(out + err).not.toContain('env-token');
  });

  it('the OpenAPI document describes it and the refusals', async () => {
    const doc = (await call('GET', '/openapi.json')).body as { components: { securitySchemes: unknown }; security: unknown; paths: Record<string, Record<string, { security?: unknown; responses: Record<string, unknown> }>> };
    expect(doc.components.securitySchemes).toEqual({ bearerToken: expect.objectContaining({ type: 'http', scheme: 'bearer' }) as unknown });
    expect(doc.security).toEqual([{ bearerToken: [] }]);
    expect(doc.paths['/health']!.get!.security).toEqual([]);
    expect(Object.keys(doc.paths['/devices/{device}/reload']!.post!.responses).sort()).toEqual(['200', '400', '401', '403', '404', '409', '415', '422']);
  });
});

/** A request over a socket with the Host header as given (fetch will not let a caller set it). */
function rawGet(port: number, host: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/health', headers: { host, ...headers }, timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from the control channel to Host ${host} within 1 s`)));
    req.on('error', reject);
    req.end();
  });
}

describe('on a loopback address, only loopback Host names (DNS rebinding)', () => {
  it('localhost, 127.0.0.1 and [::1] with the channel\'s port are answered; other names or ports are 403', async () => {
    const server = await startControl({ host: '127.0.0.1', port: 0, devices: [], clock: new ManualClock(), logger: silentLogger, version: '0' });
    onTestFinished(() => server.close());
    const p = server.port;
    expect(await Promise.all([`localhost:${p}`, `127.0.0.1:${p}`, `[::1]:${p}`].map((h) => rawGet(p, h)))).toEqual([200, 200, 200]);
    expect(await Promise.all(['evil.example:' + p, `localhost:${p + 1}`, 'localhost', `127.0.0.1.evil.example:${p}`].map((h) => rawGet(p, h)))).toEqual([403, 403, 403, 403]);
  });

  it('a page of another origin is refused', async () => {
    expect((await call('POST', '/devices/pump/reset', undefined, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await call('POST', '/devices/pump/reset', undefined, { origin: 'http://localhost:80', host: 'localhost:80' })).status).toBe(200);
  });
});

describe('bodies are JSON', () => {
  it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])('a %s body is 415', async (type) => {
    const res = await app.inject({ method: 'PUT', url: '/devices/pump/points/speed', headers: { 'content-type': type }, payload: '{"value":1}' });
    expect(res.statusCode).toBe(415);
    expect(JSON.parse(res.body)).toMatchObject({ error: 'Unsupported Media Type', message: expect.stringContaining('Content-Type: application/json') as string });
    expect((await call('GET', '/devices/pump/points/speed')).body).toEqual({ name: 'speed', value: 100 });
  });

  it('application/json is served; a request without a body needs no content type', async () => {
    expect((await call('PUT', '/devices/pump/points/speed', { value: 3 })).status).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/devices/pump/reset' })).statusCode).toBe(200);
  });
});

describe('a failed reload leaves nothing behind; a client\'s mistake is a 4xx, a bug of ours a 500 logged once', () => {
  it('a posted profile 20,000 deep is 422 E_TOO_DEEP, and the next plain reload and a local reload work', async () => {
    const deep = `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`;
    const res = await app.inject({ method: 'POST', url: '/devices/pump/reload', headers: { 'content-type': 'application/json' }, payload: `{"profile":{"version":1,"description":${deep}}}` });
    expect(res.statusCode).toBe(422);
    expect(codes(JSON.parse(res.body) as Record<string, unknown>)).toEqual(['E_TOO_DEEP']);
    expect((await call('POST', '/devices/pump/reload')).status).toBe(200);
    expect((await pump.reload()).ok).toBe(true);
  });

  it('a rule whose match nests 100,000 deep is 422 E_TOO_DEEP, not 409', async () => {
    let match = '{"function":3}';
    for (let i = 0; i < 100_000; i++) match = `{"a":${match}}`;
    const res = await app.inject({ method: 'POST', url: '/devices/pump/faults', headers: { 'content-type': 'application/json' }, payload: `{"name":"deep","match":${match},"do":{"exception":6}}` });
    expect(res.statusCode).toBe(422);
    expect(codes(JSON.parse(res.body) as Record<string, unknown>)).toEqual(['E_TOO_DEEP']);
  });

  it('injected rules are bounded like the profile\'s: a delay past the maximum is 422', async () => {
    const res = await call('POST', '/devices/pump/faults', { name: 'slow', do: { delay: 3_000_000_000 } });
    expect(res.status).toBe(422);
    expect(codes(res.body)).toEqual(['E_SCHEMA_RANGE']);
  });

  it('a posted profile with 10,000 nested parentheses is 422 E_EXPRESSION', async () => {
    const generate = `${'('.repeat(10_000)}1${')'.repeat(10_000)}`;
    const { status, body } = await reload({ version: 1, name: 'pump', points: { speed: { type: 'uint16', address: 0, generate } } });
    expect(status).toBe(422);
    expect(codes(body)).toEqual(['E_EXPRESSION']);
  });

  it('a handler that throws is a 500 with its sentence, logged once with its stack', async () => {
    const lines: string[] = [];
    const broken = { id: 'broken', method: 'GET' as const, url: '/broken', summary: 'Broken', tag: 'emulator', response: { type: 'object' }, handler: () => { throw new TypeError('a bug'); } };
    app = build({ routes: [...ROUTES, broken], logger: createLogger((l) => lines.push(l), 'info') });
    expect(await call('GET', '/broken')).toMatchObject({ status: 500, body: { error: 'Internal Server Error', message: 'a bug' } });
    expect(lines).toEqual([expect.stringMatching(/control: GET \/broken failed: TypeError: a bug\n\s+at /)]);
  });
});
