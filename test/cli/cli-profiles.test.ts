import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { run } from '../../src/cli/run.js';
import { loadDevice } from '../../src/runtime/load-device.js';
import { closeClient, connectClient as connect } from '../helpers/modbus-client.js';
import { freePort } from '../helpers/ports.js';

/**
 * The CLI in-process with profiles: `run(argv, io)` with an AbortController standing in for
 * SIGINT, the ready line on stdout (`listening on HOST:PORT <label>`) awaited for the port.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BUNDLED = readdirSync(join(ROOT, 'devices'))
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => `devices/${f}`);
const MISTAKES = 'test/fixtures/profiles/several-mistakes.yaml';
const READY = /^listening on (\S+):(\d+) (.+)$/gm;

interface Ready {
  host: string;
  port: number;
  label: string;
}

function cli(argv: string[]) {
  const controller = new AbortController();
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  const io = {
    stdout: (t: string) => {
      stdout += t;
      for (const w of [...waiters]) w();
    },
    stderr: (t: string) => {
      stderr += t;
    },
    signal: controller.signal,
    cwd: ROOT,
  };
  const exit = run(argv, io);
  onTestFinished(async () => {
    controller.abort();
    await exit;
  });
  const readyLines = (): Ready[] => [...stdout.matchAll(READY)].map((m) => ({ host: m[1]!, port: Number(m[2]), label: m[3]! }));
  return {
    exit,
    abort: () => controller.abort(),
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    /** Resolves with the first `n` ready lines; rejects if the command ends first. */
    ready(n = 1): Promise<Ready[]> {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const lines = readyLines();
          if (lines.length < n) return;
          waiters.delete(check);
          resolve(lines.slice(0, n));
        };
        waiters.add(check);
        check();
        void exit.then((code) => reject(new Error(`exited with ${code} before ${n} ready line(s); stderr:\n${stderr}`)), reject);
      });
    },
  };
}


function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'modbus-emu-cli-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('modbus-emu <profiles...>', () => {
  it('serves devices/pump.yaml on --port 0; abort → exit 0 with the summary on stderr', async () => {
    const c = cli(['devices/pump.yaml', '--port', '0']);
    const [ready] = await c.ready();
    expect(ready!.host).toBe('127.0.0.1');
    expect(ready!.port).toBeGreaterThan(0);
    expect(ready!.label).toBe('devices/pump.yaml');
    const client = await connect(ready!.port);
    expect((await client.readHoldingRegisters(3201, 1)).data).toEqual([0x0637]);
    expect((await client.readHoldingRegisters(8502, 1)).data).toEqual([450]);
    await closeClient(client);
    c.abort();
    expect(await c.exit).toBe(0);
    const compiled = await loadDevice('devices/pump.yaml', { cwd: ROOT });
    if (!compiled.ok) throw new Error('pump.yaml does not compile');
    const summary = compiled.profile.summary();
    expect(summary.length).toBeGreaterThan(0);
    for (const line of summary) expect(c.stderr).toContain(line);
    expect(c.stderr).toContain(`listening on 127.0.0.1:${ready!.port}`);
  });

  it('two profiles with --port 0 get two listeners, each serving its device', async () => {
    const c = cli(['devices/pump.yaml', 'devices/meter-em24.yaml', '--port', '0']);
    const lines = await c.ready(2);
    expect(lines.map((l) => l.label)).toEqual(['devices/pump.yaml', 'devices/meter-em24.yaml']);
    expect(lines[0]!.port).not.toBe(lines[1]!.port);
    const pump = await connect(lines[0]!.port);
    const meter = await connect(lines[1]!.port);
    expect((await pump.readHoldingRegisters(3201, 1)).data).toEqual([0x0637]);
    expect((await meter.readHoldingRegisters(0, 2)).data).toEqual([0x0908, 0x0000]);
    await expect(meter.readHoldingRegisters(3201, 1)).rejects.toMatchObject({ modbusCode: 2 });
    c.abort();
    expect(await c.exit).toBe(0);
  });

  it('two profiles that would listen on the same fixed port: exit 1, a clash message, no ready line', async () => {
    const port = await freePort();
    const dir = tempDir();
    const profile = (name: string) => `version: 1\nname: ${name}\nserver: { port: ${port} }\npoints:\n  v: { type: uint16, address: 0 }\n`;
    writeFileSync(join(dir, 'first.yaml'), profile('first'));
    writeFileSync(join(dir, 'second.yaml'), profile('second'));
    const c = cli([join(dir, 'first.yaml'), join(dir, 'second.yaml')]);
    // Either it ends, or (wrongly) it starts listening: never wait for a timeout.
    const outcome = await Promise.race([c.exit, c.ready().then(() => 'listening' as const)]);
    expect(outcome).toBe(1);
    expect(c.stderr).toContain(String(port));
    expect(c.stderr).toContain('first.yaml');
    expect(c.stderr).toContain('second.yaml');
    expect(c.stdout).not.toContain('listening on');
  });

  it('binds every listener or none: with the second port taken, nothing is announced and the first port is free again', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => void taken.close());
    const takenPort = (taken.address() as { port: number }).port;
    const firstPort = await freePort();
    const dir = tempDir();
    const profile = (name: string, port: number) => `version: 1\nname: ${name}\nserver: { port: ${port} }\npoints:\n  v: { type: uint16, address: 0 }\n`;
    writeFileSync(join(dir, 'first.yaml'), profile('first', firstPort));
    writeFileSync(join(dir, 'second.yaml'), profile('second', takenPort));
    const c = cli([join(dir, 'first.yaml'), join(dir, 'second.yaml')]);
    const outcome = await Promise.race([c.exit, c.ready().then(() => 'listening' as const)]);
    expect(outcome).toBe(1);
    expect(c.stdout).toBe('');
    expect(c.stderr).not.toContain('listening on');
    expect(c.stderr).toContain(`second.yaml: cannot listen on 127.0.0.1:${takenPort}: the port is already in use`);
    expect(c.stderr).toContain('no device is listening');
    // The first listener was closed again: its port can be bound.
    const again = createServer();
    await new Promise<void>((resolve, reject) => {
      again.once('error', reject);
      again.listen(firstPort, '127.0.0.1', resolve);
    });
    await new Promise((resolve) => again.close(resolve));
  });

  it('prints the seed it chose, and --seed N replays it: the same seed is printed and used', async () => {
    const first = cli(['devices/pump.yaml', '--port', '0']);
    await first.ready();
    expect(first.stderr).toMatch(/seed \d+ \(replay this run with --seed \d+\)/);
    const seed = /seed (\d+) \(replay this run with --seed \1\)/.exec(first.stderr)![1]!;
    first.abort();
    await first.exit;
    const replay = cli(['devices/pump.yaml', '--port', '0', '--seed', seed, '--time-scale', '60']);
    await replay.ready();
    expect(replay.stderr).toContain(`seed ${seed} (replay this run with --seed ${seed}); emulator time runs ×60`);
  });

  it('--seed 0 is a seed like any other, not "no seed"', async () => {
    const c = cli(['devices/pump.yaml', '--port', '0', '--seed', '0']);
    await c.ready();
    expect(c.stderr).toContain('seed 0 (replay this run with --seed 0)');
  });

  it('profiles served together take their connections from one pool (docs/reliability.md), said once at start-up', async () => {
    // The documented rule, computed here from the soft limit: the limit less a quarter of it (at
    // least 64) and less the two listeners, for both devices together; said when under 65,536.
    const soft = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1];
    expect(soft, 'a numeric soft limit in /proc/self/limits').toMatch(/^\d+$/);
    const limit = Number(soft);
    const pool = limit - Math.max(64, Math.floor(limit / 4)) - 2;
    const c = cli(['devices/pump.yaml', 'devices/meter-em24.yaml', '--port', '0']);
    await c.ready(2);
    const lines = `${c.stdout}${c.stderr}`.split('\n').filter((l) => l.includes('open-file limit'));
    if (pool < 65_536) expect(lines).toEqual([expect.stringContaining(`open-file limit ${limit}: at most ${pool} connections at once across all 2 devices`)]);
    else expect(lines).toEqual([]);
  });

  it.each([
    ['--seed', '-1'],
    ['--seed', '4294967296'],
    ['--seed', '1.5'],
    ['--time-scale', '0'],
    ['--time-scale', 'fast'],
  ])('%s %s is a bad flag: exit 2', async (flag, value) => {
    const c = cli(['devices/pump.yaml', '--port', '0', flag, value]);
    expect(await c.exit).toBe(2);
    expect(c.stderr).toContain(flag);
  });

  it('an invalid profile: exit 1, diagnostics on stderr, nothing listening', async () => {
    const c = cli([MISTAKES, '--port', '0']);
    const outcome = await Promise.race([c.exit, c.ready().then(() => 'listening' as const)]);
    expect(outcome).toBe(1);
    expect(c.stderr).toMatch(/several-mistakes\.yaml:\d+:\d+ .*\[E_[A-Z_]+\]/);
    expect(c.stdout).not.toContain('listening on');
  });

  it('an invalid profile next to a valid one starts neither', async () => {
    const c = cli(['devices/pump.yaml', MISTAKES, '--port', '0']);
    const outcome = await Promise.race([c.exit, c.ready().then(() => 'listening' as const)]);
    expect(outcome).toBe(1);
    expect(c.stdout).not.toContain('listening on');
  });
});

describe('modbus-emu validate', () => {
  it('every bundled device is valid: exit 0, "ok <file>" each', async () => {
    expect(BUNDLED.length).toBeGreaterThan(0);
    const c = cli(['validate', ...BUNDLED]);
    expect(await c.exit).toBe(0);
    for (const file of BUNDLED) expect(c.stdout).toContain(`ok ${file}`);
  });

  /** Line (1-based) of the fixture holding `marker`. */
  const lineOf = (marker: string): number => {
    const lines = readFileSync(join(ROOT, MISTAKES), 'utf8').split('\n');
    const index = lines.findIndex((l) => l.includes(marker));
    if (index < 0) throw new Error(`fixture has no line with ${marker}`);
    return index + 1;
  };

  const problems = (stdout: string): { line: number; column: number; code: string; text: string }[] =>
    stdout
      .split('\n')
      .filter((l) => l.includes('several-mistakes.yaml'))
      .map((text) => {
        const m = /several-mistakes\.yaml:(\d+):(\d+) .*\[(E_[A-Z0-9_]+)\]$/.exec(text);
        if (!m) throw new Error(`not file:line:column … [CODE]: ${text}`);
        return { line: Number(m[1]), column: Number(m[2]), code: m[3]!, text };
      });

  it('a fixture with schema mistakes: unknown key and wrong enum, each with file:line:column and code', async () => {
    const c = cli(['validate', MISTAKES]);
    expect(await c.exit).toBe(1);
    const found = problems(c.stdout);
    expect(found).toContainEqual(expect.objectContaining({ code: 'E_SCHEMA_UNKNOWN_KEY', line: lineOf('scal: 0.1') }));
    expect(found).toContainEqual(expect.objectContaining({ code: 'E_SCHEMA_ENUM', line: lineOf('byteOrder: DCAB') }));
    for (const p of found) expect(p.column).toBeGreaterThan(0);
  });

  it('the same fixture: the semantic mistakes are reported too (past the end, overlap, unknown reference)', async () => {
    const c = cli(['validate', MISTAKES]);
    expect(await c.exit).toBe(1);
    const found = problems(c.stdout);
    expect(found).toContainEqual(expect.objectContaining({ code: 'E_POINT_PAST_END', line: lineOf('address: 65535') }));
    expect(found).toContainEqual(expect.objectContaining({ code: 'E_OVERLAP', line: lineOf('flowB:') }));
    expect(found).toContainEqual(expect.objectContaining({ code: 'E_UNKNOWN_REFERENCE', line: lineOf('scaleFactor: power_SF') }));
    expect(found).toHaveLength(5);
    expect(c.stderr).toMatch(/5 problems in 1 file/);
  });

  it('a valid and an invalid file together: exit 1, the valid one still reported ok', async () => {
    const c = cli(['validate', 'devices/pump.yaml', MISTAKES]);
    expect(await c.exit).toBe(1);
    expect(c.stdout).toContain('ok devices/pump.yaml');
  });
});

describe('modbus-emu schema', () => {
  it('prints the JSON Schema of profiles', async () => {
    const c = cli(['schema']);
    expect(await c.exit).toBe(0);
    const printed = JSON.parse(c.stdout) as { $schema?: string };
    expect(printed.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(printed).toEqual(JSON.parse(readFileSync(join(ROOT, 'schemas/device-profile.schema.json'), 'utf8')));
  });
});

