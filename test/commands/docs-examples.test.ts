import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { compileProfile } from '../../src/compiler/compile.js';
import { formatDiagnostic } from '../../src/profile/diagnostics.js';
import { loadProfileText } from '../../src/profile/load.js';
import { testEnv } from '../helpers/env.js';

/** docs/commands.md's examples are tests: every yaml block compiles without a warning, the ts block runs. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PAGE = readFileSync(join(ROOT, 'docs/commands.md'), 'utf8');
const blocks = (lang: string): string[] => [...PAGE.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);

describe('docs/commands.md examples', () => {
  it.each(blocks('yaml').map((y, i) => [i + 1, y] as const))('yaml example %i loads and compiles', async (_, yaml) => {
    const loaded = await loadProfileText(yaml, join(ROOT, 'docs', 'commands-example.yaml'));
    if (!loaded.ok) throw new Error(loaded.diagnostics.map(formatDiagnostic).join('\n'));
    const compiled = compileProfile(loaded.loaded, { env: testEnv() });
    if (!compiled.ok) throw new Error(compiled.diagnostics.map(formatDiagnostic).join('\n'));
    expect(compiled.warnings.map(formatDiagnostic)).toEqual([]);
  });

  it('the ts example runs to the end', async () => {
    const [code] = blocks('ts');
    const dir = mkdtempSync(join(tmpdir(), 'modbus-emu-commands-doc-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'example.mts');
    writeFileSync(file, code!.replaceAll(`from 'modbus-emu'`, `from '${pathToFileURL(join(ROOT, 'src/index.js')).pathname}'`));
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      await import(pathToFileURL(file).href);
      expect(log.mock.calls.at(-1)![0]).toEqual(['pump: drive: operationEnabled → fault (forced)', 'pump: drive: fault → switchOnDisabled (write controlWord when controlWord.faultReset && !(previous & 0x80))']);
    } finally {
      log.mockRestore();
    }
  });
});
