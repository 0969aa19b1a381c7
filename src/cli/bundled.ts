import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { bundledDevice, bundledDevices } from '../runtime/bundled-devices.js';
import type { Diagnostic } from '../profile/diagnostics.js';
import type { CliIo } from './io.js';

/**
 * The profile a command-line argument names: the file when it exists; otherwise a device bundled
 * with the package, by name (`pump`) or by its path in the repository (`devices/pump.yaml`), so
 * both work from an installed package as from a clone. Anything else is returned as given, and the
 * load reports it missing (naming the bundled devices).
 */
export function resolveProfileArgument(argument: string, cwd: string | undefined): string {
  if (existsSync(resolve(cwd ?? process.cwd(), argument))) return argument;
  const name = /^(?:devices[\\/])?([^\\/]+?)(?:\.yaml)?$/.exec(argument)?.[1];
  return name !== undefined && bundledDevices().includes(name) ? bundledDevice(name) : argument;
}

/** A profile that is not found: the message also names the bundled devices, which are served by name. */
export function withBundledHint(d: Diagnostic): Diagnostic {
  if (d.code !== 'E_FILE_NOT_FOUND') return d;
  return { ...d, message: `${d.message}; bundled devices, served by name (modbus-emu pump): ${bundledDevices().join(', ')}` };
}

/** `modbus-emu --list-devices`: one bundled device a line, its name (what to type) and its description. */
export function listDevices(io: CliIo): Promise<number> {
  const names = bundledDevices();
  const width = Math.max(...names.map((n) => n.length));
  for (const name of names) {
    // Our own files, each with a one-line top-level description: no need to parse the YAML.
    const description = /^description: (.*)$/m.exec(readFileSync(bundledDevice(name), 'utf8'))?.[1] ?? '';
    io.stdout(`${name.padEnd(width)}  ${description}\n`.replace(/ +\n$/, '\n'));
  }
  return Promise.resolve(0);
}
