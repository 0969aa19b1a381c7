import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { bundledDevices } from '../../src/runtime/bundled-devices.js';
import { cli } from '../helpers/cli.js';
import { connectClient } from '../helpers/modbus-client.js';

/**
 * What a new user types first, from a clone or from the installed package (whose working folder
 * holds no devices/): bundled devices by name, `help <command>`, warnings for flags that do
 * nothing alone, a busy control port naming --control, and text logs with a time.
 */
const ELSEWHERE = tmpdir();
const READY = /^listening on \S+:(\d+) (.+)$/m;

describe('bundled devices by name', () => {
  it.each([['pump'], ['devices/pump.yaml']])('modbus-emu %s serves the bundled pump from a folder without devices/', async (argument) => {
    const c = cli([argument, '--port', '0'], { cwd: ELSEWHERE });
    const [, port, label] = await c.until(() => READY.exec(c.out.stdout));
    expect(label).toBe(argument);
    const client = await connectClient(Number(port));
    expect((await client.readHoldingRegisters(3201, 1)).data).toEqual([0x0637]);
    c.abort();
    expect(await c.exit).toBe(0);
  });

  it('a file of that name in the working folder wins over the bundled device', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modbus-emu-own-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(join(dir, 'devices'));
    writeFileSync(join(dir, 'devices/pump.yaml'), 'version: 1\nname: own\npoints:\n  v: { type: uint16, address: 3201, value: 7 }\n');
    const c = cli(['devices/pump.yaml', '--port', '0'], { cwd: dir });
    const client = await connectClient(Number((await c.until(() => READY.exec(c.out.stdout)))[1]));
    expect((await client.readHoldingRegisters(3201, 1)).data).toEqual([7]);
  });

  it('--list-devices prints every bundled device, by the name that serves it, with its description', async () => {
    const c = cli(['--list-devices'], { cwd: ELSEWHERE });
    expect(await c.exit).toBe(0);
    const lines = c.out.stdout.trimEnd().split('\n');
    expect(lines.map((l) => l.split(/\s+/)[0])).toEqual(bundledDevices());
    expect(c.out.stdout).toMatch(/^pump +Centrifugal pump P-101/m);
  });

  it('a profile that is not found: the message names the bundled devices', async () => {
    const c = cli(['validate', 'pmup'], { cwd: ELSEWHERE });
    expect(await c.exit).toBe(1);
    expect(c.out.stdout).toContain('cannot find the profile "pmup"');
    expect(c.out.stdout).toContain(`bundled devices, served by name (modbus-emu pump): ${bundledDevices().join(', ')}`);
  });
});

describe('help', () => {
  it('modbus-emu help validate prints the help of validate, and looks for no profile', async () => {
    const c = cli(['help', 'validate'], { cwd: ELSEWHERE });
    expect(await c.exit).toBe(0);
    expect(c.out.stdout).toMatch(/^Usage: modbus-emu validate/);
    expect(c.out.stdout + c.out.stderr).not.toContain('E_FILE_NOT_FOUND');
  });
});

describe('flags that need the control channel', () => {
  it.each([
    [['--clock', 'manual'], /^warning: --clock manual without --control: nothing can advance the emulator clock/m],
    [['--journal'], /^warning: --journal without --control: nothing can read the journal/m],
  ])('%j without --control warns, and serves', async (flags, warning) => {
    const c = cli(['pump', '--port', '0', ...flags], { cwd: ELSEWHERE });
    await c.until(() => READY.exec(c.out.stdout));
    expect(c.out.stderr).toMatch(warning);
  });

  it('with --control, no warning', async () => {
    const c = cli(['pump', '--port', '0', '--clock', 'manual', '--journal', '--control', '0'], { cwd: ELSEWHERE });
    await c.until(() => READY.exec(c.out.stdout));
    expect(c.out.stderr).not.toContain('warning:');
  });

  it('a busy control port says to pick another with --control', async () => {
    const busy = createServer();
    await new Promise<void>((done) => busy.listen(0, '127.0.0.1', done));
    onTestFinished(() => new Promise<void>((done) => busy.close(() => done())));
    const port = (busy.address() as { port: number }).port;
    const c = cli(['pump', '--port', '0', '--control', `127.0.0.1:${port}`], { cwd: ELSEWHERE });
    expect(await c.exit).toBe(1);
    expect(c.out.stderr).toContain(`control channel: cannot listen on 127.0.0.1:${port}: the port is already in use (pick another with --control)`);
  });
});

describe('text logs', () => {
  const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /;

  it('-v: every log line starts with the ISO time', async () => {
    const c = cli(['pump', '--port', '0', '-v'], { cwd: ELSEWHERE });
    const port = Number((await c.until(() => READY.exec(c.out.stdout)))[1]);
    const client = await connectClient(port);
    await client.readHoldingRegisters(3201, 1);
    const line = await c.until(() => /^.*3201.*$/m.exec(c.out.stderr));
    expect(line[0]).toMatch(ISO);
  });

  it('--log-time none leaves the time out', async () => {
    const c = cli(['pump', '--port', '0', '-v', '--log-time', 'none'], { cwd: ELSEWHERE });
    const port = Number((await c.until(() => READY.exec(c.out.stdout)))[1]);
    const client = await connectClient(port);
    await client.readHoldingRegisters(3201, 1);
    const line = await c.until(() => /^.*3201.*$/m.exec(c.out.stderr));
    expect(line[0]).not.toMatch(ISO);
  });
});
