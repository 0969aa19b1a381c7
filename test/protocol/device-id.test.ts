import { describe, expect, it } from 'vitest';
import {
  DEVICE_ID_OBJECT_MAX_BYTES,
  conformityCategory,
  encodeDeviceIdentification,
  type DeviceIdObject,
} from '../../src/protocol/device-id.js';
import { toHex } from '../helpers/hex.js';

const obj = (id: number, value: string): DeviceIdObject => ({ id, value: Uint8Array.from(value, (c) => c.charCodeAt(0)) });
const long = (id: number, length: number, fill = 'x'): DeviceIdObject => obj(id, fill.repeat(length));

const BASIC = [obj(0x00, 'ACME'), obj(0x01, 'P1'), obj(0x02, '1.0')];
const REGULAR = [...BASIC, obj(0x03, 'u'), obj(0x04, 'Pump'), obj(0x05, 'M'), obj(0x06, 'app')];
const EXTENDED = [...REGULAR, obj(0x80, 'x1'), obj(0x81, 'y')];

/** The reply parsed back: header fields and the object ids with their text. */
function parse(reply: Uint8Array | number) {
  if (typeof reply === 'number') throw new Error(`expected a reply, got exception ${reply}`);
  expect(reply.length).toBeLessThanOrEqual(253);
  const objects: [number, string][] = [];
  let o = 7;
  for (let n = 0; n < reply[6]!; n++) {
    const length = reply[o + 1]!;
    objects.push([reply[o]!, String.fromCharCode(...reply.subarray(o + 2, o + 2 + length))]);
    o += 2 + length;
  }
  // the object count must describe exactly the bytes that follow
  expect(o).toBe(reply.length);
  return { fc: reply[0], mei: reply[1], code: reply[2], conformity: reply[3], moreFollows: reply[4], nextObjectId: reply[5], objects };
}

const ids = (objects: readonly [number, string][]) => objects.map(([id]) => id);

describe('encodeDeviceIdentification: streams (AP 6.21)', () => {
  it('basic stream, exact bytes', () => {
    // 2B 0E, code 01, conformity 0x81 (basic + individual access), no more, next 0, 3 objects
    expect(toHex(encodeDeviceIdentification(1, 0, BASIC) as Uint8Array)).toBe(
      '2b 0e 01 81 00 00 03 00 04 41 43 4d 45 01 02 50 31 02 03 31 2e 30',
    );
  });

  it.each([
    // [comment, code requested, objects, code answered, ids]
    ['basic stream from an extended device', 1, EXTENDED, 1, [0, 1, 2]],
    ['regular stream returns the basic objects too', 2, EXTENDED, 2, [0, 1, 2, 3, 4, 5, 6]],
    ['extended stream returns everything', 3, EXTENDED, 3, [0, 1, 2, 3, 4, 5, 6, 0x80, 0x81]],
    // Above the device's level: the device's objects, the request's code echoed (AP 6.21).
    ['regular request to a basic device', 2, BASIC, 2, [0, 1, 2]],
    ['extended request to a basic device', 3, BASIC, 3, [0, 1, 2]],
    ['extended request to a regular device', 3, REGULAR, 3, [0, 1, 2, 3, 4, 5, 6]],
  ] as const)('%s', (_comment, requested, objects, answered, expectedIds) => {
    const r = parse(encodeDeviceIdentification(requested, 0, objects));
    expect(r.fc).toBe(0x2b);
    expect(r.mei).toBe(0x0e);
    expect(r.code).toBe(answered);
    expect(r.moreFollows).toBe(0);
    expect(r.nextObjectId).toBe(0);
    expect(ids(r.objects)).toEqual(expectedIds);
  });

  it('the object values travel as given', () => {
    expect(parse(encodeDeviceIdentification(3, 0, EXTENDED)).objects).toEqual([
      [0x00, 'ACME'],
      [0x01, 'P1'],
      [0x02, '1.0'],
      [0x03, 'u'],
      [0x04, 'Pump'],
      [0x05, 'M'],
      [0x06, 'app'],
      [0x80, 'x1'],
      [0x81, 'y'],
    ]);
  });

  it.each([
    // [comment, code, start object, ids]
    ['a known start object inside the stream starts there', 3, 0x04, [4, 5, 6, 0x80, 0x81]],
    ['start at the last object', 3, 0x81, [0x81]],
    ['an unknown start object restarts at 0', 3, 0x42, [0, 1, 2, 3, 4, 5, 6, 0x80, 0x81]],
    ['an unused private id restarts at 0', 3, 0xfe, [0, 1, 2, 3, 4, 5, 6, 0x80, 0x81]],
    // the object exists, but not in the basic stream: as unknown for that stream
    ['a regular object as start of a basic stream restarts at 0', 1, 0x05, [0, 1, 2]],
    ['a private object as start of a regular stream restarts at 0', 2, 0x80, [0, 1, 2, 3, 4, 5, 6]],
  ] as const)('%s', (_comment, code, start, expectedIds) => {
    expect(ids(parse(encodeDeviceIdentification(code, start, EXTENDED)).objects)).toEqual(expectedIds);
  });
});

describe('encodeDeviceIdentification: individual access (code 04)', () => {
  it('one object, exact bytes: more-follows 0, next 0, count 1', () => {
    expect(toHex(encodeDeviceIdentification(4, 0x04, EXTENDED) as Uint8Array)).toBe('2b 0e 04 83 00 00 01 04 04 50 75 6d 70');
  });
  it('a private object', () => {
    expect(parse(encodeDeviceIdentification(4, 0x81, EXTENDED)).objects).toEqual([[0x81, 'y']]);
  });
  it('a basic object from a basic device', () => {
    const r = parse(encodeDeviceIdentification(4, 0x02, BASIC));
    expect(r).toMatchObject({ code: 4, conformity: 0x81, moreFollows: 0, nextObjectId: 0 });
    expect(r.objects).toEqual([[0x02, '1.0']]);
  });
  it.each([
    // [comment, object id, objects]
    ['an id the device does not have', 0x07, EXTENDED],
    ['an unused private id', 0x82, EXTENDED],
    ['a regular object on a basic device', 0x04, BASIC],
    ['a private object on a regular device', 0x80, REGULAR],
  ] as const)('%s is 02', (_comment, id, objects) => {
    expect(encodeDeviceIdentification(4, id, objects)).toBe(0x02);
  });
});

describe('encodeDeviceIdentification: conformity level byte', () => {
  it.each([
    // individual access is supported, so bit 0x80 is always set
    ['basic objects only', BASIC, 0x81],
    ['up to a regular object', REGULAR, 0x82],
    ['only one regular object', [...BASIC, obj(0x05, 'M')], 0x82],
    ['the first regular object alone (0x03, vendor URL)', [...BASIC, obj(0x03, 'u')], 0x82],
    ['the last regular object alone (0x06, user application name)', [...BASIC, obj(0x06, 'app')], 0x82],
    ['with a private object', EXTENDED, 0x83],
    ['a private object without regular ones', [...BASIC, obj(0xff, 'z')], 0x83],
  ] as const)('%s', (_comment, objects, conformity) => {
    for (const code of [1, 2, 3, 4]) {
      expect(parse(encodeDeviceIdentification(code, 0, objects)).conformity, `code ${code}`).toBe(conformity);
    }
    expect(conformityCategory(objects)).toBe(conformity & 0x7f);
  });
});

describe('encodeDeviceIdentification: paging long lists (objects are indivisible, PDU ≤ 253)', () => {
  // 7 header bytes + basic (3 × 2 + 3 = 9 bytes) + 102 bytes per private object
  const PAGED = [obj(0, 'A'), obj(1, 'B'), obj(2, 'C'), ...[0x80, 0x81, 0x82, 0x83, 0x84].map((id) => long(id, 100))];

  it('pages with more-follows 0xFF and the next object id; count is the objects actually sent', () => {
    const page1 = parse(encodeDeviceIdentification(3, 0, PAGED));
    // 7 + 9 + 2 × 102 = 220; a third private object would make 322
    expect(ids(page1.objects)).toEqual([0, 1, 2, 0x80, 0x81]);
    expect(page1).toMatchObject({ code: 3, moreFollows: 0xff, nextObjectId: 0x82 });

    const page2 = parse(encodeDeviceIdentification(3, page1.nextObjectId!, PAGED));
    expect(ids(page2.objects)).toEqual([0x82, 0x83]);
    expect(page2).toMatchObject({ moreFollows: 0xff, nextObjectId: 0x84 });

    const page3 = parse(encodeDeviceIdentification(3, page2.nextObjectId!, PAGED));
    expect(ids(page3.objects)).toEqual([0x84]);
    // next object id is 0 when more-follows is 0
    expect(page3).toMatchObject({ moreFollows: 0, nextObjectId: 0 });
  });

  it('a client following next object id collects every object exactly once, in order', () => {
    const objects = [obj(0, 'vendor'), obj(1, 'code'), obj(2, '9.9'), ...Array.from({ length: 0x80 }, (_, i) => long(0x80 + i, (i * 37) % 200, 'q'))];
    const seen: number[] = [];
    let next = 0;
    for (let page = 0; page < 100; page++) {
      const r = parse(encodeDeviceIdentification(3, next, objects));
      seen.push(...ids(r.objects));
      expect(r.objects.length).toBeGreaterThan(0);
      if (r.moreFollows === 0) {
        expect(r.nextObjectId).toBe(0);
        break;
      }
      expect(r.moreFollows).toBe(0xff);
      next = r.nextObjectId!;
    }
    expect(seen).toEqual(objects.map((o) => o.id));
  });

  it('an object of the maximum size fills a reply exactly to 253 bytes, alone', () => {
    expect(DEVICE_ID_OBJECT_MAX_BYTES).toBe(244);
    const objects = [...BASIC, long(0x80, DEVICE_ID_OBJECT_MAX_BYTES)];
    const first = encodeDeviceIdentification(3, 0, objects) as Uint8Array;
    expect(parse(first)).toMatchObject({ moreFollows: 0xff, nextObjectId: 0x80 });
    expect(ids(parse(first).objects)).toEqual([0, 1, 2]);
    const second = encodeDeviceIdentification(3, 0x80, objects) as Uint8Array;
    expect(second.length).toBe(253);
    expect(parse(second)).toMatchObject({ moreFollows: 0, nextObjectId: 0, objects: [[0x80, 'x'.repeat(244)]] });
  });

  it('a reply that fits exactly 253 bytes does not claim more follows', () => {
    // header 7 + BASIC (2+4, 2+2, 2+3 = 15) + 2 + 229 = 253
    const exact = [...BASIC, long(0x80, 229)];
    const reply = encodeDeviceIdentification(3, 0, exact) as Uint8Array;
    expect(reply.length).toBe(253);
    expect(parse(reply)).toMatchObject({ moreFollows: 0, nextObjectId: 0 });
    // one byte more and the private object moves to a second page
    const over = [...BASIC, long(0x80, 230)];
    expect(parse(encodeDeviceIdentification(3, 0, over))).toMatchObject({ moreFollows: 0xff, nextObjectId: 0x80 });
  });

  it('individual access to a long object never pages', () => {
    const r = parse(encodeDeviceIdentification(4, 0x83, PAGED));
    expect(r).toMatchObject({ code: 4, moreFollows: 0, nextObjectId: 0 });
    expect(ids(r.objects)).toEqual([0x83]);
  });
});
