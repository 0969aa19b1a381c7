import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readPlainYaml } from '../../src/profile/fast-yaml.js';
import { parseYamlDocument } from '../../src/profile/parse-yaml.js';
import { SourceMap } from '../../src/profile/source-map.js';

/**
 * The fast reader (js-yaml's events) must give what `yaml`'s Document gives: the same values and
 * the same position for every object, key and value, or else decline (undefined) so that `yaml`
 * reads the file. Checked on every profile in the repository and on generated ones.
 */
function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

const FILES = ['devices', 'examples', 'test/fixtures/profiles'].flatMap(yamlFiles);

/** Every position either reader can be asked for, by path, as `line:column`. */
function positions(value: unknown, map: SourceMap): Map<string, string> {
  const out = new Map<string, string>();
  const at = (l: { line: number; column: number } | undefined) => (l ? `${l.line}:${l.column}` : '-');
  const walk = (node: unknown, path: string): void => {
    if (typeof node !== 'object' || node === null) return;
    out.set(path, at(map.locate(node)));
    for (const key of Object.keys(node)) {
      out.set(`${path}/${key}`, at(map.locate(node, key)));
      out.set(`${path}/${key}#key`, at(map.locateKey(node, key)));
      out.set(`${path}/${key}#1`, at(map.locateInside(node, key, 1)));
      walk((node as Record<string, unknown>)[key], `${path}/${key}`);
    }
  };
  walk(value, '');
  return out;
}

/** Compares the readers on one text; returns whether the fast one took it. */
function compare(text: string, file = 'p.yaml'): boolean {
  const fastMap = new SourceMap();
  const fast = readPlainYaml(text, file, fastMap);
  if (fast === undefined) return false;
  const fullMap = new SourceMap();
  const full = parseYamlDocument(text, file, fullMap);
  expect(full.diagnostics, `${file}: yaml reports problems the fast reader did not see`).toEqual([]);
  expect(fast.value, file).toEqual(full.value);
  expect(fast.rootLocation, file).toEqual(full.rootLocation);
  expect(positions(fast.value, fastMap), file).toEqual(positions(full.value, fullMap));
  return true;
}

describe('the fast YAML reader', () => {
  it('reads every profile in the repository as yaml does, or leaves it to yaml', () => {
    const taken = FILES.filter((file) => compare(readFileSync(file, 'utf8'), file));
    // Most bundled profiles are in the plain subset: the comparison must not be vacuous.
    expect(taken.length).toBeGreaterThan(FILES.length / 2);
  });

  it.each([
    ['numbers as names keep their text', 'enum:\n  0x10: a\n  010: b\n  1.50: c\n  ~: d\n  true: e\n'],
    ['scalars of the core schema', 'a: [0o17, 0x1F, -3, +4, 1e3, .5, -.inf, .NaN, 1_000, yes, Null, ~, TRUE, "1"]\n'],
    ['quoted strings, flow and block collections', "p:\n  - 'it''s'\n  - \"a\\tb\"\n  - { x: 1, y: [2, 3] }\nq: 'x'\n"],
    ['empty values and CRLF line ends', 'a:\r\nb:\r\n  c:\r\n  d: 1\r\n'],
    ['a key named __proto__', '__proto__: 1\nb: 2\n'],
    ['a document start marker and comments', '# c\n---\na: 1 # x\n...\n'],
  ])('%s', (_name, text) => {
    expect(compare(text)).toBe(true);
  });

  it.each([
    ['a tag', 'a: !!binary aGk=\n'],
    ['an anchor and an alias', 'a: &x 1\nb: *x\n'],
    ['a merge key', 'a: &x { b: 1 }\nc: { <<: *x }\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['two documents', 'a: 1\n---\nb: 2\n'],
    ['a syntax error', 'a: [1, 2\n'],
    ['an empty document', '# nothing\n'],
    ['a scalar document', 'hello\n'],
    ['a block scalar', 'a: |\n  x\n'],
    ['a lone carriage return', 'a: 1\rb: 2\n'],
    ['a map as a key', '? { a: 1 }\n: 2\n'],
    ['an empty list item', 'a:\n  -\n  - 1\n'],
    ['a document nested 40 deep', `a: ${'['.repeat(40)}${']'.repeat(40)}\n`],
  ])('leaves %s to yaml', (_name, text) => {
    expect(readPlainYaml(text, 'p.yaml', new SourceMap())).toBeUndefined();
  });

  it('agrees with yaml on generated profiles', () => {
    const scalar = fc.oneof(
      fc.constantFrom('1', '-2', '0x1f', '0o7', '1.5', '1e3', '.inf', 'null', '~', 'true', 'False', 'x y', 'a:b', '#x'),
      fc.string({ maxLength: 6 }).map((s) => JSON.stringify(s)),
      fc.string({ maxLength: 6 }).map((s) => `'${s.replace(/'/g, "''")}'`),
    );
    const key = fc.stringMatching(/^[a-z_][a-z0-9_]{0,5}$/);
    const flow = fc.dictionary(key, scalar, { maxKeys: 4 }).map((d) => `{ ${Object.entries(d).map(([k, v]) => `${k}: ${v}`).join(', ')} }`);
    const value = fc.oneof(scalar, flow, fc.array(scalar, { maxLength: 4 }).map((a) => `[${a.join(', ')}]`));
    const doc = fc.dictionary(key, fc.oneof(value, fc.dictionary(key, value, { minKeys: 1, maxKeys: 4 })), { minKeys: 1, maxKeys: 6 }).map((d) =>
      Object.entries(d)
        .map(([k, v]) => (typeof v === 'string' ? `${k}: ${v}\n` : `${k}:\n${Object.entries(v).map(([k2, v2]) => `  ${k2}: ${v2}\n`).join('')}`))
        .join(''),
    );
    fc.assert(fc.property(doc, (text) => void compare(text)), { seed: 16, numRuns: 200 });
  });
});
