import { describe, expect, it } from 'vitest';
import { controlled } from '../helpers/control.js';
import type { CompiledProfile } from '../../src/runtime/runtime.js';

/** The control channel reads every machine's state, forces one, and shows transitions in the journal. */
const PROFILE = {
  version: 1,
  name: 'valve',
  points: { command: { type: 'uint16', address: 0 }, state: { type: 'uint16', address: 1, generate: 'valve' } },
  machines: {
    valve: {
      initial: 'closed',
      states: { closed: {}, opening: {}, open: {} },
      transitions: [
        { from: 'closed', to: 'opening', write: 'command', when: 'value == 1' },
        { from: 'opening', to: 'open', after: 2 },
      ],
    },
  },
};

const control = () => controlled(PROFILE, 'valve');

const VALVE_STATES = ['closed', 'opening', 'open'];

describe('state machines on the control channel', () => {
  it('GET lists the machines; PUT forces one; the journal shows the transitions as events', async () => {
    const { runtime, clock, call } = await control();
    expect(await call('GET', '/devices/valve/machines')).toEqual({ status: 200, body: { machines: [{ name: 'valve', state: 'closed', value: 0, since: 0, states: VALVE_STATES }] } });
    (runtime.device as CompiledProfile).units[0]!.write('command', 1);
    clock.set(2500);
    expect((await call('GET', '/devices/valve/machines')).body).toEqual({ machines: [{ name: 'valve', state: 'open', value: 2, since: 2000, states: VALVE_STATES }] });
    expect(await call('PUT', '/devices/valve/machines/valve', { state: 'closed' })).toEqual({ status: 200, body: { name: 'valve', state: 'closed', value: 0, since: 2500, states: VALVE_STATES } });
    const events = (await call('GET', '/devices/valve/journal?kind=event')).body.records as { seq: number; time: number; kind: string; event: string; source: string; data: object }[];
    expect(events.map((e) => [e.seq, e.time, e.kind, e.event, e.source, e.data])).toEqual([
      [1, 0, 'event', 'transition', 'valve', { from: 'closed', to: 'opening', cause: 'write', trigger: 'write command when value == 1' }],
      [2, 2000, 'event', 'transition', 'valve', { from: 'opening', to: 'open', cause: 'after', trigger: 'after 2 s' }],
      [3, 2500, 'event', 'transition', 'valve', { from: 'open', to: 'closed', cause: 'force' }],
    ]);
    expect((await call('GET', '/devices/valve/journal')).body.records).toEqual([]); // requests only, by default
    expect(((await call('GET', '/devices/valve/journal?kind=all&since=2001')).body.records as unknown[]).length).toBe(1);
  });

  it('an unknown machine is 404, an unknown state 400, and neither changes anything', async () => {
    const { call } = await control();
    expect((await call('PUT', '/devices/valve/machines/pump', { state: 'open' })).status).toBe(404);
    const bad = await call('PUT', '/devices/valve/machines/valve', { state: 'ajar' });
    expect(bad).toMatchObject({ status: 400, body: { message: expect.stringMatching(/valve has no state ajar \(states: closed, opening, open\)/) } });
    expect((await call('GET', '/devices/valve/machines')).body).toMatchObject({ machines: [{ state: 'closed' }] });
  });
});
