import { describe, expect, test } from 'vitest';
import type { DeviceEvent } from '../../src/model/events.js';
import type { CompiledProfile } from '../../src/model/types.js';
import type { Outcome } from '../../src/pipeline/types.js';
import { compile, send } from '../compiler/helpers.js';
import { hex, toHex } from '../helpers/hex.js';

/**
 * FC 8 sub-functions over a compiled device (AP 6.8.1), as docs/protocol.md defines them over TCP:
 * counters per unit id, counted at the edge of the device (fault rules' replies included).
 */
const METER = `
  name: meter
  points:
    a: { type: uint16, address: 0, value: 7 }
  faults:
    - { name: busy, match: { address: 5 }, do: { exception: serverDeviceBusy } }
    - { name: nak, match: { address: 6 }, do: { exception: 7 } }
    - { name: mute, match: { address: 7 }, do: { noResponse: true } }
`;

let shared: CompiledProfile | undefined;
/** The meter as after its start: compiled once, then reset (reset() itself is tested below). */
function fresh(): CompiledProfile {
  shared ??= compile(METER);
  shared.events.listen(undefined);
  shared.reset();
  return shared;
}

const read = (address: number): string => `03 00 ${address.toString(16).padStart(2, '0')} 00 01`;
const fc8 = (sub: number, data = '00 00'): string => `08 00 ${sub.toString(16).padStart(2, '0')} ${data}`;

/** The reply PDU as hex, `exception XX`, or the outcome's kind. */
function show(o: Outcome): string {
  if (o.kind === 'response') return toHex(o.pdu);
  if (o.kind === 'exception') return `exception ${o.code.toString(16).padStart(2, '0')}`;
  return o.kind;
}
const ask = (device: CompiledProfile, pdu: string, unitId = 1): string => show(send(device, Array.from(hex(pdu)), unitId));

/** Unit 1: one normal reply, exceptions 02, 06 and 07, one request unanswered; unit 2: one request. */
function afterKnownSequence(): CompiledProfile {
  const device = fresh();
  expect([read(0), read(100), read(5), read(6), read(7)].map((p) => ask(device, p))).toEqual(['03 02 00 07', 'exception 02', 'exception 06', 'exception 07', 'silence']);
  expect(ask(device, read(0), 2)).toBe('03 02 00 07');
  return device;
}

describe('the counters after a known sequence (each query counts itself as a message)', () => {
  // Read in this order on one device: the two message counters first, as each query adds to them.
  const TABLE: [string, number, string][] = [
    ['0x0B bus messages: every request to the device, unit 2 included, and this one', 0x0b, '08 00 0b 00 07'],
    ['0x0E server messages: those to unit 1, the 0x0B query and this one', 0x0e, '08 00 0e 00 07'],
    ['0x0C bus communication errors: none over TCP', 0x0c, '08 00 0c 00 00'],
    ['0x0D bus exception errors: 02, 06 and 07', 0x0d, '08 00 0d 00 03'],
    ['0x0F server no response: the muted one', 0x0f, '08 00 0f 00 01'],
    ['0x10 server NAK: exception 07', 0x10, '08 00 10 00 01'],
    ['0x11 server busy: exception 06', 0x11, '08 00 11 00 01'],
    ['0x12 bus character overruns: none over TCP', 0x12, '08 00 12 00 00'],
    ['0x02 diagnostic register: 0', 0x02, '08 00 02 00 00'],
  ];
  test('FC 8/0x0B..0x12 and 0x02, hex', () => {
    const device = afterKnownSequence();
    expect(TABLE.map(([what, sub]) => [what, ask(device, fc8(sub))])).toEqual(TABLE.map(([what, , reply]) => [what, reply]));
  });

  test('the API reads the same counters, per unit id', () => {
    const device = afterKnownSequence();
    expect(device.diagnostics.counts(1)).toEqual({
      busMessages: 6, busCommunicationErrors: 0, busExceptionErrors: 3, serverMessages: 5, serverNoResponses: 1,
      serverNaks: 1, serverBusy: 1, busCharacterOverruns: 0, diagnosticRegister: 0, listenOnly: false,
    });
    expect(device.diagnostics.counts(2)).toMatchObject({ busMessages: 6, serverMessages: 1, busExceptionErrors: 0 });
  });
});

describe('clearing', () => {
  test('0x0A echoes and clears the counters of its unit id only', () => {
    const device = afterKnownSequence();
    expect(ask(device, fc8(0x0a))).toBe('08 00 0a 00 00');
    expect([0x0b, 0x0d, 0x0e, 0x0f, 0x11].map((sub) => ask(device, fc8(sub)))).toEqual(['08 00 0b 00 01', '08 00 0d 00 00', '08 00 0e 00 03', '08 00 0f 00 00', '08 00 11 00 00']);
    expect(device.diagnostics.counts(2)).toMatchObject({ busMessages: 12, serverMessages: 1 });
  });

  test('0x01 outside listen-only mode echoes (0x0000 and 0xFF00 alike) and restarts: counters cleared', () => {
    for (const data of ['00 00', 'ff 00']) {
      const device = afterKnownSequence();
      expect(ask(device, fc8(1, data))).toBe(`08 00 01 ${data}`);
      expect(ask(device, fc8(0x0d))).toBe('08 00 0d 00 00');
    }
  });

  test('a transport counts communication errors and overruns for every unit; 0x14 clears the overrun count and flag of its unit', () => {
    const device = fresh();
    device.diagnostics.countBusCommunicationError();
    device.diagnostics.countCharacterOverrun();
    expect([fc8(0x0c), fc8(0x12), fc8(0x02)].map((p) => ask(device, p, 3))).toEqual(['08 00 0c 00 01', '08 00 12 00 01', '08 00 02 00 01']);
    expect(ask(device, fc8(0x14), 3)).toBe('08 00 14 00 00');
    expect([fc8(0x12), fc8(0x02), fc8(0x0c)].map((p) => ask(device, p, 3))).toEqual(['08 00 12 00 00', '08 00 02 00 00', '08 00 0c 00 01']);
    expect(device.diagnostics.counts(4)).toMatchObject({ busCharacterOverruns: 1, diagnosticRegister: 1 });
  });

  test('counters wrap at 16 bits on the wire', () => {
    const device = fresh();
    for (let i = 0; i < 0x10000; i++) device.diagnostics.countBusCommunicationError();
    expect(ask(device, fc8(0x0c))).toBe('08 00 0c 00 00');
    expect(device.diagnostics.counts(1).busCommunicationErrors).toBe(0x10000);
  });
});

describe('listen-only mode', () => {
  test('0x04 is not answered; nothing is until 0x01, which is not answered either and clears the counters', () => {
    const device = fresh();
    const events: DeviceEvent[] = [];
    device.events.listen((e) => events.push(e));
    expect(ask(device, fc8(4))).toBe('silence');
    expect([read(0), '06 00 00 00 09', fc8(0, 'a5 37'), fc8(0x0b), '07'].map((p) => ask(device, p))).toEqual(['silence', 'silence', 'silence', 'silence', 'silence']);
    expect(device.unit(1)!.read('a')).toBe(7);
    expect(device.diagnostics.counts(1)).toMatchObject({ listenOnly: true, serverMessages: 6, serverNoResponses: 6 });
    expect(ask(device, read(0), 2)).toBe('03 02 00 07');
    expect(ask(device, fc8(1, 'ff 00'))).toBe('silence');
    expect(ask(device, read(0))).toBe('03 02 00 07');
    expect(ask(device, fc8(0x0e))).toBe('08 00 0e 00 02');
    expect(events.map((e) => [e.event, e.unitId, e.data])).toEqual([
      ['listenOnly', 1, { listenOnly: true, cause: 'request' }],
      ['listenOnly', 1, { listenOnly: false, cause: 'request' }],
    ]);
    expect(events[0]!.message).toBe('meter (unit 1): enters listen-only mode (FC 8)');
  });

  test('silence wins over fault rules and the gateway; units keep their own mode', () => {
    const device = compile(`${METER}\n  unitZero: broadcast\n`);
    expect(ask(device, fc8(4), 9)).toBe('silence');
    expect(device.diagnostics.listenOnlyUnits()).toEqual([9]);
    expect(ask(device, read(5), 9)).toBe('silence');
    expect(ask(device, read(5), 8)).toBe('exception 06');
    // A broadcast is a message to every unit, never answered.
    expect(ask(device, '06 00 00 00 03', 0)).toBe('silence');
    expect(device.diagnostics.counts(8)).toMatchObject({ serverMessages: 2, serverNoResponses: 1 });
  });

  test('a broadcast write is not carried out by a unit in listen-only mode', () => {
    const gateway = compile(`
      name: line
      unitZero: broadcast
      units:
        - { unitId: 1, name: one, points: { a: { type: uint16, address: 0, value: 7 } } }
        - { unitId: 2, name: two, points: { a: { type: uint16, address: 0, value: 7 } } }
    `);
    gateway.diagnostics.setListenOnly(2, true);
    expect(ask(gateway, '06 00 00 00 05', 0)).toBe('silence');
    expect([gateway.unit(1)!.read('a'), gateway.unit(2)!.read('a')]).toEqual([5, 7]);
  });

  test('reset() ends it and zeroes the counters; a recompiled device keeps it and goes on counting', () => {
    const device = afterKnownSequence();
    device.diagnostics.setListenOnly(1, true);
    const next = compile(METER);
    expect(next.takeOver(device).listenOnly).toEqual([1]);
    expect(ask(next, read(0))).toBe('silence');
    expect(next.diagnostics.counts(1)).toMatchObject({ listenOnly: true, serverMessages: 6, busExceptionErrors: 3 });
    next.reset();
    expect(next.diagnostics.counts(1)).toMatchObject({ listenOnly: false, serverMessages: 0, busMessages: 0, busExceptionErrors: 0 });
    expect(ask(next, read(0))).toBe('03 02 00 07');
  });
});

describe('a recompiled gateway: counters and listen-only go on only for the unit ids both versions serve', () => {
  const line = (...ids: number[]) =>
    compile(`
      name: line
      units:
${ids.map((id) => `        - { unitId: ${id}, name: u${id}, points: { a: { type: uint16, address: 0, value: 7 } } }`).join('\n')}
    `);

  test('a unit id the new version drops leaves listen-only mode with it; one it keeps stays in it', () => {
    const before = line(1, 2);
    before.diagnostics.setListenOnly(1, true);
    before.diagnostics.setListenOnly(2, true);
    const after = line(1, 3);
    expect(after.takeOver(before).listenOnly).toEqual([1]);
    expect([1, 2, 3].map((u) => after.diagnostics.isListenOnly(u))).toEqual([true, false, false]);
    expect(ask(after, read(0), 1)).toBe('silence');
    expect(ask(after, read(0), 3)).toBe('03 02 00 07');
  });

  test('a unit id new to the device counts from zero, even after a reload that went on counting', () => {
    const first = line(1);
    for (let i = 0; i < 3; i++) ask(first, read(0), 1);
    const second = line(1);
    second.takeOver(first);
    for (let i = 0; i < 2; i++) ask(second, read(0), 1);
    const third = line(1, 2);
    third.takeOver(second);
    expect([third.diagnostics.counts(1).serverMessages, third.diagnostics.counts(2).serverMessages]).toEqual([5, 0]);
    ask(third, read(0), 2);
    expect([third.diagnostics.counts(2).serverMessages, third.diagnostics.counts(2).busMessages]).toEqual([1, 1]);
  });
});

describe('requests the codec refuses', () => {
  test.each([
    ['an unknown sub-function is 01', '08 00 03 0a 00', '88 01'],
    ['a data field a sub-function does not take is 03', '08 00 0b 00 01', '88 03'],
    ['sub 1 with data other than 0000 / FF00 is 03', '08 00 01 12 34', '88 03'],
  ])('%s', (_what, request, reply) => {
    const device = fresh();
    const o = send(device, Array.from(hex(request)));
    expect(o.kind === 'exception' ? toHex(Uint8Array.of(0x88, o.code)) : show(o)).toBe(reply);
    expect(device.diagnostics.counts(1).busExceptionErrors).toBe(1);
  });
});

describe('counters of many unit ids (rows made as unit ids first appear)', () => {
  test('every unit id of a device that answers them all keeps its own count, in a seeded order, and across a recompile', () => {
    const device = compile(METER);
    // A seeded order of the 256 unit ids (LCG): rows are made in this order, the arrays grow as they fill.
    const ids = Array.from({ length: 256 }, (_, i) => i);
    let seed = 12345;
    for (let i = ids.length - 1; i > 0; i--) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const j = seed % (i + 1);
      [ids[i], ids[j]] = [ids[j]!, ids[i]!];
    }
    // Unit id u gets (u % 5) + 1 reads, interleaved: one read per unit per round.
    for (let round = 0; round < 5; round++) for (const u of ids) if (round <= u % 5) ask(device, read(0), u);
    const expected = (u: number): number => (u % 5) + 1;
    expect(ids.filter((u) => device.diagnostics.counts(u).serverMessages !== expected(u))).toEqual([]);
    expect(device.diagnostics.counts(200).busMessages).toBe(ids.reduce((n, u) => n + expected(u), 0));
    // Clearing one unit id leaves the others'; a recompiled device goes on with each.
    expect(ask(device, fc8(0x0a), 7)).toBe('08 00 0a 00 00');
    const next = compile(METER);
    next.takeOver(device);
    expect(next.diagnostics.counts(7).serverMessages).toBe(0);
    expect(next.diagnostics.counts(9).serverMessages).toBe(expected(9));
    expect(next.diagnostics.counts(255).serverMessages).toBe(expected(255));
  });
});
