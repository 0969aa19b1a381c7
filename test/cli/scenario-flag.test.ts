import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { cli } from '../helpers/cli.js';

/** `--scenario NAME` and `--scenario DEVICE:NAME`: started once listening, in the devices that declare it; a name none declares stops the start. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('modbus-emu --scenario', () => {
  it('starts the scenario in every device that declares it, once listening, and logs the phase with the emulator time', async () => {
    const c = cli(['devices/scenario-plant.yaml', 'devices/scenario-rebooting-meter.yaml', '--port', '0', '--clock', 'manual', '--no-watch', '--scenario', 'badDay', '--log-time', 'none'], { cwd: ROOT });
    await c.until(() => /devices\/scenario-plant\.yaml: scenario badDay: started at phase normal at t=0s/.test(c.out.stderr));
    expect(c.out.stdout).toMatch(/listening on .* devices\/scenario-plant\.yaml\n.*listening on .* devices\/scenario-rebooting-meter\.yaml/);
    expect(c.out.stderr).not.toMatch(/rebooting-meter\.yaml: scenario/);
  });

  it('DEVICE:NAME picks the device by id; a scenario the device does not declare stops the start (exit 1), naming those it does', async () => {
    const c = cli(['devices/scenario-plant.yaml', '--port', '0', '--no-watch', '--scenario', 'plant:goodDay'], { cwd: ROOT });
    expect(await c.exit).toBe(1);
    expect(c.out.stderr).toContain('modbus-emu: --scenario plant:goodDay: plant does not declare a scenario goodDay; scenarios: badDay');
    expect(c.out.stdout).toBe('');
  });
});
