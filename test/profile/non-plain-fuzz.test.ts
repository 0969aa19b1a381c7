import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileProfile } from '../../src/compiler/compile.js';
import { testEnv } from '../helpers/env.js';
import { loadProfileText } from '../../src/profile/index.js';

/**
 * The loader only ever returns diagnostics or a profile, whatever YAML tags and shapes a document
 * uses and wherever they sit: every value of a realistic gateway profile may be replaced by a
 * tagged or odd value (or a whole map or list of them).
 */

/** Values that are not plain data, or plain data written oddly. */
const ODD = [
  '!!binary aGVsbG8=',
  '!!timestamp 2001-12-14',
  '!!timestamp 2001-12-14t21:59:43.10-05:00',
  '!!set { a, b }',
  '!!omap [ a: 1, b: 2 ]',
  '!!pairs [ a: 1, a: 2 ]',
  '!foo bar',
  '!foo { x: 1 }',
  '!foo [ 1 ]',
  '!<tag:example.com,2000:app/foo> 3',
  '!!float nope',
  '!!int 0x10',
  '!!str 5',
  '!!null ~',
  '!!map { }',
  '!!seq [ ]',
  '! 12',
  '.nan',
  '-.inf',
  '~',
  '[]',
  '{}',
  '"0x7FC00000"',
  '0xFFFFFFFF',
  '-1',
  '1e400',
];

type Tree = string | { readonly [key: string]: Tree } | readonly Tree[];

/** A realistic profile: every leaf and every subtree is a place where an odd value may go. */
const PROFILE: Tree = {
  version: '1',
  name: 'fuzz',
  description: 'a profile',
  byteOrder: 'ABCD',
  access: 'readWrite',
  addressing: 'protocol',
  server: { host: '127.0.0.1', port: '0', idleTimeout: '60' },
  unmapped: { holding: 'exception', input: 'zero' },
  identification: {
    vendorName: 'ACME',
    productCode: 'X1',
    privateObjects: { '0x80': 'serial' },
  },
  reportServerId: { serverId: ['0x12', '1'], running: 'true' },
  templates: {
    t: {
      points: {
        speed: {
          type: 'int16',
          address: '0',
          scale: '0.1',
          value: '5',
          min: '0',
          max: '100',
        },
        level: { type: 'float32', address: '2', value: '1.5' },
      },
    },
  },
  units: [
    { unitId: '1', use: 't' },
    { unitId: ['2', '"3-4"'], include: 'lib/dev.yaml' },
    { unitId: '9', respond: 'gatewayPathUnavailable' },
    {
      unitId: '10',
      points: {
        flag: { type: 'bool', address: '0', value: 'true' },
        status: {
          type: 'bitfield16',
          address: '1',
          bits: { running: '0', fault: { bit: '3', width: '2' } },
        },
        mode: {
          type: 'uint16',
          address: '3',
          enum: { '1': 'OFF', '4': 'MPPT' },
          value: 'OFF',
        },
        total: { type: 'uint32', address: '4', raw: '0xFFFFFFFF', unit: 'Wh' },
        serial: {
          type: 'string',
          address: '10',
          registers: '4',
          value: 'AB-1',
        },
      },
      blocks: [
        { table: 'input', address: '0', length: '10', fill: '0' },
        { address: '500', values: ['1', '2'] },
      ],
    },
  ],
  unknownUnits: 'gatewayPathUnavailable',
};

/** The device file a unit includes: fuzzed too, since included files are parsed and checked on their own. */
const INCLUDED: Tree = {
  name: 'dev',
  access: 'readOnly',
  identification: { vendorName: 'ACME' },
  points: { v: { type: 'uint16', address: '0', value: '7' }, f: { type: 'float32', address: '2', raw: '0x7FC00000' } },
  blocks: [{ address: '100', length: '2' }],
};

/** Every path to a node of the tree. */
function pathsOf(tree: Tree, prefix: readonly (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [[...prefix]];
  if (typeof tree === 'string') return out;
  const entries = Array.isArray(tree) ? tree.map((v, i) => [i, v] as const) : Object.entries(tree);
  for (const [key, value] of entries) out.push(...pathsOf(value as Tree, [...prefix, key]));
  return out;
}

/** The tree as flow YAML, with the node at each replaced path written as the odd value. */
function render(tree: Tree, replaced: ReadonlyMap<string, string>, path: readonly (string | number)[] = []): string {
  const odd = replaced.get(JSON.stringify(path));
  if (odd !== undefined) return odd;
  if (typeof tree === 'string') return tree;
  if (Array.isArray(tree)) return `[ ${tree.map((v, i) => render(v, replaced, [...path, i])).join(', ')} ]`;
  const pairs = Object.entries(tree).map(([k, v]) => `${k}: ${render(v as Tree, replaced, [...path, k])}`);
  return path.length === 0 ? pairs.join('\n') + '\n' : `{ ${pairs.join(', ')} }`;
}

/** Up to `max` nodes of `tree` replaced by odd values. */
function oddly(tree: Tree, min: number, max: number) {
  const paths = pathsOf(tree).filter((p) => p.length > 0);
  return fc
    .uniqueArray(fc.tuple(fc.constantFrom(...paths), fc.constantFrom(...ODD)), {
      minLength: min,
      maxLength: max,
      selector: ([path]) => JSON.stringify(path),
    })
    .map((replacements) => ({
      count: replacements.length,
      text: render(tree, new Map(replacements.map(([path, odd]) => [JSON.stringify(path), odd]))),
    }));
}

const document = fc
  .tuple(oddly(PROFILE, 1, 6), oddly(INCLUDED, 0, 3))
  .map(([main, included]) => ({ count: main.count + included.count, text: main.text, included: included.text }));

async function loadAndCompile(text: string, included = render(INCLUDED, new Map())) {
  const result = await loadProfileText(text, 'fuzz.yaml', {
    cwd: '/fuzz',
    readFile: async (path) => {
      if (path === '/fuzz/lib/dev.yaml') return included;
      throw Object.assign(new Error('missing'), { code: 'ENOENT' });
    },
  });
  if (result.ok) return compileProfile(result.loaded, { env: testEnv() });
  if (result.partial) compileProfile(result.partial, { env: testEnv() });
  return result;
}

describe('the loader with tagged and odd YAML values anywhere', () => {
  it('loads the unmodified profile', async () => {
    const result = await loadAndCompile(render(PROFILE, new Map()));
    expect(result.ok ? [] : result.diagnostics).toEqual([]);
  });

  it('only ever returns a profile or a few located diagnostics', async () => {
    await fc.assert(
      fc.asyncProperty(document, async ({ text, included, count }) => {
        const result = await loadAndCompile(text, included);
        if (result.ok) return;
        expect(result.diagnostics.length).toBeGreaterThan(0);
        // One mistake per replaced value, give or take a consequence: never one per byte or method.
        expect(result.diagnostics.length).toBeLessThanOrEqual(count * 2);
        for (const d of result.diagnostics) {
          expect(typeof d.code).toBe('string');
          expect(d.message).not.toMatch(/TypeError|undefined|\[object/);
          // Located in one of the two files, at a real line.
          expect(['fuzz.yaml', 'lib/dev.yaml'], `${d.code} ${d.path} has no position`).toContain(d.location?.file);
          expect(d.location!.line, `${d.code} ${d.path}`).toBeGreaterThanOrEqual(1);
        }
      }),
      { seed: 0x7a9, numRuns: 150 },
    );
  }, 60_000); // 150 seeded documents loaded and compiled: ~10 s alone, CPU-bound, so a loaded machine needs room, not a retry

  it('names each non-plain value once, at its position', async () => {
    for (const odd of [
      '!!binary aGVsbG8=',
      '!!timestamp 2001-12-14',
      '!!set { a }',
      '!!omap [ a: 1 ]',
      '!foo { x: 1 }',
    ]) {
      for (const key of ['points', 'templates', 'identification', 'server', 'unmapped', 'units']) {
        const result = await loadProfileText(`version: 1\n${key}: ${odd}\n`, 'x.yaml');
        expect(result.ok).toBe(false);
        if (result.ok) continue;
        expect(result.diagnostics.map((d) => [d.code, d.path, d.location?.line])).toEqual([['E_SCHEMA_TYPE', key, 2]]);
      }
    }
  });
});
