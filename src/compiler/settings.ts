import type { Table } from '../device/data-source.js';
import type { DeviceIdentity } from '../device/identity.js';
import type { Addressing, Device, UnmappedMode } from '../profile/types.generated.js';
import { PROFILE_TABLE } from './addressing.js';
import { compileDevice } from './device.js';
import type { DeviceLayout } from '../model/device-layout.js';
import { compileIdentity } from './identity.js';
import { TABLES } from '../model/point-model.js';
import type { Path, Reporter } from './report.js';

/** Settings a unit, a template or the profile may give; the most specific level wins. */
export type SettingsNode = Pick<Device, 'byteOrder' | 'access' | 'writeToReadOnly' | 'identification' | 'reportServerId' | 'unmapped' | 'inputRegisters'>;

export interface Layer {
  readonly node: SettingsNode;
  readonly path: Path;
}

/** Where a device's points and blocks are, and the levels its settings come from. */
export interface DeviceSource {
  readonly body: Pick<Device, 'points' | 'blocks'>;
  readonly path: Path;
  /** Most specific first: unit, template, profile. */
  readonly layers: readonly Layer[];
  readonly addressing: Addressing;
}

export interface BuiltDevice {
  readonly layout: DeviceLayout;
  readonly identity: DeviceIdentity;
  /** Function codes the device answers with 01 (`identification: false`, `reportServerId: false`). */
  readonly refused: readonly number[];
}

export function buildDevice(source: DeviceSource, report: Reporter): BuiltDevice {
  const { layers } = source;
  const first = <K extends keyof SettingsNode>(key: K): SettingsNode[K] => layers.find((l) => l.node[key] !== undefined)?.node[key];
  const unmapped = {} as Record<Table, UnmappedMode>;
  for (const t of TABLES) {
    const level = layers.find((l) => typeof l.node.unmapped === 'string' || l.node.unmapped?.[PROFILE_TABLE[t]] !== undefined)?.node.unmapped;
    unmapped[t] = (typeof level === 'string' ? level : level?.[PROFILE_TABLE[t]]) ?? 'exception';
  }
  const ctx = {
    report,
    path: source.path,
    addressing: source.addressing,
    byteOrder: first('byteOrder') ?? 'ABCD',
    access: first('access'),
    sameAsHolding: first('inputRegisters') === 'sameAsHolding',
  };
  const layout = compileDevice(source.body, ctx, { writeToReadOnly: first('writeToReadOnly') ?? 'reject', unmapped });
  return { layout, ...compileIdentity(layers, report) };
}
