import { describe, expect, test } from 'vitest';
import { compileProfile } from '../../src/compiler/compile.js';
import { testEnv } from '../helpers/env.js';
import { loadProfileObject, loadProfileText } from '../../src/profile/load.js';
import type { LoadResult } from '../../src/profile/loaded.js';
import { pdu, registers, send, status } from './helpers.js';

/** NaN and infinities through the real loader: YAML's `.nan`, `.inf`, `-.inf`, the API's NaN. */
function compiled(result: LoadResult) {
  if (!result.ok) throw new Error(result.diagnostics.map((d) => `${d.path}: ${d.message}`).join('\n'));
  const device = compileProfile(result.loaded, { env: testEnv() });
  if (!device.ok) throw new Error(device.diagnostics.map((d) => `${d.path}: ${d.message}`).join('\n'));
  return device.profile;
}

async function diagnostics(text: string) {
  const loaded = await loadProfileText(text, 'p.yaml');
  if (!loaded.ok) return loaded.diagnostics.map((d) => [d.code, d.path, d.location?.line]);
  const device = compileProfile(loaded.loaded, { env: testEnv() });
  return device.ok ? [] : device.diagnostics.map((d) => [d.code, d.path, d.location?.line]);
}

describe('float points take .nan, .inf and -.inf as values', () => {
  test.each([
    ['float32', '.nan', [0x7fc0, 0x0000]],
    ['float32', '.NaN', [0x7fc0, 0x0000]],
    ['float32', '.inf', [0x7f80, 0x0000]],
    ['float32', '-.inf', [0xff80, 0x0000]],
    ['float64', '.nan', [0x7ff8, 0, 0, 0]],
    ['float64', '-.Inf', [0xfff0, 0, 0, 0]],
  ])('%s value: %s', async (type, value, words) => {
    const device = compiled(await loadProfileText(`version: 1\npoints:\n  p: { type: ${type}, address: 0, value: ${value} }\n`, 'p.yaml'));
    expect(registers(send(device, pdu.read(3, 0, words.length)))).toEqual(words);
  });

  test('through the API as NaN and Infinity', async () => {
    const device = compiled(
      await loadProfileObject({ version: 1, points: { a: { type: 'float32', address: 0, value: Number.NaN }, b: { type: 'float64', address: 2, value: -Infinity } } }),
    );
    expect(registers(send(device, pdu.read(3, 0, 6)))).toEqual([0x7fc0, 0, 0xfff0, 0, 0, 0]);
    expect(device.unit(1)!.read('a')).toBeNaN();
  });

  test('an initial .nan is "no value": min/max do not refuse it; a client still cannot write NaN there', async () => {
    const device = compiled(await loadProfileText('version: 1\npoints:\n  p: { type: float32, address: 0, min: 0, max: 10, value: .nan }\n', 'p.yaml'));
    expect(device.unit(1)!.read('p')).toBeNaN();
    expect(status(send(device, pdu.writeRegisters(0, [0x7fc0, 0x0000])))).toBe(3);
  });

  test.each([
    // an infinity is a number like any other for min/max
    ['E_VALUE_RANGE', 'points.p.value', 'p: { type: float32, address: 0, min: 0, value: -.inf }'],
    // integer types have no NaN
    ['E_VALUE_TYPE', 'points.p.value', 'p: { type: int16, address: 0, value: .nan }'],
    // nor do scales, limits or addresses
    ['E_SCHEMA_TYPE', 'points.p.scale', 'p: { type: float32, address: 0, scale: .nan }'],
    ['E_SCHEMA_TYPE', 'points.p.max', 'p: { type: float32, address: 0, max: .inf }'],
  ])('%s at %s', async (code, path, point) => {
    expect(await diagnostics(`version: 1\npoints:\n  ${point}\n`)).toEqual([[code, path, 3]]);
  });
});
