import type { ExpandedFleet, FleetInstance } from './fleet.js';

/** `--shard i/N`: shard `index` (0-based, as a StatefulSet's pod ordinal) of `total`. */
export interface Shard {
  readonly index: number;
  readonly total: number;
}

/**
 * The shard a listener belongs to: its index in fleet order modulo the number of shards. By
 * listener, so the instances behind one port stay together; by modulo rather than in contiguous
 * blocks, so appending entries or raising the last entry's count moves no existing device to
 * another shard, and every entry's devices spread evenly over the shards (a shard does not get
 * all the heavy ones).
 */
export const shardOf = (instance: FleetInstance, total: number): number => instance.listener % total;

/** The instances shard `shard` serves (all of them without one). */
export function shardInstances(fleet: ExpandedFleet, shard: Shard | undefined): readonly FleetInstance[] {
  if (shard === undefined || shard.total === 1) return fleet.instances;
  return fleet.instances.filter((i) => shardOf(i, shard.total) === shard.index);
}

/** One line of `modbus-emu fleet plan`: where a device answers. */
export interface PlanRow {
  readonly id: string;
  readonly shard: number;
  readonly host: string;
  readonly port: number;
  /** The unit id behind a shared port; null: the device answers every unit id on its own port. */
  readonly unit: number | null;
  readonly profile: string;
}

/** The address map of a fleet cut into `shards`; `host` names the address of each shard's devices (their bind address by default). */
export function fleetPlan(fleet: ExpandedFleet, shards: number, host: (instance: FleetInstance, shard: number) => string): PlanRow[] {
  return fleet.instances.map((i) => {
    const shard = shardOf(i, shards);
    return { id: i.id, shard, host: host(i, shard), port: i.port, unit: i.unitId ?? null, profile: i.profileName };
  });
}

/** The plan as CSV (RFC 4180: a field with a comma, quote or line break is quoted). */
export function planCsv(rows: readonly PlanRow[]): string {
  const field = (v: string | number | null): string => {
    const s = v === null ? '' : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return ['id,shard,host,port,unit,profile', ...rows.map((r) => [r.id, r.shard, r.host, r.port, r.unit, r.profile].map(field).join(','))].join('\n') + '\n';
}
