import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli as runCli } from '../helpers/cli.js';
import { connectClient } from '../helpers/modbus-client.js';
import { freePort } from '../helpers/ports.js';
import { fetchJson, fetchWithin } from '../helpers/within.js';

/**
 * The CLI for scripts: --ready-json, --control, --journal, --clock manual, live reload by default
 * (--no-watch), --log-format json and -v outcomes; run in-process, output awaited, never slept on.
 */
const dir = mkdtempSync(join(tmpdir(), 'modbus-emu-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const PUMP = 'version: 1\nname: pump\npoints:\n  speed: { type: uint16, address: 0, value: 100 }\n';

function profile(text = PUMP): string {
  const file = join(dir, `pump-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, text);
  return file;
}

const cli = (argv: string[]) => runCli(argv, { cwd: dir });

interface ReadyLine {
  address: string;
  port: number;
  device: string;
  id: string;
  control: string | null;
}

const readyLines = (stdout: string): ReadyLine[] => stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as ReadyLine);

describe('modbus-emu for scripts', () => {
  it('--ready-json prints one JSON line per listener, with the control channel address', async () => {
    const a = profile();
    const b = profile(PUMP.replace('name: pump', 'name: pump'));
    const c = cli([a, b, '--port', '0', '--ready-json', '--control', '127.0.0.1:0']);
    const lines = await c.until(() => (c.out.stdout.split('\n').length > 2 ? readyLines(c.out.stdout) : undefined));
    expect(lines).toEqual([
      { address: '127.0.0.1', port: expect.any(Number), device: a, id: 'pump', control: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) },
      { address: '127.0.0.1', port: expect.any(Number), device: b, id: 'pump-2', control: lines[0]!.control },
    ]);
    const devices = await fetchJson<{ devices: { id: string; port: number }[] }>(`${lines[0]!.control}/devices`);
    expect(devices.devices.map((d) => [d.id, d.port])).toEqual([
      ['pump', lines[0]!.port],
      ['pump-2', lines[1]!.port],
    ]);
  });

  it('reloads an edited profile by default, and prints where a broken edit is wrong', async () => {
    const file = profile();
    const c = cli([file, '--port', '0']);
    const port = Number((await c.until(() => /listening on \S+:(\d+)/.exec(c.out.stdout)))[1]);
    const client = await connectClient(port);
    writeFileSync(file, PUMP.replace('value: 100', 'value: 7'));
    await c.until(() => c.out.stderr.includes('reloaded: 1 point changed (speed)'));
    expect((await client.readHoldingRegisters(0, 1)).data).toEqual([7]);
    writeFileSync(file, PUMP.replace('address: 0', 'address: zero'));
    const line = await c.until(() => /^\S+Z error: +(\S+:\d+:\d+) points\.speed\.address: .*$/m.exec(c.out.stderr));
    expect(line[1]).toBe(`${file}:4:35`);
    expect(c.out.stderr).toMatch(/not reloaded \(1 problem\): the device served so far goes on/);
    expect((await client.readHoldingRegisters(0, 1)).data).toEqual([7]);
  });

  it('--no-watch leaves the device as loaded, and --journal with --clock manual drive it through the control channel', async () => {
    const file = profile();
    const c = cli([file, '--port', '0', '--ready-json', '--no-watch', '--journal', '50', '--clock', 'manual', '--control', '0']);
    const [ready] = await c.until(() => c.out.stdout.includes('\n') && readyLines(c.out.stdout));
    expect(c.out.stderr).not.toMatch(/watching/);
    const client = await connectClient(ready!.port);
    await client.readHoldingRegisters(0, 1);
    const url = ready!.control!;
    const journal = await fetchJson<{ size: number; records: { function: string; time: number }[] }>(`${url}/devices/pump/journal`);
    expect(journal).toMatchObject({ size: 50, records: [{ function: 'readHoldingRegisters', time: 0 }] });
    const advanced = await fetchWithin(`${url}/clock/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ms: 5000 }) });
    expect(await advanced.json()).toEqual({ now: 5000, manual: true });
    // The file changes, nothing reloads; the control channel's reload does.
    writeFileSync(file, PUMP.replace('value: 100', 'value: 8'));
    const reloaded = await fetchWithin(`${url}/devices/pump/reload`, { method: 'POST' });
    expect(await reloaded.json()).toMatchObject({ ok: true, changes: { changed: ['speed'] } });
    expect((await client.readHoldingRegisters(0, 1)).data).toEqual([8]);
  });

  it('a reload that changes server.port moves the device, and --ready-json announces the new address', async () => {
    const file = profile(PUMP.replace('name: pump', 'name: pump\nserver: { port: 0 }'));
    const c = cli([file, '--ready-json']);
    const [first] = await c.until(() => c.out.stdout.includes('\n') && readyLines(c.out.stdout));
    const client = await connectClient(first!.port);
    await client.writeRegister(0, 5);
    const port = await freePort();
    writeFileSync(file, PUMP.replace('name: pump', `name: pump\nserver: { port: ${port} }`));
    const lines = await c.until(() => readyLines(c.out.stdout).length === 2 && readyLines(c.out.stdout));
    expect(lines[1]).toEqual({ ...first, port });
    const moved = await connectClient(port);
    expect((await moved.readHoldingRegisters(0, 1)).data).toEqual([5]);
  });

  it('--log-format json writes log lines as JSON with a timestamp; -v gives each outcome', async () => {
    const c = cli([profile(), '--port', '0', '-v', '--log-format', 'json']);
    const port = Number((await c.until(() => /listening on \S+:(\d+)/.exec(c.out.stdout)))[1]);
    const client = await connectClient(port);
    await expect(client.readHoldingRegisters(10, 1)).rejects.toMatchObject({ modbusCode: 2 });
    const line = await c.until(() => c.out.stderr.split('\n').find((l) => l.includes('exception 0x02')));
    expect(JSON.parse(line)).toEqual({ time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/), level: 'info', message: '#1 tid=1 <- exception 0x02 (illegal data address)' });
  });

  it.each([
    // [flags, what stderr says]
    [['--clock', 'manual', '--time-scale', '2'], /exclude each other/],
    [['--control', 'localhost'], /must be HOST:PORT/],
    [['--log-format', 'xml'], /must be text or json/],
    [['--journal', '0'], /must be a whole number/],
    [['--clock', 'fast'], /must be real or manual/],
  ])('refuses %j (exit 2)', async (flags, message) => {
    const c = cli([profile(), '--port', '0', ...flags]);
    expect(await c.exit).toBe(2);
    expect(c.out.stderr).toMatch(message);
  });
});
