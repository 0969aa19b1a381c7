import type { Clock, Timer } from '../time.js';
import type { Runtime } from '../runtime/runtime.js';

/** One device the control channel drives, named in routes by `id`. */
export interface ControlledDevice {
  readonly id: string;
  readonly runtime: Runtime;
}

/** What the routes act on: the devices of one modbus-emu process and their shared emulator clock. */
export interface ControlContext {
  readonly devices: readonly ControlledDevice[];
  readonly clock: Clock;
  /** Real (wire) time for the live stream's sampling and ticket expiry; default the real timer. */
  readonly timer?: Timer;
}

/**
 * Route ids for devices: the profile's name in lower case with anything but letters, digits, `-`
 * and `_` turned into `-`; a second device of the same name gets `-2`, and so on.
 */
export function deviceIds(names: readonly string[]): string[] {
  const used = new Set<string>();
  // Where each base's numbering goes on: 10,000 instances of one profile must not count from 2 each time.
  const next = new Map<string, number>();
  return names.map((name) => {
    const base = name.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'device';
    let id = base;
    let n = next.get(base) ?? 2;
    for (; used.has(id); n++) id = `${base}-${n}`;
    next.set(base, n);
    used.add(id);
    return id;
  });
}
