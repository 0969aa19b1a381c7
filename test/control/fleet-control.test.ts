import { afterAll, describe, expect, it } from 'vitest';
import { buildControl } from '../../src/control/server.js';
import type { ControlledDevice } from '../../src/control/context.js';
import { silentLogger } from '../../src/log.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { loadDevice } from '../../src/runtime/load-device.js';
import { Runtime } from '../../src/runtime/runtime.js';
import { testEnv } from '../helpers/env.js';

// The control channel over a fleet's many devices, through fastify's inject (no socket opens:
// the runtimes are never listening).
const clock = new ManualClock();
const PROFILE = { version: 1, name: 'meter', points: { level: { type: 'uint16', address: 0, value: 7 } } };
const ids = [...Array.from({ length: 30 }, (_, i) => `meter-${String(i + 1).padStart(3, '0')}`), 'gw-1', 'gw-2'];
const devices: ControlledDevice[] = await Promise.all(
  ids.map(async (id) => {
    const env = { ...testEnv(), clock };
    const loaded = await loadDevice(PROFILE, { env });
    if (!loaded.ok) throw new Error('fixture');
    return { id, runtime: new Runtime({ device: loaded.profile, env, port: 0 }) };
  }),
);
const app = buildControl({ devices, clock, logger: silentLogger, version: '0.0.0-test' });
afterAll(async () => {
  await app.close();
  await Promise.all(devices.map((d) => d.runtime.close()));
});

async function call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown) {
  const r = await app.inject({ method, url, ...(body !== undefined && { payload: body as object }) });
  return { status: r.statusCode, body: r.json() as Record<string, any> };
}
const level = (id: string) => devices.find((d) => d.id === id)!.runtime.device as unknown as { units: { read(n: string): unknown; write(n: string, v: number): void }[] };

describe('the control channel over a fleet', () => {
  it('pages the device list with offset and limit, and says how many there are', async () => {
    const page = await call('GET', '/devices?offset=10&limit=5');
    expect(page.status).toBe(200);
    expect(page.body.devices.map((d: { id: string }) => d.id)).toEqual(['meter-011', 'meter-012', 'meter-013', 'meter-014', 'meter-015']);
    expect(page.body.total).toBe(32);
    expect((await call('GET', '/devices')).body.devices).toHaveLength(32);
    expect((await call('GET', '/devices?limit=0')).status).toBe(400);
  });

  it('resets one device, a glob of ids, or all', async () => {
    for (const id of ids) level(id).units[0]!.write('level', 1);
    expect((await call('POST', '/devices/meter-00*/reset')).body).toEqual({ reset: true, devices: ids.slice(0, 9) });
    expect(level('meter-009').units[0]!.read('level')).toBe(7);
    expect(level('meter-010').units[0]!.read('level')).toBe(1);
    expect((await call('POST', '/devices/gw-%3F/reset')).body.devices).toEqual(['gw-1', 'gw-2']);
    expect((await call('POST', '/devices/*/reset')).body.devices).toHaveLength(32);
    expect(level('meter-010').units[0]!.read('level')).toBe(7);
    const none = await call('POST', '/devices/pump-*/reset');
    expect(none.status).toBe(404);
    expect(none.body.message).toMatch(/no device matches "pump-\*"; devices: meter-001, .*, … \(32 in all: GET \/devices\?offset=0&limit=100 pages them\)/);
  });

  it('injects a fault rule into every device of a glob or none, and removes it wherever it is', async () => {
    const rule = { name: 'busy', match: { function: 3 }, do: { exception: 6 } };
    expect((await call('POST', '/devices/meter-02*/faults', rule)).body.devices).toEqual(ids.slice(19, 29));
    // meter-020 … meter-029 have it now: the same name for meter-0* is refused, and nobody gets it again.
    const clash = await call('POST', '/devices/meter-0*/faults', rule);
    expect(clash.status).toBe(409);
    expect(devices.filter((d) => d.runtime.injectedRules.includes('busy')).map((d) => d.id)).toEqual(ids.slice(19, 29));
    const removed = await call('DELETE', '/devices/*/faults/busy');
    expect(removed.body.devices).toEqual(ids.slice(19, 29));
    expect(devices.some((d) => d.runtime.injectedRules.length > 0)).toBe(false);
    expect((await call('DELETE', '/devices/*/faults/busy')).status).toBe(404);
  });
});
