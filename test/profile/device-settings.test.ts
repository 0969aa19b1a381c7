import { describe, expect, it } from 'vitest';
import { loadProfileText } from '../../src/profile/index.js';
import { loaded } from './helpers.js';

/** The schema side of `access` defaults, `raw` and `identification: false` / `reportServerId: false`. */
describe('device settings in the schema', () => {
  it('accepts access, false and raw at every level where they exist', async () => {
    const text = [
      'access: readOnly',
      'identification: false',
      'reportServerId: false',
      'templates:',
      '  t: { access: readWrite, identification: false, reportServerId: false, points: { a: { type: int16, address: 0, raw: 0x8000 } } }',
      'units:',
      '  - { unitId: 1, use: t, access: writeOnly, identification: {}, reportServerId: false }',
      '  - { unitId: 2, points: { b: { type: uint64, address: 0, raw: "0xFFFFFFFFFFFFFFFF" }, c: { type: bitfield16, address: 4, bits: { x: 0 }, raw: 1 } } }',
      '',
    ].join('\n');
    const { profile } = loaded(await loadProfileText(text, 'p.yaml'));
    expect([profile.access, profile.identification, profile.reportServerId]).toEqual(['readOnly', false, false]);
    expect(profile.units?.[0]).toMatchObject({ access: 'writeOnly', identification: {}, reportServerId: false });
  });

  async function diagnostics(text: string): Promise<[string, string, number | undefined, string][]> {
    const result = await loadProfileText(text, 'p.yaml');
    return result.ok ? [] : result.diagnostics.map((d) => [d.code, d.path, d.location?.line, d.message]);
  }

  it.each([
    ['identification: true turns nothing on', 'identification: true\n', ['E_SCHEMA_ENUM', 'identification', 1, 'must be false, not true']],
    ['access is one of three words', 'access: readonly\n', ['E_SCHEMA_ENUM', 'access', 1, expect.stringContaining('did you mean "readOnly"')]],
    [
      'a raw string is an integer as text',
      'points:\n  a: { type: uint16, address: 0, raw: high }\n',
      ['E_SCHEMA_PATTERN', 'points.a.raw', 2, expect.stringContaining('"0xFFFFFFFFFFFFFFFF"')],
    ],
    ['bool points have no raw', 'points:\n  a: { type: bool, address: 0, raw: 1 }\n', ['E_SCHEMA_UNKNOWN_KEY', 'points.a', 2, 'unknown key "raw"']],
    [
      'a bit field raw word is not negative',
      'points:\n  a: { type: bitfield16, address: 0, bits: { x: 0 }, raw: -1 }\n',
      ['E_SCHEMA_RANGE', 'points.a.raw', 2, 'must be at least 0, not -1'],
    ],
  ])('%s', async (_what, text, expected) => {
    expect(await diagnostics(text)).toEqual([expected]);
  });
});
