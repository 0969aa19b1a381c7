import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NotFoundError } from '../errors.js';

// src/runtime/ and dist/runtime/ are both two levels below the package root, which holds devices/.
const DEVICES = fileURLToPath(new URL('../../devices/', import.meta.url));

/** Names of the profiles bundled in the package's devices/ folder (`pump`, `meter-sdm630`, ...). */
export function bundledDevices(): string[] {
  return readdirSync(DEVICES)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}

/**
 * Absolute path of a bundled profile inside the installed package, so a test can start one from
 * any working directory: `startEmulator({ profile: bundledDevice('pump') })`.
 */
export function bundledDevice(name: string): string {
  const names = bundledDevices();
  if (!names.includes(name)) throw new NotFoundError(`${JSON.stringify(name)} is not a bundled device: use one of ${names.join(', ')}`);
  return `${DEVICES}${name}.yaml`;
}
