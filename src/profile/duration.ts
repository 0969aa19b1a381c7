import { MAX_DURATION_MS } from './limits.js';

/** The format the schema gives Duration texts (`250ms`, `1.5s`, `2m`): within MAX_DURATION_MS. */
export const DURATION_FORMAT = 'modbus-emu-duration';

/** A Duration text in milliseconds (`250ms`, `1.5s`, `2m`); undefined when it is not one. */
export function durationTextMs(text: string): number | undefined {
  const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*(ms|s|m)\s*$/.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  return m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : n * 60_000;
}

/** What the schema's format checks: a text that is not a duration is the pattern's to refuse. */
export const withinDurationLimit = (text: string): boolean => (durationTextMs(text) ?? 0) <= MAX_DURATION_MS;
