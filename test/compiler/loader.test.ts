import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { compileProfile } from '../../src/compiler/compile.js';
import { testEnv } from '../helpers/env.js';
import { formatDiagnostic } from '../../src/profile/diagnostics.js';
import { loadProfileFile, loadProfileText } from '../../src/profile/load.js';
import { pdu, registers, send, status } from './helpers.js';

/** Through the real loader: included files, positions in them, and the bundled profiles. */
const root = fileURLToPath(new URL('../..', import.meta.url));

async function fromText(text: string, files: Record<string, string>) {
  const loaded = await loadProfileText(text, 'main.yaml', { cwd: '/virtual', readFile: async (path) => files[path.replace(/^.*\//, '')] ?? Promise.reject(new Error(`no ${path}`)) });
  if (!loaded.ok) throw new Error(loaded.diagnostics.map(formatDiagnostic).join('\n'));
  return compileProfile(loaded.loaded, { env: testEnv() });
}

describe('included devices', () => {
  const meter = 'points:\n  kWh: { type: uint16, address: 5, value: 7 }\n';

  test('an included file without `addressing` uses protocol addresses, whatever the including file says', async () => {
    const result = await fromText('version: 1\naddressing: modicon\ntemplates:\n  m: { include: meter.yaml }\nunits:\n  - { unitId: 1, use: m }\n', { 'meter.yaml': meter });
    expect(result.ok && registers(send(result.profile, pdu.read(3, 5, 1)))).toEqual([7]);
  });

  test('an included device\'s access and identification: false are its defaults; the unit\'s own win, the profile\'s fill in', async () => {
    const ro = 'access: readOnly\nidentification: false\npoints:\n  kWh: { type: uint16, address: 5, value: 7 }\n';
    const result = await fromText(
      'version: 1\nreportServerId: false\ntemplates:\n  m: { include: ro.yaml }\nunits:\n  - { unitId: 1, use: m }\n  - { unitId: 2, use: m, access: readWrite, identification: {} }\n  - { unitId: 3, include: ro.yaml, access: readWrite }\n',
      { 'ro.yaml': ro },
    );
    if (!result.ok) throw new Error('does not compile');
    const gw = result.profile;
    expect([1, 2, 3].map((id) => status(send(gw, pdu.writeRegister(5, 1), id)))).toEqual([2, 'ok', 'ok']);
    expect([1, 2, 3].map((id) => status(send(gw, pdu.deviceId(1, 0), id)))).toEqual([1, 'ok', 1]);
    expect([1, 2, 3].map((id) => status(send(gw, pdu.reportServerId(), id)))).toEqual([1, 1, 1]);
  });

  test('a problem in an included file points into that file', async () => {
    const result = await fromText('version: 1\ntemplates:\n  m: { include: meter.yaml }\nunits:\n  - { unitId: 1, use: m }\n', {
      'meter.yaml': 'points:\n  a: { type: uint16, address: 0 }\n  b: { type: int16, address: 0 }\n',
    });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.diagnostics.map((d) => [d.code, d.path, d.location?.file.endsWith('meter.yaml'), d.location?.line])).toEqual([['E_OVERLAP', 'templates.m.points.b', true, 3]]);
    }
  });
});

describe('bundled profiles compile', () => {
  const files = readdirSync(`${root}/devices`).filter((f) => f.endsWith('.yaml'));
  test.each(files)('%s', async (file) => {
    const loaded = await loadProfileFile(`devices/${file}`, { cwd: root });
    if (!loaded.ok) throw new Error(loaded.diagnostics.map(formatDiagnostic).join('\n'));
    const result = compileProfile(loaded.loaded, { env: testEnv() });
    if (!result.ok) throw new Error(result.diagnostics.map(formatDiagnostic).join('\n'));
    expect(result.profile.summary().length).toBeGreaterThan(0);
  });

  test('gateway.yaml: three meters from one included definition, each with its own storage', async () => {
    const loaded = await loadProfileFile('devices/gateway.yaml', { cwd: root });
    const result = loaded.ok ? compileProfile(loaded.loaded, { env: testEnv() }) : undefined;
    if (!result?.ok) throw new Error('gateway.yaml does not compile');
    const gw = result.profile;
    gw.unit(3)!.write('Hz', 49.9);
    expect([2, 3, 4].map((id) => gw.unit(id)!.read('Hz'))).toEqual([50, 49.9, 50]);
    expect(registers(send(gw, pdu.read(3, 0, 1), 9))).toBe(0x0b);
    expect(registers(send(gw, pdu.read(3, 0, 1), 10))).toBe(0x0a);
  });
});
