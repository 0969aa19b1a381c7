import { describe, expect, it } from 'vitest';
import { loadProfileText } from '../../src/profile/load.js';
import { compileLoaded } from '../../src/runtime/load-device.js';
import type { CompiledProfile } from '../../src/model/types.js';
import { formatDiagnostic } from '../../src/profile/diagnostics.js';
import { testEnv } from '../helpers/env.js';
import { dedent } from './helpers.js';

const PROFILE = dedent(`
  version: 1
  name: meter
  params:
    serial: SN-0000
    nominalVoltage: 230
  identification:
    vendorName: Acme
    productCode: "M-{serial}"
    privateObjects: { "0x80": "{serial}/{{raw}}" }
  points:
    voltage: { table: holding, address: 0, type: float32, generate: "params.nominalVoltage + 0 * t" }
    serialNumber: { table: holding, address: 10, type: string, registers: 6, value: "{serial}" }
    setpoint: { table: holding, address: 20, type: uint16, value: 0 }
    echo: { table: holding, address: 21, type: uint16, value: 0 }
  machines:
    mode:
      states: { idle: {}, high: {} }
      initial: idle
      transitions:
        - { from: idle, to: high, write: setpoint, when: "value > params.nominalVoltage" }
  writeRules:
    - { name: cap, points: [setpoint], allow: "setpoint <= params.nominalVoltage * 2" }
`);

async function build(text: string, params?: Record<string, number | string>): Promise<CompiledProfile> {
  const loaded = await loadProfileText(text, 'meter.yaml');
  const result = compileLoaded(loaded, testEnv(params ? { params } : {}));
  if (!result.ok) throw new Error(result.diagnostics.map(formatDiagnostic).join('\n'));
  return result.profile;
}

const ascii = (bytes: Uint8Array | undefined): string => String.fromCharCode(...(bytes ?? []));

describe('profile parameters', () => {
  it('serve the defaults where the device has no values of its own', async () => {
    const unit = (await build(PROFILE)).units[0]!;
    expect(unit.read('voltage')).toBe(230);
    expect(unit.read('serialNumber')).toBe('SN-0000');
    expect(ascii(unit.identity.objects.find((o) => o.id === 1)?.value)).toBe('M-SN-0000');
    expect(ascii(unit.identity.objects.find((o) => o.id === 0x80)?.value)).toBe('SN-0000/{raw}');
  });

  it('give each device its own values in expressions, string values and identification, also after a reset', async () => {
    const device = await build(PROFILE, { serial: 'SN-0042', nominalVoltage: 231.5 });
    const unit = device.units[0]!;
    expect(unit.read('voltage')).toBeCloseTo(231.5, 4);
    expect(unit.read('serialNumber')).toBe('SN-0042');
    expect(ascii(unit.identity.objects.find((o) => o.id === 1)?.value)).toBe('M-SN-0042');
    unit.write('serialNumber', 'changed');
    device.reset();
    expect(unit.read('serialNumber')).toBe('SN-0042');
  });

  it('reach write rules and machine conditions', async () => {
    const device = await build(PROFILE, { nominalVoltage: 100 });
    // The rule allows up to 2 × 100 for this device (the default would allow 460).
    const store = device.units[0]!.dataSource;
    expect(() => store.writeHoldingRegisters?.(1, 20, Uint16Array.of(300))).toThrow();
    store.writeHoldingRegisters?.(1, 20, Uint16Array.of(150));
    expect(device.units[0]!.read('setpoint')).toBe(150);
    // 150 > 100: the machine's condition, with this device's nominal voltage, moves it.
    expect(device.units[0]!.machines()[0]!.state).toBe('high');
  });

  it('a string value that no longer fits keeps the default and says so', async () => {
    const lines: string[] = [];
    const loaded = await loadProfileText(PROFILE, 'meter.yaml');
    const env = { ...testEnv({ params: { serial: 'a-serial-far-too-long' } }), logger: { log: (_l: string, m: string) => lines.push(m) } };
    const result = compileLoaded(loaded, env as never);
    expect(result.ok && result.profile.units[0]!.read('serialNumber')).toBe('SN-0000');
    expect(lines.join('\n')).toMatch(/serialNumber = "a-serial-far-too-long" from its parameters/);
  });

  it('an unknown name is a diagnostic at its place: in a string at the brace, in an expression at the name', async () => {
    const text = PROFILE.replace('"M-{serial}"', '"M-{serail}"').replace('params.nominalVoltage + 0', 'params.nominalVoltag + 0');
    const loaded = await loadProfileText(text, 'meter.yaml');
    const result = compileLoaded(loaded, testEnv());
    expect(result.ok).toBe(false);
    const lines = (result.ok ? [] : result.diagnostics).map(formatDiagnostic);
    expect(lines).toContainEqual(expect.stringMatching(/^meter\.yaml:8:19 identification\.productCode: \{serail\} names no parameter of this profile: did you mean \{serial\}\?.*\[E_UNKNOWN_PARAM\]$/));
    expect(lines).toContainEqual(expect.stringMatching(/^meter\.yaml:11:68 .*unknown name params\.nominalVoltag: did you mean params\.nominalVoltage\?.*\[E_EXPRESSION\]$/));
  });

  it('a string parameter is not a number in expressions', async () => {
    const text = PROFILE.replace('params.nominalVoltage + 0', 'params.serial + 0');
    const result = compileLoaded(await loadProfileText(text, 'meter.yaml'), testEnv());
    expect(result.ok ? [] : result.diagnostics.map((d) => d.message)).toContainEqual(expect.stringMatching(/params\.serial is a string parameter/));
  });

  it('a profile without params takes braces as written', async () => {
    const text = PROFILE.replace(/params:\n {2}serial: SN-0000\n {2}nominalVoltage: 230\n/, '').replace(/params\.nominalVoltage/g, '230');
    const unit = (await build(text)).units[0]!;
    expect(unit.read('serialNumber')).toBe('{serial}');
  });
});
