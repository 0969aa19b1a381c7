import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadProfileFile, loadProfileText } from '../../src/profile/index.js';
import { FIXTURES, loaded } from './helpers.js';

describe('a valid single-device profile', () => {
  it('loads as plain values, hex addresses as integers', async () => {
    const { profile, file } = loaded(await loadProfileFile(`${FIXTURES}/valid/pump.yaml`));
    expect(file).toBe(`${FIXTURES}/valid/pump.yaml`);
    expect(profile.name).toBe('pump');
    expect(profile.points?.speed).toEqual({
      type: 'float32',
      table: 'holding',
      address: 0x1f40,
      unit: 'rpm',
      min: 0,
      max: 3000,
      value: 1450.5,
    });
    expect(profile.points?.state).toMatchObject({ enum: { '1': 'OFF', '4': 'RUNNING' }, value: 'RUNNING' });
    expect(profile.identification).toHaveProperty('privateObjects', { '0x80': 'serial 1234' });
    expect(profile.blocks?.[1]).toEqual({ address: 9000, values: [1, 2, 0xffff] });
  });

  it('reads paths relative to cwd', async () => {
    const result = await loadProfileFile('valid/pump.yaml', { cwd: FIXTURES });
    expect(loaded(result).profile.name).toBe('pump');
  });
});

describe('a valid gateway profile', () => {
  it('replaces an included template by the device in that file', async () => {
    const { profile } = loaded(await loadProfileFile(`${FIXTURES}/valid/gateway.yaml`));
    expect(profile.templates?.meter).toMatchObject({ name: 'energy meter', byteOrder: 'CDAB' });
    expect(profile.templates?.relay).toEqual({ points: { coil1: { type: 'bool', address: 0 } } });
  });

  it('replaces an included unit by the device fields plus its own, without include', async () => {
    const { profile } = loaded(await loadProfileFile(`${FIXTURES}/valid/gateway.yaml`));
    const unit = profile.units?.[1];
    expect(unit).toMatchObject({ unitId: [2, '10-12'], name: 'meter', byteOrder: 'CDAB' });
    expect(Object.keys(unit?.points ?? {})).toEqual(['voltage', 'energy']);
    expect(unit).not.toHaveProperty('include');
  });

  it('keeps inline, use and respond units as written', async () => {
    const { profile } = loaded(await loadProfileFile(`${FIXTURES}/valid/gateway.yaml`));
    expect(profile.units?.[0]).toEqual({ unitId: 1, use: 'relay' });
    expect(profile.units?.[2]?.points?.temperature).toMatchObject({ type: 'int16', scale: 0.1 });
    expect(profile.units?.[3]).toEqual({ unitId: 4, respond: 'silence' });
    expect(profile.unknownUnits).toBe('gatewayPathUnavailable');
  });
});

describe('anchors, aliases and merge keys', () => {
  it('resolve as YAML says: explicit keys win over merged ones', async () => {
    const { profile } = loaded(await loadProfileFile(`${FIXTURES}/valid/anchors.yaml`));
    const voltage = { type: 'float32', table: 'input', address: 0 };
    expect(profile.units?.[0]).toEqual({ unitId: 1, name: 'first', byteOrder: 'CDAB', points: { voltage } });
    expect(profile.units?.[1]).toEqual({ unitId: 2, points: { voltage } });
  });
});

describe('the bundled device profiles', () => {
  const files = readdirSync('devices').filter((f) => f.endsWith('.yaml'));
  it.each(files)('devices/%s loads without a diagnostic', async (file) => {
    loaded(await loadProfileFile(`devices/${file}`));
  });
});

describe('keys', () => {
  it('a number as a key keeps the text it was written as', async () => {
    const text = 'identification:\n  privateObjects: { 0x80: serial, 129: lot }\n';
    const { profile } = loaded(await loadProfileText(text, 'p.yaml'));
    expect(profile.identification).toHaveProperty('privateObjects', { '0x80': 'serial', '129': 'lot' });
  });
});
