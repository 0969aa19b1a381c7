import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadProfileObject, loadProfileText } from '../../src/profile/index.js';
import { loaded } from './helpers.js';

const pointName = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/);
const point = fc.record(
  {
    type: fc.constantFrom('int16', 'uint16', 'int32', 'float32', 'float64'),
    address: fc.integer({ min: 0, max: 65535 }),
    description: fc.string(),
    byteOrder: fc.constantFrom('ABCD', 'CDAB', 'BADC', 'DCBA'),
  },
  { requiredKeys: ['type', 'address'] },
);
const profile = fc.record({ name: fc.string({ minLength: 1 }), points: fc.dictionary(pointName, point) });

/** Text made of YAML's punctuation, anchors, aliases and merge keys: mostly broken, sometimes not. */
const yamlish = fc
  .array(
    fc.constantFrom(
      ':',
      ': ',
      '- ',
      ' ',
      '  ',
      '\n',
      '{',
      '}',
      '[',
      ']',
      ',',
      '&a ',
      '*a',
      '<<: ',
      'points',
      'type',
      'address',
      '"',
      "'",
      '# c',
      '!x ',
      '---',
      'a',
      '1',
      '0x1F',
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(''));

describe('properties', () => {
  it('any text loads or is rejected with diagnostics, never an exception', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), yamlish), async (text) => {
        const result = await loadProfileText(text, 'any.yaml');
        if (result.ok) return;
        expect(result.diagnostics.length).toBeGreaterThan(0);
        for (const d of result.diagnostics) {
          expect(d.code).toMatch(/^E_[A-Z_]+$/);
          expect(d.location?.file ?? 'any.yaml').toBe('any.yaml');
          expect(d.location?.line ?? 1).toBeGreaterThanOrEqual(1);
          expect(d.location?.column ?? 1).toBeGreaterThanOrEqual(1);
        }
      }),
      { seed: 20261130, numRuns: 1000 },
    );
  });

  it('JSON is YAML: a valid profile written as JSON loads to the same value, points located at their names', async () => {
    await fc.assert(
      fc.asyncProperty(profile, async (value) => {
        const text = JSON.stringify(value, null, 2);
        const { profile: fromText, locate } = loaded(await loadProfileText(text, 'p.json'));
        expect(fromText).toEqual(value);
        expect(loaded(await loadProfileObject(value)).profile).toEqual(value);
        const lines = text.split('\n');
        for (const name of Object.keys(value.points)) {
          const line = lines.findIndex((l) => l.startsWith(`    ${JSON.stringify(name)}: {`)) + 1;
          expect(locate(fromText.points ?? {}, name)?.line).toBe(line);
        }
      }),
      { seed: 20261130, numRuns: 100 },
    );
  });
});
