import type { Addressing, Delay, Device, Fault, UnreachableBehaviour } from '../profile/types.generated.js';
import type { LoadedProfile } from '../profile/loaded.js';
import { planGateway } from './gateway.js';
import type { Path, Reporter } from './report.js';
import { buildDevice, type BuiltDevice, type Layer } from './settings.js';

/** A device behind some unit ids: one storage per id (none listed: it answers every id it gets). */
export interface DeviceEntry {
  readonly kind: 'device';
  /** Name without the unit id; `named` says whether the unit itself gave it. */
  readonly name: string;
  readonly named: boolean;
  readonly ids: readonly number[];
  readonly built: BuiltDevice;
  /** Fault rules of the unit and of its template or included device, most specific first. */
  readonly faults: readonly FaultSource[];
  /** `responseDelay`: the unit's, else its template's, else the profile's. */
  readonly responseDelay: Delay | undefined;
}
export interface UnreachableEntry {
  readonly kind: 'unreachable';
  readonly ids: readonly number[];
  readonly respond: UnreachableBehaviour;
  /** The answer comes after this delay (`respond: { answer, delay }`). */
  readonly delay?: Delay;
}
/** A `faults:` list and where it is (path of the object holding it). */
export interface FaultSource {
  readonly list: readonly Fault[];
  readonly path: Path;
}
export type Entry = DeviceEntry | UnreachableEntry;

export interface Plan {
  readonly entries: readonly Entry[];
  /** What unit ids no entry lists get; for a single-device profile, that device. */
  readonly other: Entry;
  readonly broadcast: boolean;
}

/** What planning units needs from the profile around them. */
export interface PlanEnv {
  readonly loaded: LoadedProfile;
  readonly report: Reporter;
  readonly profileLayer: Layer;
  addressingOf(device: Device): Addressing;
  /** The template named `name`, or undefined after reporting E_UNKNOWN_TEMPLATE at `path`. */
  template(name: string, owner: object, path: Path): Device | undefined;
  /** Compiles a template with extra (more specific) setting layers in front of its own. */
  fromTemplate(name: string, template: Device, layers: readonly Layer[]): BuiltDevice;
  /** The `faults` of a device definition at `path`, if it has any. */
  faultsOf(device: Pick<Device, 'faults'>, path: Path): FaultSource[];
}

/** Settles who answers which unit id, compiling each device once per unit entry. */
export function planProfile(loaded: LoadedProfile, report: Reporter): Plan {
  const profile = loaded.profile;
  const mainFile = loaded.locate(profile)?.file;
  const templates = profile.templates ?? {};
  const used = new Set<string>();
  const profileLayer: Layer = { node: profile, path: [] };
  const env: PlanEnv = {
    loaded,
    report,
    profileLayer,
    // `addressing` is per file: a device from an included file that does not set it uses protocol
    // addresses. A unit's own `addressing` applies to its inline points only: a template's
    // numbers are written in the template's convention.
    addressingOf(device) {
      const file = loaded.locate(device.points ?? device.blocks ?? device)?.file;
      const sameFile = file === undefined || mainFile === undefined || file === mainFile;
      return device.addressing ?? (sameFile ? profile.addressing : undefined) ?? 'protocol';
    },
    template(name, owner, path) {
      const t = templates[name];
      if (t && !('include' in t)) {
        used.add(name);
        return t;
      }
      // An include left in place failed to load, and a withdrawn template had schema problems:
      // either was reported already, and "no template named t" would contradict it.
      if (t || report.withdrawn(['templates', name])) return undefined;
      const known = Object.keys(templates);
      report.error('E_UNKNOWN_TEMPLATE', path, owner, 'use', `no template named ${name}${known.length ? ` (templates: ${known.join(', ')})` : ' (the profile has no templates)'}`);
      return undefined;
    },
    faultsOf: (device, path) => (device.faults?.length ? [{ list: device.faults, path }] : []),
    fromTemplate(name, t, layers) {
      const path = ['templates', name];
      return buildDevice({ body: t, path, layers: [...layers, { node: t, path }, profileLayer], addressing: env.addressingOf(t) }, report);
    },
  };

  let plan: Plan;
  if (profile.units) {
    plan = planGateway(profile, profile.units, env);
  } else {
    const built = buildDevice({ body: profile, path: [], layers: [profileLayer], addressing: env.addressingOf(profile) }, report);
    // A single device's `faults` and `responseDelay` are the profile's own (assemble.ts).
    const other: Entry = { kind: 'device', name: profile.name ?? baseName(loaded.file), named: true, ids: [], built, faults: [], responseDelay: profile.responseDelay };
    plan = { entries: [], other, broadcast: profile.unitZero === 'broadcast' };
  }
  // Templates no unit uses are still checked: a broken template is a broken profile.
  for (const [name, t] of Object.entries(templates)) if (!used.has(name) && !('include' in t)) env.fromTemplate(name, t, []);
  return plan;
}

/** `devices/pump.yaml` → `pump`. */
export function baseName(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? '';
  return base.replace(/\.(ya?ml|json)$/i, '') || 'device';
}
