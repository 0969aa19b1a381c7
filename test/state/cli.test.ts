import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { run } from '../../src/cli/run.js';
import { connectClient } from '../helpers/modbus-client.js';

/** The CLI's --state, --allow and --read-only, in-process; an AbortController stands in for SIGINT/SIGTERM. */

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'modbus-emu-cli-state-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function cli(argv: string[], cwd: string) {
  const controller = new AbortController();
  let stdout = '';
  let stderr = '';
  const exit = run(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), signal: controller.signal, cwd });
  onTestFinished(async () => {
    controller.abort();
    await exit;
  });
  return {
    exit,
    stop: async () => {
      controller.abort();
      return exit;
    },
    get stderr() {
      return stderr;
    },
    port: () => vi.waitFor(() => Number(/^listening on \S+:(\d+) /m.exec(stdout)?.[1] ?? expect.fail(`no ready line yet; stderr: ${stderr}`)), { timeout: 5000 }),
  };
}

const PROFILE = 'version: 1\npoints:\n  mode: { type: uint16, address: 11, value: 1 }\n';

describe('modbus-emu --state', () => {
  it('saves at SIGINT/SIGTERM what a client wrote, and serves it after a restart', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'p.yaml'), PROFILE);
    const first = cli(['p.yaml', '--port', '0', '--state', 's.json', '--no-watch'], dir);
    const client = await connectClient(await first.port());
    await client.writeRegister(11, 42);
    expect(await first.stop()).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 's.json'), 'utf8')).units.p.points.mode.words).toEqual([42]);
    const second = cli(['p.yaml', '--port', '0', '--state', 's.json', '--no-watch'], dir);
    const again = await connectClient(await second.port());
    expect((await again.readHoldingRegisters(11, 1)).data).toEqual([42]);
    expect(second.stderr).toContain(`state file ${join(dir, 's.json')}: 1 saved value(s) restored`);
  });

  it('a file that is not a state file: exit 1, the file named, nothing listening, the file untouched', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'p.yaml'), PROFILE);
    writeFileSync(join(dir, 's.json'), 'not json');
    const c = cli(['p.yaml', '--port', '0', '--state', 's.json', '--no-watch'], dir);
    expect(await c.exit).toBe(1);
    expect(c.stderr).toContain(`modbus-emu: the state file ${join(dir, 's.json')} is not valid JSON (`);
    expect(c.stderr).toContain('modbus-emu: not started: no device is listening');
    expect(readFileSync(join(dir, 's.json'), 'utf8')).toBe('not json');
  });

  it.each([
    [[], 'give a profile (the in-memory device has no points to keep)'],
    [['p.yaml', 'q.yaml'], 'give each profile its own server.stateFile instead'],
  ])('with %j profiles it is a usage error (exit 2)', async (profiles, hint) => {
    const dir = tempDir();
    const c = cli([...profiles, '--state', 's.json'], dir);
    expect(await c.exit).toBe(2);
    expect(c.stderr).toBe(`modbus-emu: --state keeps the points of one profile: ${hint}\n`);
  });

  it('two profiles naming one state file do not start', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'p.yaml'), `${PROFILE}server: { stateFile: s.json }\n`);
    writeFileSync(join(dir, 'q.yaml'), `${PROFILE}server: { stateFile: s.json }\n`);
    const c = cli(['p.yaml', 'q.yaml', '--port', '0', '--no-watch'], dir);
    expect(await c.exit).toBe(1);
    expect(c.stderr).toContain(`modbus-emu: p.yaml and q.yaml would both keep their state in ${join(dir, 's.json')}: give each its own server.stateFile`);
  });
});

describe('modbus-emu --read-only and --allow', () => {
  it('the in-memory device refuses client writes with the code given, and says so at start', async () => {
    const c = cli(['--port', '0', '--read-only-exception', '0x0B'], tempDir());
    const client = await connectClient(await c.port());
    await expect(client.writeRegister(0, 1)).rejects.toMatchObject({ modbusCode: 0x0b });
    expect((await client.readHoldingRegisters(0, 1)).data).toEqual([0]);
    expect(c.stderr).toContain('read-only: every client write is answered with exception 0B and changes nothing');
  });

  it('--allow replaces the profile\'s list and is announced', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'p.yaml'), `${PROFILE}server: { allow: [192.0.2.0/24] }\n`);
    const c = cli(['p.yaml', '--port', '0', '--no-watch', '--allow', '10.0.0.0/8', '--allow', '127.0.0.1'], dir);
    const client = await connectClient(await c.port());
    expect((await client.readHoldingRegisters(11, 1)).data).toEqual([1]);
    expect(c.stderr).toContain('p.yaml: clients served from 10.0.0.0/8, 127.0.0.1 only (others are closed at accept)');
  });
});
