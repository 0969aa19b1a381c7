import { ExceptionCode, FunctionCode, Limits, MEI_READ_DEVICE_ID } from './constants.js';

/** One identification object (AP 6.21): 0x00-0x02 basic, 0x03-0x06 regular, 0x80-0xFF extended. */
export interface DeviceIdObject {
  readonly id: number;
  readonly value: Uint8Array;
}

/** Header of an FC 43/14 reply: fc, MEI, code, conformity, more follows, next id, count. */
const HEADER_BYTES = 7;
/** An object must fit one reply on its own: id and length bytes plus its value. */
export const DEVICE_ID_OBJECT_MAX_BYTES = Limits.pduMax - HEADER_BYTES - 2;

/** Highest object id of each stream category (code 1 basic, 2 regular, 3 extended). */
const CATEGORY_LAST_ID = [0, 0x02, 0x06, 0xff] as const;

/** The device's level: 1 basic, 2 regular, 3 extended, from the highest object it holds. */
export function conformityCategory(objects: readonly DeviceIdObject[]): 1 | 2 | 3 {
  let level: 1 | 2 | 3 = 1;
  for (const o of objects) {
    if (o.id >= 0x80) return 3;
    if (o.id >= 0x03 && o.id <= 0x06) level = 2;
  }
  return level;
}

/**
 * Builds the FC 43 / MEI 14 reply, or returns an exception code. `objects` must be sorted by id
 * and each value at most DEVICE_ID_OBJECT_MAX_BYTES long (configuration guarantees both).
 * Individual access is supported, so the conformity byte has bit 0x80 set.
 */
export function encodeDeviceIdentification(
  readDeviceIdCode: number,
  objectId: number,
  objects: readonly DeviceIdObject[],
): Uint8Array | number {
  const level = conformityCategory(objects);
  const conformity = 0x80 | level;
  if (readDeviceIdCode === 4) {
    const object = objects.find((o) => o.id === objectId);
    if (!object) return ExceptionCode.IllegalDataAddress;
    return reply(4, conformity, 0, 0, [object]);
  }
  // A request above the device's level is answered with the objects of the device's level
  // (docs/protocol.md, FC 43); the reply's read-dev-id code echoes the request (AP 6.21: "same as request").
  const lastId = CATEGORY_LAST_ID[Math.min(readDeviceIdCode, level)]!;
  const inStream = objects.filter((o) => o.id <= lastId);
  let start = inStream.findIndex((o) => o.id === objectId);
  if (start < 0) start = 0; // unknown start object: restart the stream at the beginning
  const sent: DeviceIdObject[] = [];
  let size = HEADER_BYTES;
  let i = start;
  for (; i < inStream.length; i++) {
    const o = inStream[i]!;
    if (size + 2 + o.value.length > Limits.pduMax) break;
    size += 2 + o.value.length;
    sent.push(o);
  }
  const more = i < inStream.length;
  return reply(readDeviceIdCode, conformity, more ? 0xff : 0, more ? inStream[i]!.id : 0, sent);
}

function reply(
  code: number,
  conformity: number,
  moreFollows: number,
  nextObjectId: number,
  objects: readonly DeviceIdObject[],
): Uint8Array {
  let size = HEADER_BYTES;
  for (const o of objects) size += 2 + o.value.length;
  const pdu = new Uint8Array(size);
  pdu[0] = FunctionCode.EncapsulatedInterface;
  pdu[1] = MEI_READ_DEVICE_ID;
  pdu[2] = code;
  pdu[3] = conformity;
  pdu[4] = moreFollows;
  pdu[5] = nextObjectId;
  pdu[6] = objects.length;
  let o = HEADER_BYTES;
  for (const obj of objects) {
    pdu[o++] = obj.id;
    pdu[o++] = obj.value.length;
    pdu.set(obj.value, o);
    o += obj.value.length;
  }
  return pdu;
}
