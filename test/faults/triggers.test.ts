import { describe, expect, test } from 'vitest';
import { seededRandom } from '../../src/runtime/random.js';
import { faultBench, fired, pdu, status, type ConnectionInfo } from './helpers.js';

const DEVICE = `
version: 1
points:
  a: { type: uint16, address: 0, value: 1 }
  b: { type: uint16, address: 10, value: 2 }
`;
const rule = (when: string, match = '{ function: 3 }') => `${DEVICE}
faults:
  - name: r
    match: ${match}
    when: ${when}
    do: { exception: 6 }
`;

const read = pdu.read(3, 0, 1);
const times = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));

describe('triggers: exactly which matching request fires', () => {
  test('always (no when): every matching request; others pass', async () => {
    const b = await faultBench(`${DEVICE}\nfaults: [{ name: r, match: { function: 3 }, do: { exception: 6 } }]`);
    expect(status(b.send(read).now)).toBe(6);
    expect(status(b.send(pdu.read(4, 0, 1)).now)).toBe(2); // FC 4 is not matched: the device's own answer
  });

  test('every: 3 fires on the 3rd, 6th, 9th matching request', async () => {
    const b = await faultBench(rule('{ every: 3 }'));
    expect(times(9, () => status(b.send(read).now))).toEqual(['ok', 'ok', 6, 'ok', 'ok', 6, 'ok', 'ok', 6]);
  });

  test('first: 2 fires on the first two only; after: 2 on every one after the first two', async () => {
    const first = await faultBench(rule('{ first: 2 }'));
    expect(times(4, () => status(first.send(read).now))).toEqual([6, 6, 'ok', 'ok']);
    const after = await faultBench(rule('{ after: 2 }'));
    expect(times(4, () => status(after.send(read).now))).toEqual(['ok', 'ok', 6, 6]);
  });

  test('requests the rule does not match do not count', async () => {
    const b = await faultBench(rule('{ every: 2 }'));
    const out = [b.send(read), b.send(pdu.read(4, 0, 1)), b.send(read)].map((s) => s.exchange.fault);
    expect(out).toEqual([undefined, undefined, 'r']);
  });

  test('count: connection counts first/every/after per client connection', async () => {
    const b = await faultBench(rule('{ first: 1, count: connection }'));
    const c1: ConnectionInfo = { id: 1, remoteAddress: '', remotePort: 1 };
    const c2: ConnectionInfo = { id: 2, remoteAddress: '', remotePort: 2 };
    const out = [c1, c1, c2, c2, c1].map((connection) => status(b.send(read, { connection }).now));
    expect(out).toEqual([6, 'ok', 6, 'ok', 'ok']);
  });

  test("without count: connection, every/first/after count the rule's matching requests from all connections together", async () => {
    const b = await faultBench(rule('{ every: 2 }'));
    const c1: ConnectionInfo = { id: 1, remoteAddress: '', remotePort: 1 };
    const c2: ConnectionInfo = { id: 2, remoteAddress: '', remotePort: 2 };
    expect([c1, c2, c1, c2].map((connection) => status(b.send(read, { connection }).now))).toEqual(['ok', 6, 'ok', 6]);
  });

  test('count: connection applies to every and after too', async () => {
    const every = await faultBench(rule('{ every: 2, count: connection }'));
    const after = await faultBench(rule('{ after: 1, count: connection }'));
    const c1: ConnectionInfo = { id: 1, remoteAddress: '', remotePort: 1 };
    const c2: ConnectionInfo = { id: 2, remoteAddress: '', remotePort: 2 };
    const order = [c1, c2, c2, c1, c1];
    expect(order.map((connection) => status(every.send(read, { connection }).now))).toEqual(['ok', 'ok', 6, 6, 'ok']);
    expect(order.map((connection) => status(after.send(read, { connection }).now))).toEqual(['ok', 'ok', 6, 6, 6]);
  });

  test('probability: request k fires when draw k of the stream named after the rule is below p', async () => {
    const b = await faultBench(rule('{ probability: 0.3 }'));
    const random = seededRandom(1);
    const expected = times(40, (k) => (random.at('r', k) < 0.3 ? 6 : 'ok'));
    expect(times(40, () => status(b.send(read).now))).toEqual(expected);
    expect(expected.filter((s) => s === 6).length).toBeGreaterThan(3);
    expect(expected.filter((s) => s === 'ok').length).toBeGreaterThan(3);
  });

  test('probability: the same seed gives the same requests, another seed others', async () => {
    const run = async (seed: number) => {
      const b = await faultBench(rule('{ probability: 0.5 }'), seed);
      return times(32, () => status(b.send(read).now)).join();
    };
    expect(await run(7)).toBe(await run(7));
    expect(await run(7)).not.toBe(await run(8));
  });

  test('window: active from `after` for `for`, again every `every`, on the emulator clock', async () => {
    const b = await faultBench(rule('{ window: { after: 5s, for: 5s, every: 30s } }'));
    const at = (ms: number) => {
      b.clock.set(ms);
      return status(b.send(read).now);
    };
    expect([at(0), at(4_999), at(5_000), at(9_999), at(10_000), at(34_999), at(35_000), at(39_999), at(40_000)]).toEqual(['ok', 'ok', 6, 6, 'ok', 'ok', 6, 6, 'ok']);
  });

  test('window without every is once; without for is for ever', async () => {
    const once = await faultBench(rule('{ window: { after: 1s, for: 1s } }'));
    const forever = await faultBench(rule('{ window: { after: 1s } }'));
    const at = (b: typeof once, ms: number) => (b.clock.set(ms), status(b.send(read).now));
    expect([at(once, 500), at(once, 1000), at(once, 2000), at(once, 31_000)]).toEqual(['ok', 6, 'ok', 'ok']);
    expect([at(forever, 500), at(forever, 1000), at(forever, 100_000)]).toEqual(['ok', 6, 6]);
  });

  test('inFlightAbove: 1 fires only while another request is still in flight', async () => {
    const b = await faultBench(`${DEVICE}
responseDelay: 100ms
faults: [{ name: busy, match: { function: 3 }, when: { inFlightAbove: 1 }, do: { exception: serverDeviceBusy } }]
`);
    const first = b.send(read); // delayed 100 ms by the device: in flight
    expect(first.exchange.fault).toBeUndefined();
    expect(status(b.send(read).now)).toBe(6); // 2 in flight with this one
    b.timer.advance(100);
    expect(status(await first.outcome)).toBe('ok');
    const third = b.send(read); // alone again: delayed, not refused
    expect(third.outcome).toBeInstanceOf(Promise);
    expect(third.exchange.fault).toBeUndefined();
  });

  test('conditions combine: every 2nd matching request inside the window', async () => {
    const b = await faultBench(rule('{ every: 2, window: { after: 1s } }'));
    const out = times(4, () => b.send(read).exchange.fault);
    b.clock.set(1000);
    out.push(...times(4, () => b.send(read).exchange.fault));
    // Counting goes on outside the window: requests 6 and 8 fire.
    expect(out).toEqual([undefined, undefined, undefined, undefined, undefined, 'r', undefined, 'r']);
  });

  test('reset() clears the counters: first N starts over', async () => {
    const b = await faultBench(rule('{ first: 1 }'));
    expect([status(b.send(read).now), status(b.send(read).now)]).toEqual([6, 'ok']);
    b.device.faults.reset();
    expect([status(b.send(read).now), status(b.send(read).now)]).toEqual([6, 'ok']);
  });
});

describe('order: the first rule that fires wins', () => {
  test('a rule that does not fire lets the next one try; one that fires stops the others', async () => {
    const b = await faultBench(`${DEVICE}
faults:
  - { name: odd, match: { function: 3 }, when: { every: 2 }, do: { exception: 4 } }
  - { name: all, match: { function: 3 }, do: { exception: 6 } }
`);
    const sent = times(4, () => b.send(read));
    expect(sent.map((s) => status(s.now))).toEqual([6, 4, 6, 4]);
    expect(fired(sent)).toEqual(['all', 'odd', 'all', 'odd']);
  });

  test("a unit's rules come before its template's, which come before the profile's", async () => {
    const b = await faultBench(`
version: 1
faults: [{ name: profile, do: { exception: 1 } }]
templates:
  t:
    points: { a: { type: uint16, address: 0 } }
    faults: [{ name: template, match: { address: 0 }, do: { exception: 2 } }]
units:
  - unitId: 1
    use: t
    faults: [{ name: unit, match: { quantity: 2 }, do: { exception: 3 } }]
  - unitId: 2
    use: t
`);
    expect(fired([b.send(pdu.read(3, 0, 2)), b.send(pdu.read(3, 0, 1)), b.send(pdu.read(3, 5, 1)), b.send(pdu.read(3, 0, 2), { unitId: 2 })])).toEqual(['unit', 'template', 'profile', 'template']);
  });
});
