import { dirname, resolve } from 'node:path';
import type { Diagnostic } from '../profile/diagnostics.js';
import type { FleetEntry, LoadedFleet } from '../profile/fleet-file.js';
import type { LoadResult } from '../profile/loaded.js';
import { loadProfileFile } from '../profile/load.js';
import { sortDiagnostics } from '../profile/sort.js';
import type { ParamValues } from '../model/params.js';
import { entryParams } from './fleet-params.js';
import { fillInstance, otherPlaceholders } from './fleet-template.js';
import { seededRandom } from './random.js';

/** One device of a fleet: what the runtime serves and the plan prints. */
export interface FleetInstance {
  /** Unique in the fleet; names the device in the control channel, the logs and the state folder. */
  readonly id: string;
  /** The profile file (absolute, or as resolved: a bundled device's path). */
  readonly profile: string;
  /** The profile as the fleet file names it. */
  readonly profileName: string;
  /** The entry it comes from, from 0. */
  readonly entry: number;
  /** Its listener, from 0 in fleet order: instances behind one port share it (shards are cut by listener). */
  readonly listener: number;
  readonly host: string | undefined;
  readonly port: number;
  /** The unit id it answers behind a shared port; undefined: every unit id, on a port of its own. */
  readonly unitId: number | undefined;
  readonly seed: number;
  /** Every parameter its profile declares: the entry's value, else the default. */
  readonly params: ParamValues;
}

export interface ExpandedFleet {
  readonly seed: number;
  readonly instances: readonly FleetInstance[];
  /** How many listeners (ports) the fleet has. */
  readonly listeners: number;
  /** Each profile loaded once (parsed and schema-checked, not compiled), by resolved path. */
  readonly profiles: ReadonlyMap<string, LoadResult>;
}

export interface ExpandOptions {
  /** Seed of the fleet (`--seed`), over the file's own `seed`. */
  readonly seed: number | undefined;
  /** Folder the fleet file's path is relative to. */
  readonly cwd?: string;
  readonly maxFileBytes?: number;
  /** Resolves an entry's `profile` against the fleet file's folder (a file there, else a bundled device's name). */
  readonly resolveProfile: (profile: string, folder: string) => string;
  /** Picks a seed when neither the options nor the file give one. */
  readonly pickSeed: () => number;
}

export type ExpandResult = { readonly ok: true; readonly fleet: ExpandedFleet } | { readonly ok: false; readonly diagnostics: readonly Diagnostic[]; readonly profiles?: ReadonlyMap<string, LoadResult> };

/** What an id may be: it names a URL path segment and a file in the state folder. */
const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * A fleet file as a list of instances: each entry's profile loaded once, `count` listeners from
 * `port` up (port + k - 1, port 0 stays 0), `units` instances behind each, ids and parameters
 * filled in per instance, and each instance's seed derived from the fleet's seed and its id (so
 * it does not change when entries are added, reordered or resized). Every problem at once, with
 * its place in the fleet file (or in the profile, for a profile's own problems).
 */
export async function expandFleet(loaded: LoadedFleet, options: ExpandOptions): Promise<ExpandResult> {
  const { fleet } = loaded;
  const folder = dirname(resolve(options.cwd ?? process.cwd(), loaded.file));
  const paths = fleet.fleet.map((e) => resolve(folder, options.resolveProfile(e.profile, folder)));
  const profiles = new Map<string, LoadResult>();
  await Promise.all(
    [...new Set(paths)].map(async (path) => {
      profiles.set(path, await loadProfileFile(path, { ...(options.maxFileBytes !== undefined && { maxFileBytes: options.maxFileBytes }) }));
    }),
  );
  const diagnostics: Diagnostic[] = [];
  const seed = options.seed ?? fleet.seed ?? options.pickSeed();
  const fleetRandom = seededRandom(seed);
  const instances: FleetInstance[] = [];
  const ids = new Map<string, number>();
  let listener = 0;
  checkPorts(fleet.fleet, loaded, diagnostics);
  fleet.fleet.forEach((entry, e) => {
    const path = `fleet[${e}]`;
    const profile = profiles.get(paths[e]!)!;
    // A profile with problems is reported by itself (validate compiles it); its entry makes no instances.
    if (!profile.ok) return;
    const defaults = profile.loaded.profile.params ?? {};
    const params = entryParams(entry, defaults, loaded, path, diagnostics);
    const template = entry.id ?? `${profile.loaded.profile.name ?? baseName(entry.profile)}-{i}`;
    const wrong = otherPlaceholders(template);
    for (const w of wrong) diagnostics.push({ code: 'E_FLEET_TEMPLATE', message: `{${w.name}} is not an instance variable: a fleet template knows {i} (or {i:05}, padded), {unit} and {port}; {{ and }} write a brace`, path: `${path}.id`, ...located(loaded.locateInside(entry, 'id', w.index)) });
    if (wrong.length > 0) return;
    const units = entry.units === undefined ? [undefined] : typeof entry.units === 'number' ? Array.from({ length: entry.units }, (_, k) => k + 1) : [...entry.units];
    let i = 0;
    for (let k = 0; k < (entry.count ?? 1); k++, listener++) {
      const port = entry.port === 0 ? 0 : entry.port + k;
      for (const unitId of units) {
        const vars = { i: ++i, unit: unitId, port };
        const id = fillInstance(template, vars);
        const where = located(loaded.locate(entry, entry.id === undefined ? 'profile' : 'id'));
        if (!ID.test(id)) {
          diagnostics.push({ code: 'E_FLEET_ID', message: `instance ${i} gets the id "${id}": an id is letters, digits, "_", "." and "-", starting with a letter or digit`, path: `${path}.id`, ...where });
          return;
        }
        const other = ids.get(id);
        if (other !== undefined) {
          diagnostics.push({ code: 'E_FLEET_ID', message: `instance ${i} gets the id "${id}", which fleet[${other}] gives too: put {i} (or {unit}) in the ids, or a different prefix per entry`, path: `${path}.id`, ...where });
          return;
        }
        ids.set(id, e);
        const instanceSeed = Math.floor(fleetRandom.at(`fleet/${id}`, 0) * 2 ** 32);
        const values = params(vars, instanceSeed);
        if (values === undefined) return;
        instances.push({ id, profile: paths[e]!, profileName: entry.profile, entry: e, listener, host: entry.host, port, unitId, seed: instanceSeed, params: values });
      }
    }
  });
  if (diagnostics.length > 0) return { ok: false, diagnostics: sortDiagnostics(diagnostics, [loaded.file]), profiles };
  return { ok: true, fleet: { seed, instances, listeners: listener, profiles } };
}

const located = <T>(location: T | undefined): { location?: T } => (location === undefined ? {} : { location });

const baseName = (profile: string): string => profile.replace(/^.*[\\/]/, '').replace(/\.ya?ml$/i, '');

/** Wildcard addresses bind every interface, so they clash with any other address on the same port. */
const WILDCARD = new Set(['0.0.0.0', '::', '']);

/** Ports past 65535, and entries whose port ranges overlap on addresses that clash (E_FLEET_PORT). */
function checkPorts(entries: readonly FleetEntry[], loaded: LoadedFleet, diagnostics: Diagnostic[]): void {
  const ranges = entries.map((entry) => ({ entry, from: entry.port, to: entry.port + (entry.count ?? 1) - 1, host: entry.host ?? '' }));
  ranges.forEach((r, e) => {
    const where = located(loaded.locate(r.entry, 'port'));
    if (r.from !== 0 && r.to > 65535) diagnostics.push({ code: 'E_FLEET_PORT', message: `${r.entry.count} listeners from port ${r.from} run past port 65535 (to ${r.to})`, path: `fleet[${e}].port`, ...where });
    for (let o = 0; o < e; o++) {
      const q = ranges[o]!;
      if (r.from === 0 || q.from === 0 || r.from > q.to || q.from > r.to) continue;
      if (r.host !== q.host && !WILDCARD.has(r.host) && !WILDCARD.has(q.host)) continue;
      diagnostics.push({ code: 'E_FLEET_PORT', message: `ports ${r.from}..${r.to} overlap fleet[${o}]'s ${q.from}..${q.to}: give each entry its own range`, path: `fleet[${e}].port`, ...where });
    }
  });
}
