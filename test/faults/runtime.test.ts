import { parse } from 'yaml';
import { describe, expect, test } from 'vitest';
import { silentLogger } from '../../src/log.js';
import type { CompiledProfile } from '../../src/model/types.js';
import type { Exchange, Outcome } from '../../src/pipeline/types.js';
import { ProfileError } from '../../src/profile/diagnostics.js';
import { decodeRequest } from '../../src/protocol/request.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { createEnvironment } from '../../src/runtime/environment.js';
import { loadDevice } from '../../src/runtime/load-device.js';
import { Runtime } from '../../src/runtime/runtime.js';
import { ManualTimer } from '../../src/runtime/timers.js';
import { CONNECTION, pdu, status } from './helpers.js';

const env = createEnvironment({ seed: 1, clock: new ManualClock(), timer: new ManualTimer(), logger: silentLogger });
const DEVICE = `
version: 1
points: { a: { type: uint16, address: 0, value: 5 } }
`;
async function compiled(yaml: string): Promise<CompiledProfile> {
  const r = await loadDevice(parse(yaml) as object, { env });
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.profile;
}
/** The runtime's current handler, as the server calls it. */
function send(runtime: Runtime, bytes = pdu.read(3, 0, 1)): { outcome: Outcome; fault: string | undefined } {
  const raw = Uint8Array.from(bytes);
  const x: Exchange = { transactionId: 1, unitId: 1, pdu: raw, request: decodeRequest(raw), connection: CONNECTION, fault: undefined };
  const server = (runtime as unknown as { server: { handler: (x: Exchange) => Outcome } }).server;
  return { outcome: server.handler(x), fault: x.fault };
}
const run = (runtime: Runtime, n: number) => Array.from({ length: n }, () => status(send(runtime).outcome));

describe('inject(rule) at run time', () => {
  test('adds a rule from the next request on; its remover takes it away (twice is harmless)', async () => {
    const runtime = new Runtime({ device: await compiled(DEVICE), env });
    expect(status(send(runtime).outcome)).toBe('ok');
    const remove = runtime.inject({ name: 'busy', match: { function: 3 }, when: { every: 2 }, do: { exception: 'serverDeviceBusy' } });
    expect(run(runtime, 4)).toEqual(['ok', 6, 'ok', 6]);
    expect(send(runtime).fault).toBeUndefined();
    expect(send(runtime).fault).toBe('busy');
    const other = runtime.inject({ name: 'other', match: { function: 4 }, do: { exception: 'serverDeviceFailure' } });
    remove();
    remove();
    expect(run(runtime, 3)).toEqual(['ok', 'ok', 'ok']);
    // The second call removed nothing else.
    expect((runtime.device as CompiledProfile).faults.names()).toEqual(['other']);
    other();
    expect((runtime.device as CompiledProfile).faults.names()).toEqual([]);
  });

  test("the device's own remover is idempotent too: a second call removes no other rule", async () => {
    const device = await compiled(DEVICE);
    const first = device.injectFault({ name: 'first', do: { noResponse: true } });
    device.injectFault({ name: 'second', do: { noResponse: true } });
    first();
    first();
    expect(device.faults.names()).toEqual(['second']);
  });

  test('a device without rules has no middleware in front of its router; injecting puts the rules in front, removing takes them out', async () => {
    const device = await compiled(DEVICE);
    const runtime = new Runtime({ device, env });
    const plain = device.handler;
    expect(device.middlewares).toEqual([]);
    const remove = runtime.inject({ name: 'x', do: { noResponse: true } });
    expect(device.middlewares).toHaveLength(1);
    expect(device.handler).not.toBe(plain);
    remove();
    expect(device.middlewares).toEqual([]);
    expect(device.handler).toBe(plain);
  });

  test('injected rules are tried before the profile rules', async () => {
    const runtime = new Runtime({ device: await compiled(`${DEVICE}\nfaults: [{ name: p, do: { exception: 4 } }]`), env });
    runtime.inject({ name: 'i1', when: { first: 1 }, do: { exception: 1 } });
    runtime.inject({ name: 'i2', when: { first: 1 }, do: { exception: 2 } });
    // i2 is not asked about the request i1 took: its first request is the second one.
    expect(run(runtime, 3)).toEqual([1, 2, 4]);
    expect((runtime.device as CompiledProfile).faults.names()).toEqual(['i1', 'i2', 'p']);
  });

  test('a rule the schema refuses is a ProfileError with paths; a name in use is an Error', async () => {
    const runtime = new Runtime({ device: await compiled(`${DEVICE}\nfaults: [{ name: p, do: { exception: 4 } }]`), env });
    let error: unknown;
    try {
      runtime.inject({ name: 'bad', when: { every: 0 }, do: {} });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProfileError);
    expect((error as ProfileError).diagnostics.map((d) => d.path)).toEqual(expect.arrayContaining(['faults[0].when.every', 'faults[0].do']));
    expect(() => runtime.inject({ name: 'p', do: { noResponse: true } })).toThrow(/named p exists already/);
    expect(() => runtime.inject({ name: 'q', match: { points: ['nope'] }, do: { noResponse: true } })).toThrow(ProfileError);
  });

  test('injected rules go on across a swap, keeping their counters', async () => {
    const runtime = new Runtime({ device: await compiled(DEVICE), env });
    runtime.inject({ name: 'i', when: { first: 2 }, do: { exception: 4 } });
    expect(run(runtime, 1)).toEqual([4]);
    runtime.swap(await compiled(DEVICE));
    expect(run(runtime, 2)).toEqual([4, 'ok']);
  });
});

describe('counters across a reload (hand-over by rule name) and reset', () => {
  const rule = (when: string, action = '{ exception: 4 }') => `${DEVICE}\nfaults: [{ name: r, match: { function: 3 }, when: ${when}, do: ${action} }]`;

  test('same name, match and trigger: the counters carry over, whatever the actions', async () => {
    const runtime = new Runtime({ device: await compiled(rule('{ every: 3 }')), env });
    expect(run(runtime, 2)).toEqual(['ok', 'ok']);
    const handOver = runtime.swap(await compiled(rule('{ every: 3 }', '{ exception: 6 }')));
    expect(handOver?.keptFaultRules).toEqual(['r']);
    expect(run(runtime, 3)).toEqual([6, 'ok', 'ok']);
  });

  test('each rule takes over the counters of the rule of its own name, wherever it stands in the list', async () => {
    const two = (first: string) => `${DEVICE}\nfaults:\n  - { name: ${first}, match: { function: 4 }, do: { exception: 1 } }\n  - { name: r, match: { function: 3 }, when: { every: 3 }, do: { exception: 4 } }`;
    const runtime = new Runtime({ device: await compiled(two('other')), env });
    expect(run(runtime, 2)).toEqual(['ok', 'ok']);
    expect(runtime.swap(await compiled(two('other')))?.keptFaultRules).toEqual(['other', 'r']);
    expect(run(runtime, 1)).toEqual([4]);
  });

  test('a changed trigger (or match) starts from zero', async () => {
    const runtime = new Runtime({ device: await compiled(rule('{ every: 3 }')), env });
    expect(run(runtime, 2)).toEqual(['ok', 'ok']);
    const handOver = runtime.swap(await compiled(rule('{ every: 3, first: 100 }')));
    expect(handOver?.keptFaultRules).toEqual([]);
    expect(run(runtime, 3)).toEqual(['ok', 'ok', 4]);
  });

  test('probability draws go on where they were (the draw index carries over)', async () => {
    const a = new Runtime({ device: await compiled(rule('{ probability: 0.5 }')), env });
    const straight = run(a, 20);
    const b = new Runtime({ device: await compiled(rule('{ probability: 0.5 }')), env });
    const first = run(b, 10);
    b.swap(await compiled(rule('{ probability: 0.5 }')));
    expect([...first, ...run(b, 10)]).toEqual(straight);
  });

  test('reset() clears every counter: the rule starts over', async () => {
    const runtime = new Runtime({ device: await compiled(rule('{ first: 1 }')), env });
    runtime.inject({ name: 'i', match: { function: 4 }, when: { first: 1 }, do: { exception: 1 } });
    expect(run(runtime, 2)).toEqual([4, 'ok']);
    expect(status(send(runtime, pdu.read(4, 0, 1)).outcome)).toBe(1);
    runtime.reset();
    expect(run(runtime, 2)).toEqual([4, 'ok']);
    expect(status(send(runtime, pdu.read(4, 0, 1)).outcome)).toBe(1);
  });
});

describe('rules(): each rule as it stands (what the control channel and the web view show)', () => {
  test('where it came from, its counters, and the tables and addresses its match reaches', async () => {
    const device = await compiled(`
version: 1
points: { a: { type: uint16, address: 0, value: 5 }, c: { type: bool, address: 4 } }
faults:
  - { name: all, when: { every: 2 }, do: { exception: 4 } }
  - { name: reads, match: { function: [3, 4, 43], address: { from: 2, to: 3 } }, do: { exception: 4 } }
  - { name: starts, match: { access: write, start: [5, 9] }, do: { exception: 4 } }
  - { name: point, match: { points: [c] }, do: { exception: 4 } }
`);
    const runtime = new Runtime({ device, env });
    runtime.inject({ name: 'i', match: { function: 6 }, do: { exception: 1 } });
    run(runtime, 3);
    expect(device.faults.rules()).toEqual([
      { name: 'i', injected: true, matched: 0, fired: 0, tables: ['holdingRegisters'], spans: null },
      { name: 'all', injected: false, matched: 3, fired: 1, tables: null, spans: null },
      { name: 'reads', injected: false, matched: 0, fired: 0, tables: ['holdingRegisters', 'inputRegisters'], spans: [{ from: 2, to: 3 }] },
      { name: 'starts', injected: false, matched: 0, fired: 0, tables: ['coils', 'holdingRegisters'], spans: [{ from: 5, to: 5 }, { from: 9, to: 9 }] },
      { name: 'point', injected: false, matched: 0, fired: 0, tables: null, spans: [{ table: 'coils', from: 4, to: 4 }] },
    ]);
  });
});
