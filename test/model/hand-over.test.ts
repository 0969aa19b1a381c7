import { describe, expect, it } from 'vitest';
import { AFTER, BEFORE, compile } from './hand-over-fixtures.js';

/**
 * What a recompiled device takes over from the one it replaces (docs/architecture.md, "Swapping a
 * device"; model/hand-over.ts), without a socket: the live-client version is
 * test/e2e/hand-over.test.ts.
 */
describe('state hand-over on a recompile', () => {
  it('reports what it kept and what takes its new declaration', async () => {
    const before = await compile(BEFORE);
    before.units[0]!.write('kept', 5);
    const after = await compile(AFTER);
    const report = after.takeOver(before);
    expect(report.keptPoints).toBe(3); // kept, keptWide, status
    expect([...report.resetPoints].sort()).toEqual(['added', 'moved', 'reinitialised', 'renamedToo', 'reordered', 'rescaled', 'retyped']);
    expect(report.keptBlockWords).toBe(4);
    expect(after.units[0]!.read('kept')).toBe(5);
  });

  it('a gateway hands each unit its own state, matched by unit id', async () => {
    const gateway = (level: number) => ({
      version: 1,
      name: 'line',
      units: [
        { unitId: 2, points: { level: { type: 'uint16', address: 0, value: 1 } } },
        { unitId: 3, points: { level: { type: 'uint16', address: 0, value: level } } },
      ],
    });
    const before = await compile(gateway(1));
    before.unit(2)!.write('level', 20);
    before.unit(3)!.write('level', 30);
    const after = await compile(gateway(5));
    after.takeOver(before);
    expect(after.unit(2)!.read('level')).toBe(20);
    expect(after.unit(3)!.read('level')).toBe(5);
  });
});

describe('units are matched by unit id', () => {
  const gateway = (first: { unitId: number; name: string }, second = { unitId: 3, name: 'tank3' }) => ({
    version: 1,
    name: 'line',
    units: [
      { ...first, points: { level: { type: 'uint16', address: 0, value: 1 } } },
      { ...second, points: { level: { type: 'uint16', address: 0, value: 1 } } },
    ],
  });

  it('a unit whose id changed is a new unit: it takes its declaration, whatever its name or place', async () => {
    const before = await compile(gateway({ unitId: 2, name: 'tank' }));
    before.unit(2)!.write('level', 20);
    before.unit(3)!.write('level', 30);
    const after = await compile(gateway({ unitId: 4, name: 'tank' }));
    const report = after.takeOver(before);
    expect(after.unit(4)!.read('level')).toBe(1);
    expect(after.unit(3)!.read('level')).toBe(30);
    expect(report.resetPoints).toEqual(['tank/level']);
    expect(report.keptPoints).toBe(1);
  });

  it('units that swap places keep their own state', async () => {
    const before = await compile(gateway({ unitId: 2, name: 'tank2' }));
    before.unit(2)!.write('level', 20);
    before.unit(3)!.write('level', 30);
    const after = await compile(gateway({ unitId: 3, name: 'tank3' }, { unitId: 2, name: 'tank2' }));
    after.takeOver(before);
    expect([after.unit(2)!.read('level'), after.unit(3)!.read('level')]).toEqual([20, 30]);
  });
});

describe('block words', () => {
  // One block over 100..105; a point over 102 in one version only. The point's declared word is
  // the block's (0), so only "under a point" tells the words apart.
  const device = (points: Record<string, object>) => ({ version: 1, points, blocks: [{ address: 100, values: [0, 0, 0, 0, 0, 0] }] });
  const point = { type: 'uint16', address: 102, value: 0 };
  const words = (d: Awaited<ReturnType<typeof compile>>) => d.units[0]!.readTable('holding', 100, 6);

  it('a word under a point in the old version takes the block\'s declaration in the new one', async () => {
    const before = await compile(device({ p: point }));
    before.units[0]!.writeTable('holding', 100, [11, 12, 13, 14, 15, 16]);
    const after = await compile(device({}));
    const report = after.takeOver(before);
    expect(words(after)).toEqual([11, 12, 0, 14, 15, 16]);
    expect(report.keptBlockWords).toBe(5);
  });

  it('a word under a point in the new version takes the point\'s declaration', async () => {
    const before = await compile(device({}));
    before.units[0]!.writeTable('holding', 100, [11, 12, 13, 14, 15, 16]);
    const after = await compile(device({ q: point }));
    const report = after.takeOver(before);
    expect(words(after)).toEqual([11, 12, 0, 14, 15, 16]);
    expect(report.keptBlockWords).toBe(5);
    expect(report.resetPoints).toEqual(['q']);
  });
});
