import { describe, expect, test } from 'vitest';
import type { Outcome } from '../../src/pipeline/types.js';
import { toHex } from '../helpers/hex.js';
import { bits, faultBench, pdu, registers, status } from './helpers.js';

/**
 * What the reply-editing actions (`malformed`, `stale`, `fragment`) do to replies other than a
 * plain register read: bit reads, write echoes, exception replies, requests without a table, no
 * reply at all (docs/faults.md). Exact bytes, under the manual clock and timer of faultBench.
 */
const DEVICE = `
version: 1
points:
  a: { type: uint16, address: 0, value: 0x1111 }
  b: { type: uint16, address: 1, value: 0x2222 }
  c: { type: uint16, address: 2, value: 0x3333 }
blocks:
  - { table: coil, address: 0, values: [1, 0, 1, 1, 0, 0, 1, 0, 1, 1] }
  - { table: discreteInput, address: 0, values: [1, 1, 0, 1, 0, 0, 0, 0, 0, 1] }
`;
const rule = (action: string, match = '{}') => `${DEVICE}\nfaults: [{ name: r, match: ${match}, do: ${action} }]`;
/** The bytes of a wire outcome, piece by piece; other outcomes by kind. */
const pieces = (o: Outcome) => (o.kind === 'wire' ? o.chunks.map((c) => toHex(c.bytes)) : o.kind);
const send = async (action: string, request: number[], match?: string) => pieces((await faultBench(rule(action, match))).send(request, { transactionId: 0x0102 }).now);

describe('malformed on replies that are not a register read', () => {
  test.each([
    // [kind, request, the reply as sent]
    ['fewerRegisters', pdu.read(1, 0, 10), '01 02 00 00 00 04 01 01 01 4d'], // 10 coils: 2 bytes of bits, one dropped
    ['fewerRegisters', pdu.read(2, 0, 10), '01 02 00 00 00 04 01 02 01 0b'], // discrete inputs: a byte, not two
    ['fewerRegisters', pdu.read(3, 100, 1), '01 02 00 00 00 03 01 83 02'], // an exception reply has no data
    ['wrongByteCount', pdu.read(1, 0, 10), '01 02 00 00 00 05 01 01 03 4d 03'],
    ['wrongByteCount', pdu.writeRegister(0, 5), '01 02 00 00 00 06 01 06 00 00 00 05'], // a write echo has no byte count
    ['wrongByteCount', pdu.read(3, 100, 1), '01 02 00 00 00 03 01 83 02'], // nor has an exception reply
    ['{ transactionId: 0x1234 }', pdu.read(3, 0, 1), '12 34 00 00 00 05 01 03 02 11 11'],
    ['badCrc', pdu.read(3, 0, 1), '01 02 00 00 00 05 01 03 02 11 11'], // MBAP carries no CRC: sent as it is
  ])('%s', async (kind, request, expected) => {
    expect(await send(`{ malformed: ${kind} }`, request)).toEqual([expected]);
  });

  test('fewerRegisters leaves the reply to FC 17 (report server id) as it is: its byte count counts no registers', async () => {
    const normal = (await faultBench(DEVICE)).send([0x11], { transactionId: 0x0102 }).now;
    expect(normal.kind).toBe('response');
    const [sent] = (await send('{ malformed: fewerRegisters }', [0x11])) as string[];
    expect(sent).toBe(toHex([0x01, 0x02, 0, 0, 0, normal.kind === 'response' ? normal.pdu.length + 1 : 0, 0x01, ...(normal.kind === 'response' ? normal.pdu : [])]));
  });

  test('wrongFunctionCode on the exception to function code 0x7F: 0xFF becomes 0x81, still an exception', async () => {
    expect(await send('{ malformed: wrongFunctionCode }', [0x7f])).toEqual(['01 02 00 00 00 03 01 81 01']);
  });

  test('a request that gets no reply gets none under malformed or fragment either', async () => {
    for (const action of ['[{ malformed: wrongUnitId }, { noResponse: true }]', '[{ fragment: { size: 1, gap: 1ms } }, { noResponse: true }]']) {
      expect(await send(action, pdu.read(3, 0, 1)), action).toBe('silence');
    }
  });
});

describe('fragment sizes', () => {
  test('size 4: pieces of four bytes, the rest last', async () => {
    expect(await send('{ fragment: { size: 4, gap: 1ms } }', pdu.read(3, 0, 1))).toEqual(['01 02 00 00', '00 05 01 03', '02 11 11']);
  });
});

describe('stale on replies that are not a register read', () => {
  test('a write under a stale rule is echoed as sent and lands; FC 17, unknown codes and exceptions are answered as usual', async () => {
    const b = await faultBench(rule('{ stale: true }'));
    expect(pieces(b.send(pdu.writeRegister(1, 6), { transactionId: 1 }).now)).toBe('response');
    const echo = b.send(pdu.writeRegister(2, 7)).now;
    expect(echo.kind === 'response' && toHex(echo.pdu)).toBe('06 00 02 00 07');
    expect(b.device.units[0]!.read('c')).toBe(7);
    expect(status(b.send([0x11]).now)).toBe('ok'); // no table: nothing to freeze
    expect(status(b.send([0x41, 0, 0]).now)).toBe(1); // not served: exception 01
    expect(status(b.send(pdu.read(3, 100, 1)).now)).toBe(2); // an exception reply stays one
  });

  test("a unit id no device serves keeps the gateway's answer", async () => {
    const b = await faultBench(`
version: 1
units:
  - { unitId: 1, points: { a: { type: uint16, address: 0, value: 5 } } }
  - { unitId: 2, respond: { answer: gatewayTargetFailedToRespond } }
faults: [{ name: r, do: { stale: true } }]
`);
    expect(status(b.send(pdu.read(3, 0, 1), { unitId: 2 }).now)).toBe(0x0b);
    expect(registers(b.send(pdu.read(3, 0, 1), { unitId: 1 }).now)).toEqual([5]);
  });

  test('points: a unit without the named point freezes nothing', async () => {
    const b = await faultBench(`
version: 1
units:
  - { unitId: 1, points: { a: { type: uint16, address: 0, value: 5 }, b: { type: uint16, address: 1, value: 6 } } }
  - { unitId: 3, points: { a: { type: uint16, address: 0, value: 7 } } }
faults: [{ name: r, match: { function: 3 }, do: { stale: { points: [b] } } }]
`);
    expect(registers(b.send(pdu.read(3, 0, 1), { unitId: 3 }).now)).toEqual([7]);
    b.device.units[1]!.write('a', 8);
    expect(registers(b.send(pdu.read(3, 0, 1), { unitId: 3 }).now)).toEqual([8]);
  });

  test('coils and discrete inputs freeze bit by bit, past the first byte, both ways', async () => {
    const b = await faultBench(rule('{ stale: true }', '{ function: [1, 2, 3] }'));
    const unit = b.device.units[0]!;
    expect(bits(b.send(pdu.read(1, 0, 10)).now, 10)).toEqual([1, 0, 1, 1, 0, 0, 1, 0, 1, 1]);
    expect(bits(b.send(pdu.read(2, 0, 10)).now, 10)).toEqual([1, 1, 0, 1, 0, 0, 0, 0, 0, 1]);
    unit.writeTable('coil', 0, [0, 1, 0, 0, 1, 1, 0, 1, 0, 0]);
    unit.writeTable('discreteInput', 0, [0, 0, 1, 0, 1, 1, 1, 1, 1, 0]);
    expect(bits(b.send(pdu.read(1, 0, 10)).now, 10)).toEqual([1, 0, 1, 1, 0, 0, 1, 0, 1, 1]);
    expect(bits(b.send(pdu.read(2, 0, 10)).now, 10)).toEqual([1, 1, 0, 1, 0, 0, 0, 0, 0, 1]);
  });

  test('a bit read ending inside a byte leaves the padding bits 0, though the next coil is on', async () => {
    const b = await faultBench(rule('{ stale: true }', '{ function: 1 }'));
    const o = b.send(pdu.read(1, 2, 1)).now; // coil 2 on, coil 3 (past the read) on too
    expect(o.kind === 'response' && toHex(o.pdu)).toBe('01 01 01');
  });

  test('points: only the named points freeze; other points and other tables read live', async () => {
    const b = await faultBench(rule('{ stale: { points: [b] } }', '{ function: [1, 3] }'));
    const unit = b.device.units[0]!;
    expect(registers(b.send(pdu.read(3, 0, 3)).now)).toEqual([0x1111, 0x2222, 0x3333]); // the snapshot
    expect(bits(b.send(pdu.read(1, 0, 1)).now, 1)).toEqual([1]);
    unit.write('a', 1);
    unit.write('b', 2);
    unit.writeTable('coil', 0, [0]);
    expect(registers(b.send(pdu.read(3, 0, 3)).now)).toEqual([1, 0x2222, 0x3333]);
    expect(bits(b.send(pdu.read(1, 0, 1)).now, 1)).toEqual([0]);
  });
});
