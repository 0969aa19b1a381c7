import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { patternWords } from '../../src/profile/schema-messages.js';
import { loadProfileFile, loadProfileText } from '../../src/profile/index.js';
import { FIXTURES, where, type Where } from './helpers.js';

const at = (code: string, line: number, column: number): Where => ({ code, line, column });

describe('invalid profiles report every problem with its position, in file order', () => {
  const cases: [fixture: string, expected: Where[]][] = [
    // the flow map opened on line 3 is never closed; the parser notices at line 4
    ['syntax.yaml', [at('E_YAML_SYNTAX', 4, 3)]],
    // `speed` again on line 9: the second one is the mistake
    ['duplicate-point.yaml', [at('E_DUPLICATE_KEY', 9, 3)]],
    // `adress` is unknown, and so `address` is missing (the point's map starts on line 3)
    ['unknown-key.yaml', [at('E_SCHEMA_REQUIRED', 3, 5), at('E_SCHEMA_UNKNOWN_KEY', 4, 5)]],
    ['wrong-enum.yaml', [at('E_SCHEMA_ENUM', 2, 13), at('E_SCHEMA_ENUM', 4, 48)]],
    ['wrong-point-type.yaml', [at('E_SCHEMA_POINT_TYPE', 3, 11)]],
    ['negative-address.yaml', [at('E_SCHEMA_RANGE', 4, 14)]],
    // a string point needs `registers`
    ['missing-required.yaml', [at('E_SCHEMA_REQUIRED', 3, 5)]],
    [
      'several.yaml',
      [
        at('E_SCHEMA_RANGE', 3, 9), // port 70000
        at('E_SCHEMA_ENUM', 4, 11), // unmapped: sometimes
        at('E_SCHEMA_POINT_TYPE', 7, 11), // float33
        at('E_SCHEMA_UNKNOWN_KEY', 12, 5), // acess
        at('E_SCHEMA_PATTERN', 14, 13), // unitId "one" is neither a number nor a range
      ],
    ],
    ['multi-doc.yaml', [at('E_MULTIPLE_DOCUMENTS', 2, 1)]],
    ['empty.yaml', [at('E_EMPTY', 1, 1)]],
    [
      'one-of.yaml',
      [
        at('E_SCHEMA_TYPE', 2, 13), // unitId: true fits no form of unit id
        at('E_SCHEMA_PATTERN', 3, 17), // "x-y" in the list
        at('E_SCHEMA_RANGE', 3, 24), // 300 in the list
        at('E_SCHEMA_ENUM', 4, 23), // unmapped.coil: zeros
        at('E_SCHEMA_RANGE', 6, 17), // serverId 256
        at('E_SCHEMA_UNKNOWN_KEY', 7, 29), // unknownUnits.extra
        at('E_SCHEMA_UNKNOWN_KEY', 9, 50), // a template with include has nothing else
        at('E_SCHEMA_PATTERN', 10, 3), // template name with a space
      ],
    ],
  ];

  it.each(cases)('%s', async (fixture, expected) => {
    expect(where(await loadProfileFile(`${FIXTURES}/invalid/${fixture}`))).toEqual(expected);
  });
});

describe('messages', () => {
  async function messages(text: string): Promise<string[]> {
    const result = await loadProfileText(text, 'inline.yaml');
    return result.ok ? [] : result.diagnostics.map((d) => `${d.path}: ${d.message}`);
  }

  it('name an unknown key and suggest the close one', async () => {
    const [message] = await messages('points:\n  speed: { type: int16, address: 1, uint: rpm }\n');
    expect(message).toMatch(/^points\.speed: .*"uint".*did you mean "unit"/);
  });

  it('call a duplicate key under points a duplicate point name', async () => {
    const [message] = await messages('points:\n  a: { type: bool, address: 0 }\n  a: { type: bool, address: 1 }\n');
    expect(message).toMatch(/point name "a"/);
  });

  it('list the allowed values of an enum', async () => {
    const [message] = await messages('writeToReadOnly: ignored\n');
    expect(message).toMatch(/reject.*ignore/);
  });

  it('list the point types and suggest the close one', async () => {
    const [message] = await messages('points:\n  a: { type: float33, address: 0 }\n');
    expect(message).toMatch(/^points\.a\.type: .*"float33".*"float32".*bool, int16/);
  });

  it.each([
    ['float', 'float32'],
    ['int', 'int16'],
    ['bitfield', 'bitfield16'],
  ])('suggest the first width of a type named without one: %s → %s', async (type, guess) => {
    const [message] = await messages(`points:\n  a: { type: ${type}, address: 0 }\n`);
    expect(message).toContain(`type "${type}" is not a point type; did you mean "${guess}"?`);
  });

  it('a bad duration is a sentence with examples, not the regular expression', async () => {
    const [message] = await messages('points:\n  a: { type: int16, address: 0 }\nfaults:\n  - { name: slow, do: { delay: 5 parsecs } }\n');
    expect(message).toBe('faults[0].do.delay: the text "5 parsecs" is not valid: write a duration as a number and a unit, such as "250ms", "1.5s" or "2m" (or a number of milliseconds)');
  });

  it('every pattern of the schema has words: no message shows a regular expression', async () => {
    const schema = readFileSync(new URL('../../schemas/device-profile.schema.json', import.meta.url), 'utf8');
    const patterns = [...schema.matchAll(/"pattern": ("(?:[^"\\]|\\.)*")/g)].map((m) => JSON.parse(m[1]!) as string);
    expect(patterns.length).toBeGreaterThan(0);
    for (const pattern of patterns) expect(patternWords(pattern).rule, pattern).not.toContain(pattern);
  });

  it('give one sentence for a value that fits no alternative of a oneOf', async () => {
    expect(await messages('unmapped: 3\n')).toHaveLength(1);
  });
});

describe('problems with the document as a whole', () => {
  it('a file that does not exist has no position and names the path', async () => {
    const result = await loadProfileFile(`${FIXTURES}/nowhere.yaml`);
    expect(where(result)).toEqual([{ code: 'E_FILE_NOT_FOUND', line: undefined, column: undefined }]);
    expect(result.ok || result.diagnostics[0].message).toContain('nowhere.yaml');
  });

  it('a folder is not a profile', async () => {
    expect(where(await loadProfileFile(FIXTURES))).toEqual([
      { code: 'E_FILE_READ', line: undefined, column: undefined },
    ]);
  });

  it('a document that is not a map is reported where it starts', async () => {
    expect(where(await loadProfileText('\n- a\n- b\n', 'list.yaml'))).toEqual([at('E_SCHEMA_TYPE', 2, 1)]);
    expect(where(await loadProfileText('42\n', 'number.yaml'))).toEqual([at('E_SCHEMA_TYPE', 1, 1)]);
  });

  it('an empty value is reported at its key', async () => {
    expect(where(await loadProfileText('points:\n  speed:\n', 'p.yaml'))).toEqual([at('E_SCHEMA_TYPE', 2, 3)]);
  });

  it('an unknown tag is a mistake, not a guess: one diagnostic at its value', async () => {
    const result = await loadProfileText('name: !fancy pump\n', 'p.yaml');
    expect(where(result)).toEqual([at('E_SCHEMA_TYPE', 1, 14)]);
    expect(result.ok ? '' : result.diagnostics[0]!.message).toBe('must be a string, not a value with the unknown tag !fancy');
  });

  // yaml's own uniqueKeys check is off (it compares each key with every earlier one: quadratic in
  // a large map); the converter finds duplicates in one pass and names them with positions.
  it('duplicate keys at any depth, in block and flow maps, are each reported where they repeat', async () => {
    const text = [
      'name: a',
      'points:',
      '  x: { type: int16, address: 1, address: 2 }',
      '  y: { type: int16, address: 3 }',
      'identification:',
      '  vendorName: A',
      '  vendorName: B',
      'name: b',
    ].join('\n');
    const result = await loadProfileText(text, 'p.yaml');
    expect(where(result)).toEqual([at('E_DUPLICATE_KEY', 3, 33), at('E_DUPLICATE_KEY', 7, 3), at('E_DUPLICATE_KEY', 8, 1)]);
    expect(result.ok ? [] : result.diagnostics.map((d) => d.message)).toEqual([
      'duplicate key "address" (first defined on line 3)',
      'duplicate key "vendorName" (first defined on line 6)',
      'duplicate key "name" (first defined on line 1)',
    ]);
  });

  it('a key that is a map is rejected', async () => {
    expect(where(await loadProfileText('{ a: 1 }: x\n', 'p.yaml'))).toEqual([at('E_YAML_KEY', 1, 1)]);
  });

  it('a merge key needs a map', async () => {
    expect(where(await loadProfileText('server:\n  <<: 3\n', 'p.yaml'))).toEqual([at('E_YAML_MERGE', 2, 7)]);
  });
});
