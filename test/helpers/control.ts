import { onTestFinished } from 'vitest';
import { buildControl } from '../../src/control/server.js';
import { silentLogger } from '../../src/log.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { loadDevice } from '../../src/runtime/load-device.js';
import { Runtime } from '../../src/runtime/runtime.js';
import { testEnv } from './env.js';

/**
 * `profile` served by a Runtime (not listening: no socket) on a manual clock with a journal, and
 * the control channel in front of it as device `id`, called through fastify's inject; both closed
 * after the test.
 */
export async function controlled(profile: object, id: string) {
  const clock = new ManualClock();
  const env = { ...testEnv(), clock };
  const loaded = await loadDevice(profile, { env });
  if (!loaded.ok) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
  const runtime = new Runtime({ device: loaded.profile, env, port: 0, journal: 100 });
  onTestFinished(() => runtime.close());
  const app = buildControl({ devices: [{ id, runtime }], clock, logger: silentLogger, version: '0.0.0-test' });
  onTestFinished(() => app.close());
  const call = async (method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, payload?: object) => {
    const res = await app.inject({ method, url, ...(payload && { payload }) });
    return { status: res.statusCode, body: JSON.parse(res.body) as Record<string, unknown> };
  };
  return { runtime, clock, call };
}
