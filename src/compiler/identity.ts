import { createIdentity, DEFAULT_IDENTITY_OPTIONS, type DeviceIdentity, type IdentityOptions } from '../device/identity.js';
import { isAscii } from '../model/values.js';
import { FunctionCode } from '../protocol/constants.js';
import type { IdentificationSetting, ReportServerIdSetting } from '../profile/types.generated.js';
import { DEVICE_ID_OBJECT_MAX_BYTES } from '../protocol/device-id.js';
import { REPORT_SERVER_ID_MAX_BYTES } from '../protocol/response.js';
import { fillTemplate, type ParamValues } from '../model/params.js';
import { paramText } from './param-text.js';
import type { Path, Reporter } from './report.js';

/** A level of settings (unit, template, profile), most specific first. */
export interface IdentityLayer {
  readonly node: { readonly identification?: IdentificationSetting; readonly reportServerId?: ReportServerIdSetting };
  readonly path: Path;
}

/** What a device answers for FC 43 and FC 17, and the function codes it refuses with 01. */
export interface CompiledIdentity {
  readonly identity: DeviceIdentity;
  readonly refused: readonly number[];
  /**
   * The options as written, when a string of them uses the profile's parameters: each device fills
   * them in with its own values (identityFor). Undefined otherwise.
   */
  readonly template?: IdentityOptions;
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
 *
 * `false` switches a function off and nothing else: the most specific layer that sets the key
 * decides whether it is answered, while the objects of every layer still merge (they feed the
 * FC 17 default additional data, and the API's identity), so turning FC 43 off in a unit does
 * not change what FC 17 says.
 */
export function compileIdentity(layers: readonly IdentityLayer[], report: Reporter): CompiledIdentity {
  const before = report.count;
  const answers = (key: 'identification' | 'reportServerId'): boolean => layers.find((l) => l.node[key] !== undefined)?.node[key] !== false;
  const refused = [
    ...(answers('identification') ? [] : [FunctionCode.EncapsulatedInterface]),
    ...(answers('reportServerId') ? [] : [FunctionCode.ReportServerId]),
  ];
  // `|| undefined` reads a `false` level as one that gives no objects.
  const ident = (l: IdentityLayer) => l.node.identification || undefined;
  const server = (l: IdentityLayer) => l.node.reportServerId || undefined;
  const options: IdentityOptions & Record<string, unknown> = {};
  /** The options as written where a string is a template (param-text.ts); set only when one is. */
  let template: true | undefined;
  /** The strings as written, by option: what the template holds. */
  const written: IdentityOptions & Record<string, unknown> = {};
  const writtenPrivate: Record<number, string> = {};
  /** The string as the defaults fill it in, checked like any other. */
  const text = (written: string, node: object, key: string, path: Path, what: string, max: number): string => {
    const { text: value, template: t } = paramText(written, node, key, [...path, key], report);
    if (t !== undefined) template = true;
    if (!isAscii(value)) report.error('E_IDENTIFICATION', [...path, key], node, key, `${what} is not ASCII`);
    else if (value.length > max) report.error('E_IDENTIFICATION', [...path, key], node, key, `${what} is ${value.length} bytes; at most ${max} fit a reply`);
    return value;
  };
  for (const [field, option] of OBJECTS) {
    const layer = layers.find((l) => ident(l)?.[field] !== undefined);
    if (!layer) continue;
    const objects = ident(layer)!;
    options[option] = text(objects[field]!, objects, field, [...layer.path, 'identification'], field, DEVICE_ID_OBJECT_MAX_BYTES);
    written[option] = objects[field];
  }
  const privateObjects: Record<number, string> = {};
  for (const layer of [...layers].reverse()) {
    const objects = ident(layer)?.privateObjects;
    if (!objects) continue;
    const path = [...layer.path, 'identification', 'privateObjects'];
    const seen = new Map<number, string>();
    for (const [key, value] of Object.entries(objects)) {
      const id = key.toLowerCase().startsWith('0x') ? parseInt(key, 16) : Number(key);
      if (seen.has(id)) report.error('E_IDENTIFICATION', [...path, key], objects, key, `object ${key} is also given as ${seen.get(id)}`);
      seen.set(id, key);
      privateObjects[id] = text(value, objects, key, path, `object ${key}`, DEVICE_ID_OBJECT_MAX_BYTES);
      writtenPrivate[id] = value;
    }
  }
  if (Object.keys(privateObjects).length > 0) {
    options.privateObjects = privateObjects;
    written.privateObjects = writtenPrivate;
  }

  const pick = (key: 'serverId' | 'running' | 'additionalData') => layers.find((l) => server(l)?.[key] !== undefined);
  const idLayer = pick('serverId');
  const runLayer = pick('running');
  const dataLayer = pick('additionalData');
  if (idLayer) {
    const id = server(idLayer)!.serverId!;
    options.serverId = typeof id === 'number' ? [id] : id;
  }
  if (runLayer) options.running = server(runLayer)!.running;
  const data = dataLayer && server(dataLayer)!.additionalData;
  if (dataLayer && data !== undefined) {
    options.additionalData = text(data, server(dataLayer)!, 'additionalData', [...dataLayer.path, 'reportServerId'], 'additionalData', Infinity);
    written.additionalData = data;
  }
  // The default additional data is "<vendorName> <productCode>" (createIdentity).
  const dataBytes = (options.additionalData as string | undefined)?.length ?? `${options.vendorName ?? DEFAULT_IDENTITY_OPTIONS.vendorName} ${options.productCode ?? DEFAULT_IDENTITY_OPTIONS.productCode}`.length;
  const payload = (options.serverId?.length ?? 1) + 1 + dataBytes;
  // Checked also with `reportServerId: false`: createIdentity refuses such a reply regardless.
  if (payload > REPORT_SERVER_ID_MAX_BYTES) {
    const message = `the report server id reply would carry ${payload} bytes; at most ${REPORT_SERVER_ID_MAX_BYTES} fit`;
    const vendor = layers.find((l) => ident(l)?.vendorName !== undefined || ident(l)?.productCode !== undefined);
    if (dataLayer || idLayer) {
      const [layer, key] = dataLayer ? [dataLayer, 'additionalData'] : [idLayer!, 'serverId'];
      report.error('E_IDENTIFICATION', [...layer.path, 'reportServerId', key], server(layer)!, key, message);
    } else if (vendor) {
      report.error('E_IDENTIFICATION', [...vendor.path, 'identification'], ident(vendor)!, undefined, `${message} (its additional data defaults to vendorName and productCode; set reportServerId.additionalData)`);
    }
  }
  const ok = report.count === before;
  return { identity: ok ? createIdentity(options) : createIdentity(), refused, ...(ok && template && { template: { ...options, ...written } }) };
}

/**
 * The identity a device with these parameter values answers: the compiled one, or, when its
 * strings use parameters, those strings filled in with `values`. A value that makes a string too
 * long for its reply keeps the defaults' identity, and `warn` says why (a fleet's mistake, found
 * at start-up, never on the request path).
 */
export function identityFor(c: CompiledIdentity, values: ParamValues | undefined, defaults: ParamValues, warn: (message: string) => void): DeviceIdentity {
  if (c.template === undefined || values === undefined) return c.identity;
  const fill = (s: string): string => fillTemplate(s, values, defaults);
  const t = c.template;
  const filled: IdentityOptions & Record<string, unknown> = { ...t };
  for (const [, option] of OBJECTS) if (typeof t[option] === 'string') filled[option] = fill(t[option]);
  if (t.privateObjects) filled.privateObjects = Object.fromEntries(Object.entries(t.privateObjects).map(([id, s]) => [id, fill(s)]));
  if (typeof t.additionalData === 'string') filled.additionalData = fill(t.additionalData);
  try {
    return createIdentity(filled);
  } catch (error) {
    warn(`its parameters make the identification unservable (${(error as Error).message}): it answers with the profile's defaults`);
    return c.identity;
  }
}
