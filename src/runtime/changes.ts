import { describeLine } from '../protocol/rtu.js';
import { isCompiledProfile, type CompiledProfile, type HandOver, type PointInfo, type ServedDevice, type ServerSettings } from '../model/types.js';

/** What a reload changed, for its one log line and the `reload` event. */
export interface DeviceChanges {
  /** Point names (`unit/point` in a gateway) declared now and not before, gone, or declared differently. */
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly string[];
  /** `port: 5020 → 5021`, `name: pump → pump-2`: device-wide settings that differ. */
  readonly settings: readonly string[];
}

const SETTINGS: readonly (keyof ServerSettings)[] = ['host', 'port', 'idleTimeoutMs', 'maxConnections', 'whenFull', 'transport', 'serial'];

/** Compares the declarations of two devices (the state hand-over says which values carried over). */
export function describeChanges(previous: ServedDevice, next: CompiledProfile, handOver: HandOver | undefined): DeviceChanges {
  const before = pointsOf(previous);
  const after = pointsOf(next);
  const reset = new Set(handOver?.resetPoints);
  const added: string[] = [];
  const changed: string[] = [];
  for (const [name, info] of after) {
    const old = before.get(name);
    if (!old) added.push(name);
    else if (reset.has(name) || !samePoint(old, info)) changed.push(name);
  }
  const removed = [...before.keys()].filter((name) => !after.has(name));
  const settings: string[] = [];
  if (previous.name !== next.name) settings.push(`name: ${previous.name} → ${next.name}`);
  settings.push(...serverChanges(previous, next));
  return { added, removed, changed, settings };
}

/** The `server:` settings two devices differ in: `port: 5020 → 5021`. */
export function serverChanges(previous: ServedDevice, next: ServedDevice): string[] {
  const changes: string[] = [];
  for (const key of SETTINGS) {
    const a = settingText(previous.server[key]);
    const b = settingText(next.server[key]);
    if (a !== b) changes.push(`${key}: ${a} → ${b}`);
  }
  // TLS names files the runtime reads: a change counts (the control channel may not make one).
  const tls = (d: ServedDevice): string => (d.server.tls ? `${d.server.tls.cert}, ${d.server.tls.key}, ${d.server.tls.clientCa}` : 'none');
  if (JSON.stringify(previous.server.tls) !== JSON.stringify(next.server.tls)) changes.push(`tls: ${tls(previous)} → ${tls(next)}`);
  return changes;
}

/** A setting as a log line shows it: a serial line as `/dev/ttyUSB0 19200 8E1`. */
function settingText(value: ServerSettings[keyof ServerSettings]): string {
  if (value === undefined) return 'default';
  if (typeof value !== 'object' || !('path' in value)) return String(value);
  return describeLine(value);
}

/** `3 points added (a, b, c), 1 changed (d); settings: port: 5020 → 5021; state kept for 12 points, 4 reset` */
export function formatChanges(c: DeviceChanges, handOver: HandOver | undefined): string {
  const parts: string[] = [];
  const list = (names: readonly string[]): string => `(${names.slice(0, 5).join(', ')}${names.length > 5 ? `, … ${names.length - 5} more` : ''})`;
  if (c.added.length) parts.push(`${plural(c.added.length, 'point')} added ${list(c.added)}`);
  if (c.removed.length) parts.push(`${plural(c.removed.length, 'point')} removed ${list(c.removed)}`);
  if (c.changed.length) parts.push(`${plural(c.changed.length, 'point')} changed ${list(c.changed)}`);
  if (parts.length === 0) parts.push('no point changed');
  let line = parts.join(', ');
  if (c.settings.length) line += `; settings: ${c.settings.join(', ')}`;
  if (handOver) line += `; state kept for ${plural(handOver.keptPoints, 'point')}, ${handOver.resetPoints.length} reset, ${handOver.keptBlockWords} block words kept`;
  if (handOver?.listenOnly.length) line += `; ${handOver.listenOnly.length === 1 ? 'unit' : 'units'} ${handOver.listenOnly.join(', ')} still in listen-only mode (FC 8/0x01 or reset() ends it)`;
  if (handOver?.restartedMachines.length) line += `; ${plural(handOver.restartedMachines.length, 'state machine')} changed and restarted in the initial state ${list(handOver.restartedMachines)}`;
  return line;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function pointsOf(device: ServedDevice): ReadonlyMap<string, PointInfo> {
  const units = isCompiledProfile(device) ? device.units : [];
  if (units.length === 1) return units[0]!.points;
  const out = new Map<string, PointInfo>();
  for (const unit of units) {
    for (const [name, info] of unit.points) out.set(units.length > 1 ? `${unit.name}/${name}` : name, info);
  }
  return out;
}

function samePoint(a: PointInfo, b: PointInfo): boolean {
  return a.table === b.table && a.address === b.address && a.size === b.size && a.type === b.type && a.access === b.access && a.unit === b.unit && a.description === b.description;
}
