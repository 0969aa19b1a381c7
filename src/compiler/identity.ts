import { createIdentity, DEFAULT_IDENTITY_OPTIONS, type DeviceIdentity, type IdentityOptions } from '../device/identity.js';
import { isAscii } from '../device/values.js';
import type { Identification, ReportServerId } from '../profile/types.generated.js';
import { DEVICE_ID_OBJECT_MAX_BYTES } from '../protocol/device-id.js';
import { REPORT_SERVER_ID_MAX_BYTES } from '../protocol/response.js';
import type { Path, Reporter } from './report.js';

/** A level of settings (unit, template, profile), most specific first. */
export interface IdentityLayer {
  readonly node: { readonly identification?: Identification; readonly reportServerId?: ReportServerId };
  readonly path: Path;
}

/** Profile names of the FC 43 objects, and the createIdentity option each feeds. */
const OBJECTS = [
  ['vendorName', 'vendorName'],
  ['productCode', 'productCode'],
  ['revision', 'majorMinorRevision'],
  ['vendorUrl', 'vendorUrl'],
  ['productName', 'productName'],
  ['modelName', 'modelName'],
  ['userApplicationName', 'userApplicationName'],
] as const;

/**
 * FC 43 objects and the FC 17 reply of a device. Each field comes from the most specific layer
 * that sets it (a unit may change one object of its template's identification); private objects
 * are merged by id. Everything createIdentity would refuse is reported here with its position.
 */
export function compileIdentity(layers: readonly IdentityLayer[], report: Reporter): DeviceIdentity {
  const before = report.count;
  const options: IdentityOptions & Record<string, unknown> = {};
  const text = (value: string, node: object, key: string, path: Path, what: string, max: number): void => {
    if (!isAscii(value)) report.error('E_IDENTIFICATION', [...path, key], node, key, `${what} is not ASCII`);
    else if (value.length > max) report.error('E_IDENTIFICATION', [...path, key], node, key, `${what} is ${value.length} bytes; at most ${max} fit a reply`);
  };
  for (const [field, option] of OBJECTS) {
    const layer = layers.find((l) => l.node.identification?.[field] !== undefined);
    if (!layer) continue;
    const ident = layer.node.identification!;
    options[option] = ident[field];
    text(ident[field]!, ident, field, [...layer.path, 'identification'], field, DEVICE_ID_OBJECT_MAX_BYTES);
  }
  const privateObjects: Record<number, string> = {};
  for (const layer of [...layers].reverse()) {
    const objects = layer.node.identification?.privateObjects;
    if (!objects) continue;
    const path = [...layer.path, 'identification', 'privateObjects'];
    const seen = new Map<number, string>();
    for (const [key, value] of Object.entries(objects)) {
      const id = key.toLowerCase().startsWith('0x') ? parseInt(key, 16) : Number(key);
      if (seen.has(id)) report.error('E_IDENTIFICATION', [...path, key], objects, key, `object ${key} is also given as ${seen.get(id)}`);
      seen.set(id, key);
      privateObjects[id] = value;
      text(value, objects, key, path, `object ${key}`, DEVICE_ID_OBJECT_MAX_BYTES);
    }
  }
  if (Object.keys(privateObjects).length > 0) options.privateObjects = privateObjects;

  const pick = <K extends keyof ReportServerId>(key: K) => layers.find((l) => l.node.reportServerId?.[key] !== undefined);
  const idLayer = pick('serverId');
  const runLayer = pick('running');
  const dataLayer = pick('additionalData');
  if (idLayer) {
    const id = idLayer.node.reportServerId!.serverId!;
    options.serverId = typeof id === 'number' ? [id] : id;
  }
  if (runLayer) options.running = runLayer.node.reportServerId!.running;
  const data = dataLayer?.node.reportServerId!.additionalData;
  if (dataLayer && data !== undefined) {
    options.additionalData = data;
    text(data, dataLayer.node.reportServerId!, 'additionalData', [...dataLayer.path, 'reportServerId'], 'additionalData', Infinity);
  }
  // The default additional data is "<vendorName> <productCode>" (createIdentity).
  const dataBytes = data?.length ?? `${options.vendorName ?? DEFAULT_IDENTITY_OPTIONS.vendorName} ${options.productCode ?? DEFAULT_IDENTITY_OPTIONS.productCode}`.length;
  const payload = (options.serverId?.length ?? 1) + 1 + dataBytes;
  if (payload > REPORT_SERVER_ID_MAX_BYTES) {
    const message = `the report server id reply would carry ${payload} bytes; at most ${REPORT_SERVER_ID_MAX_BYTES} fit`;
    const vendor = layers.find((l) => l.node.identification?.vendorName !== undefined || l.node.identification?.productCode !== undefined);
    if (dataLayer || idLayer) {
      const [layer, key] = dataLayer ? [dataLayer, 'additionalData'] : [idLayer!, 'serverId'];
      report.error('E_IDENTIFICATION', [...layer.path, 'reportServerId', key], layer.node.reportServerId!, key, message);
    } else if (vendor) {
      const ident = vendor.node.identification!;
      report.error('E_IDENTIFICATION', [...vendor.path, 'identification'], ident, undefined, `${message} (its additional data defaults to vendorName and productCode; set reportServerId.additionalData)`);
    }
  }
  return report.count === before ? createIdentity(options) : createIdentity();
}
