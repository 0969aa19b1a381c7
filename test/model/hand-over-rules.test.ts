import { describe, expect, it } from 'vitest';
import type { CompiledProfile } from '../../src/model/types.js';
import { loadDevice } from '../../src/runtime/load-device.js';
import { testEnv } from '../helpers/env.js';

/**
 * The state hand-over of a recompile (live reload), by its documented rules (docs/live-reload.md,
 * model/hand-over.ts): written words stay exactly where the declaration did not change, and the
 * new declaration wins everywhere else. Socket-free: the device is recompiled and `takeOver`
 * called as the runtime's swap does; test/e2e/hand-over.test.ts does the same under a live client.
 */
async function compile(profile: object): Promise<CompiledProfile> {
  const result = await loadDevice(JSON.parse(JSON.stringify(profile)) as object, { env: testEnv() });
  if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
  return result.profile;
}

const device = (points: object, extra: object = {}) => ({ version: 1, name: 'd', points, ...extra });

describe('a point keeps its written words only when nothing of its declaration changed', () => {
  // Before: `p` as declared in the first column; a client writes 0x1234 (and 0x5678) into it. After:
  // `p` as declared in the second. The written words survive only in the first row.
  const rows: [string, object, object, boolean][] = [
    ['nothing changed', { type: 'uint16', address: 3, value: 1 }, { type: 'uint16', address: 3, value: 1 }, true],
    ['nothing changed, two words', { type: 'uint32', address: 3, value: 0x10002 }, { type: 'uint32', address: 3, value: 0x10002 }, true],
    ['only its description changed', { type: 'uint16', address: 3, value: 1 }, { type: 'uint16', address: 3, value: 1, description: 'x' }, true],
    ['its table', { type: 'uint16', address: 3, value: 1 }, { type: 'uint16', table: 'input', address: 3, value: 1 }, false],
    ['its address', { type: 'uint16', address: 3, value: 1 }, { type: 'uint16', address: 4, value: 1 }, false],
    ['its size', { type: 'string', address: 3, registers: 2, value: 'ab' }, { type: 'string', address: 3, registers: 3, value: 'ab' }, false],
    ['its type, same size', { type: 'uint16', address: 3, value: 1 }, { type: 'int16', address: 3, value: 1 }, false],
    ['bitfield16 for uint16', { type: 'uint16', address: 3, value: 1 }, { type: 'bitfield16', address: 3, bits: { a: 0 }, value: { a: true } }, false],
    // The next three declare the same initial words in both versions: the encoding alone differs.
    ['its word order', { type: 'uint32', address: 3, value: 0 }, { type: 'uint32', address: 3, value: 0, byteOrder: 'CDAB' }, false],
    ['its scale', { type: 'uint16', address: 3, value: 0, scale: 0.5 }, { type: 'uint16', address: 3, value: 0, scale: 0.25 }, false],
    ['its offset', { type: 'uint16', address: 3, value: 1, offset: 1 }, { type: 'uint16', address: 3, value: 2, offset: 2 }, false],
    ['its declared value', { type: 'uint16', address: 3, value: 1 }, { type: 'uint16', address: 3, value: 2 }, false],
    ['the second word of its declared value', { type: 'uint32', address: 3, value: 1 }, { type: 'uint32', address: 3, value: 2 }, false],
  ];
  it.each(rows)('%s', async (_what, before, after, kept) => {
    const old = await compile(device({ p: before }));
    const size = old.units[0]!.points.get('p')!.size;
    const written = [0x1234, 0x5678, 0x0102].slice(0, size);
    const table = 'holding';
    old.units[0]!.writeTable(table, 3, written);
    const next = await compile(device({ p: after }));
    const declared = next.units[0]!.readTable(next.units[0]!.points.get('p')!.table, next.units[0]!.points.get('p')!.address, next.units[0]!.points.get('p')!.size);
    const report = next.takeOver(old);
    const p = next.units[0]!.points.get('p')!;
    expect(next.units[0]!.readTable(p.table, p.address, p.size)).toEqual(kept ? written : declared);
    expect(report.keptPoints).toBe(kept ? 1 : 0);
    expect(report.resetPoints).toEqual(kept ? [] : ['p']);
    expect(report.keptBlockWords).toBe(0);
    expect(report.keptMachines).toEqual([]);
    expect(report.restartedMachines).toEqual([]);
  });

  it('a scale factor point: the same companion keeps the words, another companion does not', async () => {
    const points = (sf: string) => ({ W: { type: 'int16', address: 0, scaleFactor: sf, value: 10 }, W_SF: { type: 'int16', address: 1, value: 0 }, V_SF: { type: 'int16', address: 2, value: 0 } });
    for (const [sf, kept] of [['W_SF', true], ['V_SF', false]] as const) {
      const old = await compile(device(points('W_SF')));
      old.units[0]!.writeTable('holding', 0, [77]);
      const next = await compile(device(points(sf)));
      next.takeOver(old);
      expect(next.units[0]!.readTable('holding', 0, 1), sf).toEqual([kept ? 77 : 10]);
    }
  });

  it('coils and discrete inputs keep written bits the same way', async () => {
    const points = (value: boolean) => ({ run: { type: 'bool', address: 5, value: false }, alarm: { type: 'bool', table: 'discreteInput', address: 6, value } });
    const old = await compile(device(points(false)));
    old.units[0]!.writeTable('coil', 5, [1]);
    old.units[0]!.writeTable('discreteInput', 6, [1]);
    const next = await compile(device(points(false)));
    expect(next.takeOver(old).keptPoints).toBe(2);
    expect(next.units[0]!.readTable('coil', 5, 1)).toEqual([1]);
    expect(next.units[0]!.readTable('discreteInput', 6, 1)).toEqual([1]);
  });

  it('a new point and a renamed one take their declaration and are reported; the words around them are not touched', async () => {
    const old = await compile(device({ a: { type: 'uint16', address: 0, value: 1 }, b: { type: 'uint16', address: 1, value: 1 } }));
    old.units[0]!.writeTable('holding', 0, [10, 11]);
    const next = await compile(device({ a: { type: 'uint16', address: 0, value: 1 }, c: { type: 'uint16', address: 1, value: 1 }, d: { type: 'uint16', address: 2, value: 4 } }));
    const report = next.takeOver(old);
    expect(next.units[0]!.readTable('holding', 0, 3)).toEqual([10, 1, 4]);
    expect(report.keptPoints).toBe(1);
    expect([...report.resetPoints].sort()).toEqual(['c', 'd']);
  });
});

describe('raw blocks keep written words where a block covers the address in both versions with the same initial word and no point', () => {
  it('keeps unchanged block words, takes the new declaration for new, re-initialised and formerly pointed words', async () => {
    const old = await compile(
      device(
        { over: { type: 'uint16', address: 12, value: 0 } },
        { blocks: [{ address: 10, values: [0, 0, 0, 0, 0, 0] }] }, // 10..15; 12 under a point
      ),
    );
    old.units[0]!.writeTable('holding', 10, [1, 2, 3, 4, 5, 6]);
    const next = await compile(
      device(
        { other: { type: 'uint16', address: 30, value: 0 } }, // `over` is gone: 12 is a plain block word now
        { blocks: [{ address: 10, values: [0, 0, 0, 0, 9, 0, 0, 0] }] }, // 14 re-initialised; 16, 17 new
      ),
    );
    const report = next.takeOver(old);
    expect(next.units[0]!.readTable('holding', 10, 8)).toEqual([1, 2, 0, 4, 9, 6, 0, 0]);
    expect(report.keptBlockWords).toBe(4); // 10, 11, 13, 15
  });

  it('a block word under a point of the new version is the point\'s, not the block\'s', async () => {
    const old = await compile(device({}, { blocks: [{ address: 0, values: [0, 0, 0] }] }));
    old.units[0]!.writeTable('holding', 0, [1, 2, 3]);
    const next = await compile(device({ p: { type: 'uint16', address: 1, value: 0 } }, { blocks: [{ address: 0, values: [0, 0, 0] }] }));
    const report = next.takeOver(old);
    expect(next.units[0]!.readTable('holding', 0, 3)).toEqual([1, 0, 3]);
    expect(report.keptBlockWords).toBe(2);
  });

  it('coil blocks keep bits; a version without blocks keeps none', async () => {
    const withBlocks = device({}, { blocks: [{ table: 'coil', address: 0, values: [0, 0, 0, 0] }] });
    const old = await compile(withBlocks);
    old.units[0]!.writeTable('coil', 0, [1, 0, 1, 1]);
    const next = await compile(withBlocks);
    expect(next.takeOver(old).keptBlockWords).toBe(4);
    expect(next.units[0]!.readTable('coil', 0, 4)).toEqual([1, 0, 1, 1]);

    const without = await compile(device({ p: { type: 'bool', address: 9, value: false } }));
    expect(without.takeOver(old).keptBlockWords).toBe(0);
    const back = await compile(withBlocks);
    expect(back.takeOver(without).keptBlockWords).toBe(0);
    expect(back.units[0]!.readTable('coil', 0, 4)).toEqual([0, 0, 0, 0]);
  });

  it('with `inputRegisters: sameAsHolding` the shared words are handed over once, and the other tables as usual', async () => {
    const shared = device({}, { inputRegisters: 'sameAsHolding', blocks: [{ address: 0, values: [0, 0] }, { table: 'coil', address: 0, values: [0] }] });
    const old = await compile(shared);
    old.units[0]!.writeTable('holding', 0, [5, 6]);
    old.units[0]!.writeTable('coil', 0, [1]);
    const next = await compile(shared);
    expect(next.takeOver(old).keptBlockWords).toBe(3);
    expect(next.units[0]!.readTable('input', 0, 2)).toEqual([5, 6]);
    expect(next.units[0]!.readTable('coil', 0, 1)).toEqual([1]);
  });

  it('a block that got shorter keeps nothing past its new end', async () => {
    const old = await compile(device({}, { blocks: [{ address: 10, values: [0, 0, 0, 0, 0] }] }));
    old.units[0]!.writeTable('holding', 10, [1, 2, 3, 4, 5]);
    const next = await compile(device({}, { blocks: [{ address: 10, values: [0, 0, 0, 0] }] }));
    expect(next.takeOver(old).keptBlockWords).toBe(4);
    expect(next.units[0]!.readTable('holding', 10, 5)).toEqual([1, 2, 3, 4, 0]);
  });

  it('a point in another table does not cover a block word at the same address', async () => {
    const profile = device({ run: { type: 'bool', address: 1, value: false } }, { blocks: [{ address: 0, values: [0, 0, 0] }] });
    const old = await compile(profile);
    old.units[0]!.writeTable('holding', 0, [1, 2, 3]);
    const next = await compile(profile);
    expect(next.takeOver(old).keptBlockWords).toBe(3);
    expect(next.units[0]!.readTable('holding', 0, 3)).toEqual([1, 2, 3]);
  });
});

describe('units are matched by unit id', () => {
  const gateway = (ids: [number, number], extra: object = {}) => ({
    version: 1,
    name: 'line',
    units: [
      { unitId: ids[0], name: 'a', points: { level: { type: 'uint16', address: 0, value: 1 } } },
      { unitId: ids[1], name: 'b', points: { level: { type: 'uint16', address: 0, value: 1 } } },
    ],
    ...extra,
  });

  it('a unit whose id changed is a new unit: its points take their declaration, reported as unit/point', async () => {
    const old = await compile(gateway([2, 3]));
    old.unit(2)!.write('level', 20);
    old.unit(3)!.write('level', 30);
    const next = await compile(gateway([2, 4]));
    const report = next.takeOver(old);
    expect(next.unit(2)!.read('level')).toBe(20);
    expect(next.unit(4)!.read('level')).toBe(1);
    expect(report.keptPoints).toBe(1);
    expect(report.resetPoints).toEqual(['b/level']);
  });

  it('a new unit reports its points, not the bits of its bit fields', async () => {
    const old = await compile({ version: 1, name: 'g', units: [{ unitId: 1, name: 'a', points: { level: { type: 'uint16', address: 0 } } }] });
    const next = await compile({
      version: 1,
      name: 'g',
      units: [
        { unitId: 1, name: 'a', points: { level: { type: 'uint16', address: 0 } } },
        { unitId: 2, name: 'b', points: { status: { type: 'bitfield16', address: 0, bits: { run: 0, fault: 1 } } } },
      ],
    });
    expect(next.takeOver(old).resetPoints).toEqual(['b/status']);
  });

  it('a unit answering several ids is matched by its first', async () => {
    const old = await compile({ version: 1, name: 'g', units: [{ unitId: [7, 8], name: 'm', points: { level: { type: 'uint16', address: 0, value: 1 } } }] });
    old.unit(7)!.write('level', 70);
    const next = await compile({ version: 1, name: 'g', units: [{ unitId: [7, 9], name: 'm', points: { level: { type: 'uint16', address: 0, value: 1 } } }] });
    next.takeOver(old);
    expect(next.unit(7)!.read('level')).toBe(70);
  });

  it('the device answering unknown unit ids takes over from its predecessor, not from a numbered unit', async () => {
    const spare = { unknownUnits: { use: 'spare' }, templates: { spare: { points: { level: { type: 'uint16', address: 0, value: 1 } } } } };
    const old = await compile(gateway([2, 3], spare));
    old.unit(2)!.write('level', 20);
    old.unit(99)!.write('level', 99);
    const next = await compile(gateway([2, 3], spare));
    next.takeOver(old);
    expect(next.unit(99)!.read('level')).toBe(99);
    expect(next.unit(2)!.read('level')).toBe(20);
  });
});

describe('state machines and generators', () => {
  const machine = (every: number) => ({
    machines: {
      m: {
        initial: 'idle',
        every,
        states: { idle: {}, busy: {} },
        transitions: [{ from: 'idle', to: 'busy', write: 'go', when: 'value == 1' }],
      },
    },
  });
  const points = { go: { type: 'uint16', address: 0 }, state: { type: 'uint16', address: 1, generate: 'm' } };

  it('reports machines kept (same definition) and restarted (changed), by name', async () => {
    const old = await compile(device(points, machine(0.1)));
    old.units[0]!.write('go', 1);
    expect(old.units[0]!.machines()[0]!.state).toBe('busy');
    const same = await compile(device(points, machine(0.1)));
    const kept = same.takeOver(old);
    expect(kept.keptMachines).toEqual(['m']);
    expect(kept.restartedMachines).toEqual([]);
    expect(same.units[0]!.machines()[0]!.state).toBe('busy');
    const changed = await compile(device(points, machine(0.2)));
    const restarted = changed.takeOver(old);
    expect(restarted.keptMachines).toEqual([]);
    expect(restarted.restartedMachines).toEqual(['m']);
    expect(changed.units[0]!.machines()[0]!.state).toBe('idle');
  });

  it('in a gateway they are reported as unit/machine', async () => {
    const gateway = (every: number) => ({ version: 1, name: 'g', units: [{ unitId: 1, name: 'a', points, ...machine(0.1) }, { unitId: 2, name: 'b', points, ...machine(every) }] });
    const old = await compile(gateway(0.1));
    const report = (await compile(gateway(0.5))).takeOver(old);
    expect(report.keptMachines).toEqual(['a/m']);
    expect(report.restartedMachines).toEqual(['b/m']);
  });

  it('a version that adds or drops every generator and machine is handed over without them', async () => {
    const plain = device({ go: { type: 'uint16', address: 0, value: 0 } });
    const moving = device({ go: { type: 'uint16', address: 0, value: 0 }, wave: { type: 'uint16', address: 1, generate: 't' } });
    for (const [from, to] of [[plain, moving], [moving, plain]]) {
      const old = await compile(from);
      old.units[0]!.write('go', 5);
      const next = await compile(to);
      const report = next.takeOver(old);
      expect(next.units[0]!.read('go')).toBe(5);
      expect(report.keptMachines).toEqual([]);
    }
  });
});

describe('reset', () => {
  it('puts every written word back to its declaration', async () => {
    const profile = await compile(device({ p: { type: 'uint16', address: 0, value: 3 } }, { blocks: [{ address: 10, values: [7] }] }));
    profile.units[0]!.writeTable('holding', 0, [9]);
    profile.units[0]!.writeTable('holding', 10, [9]);
    profile.reset();
    expect(profile.units[0]!.readTable('holding', 0, 1)).toEqual([3]);
    expect(profile.units[0]!.readTable('holding', 10, 1)).toEqual([7]);
  });
});
