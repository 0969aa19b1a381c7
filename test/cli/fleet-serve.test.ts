import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';

const PROFILE = `version: 1
name: tagged
params: { tag: none }
points:
  level: { type: uint16, address: 0, value: 1 }
  tag: { type: string, registers: 4, address: 10, value: "{tag}" }
`;

/** A control-channel call with a bound: a reply within a second, or a failure saying which. */
async function call(base: string, method: string, path: string, body?: unknown): Promise<Record<string, any>> {
  const reply = await fetch(`${base}${path}`, { method, signal: AbortSignal.timeout(1000), ...(body !== undefined && { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }) }).catch((error: Error) => {
    throw new Error(`${method} ${path}: no reply within 1 s (${error.message})`);
  });
  return (await reply.json()) as Record<string, any>;
}

describe('modbus-emu fleet.yaml', () => {
  it('serves each instance with its own parameters; an edit of the profile reloads every instance, each keeping its state; --state keeps one file per device', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modbus-emu-fleet-serve-'));
    writeFileSync(join(dir, 'tagged.yaml'), PROFILE);
    writeFileSync(join(dir, 'fleet.yaml'), 'version: 1\nfleet:\n  - { profile: tagged.yaml, count: 2, id: "d-{i}", port: 0, params: { tag: "T{i}" } }\n');
    const c = cli(['fleet.yaml', '--ready-json', '--control', '127.0.0.1:0', '--state', 'state'], { cwd: dir });
    await c.until(() => c.out.stdout.split('\n').filter(Boolean).length >= 2);
    const lines = c.out.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { id: string; control: string });
    expect(lines.map((l) => l.id)).toEqual(['d-1', 'd-2']);
    const base = lines[0]!.control;
    await c.until(() => /watching 1 profile file/.test(c.out.stderr));

    expect((await call(base, 'GET', '/devices/d-2/points/tag')).value).toBe('T2');
    await call(base, 'PUT', '/devices/d-1/points/level', { value: 42 });

    writeFileSync(join(dir, 'tagged.yaml'), `${PROFILE}  added: { type: uint16, address: 20, value: 5 }\n`);
    await c.until(() => c.out.stderr.match(/reloaded/g)?.length === 2 && c.out.stderr);
    expect((await call(base, 'GET', '/devices/d-1/points/level')).value).toBe(42);
    expect((await call(base, 'GET', '/devices/d-2/points/level')).value).toBe(1);
    expect((await call(base, 'GET', '/devices/d-2/points/added')).value).toBe(5);
    expect((await call(base, 'GET', '/devices/d-1/points/tag')).value).toBe('T1');

    c.abort();
    expect(await c.exit).toBe(0);
    expect(existsSync(join(dir, 'state', 'd-2.json'))).toBe(true);
    expect(readFileSync(join(dir, 'state', 'd-1.json'), 'utf8')).toContain('42');
  });
});
