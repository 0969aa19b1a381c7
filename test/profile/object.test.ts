import { describe, expect, it } from 'vitest';
import { getProfileSchema, loadProfileObject } from '../../src/profile/index.js';
import { FIXTURES_DIR, loaded } from './helpers.js';

describe('loadProfileObject', () => {
  it('accepts a valid object; its objects have no position', async () => {
    const value = { name: 'api', points: { speed: { type: 'int16', address: 3 } } };
    const result = loaded(await loadProfileObject(value, { name: 'test profile' }));
    expect(result.file).toBe('test profile');
    expect(result.profile).toEqual(value);
    expect(result.locate(result.profile)).toBeUndefined();
    expect(result.locate(result.profile.points ?? {}, 'speed')).toBeUndefined();
  });

  it('reports every mistake of an invalid object by path, without a position', async () => {
    const result = await loadProfileObject({
      points: { speed: { type: 'float33', address: 1 }, flow: { type: 'int16', address: -1, adress: 2 } },
      unitZero: 'sometimes',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.diagnostics.map((d) => [d.code, d.path]).sort()).toEqual([
      ['E_SCHEMA_ENUM', 'unitZero'],
      ['E_SCHEMA_POINT_TYPE', 'points.speed.type'],
      ['E_SCHEMA_RANGE', 'points.flow.address'],
      ['E_SCHEMA_UNKNOWN_KEY', 'points.flow'],
    ]);
    expect(result.diagnostics.every((d) => d.location === undefined)).toBe(true);
  });

  it("resolves includes against cwd without changing the caller's object", async () => {
    const value = {
      templates: { meter: { include: 'valid/devices/meter.yaml' } },
      units: [{ unitId: 1, use: 'meter' }],
    };
    const before = structuredClone(value);
    const result = loaded(await loadProfileObject(value, { cwd: FIXTURES_DIR }));
    expect(value).toEqual(before);
    const meter = result.profile.templates?.meter ?? {};
    expect(meter).toMatchObject({ name: 'energy meter' });
    // the included file's objects do come from a file
    expect(result.locate(meter)?.line).toBe(1);
  });

  it('treats keys holding undefined as absent, as JSON would', async () => {
    loaded(await loadProfileObject({ name: 'x', description: undefined }));
  });

  class Settings {
    port = 502;
  }
  it.each([
    ['binary data (Uint8Array)', new Uint8Array(3)],
    ['binary data (Buffer)', Buffer.from('hello')],
    ['a Date', new Date(0)],
    ['a Map', new Map([['a', 1]])],
    ['a Set', new Set([1])],
    ['an instance of Settings', new Settings()],
    ['a function', () => 1],
  ])('rejects %s with one diagnostic wherever it is', async (what, odd) => {
    for (const key of ['points', 'templates', 'identification', 'server', 'unmapped', 'units', 'name']) {
      const result = await loadProfileObject({ version: 1, [key]: odd });
      const diagnostics = result.ok ? [] : result.diagnostics;
      expect(diagnostics.map((d) => [d.code, d.path])).toEqual([['E_SCHEMA_TYPE', key]]);
      expect(diagnostics[0]!.message).toMatch(new RegExp(`^must be .*, not ${what.replace(/[()]/g, '\\$&')}$`));
    }
  });

  it('rejects values that are not plain data', async () => {
    const result = await loadProfileObject({ name: new Date(0) });
    expect(result.ok ? [] : result.diagnostics.map((d) => d.code)).toEqual(['E_SCHEMA_TYPE']);
  });
});

describe('getProfileSchema', () => {
  it('returns the JSON schema, a copy each time', () => {
    const schema = getProfileSchema() as { $id: string; definitions: object };
    expect(schema.$id).toMatch(/device-profile\.schema\.json$/);
    expect(schema.definitions).toHaveProperty('Device');
    expect(getProfileSchema()).not.toBe(schema);
  });
});
