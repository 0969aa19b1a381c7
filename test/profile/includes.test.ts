import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProfileFile, loadProfileObject, loadProfileText } from '../../src/profile/index.js';
import type { Device } from '../../src/profile/types.generated.js';
import { FIXTURES, loaded, where } from './helpers.js';

describe('include', () => {
  it('an error inside an included file points at that file and line, once however often it is included', async () => {
    const result = await loadProfileFile(`${FIXTURES}/invalid/include-error.yaml`);
    expect(where(result)).toEqual([
      { code: 'E_SCHEMA', line: 10, column: 12 }, // scale: 0
      { code: 'E_SCHEMA_UNKNOWN_KEY', line: 11, column: 1 }, // server is for the main profile only
    ]);
    if (result.ok) return;
    expect(result.diagnostics.map((d) => d.location?.file)).toEqual([
      `${FIXTURES}/invalid/parts/bad-device.yaml`,
      `${FIXTURES}/invalid/parts/bad-device.yaml`,
    ]);
    expect(result.diagnostics[0].path).toBe('points.energy.scale');
  });

  it('a missing file is reported at the include value', async () => {
    const result = await loadProfileFile(`${FIXTURES}/invalid/include-missing.yaml`);
    expect(where(result)).toEqual([{ code: 'E_INCLUDE_NOT_FOUND', line: 2, column: 21 }]);
    expect(result.ok || result.diagnostics[0].message).toContain('parts/nowhere.yaml');
  });

  it('a unit gives its device one way only', async () => {
    const result = await loadProfileFile(`${FIXTURES}/invalid/unit-source.yaml`);
    expect(where(result)).toEqual([{ code: 'E_UNIT_SOURCE', line: 3, column: 14 }]);
  });

  it.each(['use: meter', 'respond: silence', 'blocks: []'])('include with %s is ambiguous', async (other) => {
    const text = `units:\n  - unitId: 1\n    include: meter.yaml\n    ${other}\n`;
    const files = { [resolve('/p/meter.yaml')]: 'points: {}\n' };
    const result = await loadProfileText(text, '/p/gw.yaml', { readFile: readFrom(files) });
    expect(where(result).map((w) => w.code)).toEqual(['E_UNIT_SOURCE']);
  });

  it('reads a file included several times once, relative to the including file', async () => {
    const read: string[] = [];
    const files = { [resolve('/p/lib/meter.yaml')]: 'points:\n  v: { type: float32, address: 0 }\n' };
    const text = [
      'templates:',
      '  meter: { include: lib/meter.yaml }',
      'units:',
      '  - { unitId: 1, use: meter }',
      '  - { unitId: 2, include: lib/meter.yaml }',
      '  - { unitId: 3, include: ./lib/../lib/meter.yaml }',
    ].join('\n');
    const result = await loadProfileText(text, '/p/gw.yaml', { readFile: readFrom(files, read) });
    const { profile } = loaded(result);
    expect(read).toEqual([resolve('/p/lib/meter.yaml')]);
    expect(profile.units?.[1]).toEqual({ unitId: 2, points: { v: { type: 'float32', address: 0 } } });
    // one parse: the template and both units share the included device's points
    const template = profile.templates?.meter as Device;
    expect(profile.units?.[1]?.points).toBe(template.points);
    expect(profile.units?.[2]?.points).toBe(template.points);
  });

  it('an included file cannot hold a gateway: its top-level keys are schema errors', async () => {
    const files = { [resolve('/p/nested.yaml')]: 'points: {}\nunits:\n  - { unitId: 1, include: other.yaml }\n' };
    const result = await loadProfileText('templates:\n  t: { include: nested.yaml }\n', '/p/gw.yaml', {
      readFile: readFrom(files),
    });
    expect(where(result)).toEqual([{ code: 'E_SCHEMA_UNKNOWN_KEY', line: 2, column: 1 }]);
    expect(result.ok || result.diagnostics[0].location?.file).toBe('/p/nested.yaml');
  });

  it('an empty included file is reported at the include', async () => {
    const files = { [resolve('/p/empty.yaml')]: '# nothing\n' };
    const result = await loadProfileText('units:\n  - unitId: 1\n    include: empty.yaml\n', '/p/gw.yaml', {
      readFile: readFrom(files),
    });
    expect(where(result)).toEqual([{ code: 'E_EMPTY', line: 3, column: 14 }]);
  });

  it('syntax errors in an included file are reported in that file', async () => {
    const files = { [resolve('/p/bad.yaml')]: 'points: [\n' };
    const result = await loadProfileText('templates:\n  t: { include: bad.yaml }\n', '/p/gw.yaml', {
      readFile: readFrom(files),
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.diagnostics.map((d) => [d.code, d.location?.file])).toContainEqual(['E_YAML_SYNTAX', '/p/bad.yaml']);
  });
});

/** An in-memory file system: unknown paths fail as a missing file does. */
function readFrom(files: Record<string, string>, log: string[] = []): (path: string) => Promise<string> {
  return async (path) => {
    log.push(path);
    const text = files[path];
    if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    return text;
  };
}

describe('the files a load read (what a watcher watches)', () => {
  it('lists the profile first, then each included file once, as named in messages', async () => {
    const result = await loadProfileFile(`${FIXTURES}/valid/gateway.yaml`);
    if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
    expect(result.loaded.files).toEqual([`${FIXTURES}/valid/gateway.yaml`, `${FIXTURES}/valid/devices/meter.yaml`]);
  });

  it('lists a missing include too, so a watcher sees it appear', async () => {
    const result = await loadProfileFile(`${FIXTURES}/invalid/include-missing.yaml`);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.files).toEqual([`${FIXTURES}/invalid/include-missing.yaml`, `${FIXTURES}/invalid/parts/nowhere.yaml`]);
  });

  it('a profile given as an object lists only its includes', async () => {
    const result = await loadProfileObject({ version: 1, points: {} });
    expect(result.ok && result.loaded.files).toEqual([]);
  });
});
