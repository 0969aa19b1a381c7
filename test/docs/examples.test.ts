import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { compileProfile } from '../../src/compiler/compile.js';
import { formatDiagnostic, type Diagnostic } from '../../src/profile/diagnostics.js';
import { loadProfileText } from '../../src/profile/load.js';
import { ROOT, docPages, fences, runnable, where, writeTsExample } from '../helpers/docs.js';
import { testEnv } from '../helpers/env.js';

/**
 * The examples of README.md and docs/ are tests, so they cannot drift from the code (the fence
 * conventions are in test/helpers/docs.ts). These checks open no socket: they run in the 'direct'
 * project only; the TypeScript examples run in both modes in test/e2e/readme-examples.test.ts.
 */
const all = docPages().flatMap(fences);

describe('every fenced example is run, compiled, kept as a file, or marked not-run', () => {
  const SHOWN = new Set(['text']);
  const RUN = new Set(['ts', 'yaml']);
  it.each(all.map((f) => [where(f), f] as const))('%s', (_, f) => {
    const handled = RUN.has(f.lang) || SHOWN.has(f.lang) || f.attrs.has('file') || f.attrs.has('not-run') || (f.lang === 'sh' && f.attrs.has('control'));
    expect(handled, `${where(f)}: a \`\`\`${f.lang} block must say file=PATH (a file the suite runs) or not-run`).toBe(true);
    if (/^curl /m.test(f.code)) expect(f.attrs.has('control'), `${where(f)} calls the control channel: mark it \`\`\`sh control so the suite runs it`).toBe(true);
  });
});

describe('TypeScript examples', () => {
  const dir = mkdtempSync(join(tmpdir(), 'modbus-emu-docs-check-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('type-check under the project\'s strict settings (one program for all of them)', () => {
    const files = runnable('ts').map((f) => writeTsExample(f, dir));
    const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
    const { rootDir: _r, outDir: _o, ...options } = config.options;
    const program = ts.createProgram(files, { ...options, noEmit: true });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    expect(problems).toEqual([]);
  }, 60_000);
});

/** Loads and compiles YAML text as a profile beside the bundled devices (`include: lib/...` finds devices/lib/). */
/** `timeScale`: a fence's `time-scale=K`, the `--time-scale` the example is served under. */
async function diagnose(yaml: string, timeScale?: number): Promise<{ errors: readonly Diagnostic[]; warnings: readonly Diagnostic[] }> {
  const loaded = await loadProfileText(yaml, join(ROOT, 'devices', 'docs-example.yaml'));
  if (!loaded.ok) return { errors: loaded.diagnostics, warnings: [] };
  const compiled = compileProfile(loaded.loaded, { env: timeScale === undefined ? testEnv() : testEnv({ timeScale }) });
  return compiled.ok ? { errors: [], warnings: compiled.warnings } : { errors: compiled.diagnostics, warnings: [] };
}

describe('YAML profile examples load and compile', () => {
  const examples = runnable('yaml').filter((f) => !f.attrs.has('error') && f.code.split('\n').some((l) => l.trim() !== '' && !l.trimStart().startsWith('#')));
  const TOP_LEVEL = /^(version|name|points|blocks|access|unmapped|identification|reportServerId|server|templates|units|addressing|byteOrder|faults|responseDelay|scenarios)\s*:/m;

  /** A fragment of points becomes `points:`; one of top-level keys gets `version` and `name`. */
  function asProfile(yaml: string): string {
    const first = yaml.split('\n').find((l) => l.trim() !== '' && !l.trimStart().startsWith('#'))!;
    if (/^version\s*:/m.test(yaml)) return yaml;
    if (TOP_LEVEL.test(first)) return `version: 1\nname: docs\n${yaml}`;
    return `version: 1\nname: docs\npoints:\n${yaml.replace(/^/gm, '  ')}`;
  }

  it.each(examples.map((f) => [where(f), f] as const))('%s', async (_, f) => {
    const { errors } = await diagnose(asProfile(f.code));
    // A fragment may name a scale-factor point declared elsewhere in its device.
    const fragment = !/^version\s*:/m.test(f.code);
    const real = errors.filter((d) => !(fragment && d.code === 'E_UNKNOWN_REFERENCE' && d.path.endsWith('.scaleFactor')));
    expect(real.map(formatDiagnostic)).toEqual([]);
  });
});

describe('docs/errors.md', () => {
  const union = /export type DiagnosticCode =([^;]*);/.exec(readFileSync(join(ROOT, 'src/profile/diagnostics.ts'), 'utf8'))![1]!;
  const codes = [...union.matchAll(/'([EW]_[A-Z0-9_]+)'/g)].map((m) => m[1]!);
  const page = docPages().find((p) => p.path === 'docs/errors.md')!;
  const examples = fences(page);

  it('the DiagnosticCode union is read from the source', () => {
    expect(codes.length).toBeGreaterThan(50);
    expect(codes).toContain('W_FAULT_NEVER_MATCHES');
  });

  it.each(codes)('%s has a section with an example', (code) => {
    expect(page.text, `docs/errors.md has a "### ${code}" section`).toMatch(new RegExp(`^### ${code}$`, 'm'));
    expect(examples.filter((f) => f.heading === code).length, `docs/errors.md gives an example of ${code}`).toBeGreaterThan(0);
  });

  it('names no code that does not exist', () => {
    const named = [...page.text.matchAll(/^### ([EW]_[A-Z0-9_]+)$/gm)].map((m) => m[1]!);
    expect(named.filter((c) => !codes.includes(c))).toEqual([]);
  });

  const profiles = examples.filter((f) => f.attrs.has('error'));
  it.each(profiles.map((f) => [where(f), f.attrs.get('error') as string, f] as const))('%s produces %s', async (_, code, f) => {
    expect(f.heading, `${where(f)} illustrates the code of its section`).toBe(code);
    const scale = f.attrs.get('time-scale');
    const { errors, warnings } = await diagnose(f.code, typeof scale === 'string' ? Number(scale) : undefined);
    expect([...errors, ...warnings].map((d) => d.code)).toContain(code);
  });
});

describe('examples kept as files that the suite runs', () => {
  const kept = all.filter((f) => f.attrs.has('file'));
  it('the fixture in docs/api.md and the Python client in docs/control.md are among them', () => {
    expect(kept.map((f) => f.attrs.get('file'))).toEqual(expect.arrayContaining(['test/e2e/readme-fixture.test.ts', 'examples/control.py']));
  });
  it.each(kept.map((f) => [where(f), f] as const))('%s is its file', (_, f) => {
    // A test imports the sources; the example imports the package by name.
    const file = readFileSync(join(ROOT, f.attrs.get('file') as string), 'utf8').replace(/'(\.\.\/)+src\/index\.js'/g, `'modbus-emu'`);
    expect(f.code).toBe(file);
  });
});
