import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatDiagnostic } from '../profile/diagnostics.js';
import { isFleetText, loadFleetFile } from '../profile/fleet-file.js';
import { expandFleet, type ExpandedFleet } from '../runtime/fleet.js';
import type { Shard } from '../runtime/fleet-shard.js';
import { pickSeed } from '../runtime/random.js';
import { resolveProfileArgument, withBundledHint } from './bundled.js';
import type { CliIo } from './io.js';

/**
 * Whether the command-line argument names a fleet file (docs/fleets.md): a file with a top-level
 * `fleet:` key. Only the first 64 KiB are looked at; a file that cannot be read is not one (the
 * profile load then says why).
 */
export function isFleetFile(argument: string, cwd: string | undefined): boolean {
  try {
    const text = readFileSync(resolve(cwd ?? process.cwd(), argument), 'utf8');
    return isFleetText(text.slice(0, 65536));
  } catch {
    return false;
  }
}

export interface FleetOptions {
  readonly seed?: number;
  readonly maxFileBytes?: number;
}

/**
 * Loads a fleet file and expands it (every instance's id, address, seed and parameters), printing
 * every problem with file:line:column, the profiles' own included. Null after a problem.
 */
export async function openFleet(file: string, io: CliIo, options: FleetOptions, print: (line: string) => void = (l) => io.stderr(`${l}\n`)): Promise<ExpandedFleet | null> {
  const loaded = await loadFleetFile(file, { ...(io.cwd !== undefined && { cwd: io.cwd }), ...(options.maxFileBytes !== undefined && { maxFileBytes: options.maxFileBytes }) });
  if (!loaded.ok) {
    for (const d of loaded.diagnostics) print(formatDiagnostic(d));
    return null;
  }
  const expanded = await expandFleet(loaded.loaded, {
    seed: options.seed,
    ...(io.cwd !== undefined && { cwd: io.cwd }),
    ...(options.maxFileBytes !== undefined && { maxFileBytes: options.maxFileBytes }),
    resolveProfile: resolveProfileArgument,
    pickSeed,
  });
  const profiles = expanded.ok ? expanded.fleet.profiles : expanded.profiles;
  let failed = !expanded.ok;
  for (const result of profiles?.values() ?? []) {
    if (result.ok) continue;
    failed = true;
    for (const d of result.diagnostics) print(formatDiagnostic(withBundledHint(d)));
  }
  if (!expanded.ok) for (const d of expanded.diagnostics) print(formatDiagnostic(d));
  return failed || !expanded.ok ? null : expanded.fleet;
}

/** `--shard i/N`: 0 ≤ i < N (a StatefulSet's pod ordinal), or an error sentence. */
export function parseShard(text: string): Shard | string {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(m?.[1]);
  const total = Number(m?.[2]);
  if (!m || total < 1 || total > 10000 || index >= total) return 'must be i/N with 0 ≤ i < N ≤ 10000 (shard i of N, from 0 as pod ordinals count: 0/3, 1/3, 2/3)';
  return { index, total };
}
