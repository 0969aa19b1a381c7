import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { buildControl } from '../../src/control/server.js';
import { PointWriter } from '../../src/generators/fit.js';
import { silentLogger } from '../../src/log.js';
import { encode } from '../../src/model/codec.js';
import type { PointModel } from '../../src/model/point-model.js';
import { applyScaleFactor, toEngineering, TYPE_RANGES, wordCount, type ByteOrder, type NumericType, type Scaling } from '../../src/model/values.js';
import { Runtime } from '../../src/runtime/runtime.js';
import { device } from '../generators/helpers.js';

/**
 * One rounding rule (docs/profiles.md, "Rounding"): whatever path turns an engineering value into
 * registers (a generator's result, an API write, a control-channel write, a profile's `value:`),
 * the same value gives the same words. Ties go away from zero: at scale 0.1, 0.15 is raw 2 and
 * −0.25 is raw −3.
 */

/** Fixed seed: failures reproduce. */
const FC = { seed: 0x0dd5ca1e, numRuns: 1000 } as const;

const TYPES: readonly NumericType[] = ['int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'float32', 'float64'];
const ORDERS: readonly ByteOrder[] = ['ABCD', 'CDAB', 'BADC', 'DCBA'];

/** A number point as the compiler builds it (address 10 of a holding table whose word 0 is the scale factor). */
function numberPoint(type: NumericType, order: ByteOrder, scaling: Scaling | undefined, scaleFactor: boolean): PointModel {
  const base = { kind: 'number', table: 'holdingRegisters', access: 'readWrite', numeric: type, type, order, min: undefined, max: undefined, labels: undefined, enumValues: undefined, fields: [], unit: undefined, description: undefined, sixDigit: false } as const;
  const sf: PointModel = { ...base, name: 'sf', type: 'int16', numeric: 'int16', order: 'ABCD', address: 0, size: 1, scaling: undefined, scaleFactor: undefined };
  return { ...base, name: 'p', address: 10, size: wordCount(type), scaling, scaleFactor: scaleFactor ? sf : undefined };
}

/** How a point is scaled: a scale and offset (the identity included), or a SunSpec scale factor. */
type Encoding = { kind: 'scaling'; scaling: Scaling } | { kind: 'sf'; sf: number };

const encoding: fc.Arbitrary<Encoding> = fc.oneof(
  fc
    .record({
      scale: fc.oneof(fc.constantFrom(1, 0.1, 0.01, 0.001, 0.5, 0.25, 0.2, 2, 10, 100, -0.1), fc.double({ min: 1e-4, max: 1e4, noNaN: true })),
      offset: fc.oneof(fc.constantFrom(0, -40, 273.15, 0.5, -0.05), fc.double({ min: -1e4, max: 1e4, noNaN: true })),
    })
    .map((scaling) => ({ kind: 'scaling' as const, scaling })),
  fc.integer({ min: -6, max: 6 }).map((sf) => ({ kind: 'sf' as const, sf })),
);

/** Raw values a type holds, ties and near-ties between them, and values beyond the type. */
function rawNear(type: NumericType): fc.Arbitrary<number> {
  const { min, max } = TYPE_RANGES[type];
  const lo = Math.max(min, -(2 ** 53));
  const hi = Math.min(max, 2 ** 53);
  const whole = fc.oneof(fc.integer({ min: Math.max(lo, -(2 ** 31)), max: Math.min(hi, 2 ** 31) }), fc.constantFrom(min, max, 0, 1, -1));
  const part = fc.oneof(fc.constantFrom(0, 0.5, -0.5, 0.25, 0.4999999999, 0.5000000001), fc.double({ min: -1, max: 1, noNaN: true }));
  return fc.oneof(fc.tuple(whole, part).map(([w, f]) => w + f), fc.double({ noNaN: true }));
}

/** The words `put` leaves at address 10, or undefined when it stored nothing (NaN keeps the last value). */
function generated(p: PointModel, v: number, sf: number): { words: number[]; problem: string | undefined } {
  const table = new Uint16Array(20);
  const writer = new PointWriter(p, { array: () => table, slot: (_t, address) => address }, () => sf);
  writer.put(v, 0);
  return { words: [...table.subarray(10, 10 + p.size)], problem: writer.problem };
}

describe('one rounding rule: a generator and an API write store the same words', () => {
  it.each(TYPES)('%s, every byte order, scale and offset or scale factor', (type) => {
    fc.assert(
      fc.property(fc.constantFrom(...ORDERS), encoding, rawNear(type), (order, enc, raw) => {
        const p = numberPoint(type, order, enc.kind === 'scaling' ? enc.scaling : undefined, enc.kind === 'sf');
        const sf = enc.kind === 'sf' ? enc.sf : 0;
        const value = enc.kind === 'sf' ? applyScaleFactor(raw, sf) : Number(toEngineering(raw, enc.scaling));
        if (value !== value) return;
        const api = new Uint16Array(p.size);
        const problem = encode(p, value, sf, api, 0);
        const gen = generated(p, value, sf);
        if (problem === undefined && Number.isFinite(value)) {
          expect(gen.words, `${value} as ${type} ${order} ${JSON.stringify(enc)}`).toEqual([...api]);
          expect(gen.problem).toBeUndefined();
        } else {
          // What an API write refuses (beyond the type, or ±Infinity), a generator clamps to the end of the range.
          expect(gen.problem, `${value} as ${type} ${JSON.stringify(enc)}: refused by the API (${problem?.message}), so clamped`).toMatch(/does not fit/);
        }
      }),
      FC,
    );
  });
});

describe('one rounding rule through the real paths', () => {
  // Each case: [type and scaling, value]; the rule's answer is the raw word noted beside it.
  const CASES = [
    ['type: int16, scale: 0.1', '0.15'], // 1.4999999999999998 in doubles, meant as 1.5: raw 2
    ['type: int16, scale: 0.1', '-0.25'], // −2.5: raw −3 (ties away from zero, not Math.round's −2)
    ['type: int16', '-2.5'], // raw −3
    ['type: uint16, scale: 0.5, offset: 0.25', '1.5'], // 2.5: raw 3
    ['type: int32, byteOrder: CDAB, scale: 0.01', '-12.345'], // −1234.5: raw −1235
    ['type: uint16, scaleFactor: sf', '12.345'], // sf −2: 1234.5, raw 1235
  ] as const;
  const app = { close: async () => {} };
  afterAll(() => app.close());

  it('a generator, a profile value, an API write and a control-channel write agree, and round ties away from zero', async () => {
    const points = CASES.flatMap(([decl, value], i) =>
      ['gen', 'init', 'api', 'http'].map((kind, k) => {
        const address = 10 + 10 * i + 2 * k;
        const what = kind === 'gen' ? `generate: "${value}"` : kind === 'init' ? `value: ${value}` : 'access: readWrite';
        return `  ${kind}${i}: { ${decl}, address: ${address}, ${what} }`;
      }),
    );
    const { device: d, env } = await device(`version: 1\nname: rounding\npoints:\n  sf: { type: int16, address: 0, value: -2 }\n${points.join('\n')}\n`);
    const runtime = new Runtime({ device: d, env });
    const control = buildControl({ devices: [{ id: 'rounding', runtime }], clock: env.clock, logger: silentLogger, version: '0.0.0-test' });
    app.close = async () => {
      await control.close();
      await runtime.close();
    };
    const unit = d.units[0]!;
    const words = (name: string) => {
      const info = unit.points.get(name)!;
      unit.read(name); // a generated point is computed when read
      return unit.readTable('holding', info.address, info.size);
    };
    const raws = [];
    for (const [i, [, value]] of CASES.entries()) {
      unit.write(`api${i}`, Number(value));
      const res = await control.inject({ method: 'PUT', url: `/devices/rounding/points/http${i}`, payload: { value: Number(value) } });
      expect(res.statusCode, res.body).toBe(200);
      const init = words(`init${i}`);
      expect({ gen: words(`gen${i}`), api: words(`api${i}`), http: words(`http${i}`) }).toEqual({ gen: init, api: init, http: init });
      raws.push(init.length === 1 ? (init[0]! << 16) >> 16 : init);
    }
    expect(raws).toEqual([2, -3, -3, 3, [0xfb2d, 0xffff], 1235]);
  });
});
