import { describe, expect, test } from 'vitest';
import { seededRandom } from '../../src/runtime/random.js';
import type { Outcome } from '../../src/pipeline/types.js';
import { HELD_BACK } from '../../src/pipeline/compose.js';
import { rtuOverTcpFraming } from '../../src/protocol/rtu.js';
import { toHex } from '../helpers/hex.js';
import { CONNECTION, faultBench, pdu, registers, settle, settledAfter, status } from './helpers.js';

const DEVICE = `
version: 1
points:
  a: { type: uint16, address: 0, value: 0x1111 }
  b: { type: uint16, address: 1, value: 0x2222 }
  c: { type: uint16, address: 2, value: 0x3333 }
  coil: { type: bool, address: 0, value: true }
`;
const withRule = (action: string, extra = '') => `${DEVICE}\nfaults: [{ name: r, match: { function: [3, 6, 1] }${extra}, do: ${action} }]`;
const read3 = pdu.read(3, 0, 3);
/** The bytes of a wire outcome, piece by piece. */
const pieces = (o: Outcome) => (o.kind === 'wire' ? o.chunks.map((c) => [toHex(c.bytes), c.delayMs]) : o.kind);

describe('exception', () => {
  test.each([
    ['illegalFunction', 1], ['illegalDataAddress', 2], ['illegalDataValue', 3], ['serverDeviceFailure', 4], ['acknowledge', 5],
    ['serverDeviceBusy', 6], ['memoryParityError', 8], ['gatewayPathUnavailable', 0x0a], ['gatewayTargetFailedToRespond', 0x0b], ['0x99', 0x99], ['255', 255], ['1', 1],
  ])('exception: %s answers code %i, on a request that would succeed', async (name, code) => {
    const b = await faultBench(withRule(`{ exception: ${name} }`));
    expect(b.send(read3).now).toEqual({ kind: 'exception', code });
  });

  test('the request is not carried out: a write under an exception rule changes nothing', async () => {
    const b = await faultBench(withRule('{ exception: 4 }'));
    expect(status(b.send(pdu.writeRegister(0, 7)).now)).toBe(4);
    expect(b.device.units[0]!.read('a')).toBe(0x1111);
  });
});

describe('no response and close', () => {
  test('noResponse: silence, and a write is not carried out', async () => {
    const b = await faultBench(withRule('{ noResponse: true }'));
    expect(b.send(pdu.writeRegister(0, 7)).now).toEqual({ kind: 'silence' });
    expect(b.device.units[0]!.read('a')).toBe(0x1111);
  });

  test.each([['fin', 'end'], ['rst', 'reset']])('close: %s closes with %s', async (how, expected) => {
    const b = await faultBench(withRule(`{ close: ${how} }`));
    expect(b.send(read3).now).toEqual({ kind: 'close', how: expected });
  });
});

describe('delay (wire timer, not the emulator clock)', () => {
  test('a fixed delay answers after exactly that long on the wire timer', async () => {
    const b = await faultBench(withRule('{ delay: 250ms }'));
    const sent = b.send(read3);
    expect(sent.exchange.fault).toBe('r');
    expect(await settledAfter(b, sent.outcome as Promise<Outcome>, 249)).toBe(false);
    expect(await settledAfter(b, sent.outcome as Promise<Outcome>, 1)).toBe(true);
    expect(registers(await sent.outcome)).toEqual([0x1111, 0x2222, 0x3333]);
  });

  test('moving the emulator clock does not end a delay', async () => {
    const b = await faultBench(withRule('{ delay: 1s }'));
    const sent = b.send(read3);
    b.clock.advance(60_000);
    expect(await settledAfter(b, sent.outcome as Promise<Outcome>, 0)).toBe(false);
  });

  test('a delayed write is carried out when the delay ends, not before', async () => {
    const b = await faultBench(withRule('{ delay: 100 }'));
    const sent = b.send(pdu.writeRegister(0, 7));
    expect(b.device.units[0]!.read('a')).toBe(0x1111);
    await settle(b, sent.outcome, 100);
    expect(b.device.units[0]!.read('a')).toBe(7);
  });

  test.each([
    ['uniform', '{ uniform: [50ms, 200ms] }', (u: number[]) => Math.round(50 + 150 * u[0]!)],
    ['normal', '{ normal: { mean: 100ms, sd: 20ms } }', (u: number[]) => Math.max(0, Math.round(100 + 20 * Math.sqrt(-2 * Math.log(1 - u[0]!)) * Math.cos(2 * Math.PI * u[1]!)))],
    ['logNormal', '{ logNormal: { median: 100ms, sigma: 0.5 } }', (u: number[]) => Math.round(100 * Math.exp(0.5 * Math.sqrt(-2 * Math.log(1 - u[0]!)) * Math.cos(2 * Math.PI * u[1]!)))],
  ])('%s jitter: firing k waits what draws 2k and 2k+1 of stream <rule>/delay say', async (_name, spec, expected) => {
    const b = await faultBench(withRule(`{ delay: ${spec} }`));
    const random = seededRandom(1);
    for (let k = 0; k < 5; k++) {
      const ms = expected([random.at('r/delay', 2 * k), random.at('r/delay', 2 * k + 1)]);
      const sent = b.send(read3);
      if (ms > 0) expect(await settledAfter(b, sent.outcome as Promise<Outcome>, ms - 1)).toBe(false);
      expect(await settledAfter(b, sent.outcome as Promise<Outcome>, 1)).toBe(true);
    }
  });

  test('a connection that closes during a delay cancels its timer: the exchange never settles; one that waits it out leaves no close listener behind', async () => {
    const b = await faultBench(withRule('{ delay: 1s }'));
    const listeners = new Set<() => void>();
    const connection = { ...CONNECTION, onClose: (fn: () => void) => (listeners.add(fn), () => void listeners.delete(fn)) };
    const served = b.send(read3, { connection });
    expect(listeners.size).toBe(1);
    expect(await settledAfter(b, served.outcome as Promise<Outcome>, 1000)).toBe(true);
    expect(listeners.size).toBe(0);
    const cut = b.send(read3, { connection });
    b.timer.advance(500);
    for (const fn of [...listeners]) fn();
    expect(b.timer.size).toBe(0);
    expect(await settledAfter(b, cut.outcome as Promise<Outcome>, 1000)).toBe(false);
  });

  test('delay then exception: both actions of one rule, in order', async () => {
    const b = await faultBench(withRule('[{ delay: 1s }, { exception: gatewayTargetFailedToRespond }]'));
    const sent = b.send(read3);
    expect(await settledAfter(b, sent.outcome as Promise<Outcome>, 999)).toBe(false);
    expect(status(await settle(b, sent.outcome, 1))).toBe(0x0b);
  });
});

describe('responseDelay and the gateway', () => {
  test('profile-wide, template and unit delays: the most specific wins', async () => {
    const b = await faultBench(`
version: 1
responseDelay: 10ms
templates:
  slow: { responseDelay: 50ms, points: { a: { type: uint16, address: 0 } } }
units:
  - { unitId: 1, use: slow }
  - { unitId: 2, use: slow, responseDelay: 200ms }
  - { unitId: 3, points: { a: { type: uint16, address: 0 } } }
`);
    for (const [unitId, ms] of [[1, 50], [2, 200], [3, 10]] as const) {
      const sent = b.send(pdu.read(3, 0, 1), { unitId });
      expect(await settledAfter(b, sent.outcome as Promise<Outcome>, ms - 1)).toBe(false);
      expect(await settledAfter(b, sent.outcome as Promise<Outcome>, 1)).toBe(true);
    }
  });

  test("jitter: unit u's k-th request waits draw k of stream responseDelay/<u>, a gateway answer draw k of respond/<u>; a unit without a delay answers at once", async () => {
    const b = await faultBench(`
version: 1
units:
  - { unitId: 1, responseDelay: { uniform: [50ms, 200ms] }, points: { a: { type: uint16, address: 0 } } }
  - { unitId: 2, points: { a: { type: uint16, address: 0 } } }
  - { unitId: 3, responseDelay: { uniform: [50ms, 200ms] }, points: { a: { type: uint16, address: 0 } } }
  - { unitId: 4, respond: { answer: gatewayTargetFailedToRespond, delay: { uniform: [50ms, 200ms] } } }
`);
    const random = seededRandom(1);
    const wait = (stream: string, k: number) => Math.round(50 + 150 * random.at(stream, 2 * k));
    const waits: number[] = [];
    // Units 1, 3 and 4 interleaved: each counts its own draws.
    for (const [unitId, stream, k] of [[1, 'responseDelay/1', 0], [3, 'responseDelay/3', 0], [1, 'responseDelay/1', 1], [4, 'respond/4', 0], [4, 'respond/4', 1], [1, 'responseDelay/1', 2]] as const) {
      const ms = wait(stream, k);
      waits.push(ms);
      const sent = b.send(pdu.read(3, 0, 1), { unitId });
      expect(await settledAfter(b, sent.outcome as Promise<Outcome>, ms - 1)).toBe(false);
      expect(status(await settle(b, sent.outcome, 1))).toBe(unitId === 4 ? 0x0b : 'ok');
      expect(status(b.send(pdu.read(3, 0, 1), { unitId: 2 }).now)).toBe('ok');
    }
    expect(new Set(waits).size).toBe(waits.length); // the draws differ: a wrong index would show
  });

  test('respond: { answer, delay } answers 0x0B only after the delay; unknownUnits too', async () => {
    const b = await faultBench(`
version: 1
units:
  - { unitId: 1, points: { a: { type: uint16, address: 0 } } }
  - { unitId: 2, respond: { answer: gatewayTargetFailedToRespond, delay: 1500ms } }
unknownUnits: { answer: silence, delay: 3s }
`);
    const two = b.send(pdu.read(3, 0, 1), { unitId: 2 });
    expect(await settledAfter(b, two.outcome as Promise<Outcome>, 1499)).toBe(false);
    expect(status(await settle(b, two.outcome, 1))).toBe(0x0b);
    const other = b.send(pdu.read(3, 0, 1), { unitId: 7 });
    expect(await settledAfter(b, other.outcome as Promise<Outcome>, 2999)).toBe(false);
    expect(status(await settle(b, other.outcome, 1))).toBe('silence');
    expect(status(b.send(pdu.read(3, 0, 1), { unitId: 1 }).now)).toBe('ok');
  });

  test('a unit unreachable for 5 s every 30 s: delay then 0x0B inside the window only', async () => {
    const b = await faultBench(`
version: 1
units:
  - { unitId: 1, points: { a: { type: uint16, address: 0 } } }
  - { unitId: 2, points: { a: { type: uint16, address: 0 } } }
faults:
  - name: unit2-offline
    match: { unitId: 2 }
    when: { window: { after: 25s, for: 5s, every: 30s } }
    do: [{ delay: 1s }, { exception: gatewayTargetFailedToRespond }]
`);
    expect(status(b.send(pdu.read(3, 0, 1), { unitId: 2 }).now)).toBe('ok');
    b.clock.set(26_000);
    expect(status(b.send(pdu.read(3, 0, 1), { unitId: 1 }).now)).toBe('ok');
    expect(status(await settle(b, b.send(pdu.read(3, 0, 1), { unitId: 2 }).outcome, 1000))).toBe(0x0b);
    b.clock.set(30_000);
    expect(status(b.send(pdu.read(3, 0, 1), { unitId: 2 }).now)).toBe('ok');
  });
});

describe('fragment', () => {
  test('size 1: the reply ADU byte by byte, each byte after the gap', async () => {
    const b = await faultBench(withRule('{ fragment: { size: 1, gap: 5ms } }'));
    const o = b.send(pdu.read(3, 0, 1), { transactionId: 0x0102 }).now;
    expect(pieces(o)).toEqual(['01', '02', '00', '00', '00', '05', '01', '03', '02', '11', '11'].map((h) => [h, 5]));
  });

  test('pieces: chosen sizes, the rest last; an exception reply is cut too', async () => {
    const b = await faultBench(withRule('{ fragment: { pieces: [3, 4], gap: 20ms } }'));
    expect(pieces(b.send(pdu.read(3, 0, 1)).now)).toEqual([['00 01 00', 20], ['00 00 05 01', 20], ['03 02 11 11', 20]]);
    expect(pieces(b.send(pdu.read(3, 100, 1)).now)).toEqual([['00 01 00', 20], ['00 00 03 01', 20], ['83 02', 20]]);
  });
});

describe('malformed (built from the normal reply)', () => {
  // The normal reply to a read of 3 registers at 0, transaction id 0x0102, unit 1.
  const NORMAL = '01 02 00 00 00 09 01 03 06 11 11 22 22 33 33';
  test.each([
    ['wrongTransactionId', '01 03 00 00 00 09 01 03 06 11 11 22 22 33 33'],
    ['{ transactionId: 0 }', '00 00 00 00 00 09 01 03 06 11 11 22 22 33 33'],
    ['wrongUnitId', '01 02 00 00 00 09 02 03 06 11 11 22 22 33 33'],
    ['{ unitId: 247 }', '01 02 00 00 00 09 f7 03 06 11 11 22 22 33 33'],
    ['wrongFunctionCode', '01 02 00 00 00 09 01 04 06 11 11 22 22 33 33'],
    ['{ functionCode: 0x83 }', '01 02 00 00 00 09 01 83 06 11 11 22 22 33 33'],
    ['truncated', '01 02 00 00 00 09 01 03 06 11 11'],
    ['{ truncate: 1 }', '01 02 00 00 00 09 01 03 06 11 11 22 22 33'],
    ['fewerRegisters', '01 02 00 00 00 07 01 03 04 11 11 22 22'],
    ['{ fewerRegisters: 2 }', '01 02 00 00 00 05 01 03 02 11 11'],
    ['wrongByteCount', '01 02 00 00 00 09 01 03 07 11 11 22 22 33 33'],
    ['{ byteCount: 2 }', '01 02 00 00 00 09 01 03 02 11 11 22 22 33 33'],
    ['wrongLength', '01 02 00 00 00 0a 01 03 06 11 11 22 22 33 33'],
    ['{ length: 3 }', '01 02 00 00 00 03 01 03 06 11 11 22 22 33 33'],
  ])('%s', async (kind, expected) => {
    const b = await faultBench(withRule(`{ malformed: ${kind} }`));
    expect(pieces(b.send(read3, { transactionId: 0x0102 }).now)).toEqual([[expected, 0]]);
    expect(NORMAL).not.toBe(expected);
  });

  test('duplicate: the reply twice', async () => {
    const b = await faultBench(withRule('{ malformed: duplicate }'));
    expect(pieces(b.send(read3, { transactionId: 0x0102 }).now)).toEqual([[NORMAL, 0], [NORMAL, 0]]);
  });

  test('garbage: as many random bytes as the reply, from stream <rule>/garbage; { garbage: n } n of them', async () => {
    const random = seededRandom(1);
    const expected = (firing: number, n: number) => toHex(Uint8Array.from({ length: n }, (_, i) => Math.floor(random.at('r/garbage', firing * 260 + i) * 256)));
    const b = await faultBench(withRule('{ malformed: garbage }'));
    expect(pieces(b.send(read3).now)).toEqual([[expected(0, 15), 0]]);
    expect(pieces(b.send(read3).now)).toEqual([[expected(1, 15), 0]]);
    const c = await faultBench(withRule('{ malformed: { garbage: 4 } }'));
    expect(pieces(c.send(read3).now)).toEqual([[expected(0, 4), 0]]);
  });

  test('an exception reply is corrupted too; fewerRegisters leaves a write echo alone', async () => {
    const b = await faultBench(withRule('{ malformed: wrongFunctionCode }'));
    expect(pieces(b.send(pdu.read(3, 100, 1), { transactionId: 1 }).now)).toEqual([['00 01 00 00 00 03 01 84 02', 0]]);
    const c = await faultBench(withRule('{ malformed: fewerRegisters }'));
    expect(pieces(c.send(pdu.writeRegister(0, 5), { transactionId: 1 }).now)).toEqual([['00 01 00 00 00 06 01 06 00 00 00 05', 0]]);
  });
});

describe('malformed fewerRegisters on coil and discrete-input reads: whole bytes of bits, not words', () => {
  // Ten bits read as two bytes, 0d 03 (bits 0, 2, 3, 8 and 9 set); dropping a "register" there
  // drops one byte, byte count and MBAP length following.
  const BITS = [true, false, true, true, false, false, false, false, true, true];
  const bitPoints = (table: string) => BITS.map((v, i) => `  ${table[0]}${i}: { type: bool, table: ${table}, address: ${i}, value: ${v} }`).join('\n');
  const device = (table: string, kind: string) => `version: 1\npoints:\n${bitPoints(table)}\nfaults: [{ name: r, match: { function: [1, 2] }, do: { malformed: ${kind} } }]`;

  test.each([
    ['coil', 1, 'fewerRegisters', '01 02 00 00 00 04 01 01 01 0d'],
    ['coil', 1, '{ fewerRegisters: 2 }', '01 02 00 00 00 03 01 01 00'],
    ['coil', 1, '{ fewerRegisters: 9 }', '01 02 00 00 00 03 01 01 00'], // never more than the data
    ['discreteInput', 2, 'fewerRegisters', '01 02 00 00 00 04 01 02 01 0d'],
    ['discreteInput', 2, '{ fewerRegisters: 2 }', '01 02 00 00 00 03 01 02 00'],
  ] as const)('%s (FC %i), %s', async (table, fc, kind, expected) => {
    const b = await faultBench(device(table, kind));
    expect(pieces(b.send(pdu.read(fc, 0, 10), { transactionId: 0x0102 }).now)).toEqual([[expected, 0]]);
  });

  test('the same device without the rule answers the two bytes', async () => {
    const b = await faultBench(`version: 1\npoints:\n${bitPoints('coil')}\n`);
    const o = b.send(pdu.read(1, 0, 10)).now;
    expect(o.kind === 'response' && toHex(o.pdu)).toBe('01 02 0d 03');
  });
});

describe('stale', () => {
  test('true: reads show the values of the moment the rule started firing; writes still land', async () => {
    const b = await faultBench(`${DEVICE}\nfaults: [{ name: r, match: { function: 3 }, when: { window: { after: 10s, for: 10s } }, do: { stale: true } }]`);
    const unit = b.device.units[0]!;
    b.clock.set(10_000);
    expect(registers(b.send(read3).now)).toEqual([0x1111, 0x2222, 0x3333]);
    unit.write('a', 5);
    expect(status(b.send(pdu.writeRegister(1, 6)).now)).toBe('ok');
    expect(registers(b.send(read3).now)).toEqual([0x1111, 0x2222, 0x3333]);
    b.clock.set(20_000); // the window is over: live values
    expect(registers(b.send(read3).now)).toEqual([5, 6, 0x3333]);
  });

  test('true on a rule matching an address range freezes that range only, not the rest of a read overlapping it', async () => {
    const b = await faultBench(`${DEVICE}\nfaults: [{ name: r, match: { function: 3, address: { from: 1, to: 2 } }, do: { stale: true } }]`);
    const unit = b.device.units[0]!;
    expect(registers(b.send(read3).now)).toEqual([0x1111, 0x2222, 0x3333]);
    unit.write('a', 1);
    unit.write('b', 2);
    expect(registers(b.send(read3).now)).toEqual([1, 0x2222, 0x3333]);
  });

  test('points: only those freeze; bits freeze in FC 1 replies', async () => {
    const b = await faultBench(`${DEVICE}\nfaults: [{ name: r, match: { function: [3, 1] }, when: { after: 1 }, do: { stale: { points: [b, coil] } } }]`);
    const unit = b.device.units[0]!;
    expect(registers(b.send(read3).now)).toEqual([0x1111, 0x2222, 0x3333]); // before the rule fires
    unit.write('a', 1);
    unit.write('b', 2);
    unit.write('coil', false);
    expect(registers(b.send(read3).now)).toEqual([1, 2, 0x3333]); // first firing: snapshot now
    unit.write('b', 3);
    unit.write('coil', true);
    expect(registers(b.send(read3).now)).toEqual([1, 2, 0x3333]);
    const coil = b.send(pdu.read(1, 0, 1)).now;
    expect(coil.kind === 'response' && coil.pdu[2]).toBe(1); // coils: the first read of the table is its snapshot
  });

  test('each opening of a window is a new activation, with a fresh snapshot, though nothing was asked in between', async () => {
    // Open 10-15 s, 40-45 s, 70-75 s: no request falls between the first two windows.
    const b = await faultBench(`${DEVICE}\nfaults: [{ name: r, match: { function: 3 }, when: { window: { after: 10s, for: 5s, every: 30s } }, do: { stale: true } }]`);
    const unit = b.device.units[0]!;
    b.clock.set(11_000);
    expect(registers(b.send(read3).now)).toEqual([0x1111, 0x2222, 0x3333]);
    unit.write('a', 1);
    expect(registers(b.send(read3).now)).toEqual([0x1111, 0x2222, 0x3333]); // frozen in the first window
    b.clock.set(41_000);
    expect(registers(b.send(read3).now)).toEqual([1, 0x2222, 0x3333]); // the second window's own snapshot
    unit.write('a', 2);
    expect(registers(b.send(read3).now)).toEqual([1, 0x2222, 0x3333]);
    b.clock.set(50_000);
    expect(registers(b.send(read3).now)).toEqual([2, 0x2222, 0x3333]); // between windows: live
    unit.write('a', 3);
    b.clock.set(71_000);
    expect(registers(b.send(read3).now)).toEqual([3, 0x2222, 0x3333]);
  });

  test("reset() of the rules' counters starts a new activation: the next read takes a fresh snapshot", async () => {
    const b = await faultBench(`${DEVICE}\nfaults: [{ name: r, match: { function: 3 }, do: { stale: true } }]`);
    const unit = b.device.units[0]!;
    unit.write('a', 5);
    expect(registers(b.send(read3).now)).toEqual([5, 0x2222, 0x3333]);
    unit.write('a', 6);
    expect(registers(b.send(read3).now)).toEqual([5, 0x2222, 0x3333]);
    b.device.faults.reset();
    expect(registers(b.send(read3).now)).toEqual([6, 0x2222, 0x3333]);
  });

  test('windows that follow each other without a gap (for = every) are still one activation each', async () => {
    const b = await faultBench(`${DEVICE}\nfaults: [{ name: r, match: { function: 3 }, when: { window: { after: 0, for: 10s, every: 10s } }, do: { stale: { points: [a] } } }]`);
    const unit = b.device.units[0]!;
    b.clock.set(1000);
    expect(registers(b.send(read3).now)).toEqual([0x1111, 0x2222, 0x3333]);
    unit.write('a', 7);
    b.clock.set(9999);
    expect(registers(b.send(read3).now)).toEqual([0x1111, 0x2222, 0x3333]);
    b.clock.set(10_000); // the next window: the rule fires on, from a new snapshot
    expect(registers(b.send(read3).now)).toEqual([7, 0x2222, 0x3333]);
  });
});

describe('outOfOrder, in process (a connection that can send late, MBAP framing)', () => {
  /** The transaction ids of the reply frames in `bytes` (11-byte replies to a one-register read). */
  const tids = (bytes: Uint8Array) => Array.from({ length: bytes.length / 11 }, (_, k) => (bytes[11 * k]! << 8) | bytes[11 * k + 1]!);
  const withLate = (late: Uint8Array[]) => ({ ...CONNECTION, sendLate: (b: Uint8Array) => void late.push(b) });
  /** Sends reads with transaction ids from..to; the tids of each wire outcome, 'held' for held-back replies. */
  const sendAll = (b: Awaited<ReturnType<typeof faultBench>>, from: number, to: number, connection = withLate([])) => {
    const out: (number[] | string)[] = [];
    for (let t = from; t <= to; t++) {
      const o = b.send(pdu.read(3, 0, 1), { transactionId: t, connection }).now;
      out.push(o.kind === 'wire' ? tids(o.chunks[0]!.bytes) : o === HELD_BACK ? 'held' : o.kind);
    }
    return out;
  };

  test('true: pairs reversed; a window of 3 reversed by threes', async () => {
    expect(sendAll(await faultBench(withRule('{ outOfOrder: true }')), 1, 4)).toEqual(['held', [2, 1], 'held', [4, 3]]);
    expect(sendAll(await faultBench(withRule('{ outOfOrder: { window: 3 } }')), 1, 3)).toEqual(['held', 'held', [3, 2, 1]]);
  });

  test('shuffle: each window a seeded permutation, never the request order, not always the reverse, the same for the same seed', async () => {
    const windows = async (seed: number) => sendAll(await faultBench(withRule('{ outOfOrder: { window: 4, order: shuffle } }'), seed), 1, 32).filter((o) => o !== 'held') as number[][];
    const one = await windows(1);
    expect(one).toHaveLength(8);
    one.forEach((w, i) => {
      expect([...w].sort((a, b) => a - b)).toEqual([1, 2, 3, 4].map((t) => t + 4 * i));
      expect(w).not.toEqual([1, 2, 3, 4].map((t) => t + 4 * i));
    });
    const shapes = one.map((w, i) => w.map((t) => t - 4 * i).join());
    expect(shapes.some((s) => s !== '4,3,2,1')).toBe(true);
    expect(new Set(shapes).size).toBeGreaterThan(3);
    expect(await windows(1)).toEqual(one);
    expect(await windows(2)).not.toEqual(one);
    // The stream is the rule's own (<name>/order): another rule's name, another order.
    const other = `${DEVICE}\nfaults: [{ name: other, match: { function: 3 }, do: { outOfOrder: { window: 4, order: shuffle } } }]`;
    expect(sendAll(await faultBench(other, 1), 1, 32).filter((o) => o !== 'held')).not.toEqual(one);
  });

  test('a window not full goes out through sendLate after flushAfter (100 ms by default), reversed; a close lets it go', async () => {
    for (const [action, ms] of [['true', 100], ['{ window: 3, flushAfter: 40ms }', 40]] as const) {
      const b = await faultBench(withRule(`{ outOfOrder: ${action} }`));
      const late: Uint8Array[] = [];
      const closers = new Set<() => void>();
      const connection = { ...withLate(late), onClose: (fn: () => void) => (closers.add(fn), () => void closers.delete(fn)) };
      expect(sendAll(b, 1, 1, connection)).toEqual(['held']);
      b.timer.advance(ms - 1);
      expect(late).toEqual([]);
      b.timer.advance(1);
      expect(late.map(tids)).toEqual([[1]]);
      expect(closers.size).toBe(0);
      // Held, then the connection closes: nothing goes out later.
      expect(sendAll(b, 2, 2, connection)).toEqual(['held']);
      for (const fn of [...closers]) fn();
      b.timer.advance(ms);
      expect(late.map(tids)).toEqual([[1]]);
      expect(b.timer.size).toBe(0);
    }
  });

  test('in order where nothing could send a window late, or over a framing without transaction ids', async () => {
    const b = await faultBench(withRule('{ outOfOrder: true }'));
    expect([1, 2].map((t) => status(b.send(pdu.read(3, 0, 1), { transactionId: t }).now))).toEqual(['ok', 'ok']);
    const rtu = { ...withLate([]), framing: rtuOverTcpFraming };
    expect([1, 2].map((t) => status(b.send(pdu.read(3, 0, 1), { transactionId: t, connection: rtu }).now))).toEqual(['ok', 'ok']);
  });

  test('an outcome without a reply (silence) is left as it is, not held', async () => {
    const b = await faultBench(withRule('[{ outOfOrder: true }, { noResponse: true }]'));
    expect(sendAll(b, 1, 3)).toEqual(['silence', 'silence', 'silence']);
  });
});
