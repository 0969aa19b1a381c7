import { BadRequestError } from '../errors.js';
import type { DeviceModes } from '../model/modes.js';
import { MAX_DURATION_MS } from '../profile/limits.js';

const ACCEPT = ['serve', 'refuse', 'ignore'];
const ANSWERS = ['silence', 'gatewayTargetFailedToRespond'];

/** The modes that hold: a phase's, key by key, over those set through the API. */
export function mergeModes(api: DeviceModes, phase: DeviceModes | undefined): DeviceModes {
  if (!phase) return api;
  return {
    ...api,
    ...(phase.offline !== undefined && { offline: phase.offline }),
    ...(phase.reboot !== undefined && { reboot: phase.reboot }),
    ...(phase.connections !== undefined && { connections: phase.connections }),
  };
}

/** Modes from a caller (the API, the control channel): checked as the profile's schema checks a phase's. Throws BadRequestError. */
export function checkModes(modes: unknown): DeviceModes {
  if (typeof modes !== 'object' || modes === null || Array.isArray(modes)) throw new BadRequestError('modes: an object such as { offline: true }');
  const { offline, reboot, connections, ...rest } = modes as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw new BadRequestError(`modes: unknown key ${unknown[0]}: the modes are offline, reboot and connections`);
  if (offline !== undefined && typeof offline !== 'boolean') {
    if (typeof offline !== 'object' || offline === null) throw new BadRequestError('modes.offline: true, false or { units, answer }');
    const { units, answer, ...more } = offline as Record<string, unknown>;
    if (Object.keys(more).length > 0) throw new BadRequestError(`modes.offline: unknown key ${Object.keys(more)[0]}: units and answer`);
    if (units !== undefined && (!Array.isArray(units) || units.length === 0 || !units.every((u) => Number.isInteger(u) && (u as number) >= 0 && (u as number) <= 255))) {
      throw new BadRequestError('modes.offline.units: a list of unit ids 0..255');
    }
    if (answer !== undefined && !ANSWERS.includes(answer as string)) throw new BadRequestError(`modes.offline.answer: one of ${ANSWERS.join(', ')}`);
  }
  if (reboot !== undefined && typeof reboot !== 'boolean') throw new BadRequestError('modes.reboot: true or false');
  if (connections !== undefined) {
    if (typeof connections !== 'object' || connections === null) throw new BadRequestError('modes.connections: { accept, limit }');
    const { accept, limit, ...more } = connections as Record<string, unknown>;
    if (Object.keys(more).length > 0) throw new BadRequestError(`modes.connections: unknown key ${Object.keys(more)[0]}: accept and limit`);
    if (accept !== undefined && !ACCEPT.includes(accept as string)) throw new BadRequestError(`modes.connections.accept: one of ${ACCEPT.join(', ')}`);
    if (limit !== undefined && (!Number.isInteger(limit) || (limit as number) < 1 || (limit as number) > 65535)) throw new BadRequestError('modes.connections.limit: a whole number 1..65535');
  }
  return modes as DeviceModes;
}

/** A duration from a caller, in emulator milliseconds. Throws BadRequestError. */
export function checkDurationMs(what: string, ms: unknown): number {
  if (typeof ms !== 'number' || !(ms >= 0) || ms > MAX_DURATION_MS) throw new BadRequestError(`${what}: milliseconds 0..${MAX_DURATION_MS}, not ${String(ms)}`);
  return ms;
}
