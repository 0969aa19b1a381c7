import { describe, expect, it } from 'vitest';
import { controlled } from '../helpers/control.js';

/** Scenarios and modes on the control channel: list, start, jump, the current phase, stop; modes set and cleared. */
const PROFILE = {
  version: 1,
  name: 'meter',
  points: { power: { type: 'uint16', address: 0, value: 7 } },
  scenarios: {
    flaky: {
      description: 'drops out now and then',
      loop: true,
      phases: [
        { name: 'up', duration: '1m' },
        { name: 'down', duration: '10s', modes: { offline: { units: [1], answer: 'gatewayTargetFailedToRespond' } } },
      ],
    },
  },
};

const control = () => controlled(PROFILE, 'meter');

describe('scenarios on the control channel', () => {
  it('lists, starts, reports, jumps and stops; each change is a journal event', async () => {
    const { clock, call } = await control();
    expect(await call('GET', '/devices/meter/scenario')).toEqual({ status: 200, body: { name: null, phase: null } });
    expect((await call('GET', '/devices/meter/scenarios')).body).toEqual({
      scenarios: [{ name: 'flaky', description: 'drops out now and then', loop: true, phases: [{ name: 'up', durationMs: 60_000 }, { name: 'down', durationMs: 10_000 }] }],
      running: { name: null, phase: null },
    });
    clock.advance(500);
    expect(await call('PUT', '/devices/meter/scenario', { name: 'flaky' })).toEqual({ status: 200, body: { name: 'flaky', phase: 'up', index: 0, since: 500, until: 60_500, cycle: 0 } });
    clock.advance(60_000);
    expect((await call('GET', '/devices/meter/scenario')).body).toMatchObject({ name: 'flaky', phase: 'down', since: 60_500 });
    expect((await call('GET', '/devices/meter/modes')).body).toEqual({ offline: { units: [1], answer: 'gatewayTargetFailedToRespond' } });
    clock.advance(10_000);
    expect((await call('GET', '/devices/meter/scenario')).body).toMatchObject({ phase: 'up', cycle: 1, since: 70_500 });
    expect((await call('PUT', '/devices/meter/scenario/phase', { phase: 'down' })).body).toMatchObject({ phase: 'down', since: 70_500 });
    expect(await call('DELETE', '/devices/meter/scenario')).toEqual({ status: 200, body: { stopped: true } });
    expect((await call('GET', '/devices/meter/modes')).body).toEqual({});
    const events = (await call('GET', '/devices/meter/journal?kind=event')).body.records as { data: { from: string; to: string; cause: string } }[];
    expect(events.map((e) => `${e.data.from}→${e.data.to} ${e.data.cause}`)).toEqual(['→up start', 'up→down time', 'down→up time', 'up→down jump', 'down→ stop']);
  });

  it('says what is wrong (an unknown scenario or phase is 404, a jump with none running too, bad modes 400); modes hold for forMs', async () => {
    const { clock, call } = await control();
    expect(await call('PUT', '/devices/meter/scenario', { name: 'nope' })).toEqual({ status: 404, body: expect.objectContaining({ message: 'meter has no scenario nope; scenarios: flaky' }) });
    expect((await call('PUT', '/devices/meter/scenario/phase', { phase: 'down' })).status).toBe(404);
    expect((await call('PUT', '/devices/meter/scenario', { name: 'flaky', phase: 'sideways' })).body).toMatchObject({ message: 'scenario flaky has no phase sideways; phases: up, down' });
    expect((await call('PUT', '/devices/meter/modes', { offline: { units: [300] } })).status).toBe(400);
    expect((await call('PUT', '/devices/meter/modes', { sleepy: true })).status).toBe(400);
    expect(await call('DELETE', '/devices/meter/scenario')).toEqual({ status: 200, body: { stopped: false } });
    // Modes set over HTTP hold for forMs of emulator time, then clear.
    expect(await call('PUT', '/devices/meter/modes?forMs=5000', { connections: { accept: 'refuse' } })).toEqual({ status: 200, body: { connections: { accept: 'refuse' } } });
    clock.advance(4999);
    expect((await call('GET', '/devices/meter/modes')).body).toEqual({ connections: { accept: 'refuse' } });
    clock.advance(1);
    expect((await call('GET', '/devices/meter/modes')).body).toEqual({});
  });
});
