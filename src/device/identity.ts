import { DEVICE_ID_OBJECT_MAX_BYTES, type DeviceIdObject } from '../protocol/device-id.js';
import { REPORT_SERVER_ID_MAX_BYTES } from '../protocol/response.js';

/** What a device says about itself through FC 43/14 and FC 17. Data the server is given. */
export interface DeviceIdentity {
  /** Sorted by id, each value at most DEVICE_ID_OBJECT_MAX_BYTES. */
  readonly objects: readonly DeviceIdObject[];
  readonly serverId: Uint8Array;
  readonly running: boolean;
  readonly additionalData: Uint8Array;
}

export interface IdentityOptions {
  vendorName?: string;
  productCode?: string;
  majorMinorRevision?: string;
  vendorUrl?: string;
  productName?: string;
  modelName?: string;
  userApplicationName?: string;
  /** Extended objects 0x80..0xFF. */
  privateObjects?: Readonly<Record<number, string>>;
  /** FC 17 server id bytes (device specific, any length). */
  serverId?: ArrayLike<number>;
  /** FC 17 run indicator; default on. */
  running?: boolean;
  /** FC 17 additional data (ASCII). */
  additionalData?: string | ArrayLike<number>;
}

export const DEFAULT_IDENTITY_OPTIONS = {
  vendorName: 'modbus-emu',
  productCode: 'MODBUS-EMU',
  majorMinorRevision: '0.1',
} as const;

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);

/**
 * Validates and freezes identification data once, at configuration time; throws RangeError for
 * values that cannot be served (the profile loader reports these with positions before this).
 */
export function createIdentity(options: IdentityOptions = {}): DeviceIdentity {
  // Not a plain spread: an explicit `undefined` must not erase a mandatory basic object (AP 6.21).
  const o = {
    ...options,
    vendorName: options.vendorName ?? DEFAULT_IDENTITY_OPTIONS.vendorName,
    productCode: options.productCode ?? DEFAULT_IDENTITY_OPTIONS.productCode,
    majorMinorRevision: options.majorMinorRevision ?? DEFAULT_IDENTITY_OPTIONS.majorMinorRevision,
  };
  const entries: [number, string | undefined][] = [
    [0x00, o.vendorName],
    [0x01, o.productCode],
    [0x02, o.majorMinorRevision],
    [0x03, o.vendorUrl],
    [0x04, o.productName],
    [0x05, o.modelName],
    [0x06, o.userApplicationName],
  ];
  for (const [id, value] of Object.entries(o.privateObjects ?? {})) {
    const n = Number(id);
    if (!Number.isInteger(n) || n < 0x80 || n > 0xff) throw new RangeError(`private object id must be 0x80..0xFF, got ${id}`);
    entries.push([n, value]);
  }
  const objects: DeviceIdObject[] = [];
  for (const [id, value] of entries) {
    if (value === undefined) continue;
    const bytes = ascii(value);
    if (bytes.length > DEVICE_ID_OBJECT_MAX_BYTES) {
      throw new RangeError(`identification object 0x${id.toString(16)} is ${bytes.length} bytes; at most ${DEVICE_ID_OBJECT_MAX_BYTES} fit a reply`);
    }
    objects.push({ id, value: bytes });
  }
  objects.sort((a, b) => a.id - b.id);
  const serverId = Uint8Array.from(o.serverId ?? [0x01]);
  const additionalData = typeof o.additionalData === 'string' ? ascii(o.additionalData) : Uint8Array.from(o.additionalData ?? ascii(`${o.vendorName} ${o.productCode}`));
  if (serverId.length + 1 + additionalData.length > REPORT_SERVER_ID_MAX_BYTES) {
    throw new RangeError(`report server id payload is ${serverId.length + 1 + additionalData.length} bytes; at most ${REPORT_SERVER_ID_MAX_BYTES} fit a reply`);
  }
  return Object.freeze({ objects: Object.freeze(objects), serverId, running: o.running ?? true, additionalData });
}
