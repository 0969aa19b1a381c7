import { fleetPlan, planCsv } from '../runtime/fleet-shard.js';
import { DEFAULT_HOST } from '../runtime/runtime.js';
import { openFleet } from './fleet.js';
import type { CliIo } from './io.js';

export interface PlanFlags {
  shards: number;
  format: 'json' | 'csv';
  /** `--address`: where shard {shard}'s devices are reached (a pod's DNS name); default each entry's bind address. */
  address?: string;
  maxFileSize?: number;
}

/**
 * `modbus-emu fleet plan fleet.yaml --shards N`: every device's id, shard, host, port and unit
 * id, as JSON (an array) or CSV, on stdout: the address map to configure the system under test
 * with. The plan does not depend on the seed.
 */
export async function printPlan(file: string, flags: PlanFlags, io: CliIo): Promise<number> {
  const fleet = await openFleet(file, io, { seed: 0, ...(flags.maxFileSize !== undefined && { maxFileBytes: flags.maxFileSize }) });
  if (!fleet) {
    io.stderr('modbus-emu: no plan: fix the problems above\n');
    return 1;
  }
  const address = flags.address;
  const rows = fleetPlan(fleet, flags.shards, (instance, shard) => (address === undefined ? (instance.host ?? DEFAULT_HOST) : address.replaceAll('{shard}', String(shard))));
  io.stdout(flags.format === 'csv' ? planCsv(rows) : `${JSON.stringify(rows, null, 1)}\n`);
  return 0;
}
