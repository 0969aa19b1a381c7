import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { testEnv } from '../helpers/env.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { compileProfile } from '../../src/compiler/compile.js';
import { formatDiagnostic } from '../../src/profile/diagnostics.js';
import { loadProfileText } from '../../src/profile/load.js';

/**
 * The README's examples are tests, so they cannot drift from the code: every ```ts block of the
 * API section is type-checked against the package entry and run; every ```yaml profile example
 * is loaded and compiled (a fragment is wrapped into the smallest profile around it).
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

function section(title: string): string {
  const start = README.indexOf(`\n## ${title}\n`);
  expect(start, `README has a "## ${title}" section`).toBeGreaterThanOrEqual(0);
  const end = README.indexOf('\n## ', start + 1);
  return README.slice(start, end < 0 ? undefined : end);
}

const blocks = (text: string, lang: string): string[] => [...text.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);

describe('README API examples', () => {
  const examples = blocks(section('API'), 'ts');
  const dir = mkdtempSync(join(tmpdir(), 'modbus-emu-readme-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // What a user writes (`from 'modbus-emu'`) pointed at the sources; .mts makes each file an ES module.
  const entry = pathToFileURL(join(ROOT, 'src/index.js')).pathname;
  const files = examples.map((code, i) => {
    const file = join(dir, `example-${i + 1}.mts`);
    writeFileSync(file, code.replaceAll(`from 'modbus-emu'`, `from '${entry}'`));
    return file;
  });

  it('the section has its three examples', () => {
    expect(examples).toHaveLength(3);
  });

  it('type-check under the project\'s strict settings', () => {
    const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
    const { rootDir: _r, outDir: _o, ...options } = config.options;
    const program = ts.createProgram(files, { ...options, noEmit: true });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    expect(problems).toEqual([]);
  }, 60_000);

  it.each(files.map((f, i) => [i + 1, f] as const))('example %i runs to the end', async (_, file) => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      await import(pathToFileURL(file).href);
    } finally {
      log.mockRestore();
    }
  });
});

describe('README profile examples', () => {
  const examples = blocks(README, 'yaml').filter((y) => y.split('\n').some((l) => l.trim() !== '' && !l.trimStart().startsWith('#')));
  const TOP_LEVEL = /^(version|name|points|blocks|access|unmapped|identification|reportServerId|server|templates|units|addressing|byteOrder)\s*:/m;

  /** A fragment of points becomes `points:`; one of top-level keys gets `version` and `name`. */
  function asProfile(yaml: string): string {
    const first = yaml.split('\n').find((l) => l.trim() !== '' && !l.trimStart().startsWith('#'))!;
    if (/^version\s*:/m.test(yaml)) return yaml;
    if (TOP_LEVEL.test(first)) return `version: 1\nname: readme\n${yaml}`;
    return `version: 1\nname: readme\npoints:\n${yaml.replace(/^/gm, '  ')}`;
  }

  it.each(examples.map((y, i) => [i + 1, y] as const))('yaml example %i loads and compiles', async (_, yaml) => {
    // Beside the bundled devices, so `include: lib/...` finds devices/lib/.
    const file = join(ROOT, 'devices', 'readme-example.yaml');
    const loaded = await loadProfileText(asProfile(yaml), file);
    const compiled = loaded.ok ? compileProfile(loaded.loaded, { env: testEnv() }) : undefined;
    const diagnostics = loaded.ok ? (compiled!.ok ? [] : compiled!.diagnostics) : loaded.diagnostics;
    // A fragment may name a scale-factor point declared elsewhere in its device.
    const fragment = !/^version\s*:/m.test(yaml);
    const real = diagnostics.filter((d) => !(fragment && d.code === 'E_UNKNOWN_REFERENCE' && d.path.endsWith('.scaleFactor')));
    expect(real.map(formatDiagnostic)).toEqual([]);
  });
});

describe('README examples kept as files that run as tests', () => {
  it('the Test fixtures example is test/e2e/readme-fixture.test.ts (importing the package by name)', () => {
    const file = readFileSync(join(ROOT, 'test/e2e/readme-fixture.test.ts'), 'utf8').replace(`'../../src/index.js'`, `'modbus-emu'`);
    expect(blocks(section('Test fixtures'), 'ts')).toEqual([file]);
  });

  it('the Control channel\'s Python example is examples/control.py (run by test/control/python-example.test.ts)', () => {
    expect(blocks(section('Control channel'), 'python')).toEqual([readFileSync(join(ROOT, 'examples/control.py'), 'utf8')]);
  });
});
