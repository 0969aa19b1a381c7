import { describe, expect, test } from 'vitest';
import { candidates, createBucket } from '../../src/faults/buckets.js';
import type { Rule } from '../../src/faults/engine.js';
import { createMatcher, type MatchParts } from '../../src/faults/match.js';
import { decodeRequest } from '../../src/protocol/request.js';
import { faultBench, pdu } from './helpers.js';

const DEVICE = `
version: 1
points:
  speed: { type: uint16, address: 10 }
  total: { type: uint32, address: 20 }
  flags: { type: bitfield16, address: 30, bits: { run: 0 } }
  coil: { type: bool, address: 10 }
  level: { type: uint16, table: input, address: 10 }
`;
/** Whether each request PDU fires a rule with this match. */
async function matches(match: string, requests: number[][], unitIds?: number[]): Promise<boolean[]> {
  const b = await faultBench(`${DEVICE}\nfaults: [{ name: r, match: ${match}, do: { exception: 6 } }]`);
  return requests.map((r, i) => b.send(r, { unitId: unitIds?.[i] ?? 1 }).exchange.fault === 'r');
}

describe('match', () => {
  test('no match: every request, whatever its function (malformed ones too)', async () => {
    expect(await matches('{}', [pdu.read(3, 10, 1), pdu.reportServerId(), [0x07], [0x03, 0, 0]])).toEqual([true, true, true, true]);
  });

  test('unitId: one id, a range, a list', async () => {
    const r = pdu.read(3, 10, 1);
    expect(await matches('{ unitId: 2 }', [r, r], [1, 2])).toEqual([false, true]);
    expect(await matches('{ unitId: ["3-5", 9] }', [r, r, r, r, r], [2, 3, 5, 6, 9])).toEqual([false, true, true, false, true]);
  });

  test('function: by number or by name, one or a list', async () => {
    // [0x00]: function code 0, which no rule can name.
    const reqs = [pdu.read(3, 10, 1), pdu.read(4, 10, 1), pdu.writeRegister(10, 1), pdu.deviceId(1, 0), [0x00]];
    expect(await matches('{ function: 3 }', reqs)).toEqual([true, false, false, false, false]);
    expect(await matches('{ function: [readInputRegisters, 43] }', reqs)).toEqual([false, true, false, true, false]);
  });

  test('access: read is FC 1-4 and 23, write is FC 5, 6, 15, 16, 22 and 23', async () => {
    const reqs = [pdu.read(1, 10, 1), pdu.read(4, 10, 1), pdu.writeCoil(10, true), pdu.writeRegisters(10, [1]), pdu.mask(10, 0, 0), pdu.readWrite(10, 1, 10, [1]), pdu.reportServerId()];
    expect(await matches('{ access: read }', reqs)).toEqual([true, true, false, false, false, true, false]);
    expect(await matches('{ access: write }', reqs)).toEqual([false, false, true, true, true, true, false]);
  });

  test('address: overlap with a single address or a range, both ends included; FC 23 by either range', async () => {
    const reqs = [pdu.read(3, 5, 5), pdu.read(3, 5, 6), pdu.read(3, 12, 10), pdu.read(3, 21, 1), pdu.writeRegister(15, 1), pdu.readWrite(0, 1, 14, [1]), pdu.reportServerId()];
    expect(await matches('{ address: { from: 10, to: 20 } }', reqs)).toEqual([false, true, true, false, true, true, false]);
    expect(await matches('{ address: 10 }', [pdu.read(3, 10, 1), pdu.read(3, 9, 1), pdu.read(3, 0, 11)])).toEqual([true, false, true]);
  });

  test('start: exact start address only', async () => {
    expect(await matches('{ start: [10, 20] }', [pdu.read(3, 10, 1), pdu.read(3, 9, 2), pdu.read(3, 20, 2), pdu.writeRegister(10, 1)])).toEqual([true, false, true, true]);
  });

  test('quantity: exact, or a range (single writes count 1, a request without a range 0)', async () => {
    const reqs = [pdu.read(3, 10, 1), pdu.read(3, 10, 2), pdu.read(3, 10, 10), pdu.writeRegister(10, 1), pdu.reportServerId()];
    expect(await matches('{ quantity: 2 }', reqs)).toEqual([false, true, false, false, false]);
    expect(await matches('{ quantity: { min: 2, max: 9 } }', reqs)).toEqual([false, true, false, false, false]);
    expect(await matches('{ quantity: { max: 1 } }', reqs)).toEqual([true, false, false, true, true]);
  });

  test('points: requests touching a point in its table (a multi-register point by any word, a bit by its word)', async () => {
    const reqs = [pdu.read(3, 21, 1), pdu.read(3, 22, 1), pdu.read(4, 20, 2), pdu.read(3, 30, 1), pdu.read(1, 10, 1), pdu.read(4, 10, 1), pdu.read(3, 10, 1)];
    expect(await matches('{ points: [total, flags.run] }', reqs)).toEqual([true, false, false, true, false, false, false]);
    expect(await matches('{ points: [coil, level] }', reqs)).toEqual([false, false, false, false, true, true, false]);
  });

  test('value: writes carrying a raw value (any written word or bit), a list, a range; reads never', async () => {
    // The last two are invalid writes (too short; bytes missing after a 7): no value counts.
    const reqs = [pdu.writeRegister(10, 7), pdu.writeRegister(10, 8), pdu.writeRegisters(10, [1, 7]), pdu.writeCoil(10, true), pdu.writeCoils(10, [0, 0]), pdu.read(3, 7, 1), [0x06, 0x00, 0x0a], [0x10, 0x00, 0x0a, 0x00, 0x02, 0x04, 0x00, 0x07]];
    expect(await matches('{ value: 7 }', reqs)).toEqual([true, false, true, false, false, false, false, false]);
    // true is the raw 1 (a coil's ON), so the register write [1, 7] carries it too.
    expect(await matches('{ value: [true, 8] }', reqs)).toEqual([false, true, true, true, false, false, false, false]);
    expect(await matches('{ value: { min: 0, max: 1 } }', reqs)).toEqual([false, false, true, true, true, false, false, false]);
    expect(await matches('{ value: { min: 7, max: 8 } }', reqs)).toEqual([true, true, true, false, false, false, false, false]);
  });

  test('every key given must hold', async () => {
    expect(await matches('{ function: 6, address: 10, value: 7 }', [pdu.writeRegister(10, 7), pdu.writeRegister(11, 7), pdu.writeRegister(10, 6)])).toEqual([true, false, false]);
  });
});

describe('rules declared in a unit or a template apply to its unit ids only', () => {
  test('a template rule applies to every unit using it; unitId narrows it', async () => {
    const b = await faultBench(`
version: 1
templates:
  m:
    points: { a: { type: uint16, address: 0 } }
    faults: [{ name: t, match: { unitId: ["1-3"] }, do: { exception: 4 } }]
units:
  - { unitId: [1, 2], use: m }
  - { unitId: 5, use: m }
  - { unitId: 3, points: { a: { type: uint16, address: 0 } } }
`);
    expect([1, 2, 3, 5].map((unitId) => b.send(pdu.read(3, 0, 1), { unitId }).exchange.fault)).toEqual(['t', 't', undefined, undefined]);
  });
});

describe('rules indexed by unit id', () => {
  test('with thirteen rules, a request meets exactly those of its unit id (rules 0-2 for unit 1, 0 and 12 for unit 2)', async () => {
    const others = Array.from({ length: 9 }, (_, i) => `  - { name: o${i + 3}, match: { unitId: 3 }, do: { exception: 4 } }`).join('\n');
    const b = await faultBench(`${DEVICE}
faults:
  - { name: r0, match: { address: 999 }, do: { exception: 4 } }
  - { name: r1, match: { unitId: 1 }, when: { every: 2 }, do: { exception: 4 } }
  - { name: r2, match: { unitId: 1 }, do: { exception: 4 } }
${others}
  - { name: r12, match: { unitId: 2 }, do: { exception: 4 } }
`);
    expect([1, 1, 2, 3].map((unitId) => b.send(pdu.read(3, 10, 1), { unitId }).exchange.fault)).toEqual(['r2', 'r1', 'r12', 'o3']);
  });
});

describe('the address pre-filter never hides a rule that matches', () => {
  test('property: a rule with an address range or start fires exactly when the request overlaps or starts there', async () => {
    const fc = await import('fast-check');
    const b = await faultBench(`
version: 1
blocks: [{ table: holding, address: 0, length: 65535 }]
faults:
  - { name: range, match: { function: [3, 16, 23], address: { from: 1000, to: 1040 } }, do: { exception: 4 } }
  - { name: start, match: { function: [3, 16, 23], start: 2047 }, do: { exception: 4 } }
  - { name: small, match: { function: [3, 16, 23], quantity: 3 }, do: { exception: 4 } }
`);
    fc.assert(
      fc.property(fc.integer({ min: 900, max: 2100 }), fc.integer({ min: 1, max: 120 }), fc.integer({ min: 0, max: 2 }), (address, quantity, kind) => {
        const q = kind === 1 ? Math.min(quantity, 123) : quantity;
        const request = kind === 0 ? pdu.read(3, address, q) : kind === 1 ? pdu.writeRegisters(address, new Array(q).fill(0)) : pdu.readWrite(0, 1, address, new Array(Math.min(q, 121)).fill(0));
        const span = kind === 2 ? [0, Math.min(q, 121)] : [address, q];
        const written = kind === 2 ? [address, Math.min(q, 121)] : undefined;
        const hits = (a: number, n: number) => a <= 1040 && a + n - 1 >= 1000;
        const start = kind === 2 ? 0 : address;
        const qty = kind === 2 ? 1 : q;
        const expected = hits(span[0]!, span[1]!) || (written !== undefined && hits(written[0]!, written[1]!)) ? 'range' : start === 2047 ? 'start' : qty === 3 ? 'small' : undefined;
        expect(b.send(request).exchange.fault).toBe(expected);
      }),
      { seed: 10, numRuns: 500 },
    );
  });
});

describe('the address pre-filter: a request meets only the rules whose address pages (16 addresses a page) it touches, and those without addresses', () => {
  const ALL = new Uint8Array(256).fill(1);
  const rule = (name: string, parts: Partial<MatchParts>) => ({ name, matcher: createMatcher({ functionCodes: ALL, unitIds: ALL, ...parts }) }) as unknown as Rule;
  const met = (rules: Rule[], requests: number[][]) => {
    const bucket = createBucket(rules);
    return requests.map((r) => candidates(bucket, decodeRequest(Uint8Array.from(r))).map((c) => c.name).join(' '));
  };

  test('ranges (address, points): pages 6-7 for 100-115; a request meets the rule when any of its pages (FC 23: of either range) is one', () => {
    const rules = [rule('range', { address: { from: 100, to: 115 } }), rule('plain', { quantity: { min: 1, max: 1 } })];
    const requests = [pdu.read(3, 95, 1), pdu.read(3, 96, 1), pdu.read(3, 127, 1), pdu.read(3, 128, 1), pdu.read(3, 90, 6), pdu.read(3, 90, 7), pdu.read(3, 120, 20), pdu.readWrite(0, 1, 127, [1]), pdu.readWrite(127, 1, 0, [1]), pdu.reportServerId()];
    expect(met(rules, requests)).toEqual(['plain', 'range plain', 'range plain', 'plain', 'plain', 'range plain', 'range plain', 'range plain', 'range plain', 'plain']);
    // A point's range in any table, several ranges in one rule; one page (a single address).
    const points = [rule('points', { points: [{ table: 'coils', from: 16, to: 16 }, { table: 'inputRegisters', from: 40, to: 40 }] })];
    expect(met(points, [pdu.read(3, 15, 1), pdu.read(3, 31, 1), pdu.read(1, 32, 1), pdu.read(4, 47, 1), pdu.read(4, 48, 1)])).toEqual(['', 'points', 'points', 'points', '']);
  });

  test('start addresses: the page of the first address a request names, address 0 included; a request without one meets none', () => {
    const rules = [rule('start', { starts: [0, 300] }), rule('plain', {})];
    const requests = [pdu.read(3, 0, 1), pdu.read(3, 15, 1), pdu.read(3, 16, 1), pdu.read(3, 287, 20), pdu.read(3, 288, 1), pdu.read(3, 303, 1), pdu.read(3, 304, 1), pdu.reportServerId()];
    expect(met(rules, requests)).toEqual(['start plain', 'start plain', 'plain', 'plain', 'start plain', 'start plain', 'plain', 'plain']);
  });

  test('a rule with a range and a start is filtered by its range; both kinds of rule in one list keep their order', () => {
    const rules = [rule('both', { address: { from: 100, to: 100 }, starts: [300] }), rule('start', { starts: [500] }), rule('range', { address: { from: 700, to: 700 } }), rule('plain', {})];
    const requests = [pdu.read(3, 300, 1), pdu.read(3, 100, 1), pdu.read(3, 500, 1), pdu.read(3, 700, 1), pdu.read(3, 0, 1)];
    const all = 'both start range plain';
    expect(met(rules, requests)).toEqual(['plain', all, all, all, 'plain']);
  });

  test('without address conditions every rule is met', () => {
    expect(met([rule('a', {}), rule('b', { quantity: { min: 2, max: 2 } })], [pdu.read(3, 0, 1), pdu.reportServerId()])).toEqual(['a b', 'a b']);
  });
});
