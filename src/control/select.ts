import { NotFoundError } from '../errors.js';
import type { ControlContext, ControlledDevice } from './context.js';

/** Ids named in a message before "…": a fleet has thousands. */
const NAMED = 20;

const byId = new WeakMap<readonly ControlledDevice[], Map<string, ControlledDevice>>();

/** The device `id` names, found in one lookup (a fleet's thousands of devices are indexed once). */
export function device(c: ControlContext, id: string): ControlledDevice {
  let index = byId.get(c.devices);
  if (!index) byId.set(c.devices, (index = new Map(c.devices.map((d) => [d.id, d]))));
  const found = index.get(id);
  if (!found) throw new NotFoundError(`no device "${id}"; devices: ${someIds(c.devices)}`);
  return found;
}

/** Whether a route's `:device` is a glob of ids (`meter-*`, `*`, `gw31000-m?`) rather than one id. */
export const isGlob = (pattern: string): boolean => /[*?]/.test(pattern);

/**
 * The devices `pattern` names: one id, or a glob where `*` is any run of characters and `?` one
 * (ids never hold either). A glob that matches nothing is a NotFoundError, as an unknown id is.
 */
export function devicesMatching(c: ControlContext, pattern: string): ControlledDevice[] {
  if (!isGlob(pattern)) return [device(c, pattern)];
  const matches = globMatcher(pattern);
  const found = c.devices.filter((d) => matches(d.id));
  if (found.length === 0) throw new NotFoundError(`no device matches "${pattern}"; devices: ${someIds(c.devices)}`);
  return found;
}

/** Whether an id matches a glob: `*` any run of characters, `?` one, anything else itself. */
export function globMatcher(pattern: string): (id: string) => boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  const re = new RegExp(`^${source}$`);
  return (id) => re.test(id);
}

function someIds(devices: readonly ControlledDevice[]): string {
  const ids = devices.slice(0, NAMED).map((d) => d.id).join(', ');
  return devices.length > NAMED ? `${ids}, … (${devices.length} in all: GET /devices?offset=0&limit=100 pages them)` : ids;
}
