import { describe, expect, it } from 'vitest';
import { loadProfileFile } from '../../src/profile/index.js';
import { FIXTURES, loaded } from './helpers.js';

const PUMP = `${FIXTURES}/valid/pump.yaml`;
const GATEWAY = `${FIXTURES}/valid/gateway.yaml`;
const METER = `${FIXTURES}/valid/devices/meter.yaml`;

describe('locate', () => {
  it('gives the position of an object, and of the value under a key', async () => {
    const { profile, locate } = loaded(await loadProfileFile(PUMP));
    const points = profile.points ?? {};
    expect(locate(profile)).toEqual({ file: PUMP, line: 2, column: 1 });
    expect(locate(points, 'speed')).toEqual({ file: PUMP, line: 22, column: 5 });
    expect(locate(points.speed, 'address')).toEqual({ file: PUMP, line: 24, column: 14 });
    expect(locate(profile.unmapped as object, 'coil')).toEqual({ file: PUMP, line: 16, column: 34 });
  });

  it('gives the position of an array item', async () => {
    const { profile, locate } = loaded(await loadProfileFile(PUMP));
    const blocks = profile.blocks ?? [];
    expect(locate(blocks, 1)).toEqual({ file: PUMP, line: 51, column: 5 });
    expect(locate(blocks[1].values ?? [], 2)).toEqual({ file: PUMP, line: 52, column: 20 });
  });

  it('falls back to the node for a key it does not have', async () => {
    const { profile, locate } = loaded(await loadProfileFile(PUMP));
    expect(locate(profile.points?.running ?? {}, 'table')).toEqual({ file: PUMP, line: 19, column: 5 });
  });

  it('locateKey gives the key itself', async () => {
    const { profile, locateKey } = loaded(await loadProfileFile(PUMP));
    expect(locateKey?.(profile.points ?? {}, 'speed')).toEqual({ file: PUMP, line: 21, column: 3 });
  });

  it('finds objects of an included file in that file', async () => {
    const { profile, locate } = loaded(await loadProfileFile(GATEWAY));
    const meter = profile.templates?.meter ?? {};
    expect(locate(meter)).toEqual({ file: METER, line: 1, column: 1 });
    expect(locate(meter, 'points')).toEqual({ file: METER, line: 4, column: 3 });
  });

  it('locates an included unit at the unit, each key in the file that wrote it', async () => {
    const { profile, locate } = loaded(await loadProfileFile(GATEWAY));
    const unit = profile.units?.[1] ?? { unitId: 0 };
    expect(locate(unit)).toEqual({ file: GATEWAY, line: 12, column: 5 });
    expect(locate(unit, 'name')).toEqual({ file: GATEWAY, line: 13, column: 11 });
    expect(locate(unit, 'byteOrder')).toEqual({ file: METER, line: 2, column: 12 });
    // include is gone from the unit: its position falls back to the unit
    expect(locate(unit, 'include')).toEqual({ file: GATEWAY, line: 12, column: 5 });
  });

  it('locates merged keys where the anchored map wrote them', async () => {
    const file = `${FIXTURES}/valid/anchors.yaml`;
    const { profile, locate } = loaded(await loadProfileFile(file));
    const unit = profile.units?.[0] ?? { unitId: 0 };
    expect(locate(unit, 'name')).toEqual({ file, line: 9, column: 11 });
    expect(locate(unit, 'points')).toEqual({ file, line: 5, column: 7 });
  });

  it('returns undefined for objects that are not from the load', async () => {
    const { locate } = loaded(await loadProfileFile(PUMP));
    expect(locate({})).toBeUndefined();
  });
});
