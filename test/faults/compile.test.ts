import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, onTestFinished, test } from 'vitest';
import { run } from '../../src/cli/run.js';
import { compileProfile } from '../../src/compiler/compile.js';
import { loadDevice } from '../../src/runtime/load-device.js';
import { loadYaml } from '../compiler/helpers.js';
import { serveUntilListening } from '../helpers/cli.js';
import { testEnv } from '../helpers/env.js';

const compileText = (text: string) => compileProfile(loadYaml(text), { env: testEnv() });
const warnings = (text: string) => {
  const r = compileText(text);
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.warnings.map((w) => [w.code, w.path, w.location?.line, w.message]);
};
const errors = (text: string) => {
  const r = compileText(text);
  return r.ok ? [] : r.diagnostics.map((d) => [d.code, d.path, d.location?.line]);
};

const GATEWAY = `
units:
  - unitId: 1
    points: { a: { type: uint16, address: 100 } }
    identification: false
  - unitId: 2
    respond: silence
faults:
  - name: r
`;
const NEVER_MATCHES = `version: 1\n${GATEWAY}    match: { unitId: 7 }\n    do: { exception: 4 }\n`;

/** A temporary folder holding `files`, removed after the test. */
function folderWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'faults-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('rules that can never match: warnings, not errors', () => {
  test.each([
    ['a unit id no device serves', 'match: { unitId: [2, 7] }', 'faults[0].match.unitId', /no device serves unit 2, 7/],
    ['a function the device does not serve', 'match: { function: [7, 43] }', 'faults[0].match.function', /does not serve its function codes/],
    ['an address outside every mapped range', 'match: { function: 3, address: { from: 0, to: 99 } }', 'faults[0].match.address', /no address it names is mapped/],
    ['a start address not mapped', 'match: { start: 101 }', 'faults[0].match.start', /no address it names is mapped/],
  ])('%s', (_what, match, path, message) => {
    const w = warnings(`${GATEWAY}    ${match}\n    do: { exception: 4 }\n`);
    expect(w).toEqual([['W_FAULT_NEVER_MATCHES', path, 9, expect.stringMatching(message)]]);
  });

  test('a rule that can match has no warning (an address in the input table counts for FC 4 only)', () => {
    expect(warnings(`${GATEWAY}    match: { address: 100 }\n    do: { exception: 4 }\n`)).toEqual([]);
    expect(warnings(`${GATEWAY}    match: { function: 4, address: 100 }\n    do: { exception: 4 }\n`)).toHaveLength(1);
  });

  test('modbus-emu validate prints them and exits 0', async () => {
    const dir = folderWith({ 'p.yaml': NEVER_MATCHES });
    let out = '';
    const code = await run(['validate', 'p.yaml'], { stdout: (t) => (out += t), stderr: () => {}, cwd: dir });
    expect(code).toBe(0);
    expect(out).toMatch(/^warning: p\.yaml:11:22 faults\[0\]\.match\.unitId: the fault rule r can never match: no device serves unit 7 \[W_FAULT_NEVER_MATCHES\]\nok p\.yaml \(1 warning\)\n$/);
  });
});

describe('serving a profile with a rule that can never match', () => {
  test('the CLI prints the warning on stderr and serves anyway', async () => {
    const dir = folderWith({ 'p.yaml': NEVER_MATCHES });
    const { code, stderr } = await serveUntilListening(['p.yaml', '--port', '0'], dir);
    expect(code).toBe(0);
    expect(stderr).toContain('warning: p.yaml:11:22 faults[0].match.unitId: the fault rule r can never match: no device serves unit 7 [W_FAULT_NEVER_MATCHES]\n');
  });
});

describe('errors', () => {
  test('a name used twice, across levels', () => {
    expect(errors(`
templates:
  t: { points: { a: { type: uint16, address: 0 } }, faults: [{ name: x, do: { noResponse: true } }] }
units:
  - { unitId: 1, use: t }
faults:
  - { name: x, do: { noResponse: true } }
`)).toEqual([['E_FAULT_DUPLICATE', 'faults[0].name', 6]]);
  });

  test('an unknown point; empty ranges', () => {
    expect(errors(`
points: { a: { type: uint16, address: 0 } }
faults:
  - { name: p, match: { points: [a, nope] }, do: { noResponse: true } }
  - { name: q, match: { address: { from: 5, to: 4 }, quantity: { min: 3, max: 2 } }, do: { noResponse: true } }
`)).toEqual([['E_FAULT_POINT', 'faults[0].match.points[1]', 3], ['E_FAULT_RANGE', 'faults[1].match.address', 4], ['E_FAULT_RANGE', 'faults[1].match.quantity', 4]]);
  });

  test('the schema: name and do are required, one action per entry, an unknown exception name', async () => {
    const r = await loadDevice({ version: 1, points: {}, faults: [{ do: { exception: 'nope' } }, { name: 'b', do: { delay: 5, noResponse: true } }] });
    expect(r.ok).toBe(false);
    expect(r.ok ? [] : r.diagnostics.map((d) => d.path)).toEqual(expect.arrayContaining(['faults[0]', 'faults[0].do.exception', 'faults[1].do']));
  });
});

describe('rules of a file several units include', () => {
  test('are one rule for all those units, not a duplicate name', async () => {
    const dir = folderWith({
      'meter.yaml': 'points: { a: { type: uint16, address: 0 } }\nfaults: [{ name: slow, when: { every: 2 }, do: { exception: 6 } }]\n',
      'gw.yaml': 'version: 1\nunits:\n  - { unitId: 1, include: meter.yaml }\n  - { unitId: 2, include: meter.yaml }\n',
    });
    const r = await loadDevice('gw.yaml', { cwd: dir, env: testEnv() });
    expect(r.ok ? r.profile.faults.names() : r.diagnostics).toEqual(['slow']);
  });
});
