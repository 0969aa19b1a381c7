import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';
import { loadProfileFile } from '../../src/profile/index.js';

/**
 * A profile and its includes are read only from regular files (a FIFO, a device, a folder are
 * refused without reading a byte, so nothing blocks), and at most --max-file-size per file
 * (default 64 MiB).
 */
const dir = mkdtempSync(join(tmpdir(), 'modbus-emu-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HEAD = 'version: 1\nname: f\n';
const POINTS = 'points:\n  a: { type: uint16, address: 0 }\n';
const withUnit = (include: string): string => `${HEAD}units:\n  - unitId: 1\n    include: ${include}\n`;
const codes = (result: Awaited<ReturnType<typeof loadProfileFile>>): string[] => (result.ok ? [] : result.diagnostics.map((d) => `${d.code} ${d.message}`));

describe('only regular files are read', () => {
  it.runIf(process.platform !== 'win32')('a FIFO is refused at once, unread (it would wait for a writer for ever)', async () => {
    const fifo = join(dir, 'pipe.yaml');
    execFileSync('mkfifo', [fifo]);
    writeFileSync(join(dir, 'fifo.yaml'), withUnit('pipe.yaml'));
    expect(codes(await loadProfileFile(join(dir, 'fifo.yaml')))).toEqual([expect.stringMatching(/^E_FILE_TYPE cannot read the included file ".*pipe\.yaml": it is a FIFO \(named pipe\), not a regular file/)]);
    expect(codes(await loadProfileFile(fifo))).toEqual([expect.stringMatching(/^E_FILE_TYPE cannot read the profile ".*pipe\.yaml": it is a FIFO/)]);
  });

  it.runIf(process.platform === 'linux').each(['/dev/zero', '/dev/urandom'])('%s is refused, unread', async (device) => {
    writeFileSync(join(dir, 'device.yaml'), withUnit(device));
    expect(codes(await loadProfileFile(join(dir, 'device.yaml')))).toEqual([`E_FILE_TYPE cannot read the included file "${device}": it is a character device, not a regular file: only regular files are read`]);
  });

  it('a folder is refused', async () => {
    writeFileSync(join(dir, 'folder.yaml'), withUnit(dir));
    expect(codes(await loadProfileFile(join(dir, 'folder.yaml')))).toEqual([`E_FILE_TYPE cannot read the included file "${dir}": it is a folder, not a file`]);
  });
});

describe('the most read from one file', () => {
  it('a profile or an include larger than maxFileBytes is refused; the same files load under a larger limit', async () => {
    writeFileSync(join(dir, 'lib.yaml'), `${POINTS}description: "${'x'.repeat(300)}"\n`);
    writeFileSync(join(dir, 'main.yaml'), withUnit('lib.yaml'));
    expect(codes(await loadProfileFile(join(dir, 'main.yaml'), { maxFileBytes: 200 }))).toEqual(['E_FILE_TOO_LARGE cannot read the included file "' + join(dir, 'lib.yaml') + '": it is larger than 200 bytes, the most read from one file (raise it with --max-file-size)']);
    expect(codes(await loadProfileFile(join(dir, 'lib.yaml'), { maxFileBytes: 200 }))).toEqual([expect.stringMatching(/^E_FILE_TOO_LARGE cannot read the profile/)]);
    expect((await loadProfileFile(join(dir, 'main.yaml'), { maxFileBytes: 400 })).ok).toBe(true);
  });

  it('modbus-emu validate --max-file-size (MiB) sets it', async () => {
    writeFileSync(join(dir, 'big.yaml'), `${HEAD}${POINTS}description: "${'x'.repeat(20 * 1024)}"\n`);
    let out = '';
    const io = { stdout: (t: string) => (out += t), stderr: () => {}, cwd: dir };
    expect(await run(['validate', '--max-file-size', '0.01', 'big.yaml'], io)).toBe(1);
    expect(out).toBe('cannot read the profile "big.yaml": it is larger than 10.24 KiB, the most read from one file (raise it with --max-file-size) [E_FILE_TOO_LARGE]\n');
    out = '';
    expect(await run(['validate', '--max-file-size', '0.05', 'big.yaml'], io)).toBe(0);
  });
});

describe('validate and signals', () => {
  it('SIGINT/SIGTERM (the aborted signal) stop validate between files', async () => {
    writeFileSync(join(dir, 'ok.yaml'), `${HEAD}${POINTS}`);
    const controller = new AbortController();
    let err = '';
    const io = { stdout: () => controller.abort(), stderr: (t: string) => (err += t), cwd: dir, signal: controller.signal };
    expect(await run(['validate', 'ok.yaml', 'ok.yaml', 'ok.yaml'], io)).toBe(1);
    expect(err).toBe('stopped: 0 of the files checked so far had problems\n');
  });
});
