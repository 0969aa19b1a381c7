import { describe, expect, it } from 'vitest';
import { createIdentity, DEFAULT_IDENTITY_OPTIONS } from '../../src/device/identity.js';
import { DEVICE_ID_OBJECT_MAX_BYTES } from '../../src/protocol/device-id.js';
import { REPORT_SERVER_ID_MAX_BYTES } from '../../src/protocol/response.js';
import { toHex } from '../helpers/hex.js';

const text = (bytes: Uint8Array) => String.fromCharCode(...bytes);
const table = (identity: ReturnType<typeof createIdentity>) => identity.objects.map((o) => [o.id, text(o.value)]);

describe('createIdentity', () => {
  it('defaults: the three mandatory basic objects, server id 01, running, vendor and product as additional data', () => {
    const identity = createIdentity();
    expect(table(identity)).toEqual([
      [0x00, DEFAULT_IDENTITY_OPTIONS.vendorName],
      [0x01, DEFAULT_IDENTITY_OPTIONS.productCode],
      [0x02, DEFAULT_IDENTITY_OPTIONS.majorMinorRevision],
    ]);
    expect(toHex(identity.serverId)).toBe('01');
    expect(identity.running).toBe(true);
    expect(text(identity.additionalData)).toBe('modbus-emu MODBUS-EMU');
  });

  it('maps every named option to its object id (AP 6.21 table) and sorts private objects after them', () => {
    const identity = createIdentity({
      vendorName: 'V',
      productCode: 'PC',
      majorMinorRevision: '1.2',
      vendorUrl: 'http://x',
      productName: 'PN',
      modelName: 'MN',
      userApplicationName: 'UA',
      privateObjects: { 0x81: 'second', 0x80: 'first', 0xff: 'last' },
    });
    expect(table(identity)).toEqual([
      [0x00, 'V'],
      [0x01, 'PC'],
      [0x02, '1.2'],
      [0x03, 'http://x'],
      [0x04, 'PN'],
      [0x05, 'MN'],
      [0x06, 'UA'],
      [0x80, 'first'],
      [0x81, 'second'],
      [0xff, 'last'],
    ]);
  });

  it('omits regular objects that are not given', () => {
    expect(table(createIdentity({ modelName: 'M' })).map(([id]) => id)).toEqual([0, 1, 2, 5]);
  });

  it('an option explicitly undefined keeps the mandatory default', () => {
    const identity = createIdentity({ vendorName: undefined, productCode: undefined, majorMinorRevision: undefined });
    expect(table(identity).map(([id]) => id)).toEqual([0, 1, 2]);
  });

  it('FC 17 data: server id bytes, run indicator, additional data as text or bytes', () => {
    const a = createIdentity({ serverId: [0xb4, 0x01], running: false, additionalData: 'LMB' });
    expect(toHex(a.serverId)).toBe('b4 01');
    expect(a.running).toBe(false);
    expect(toHex(a.additionalData)).toBe('4c 4d 42');
    expect(toHex(createIdentity({ additionalData: [1, 2, 3] }).additionalData)).toBe('01 02 03');
    expect(createIdentity({ additionalData: '' }).additionalData.length).toBe(0);
  });

  it('is frozen', () => {
    const identity = createIdentity();
    expect(Object.isFrozen(identity)).toBe(true);
    expect(Object.isFrozen(identity.objects)).toBe(true);
  });

  it.each([
    // [comment, private object id]
    ['0x7f is reserved, not private', 0x7f],
    ['0x07 is reserved', 0x07],
    ['0x100 is not a byte', 0x100],
  ])('rejects private object id %s', (_comment, id) => {
    expect(() => createIdentity({ privateObjects: { [id]: 'x' } })).toThrow(RangeError);
  });

  it('rejects a non-numeric private object key', () => {
    expect(() => createIdentity({ privateObjects: { abc: 'x' } as never })).toThrow(RangeError);
  });

  it('an object must fit one reply on its own: 244 bytes pass, 245 fail', () => {
    expect(DEVICE_ID_OBJECT_MAX_BYTES).toBe(244);
    expect(createIdentity({ productName: 'p'.repeat(244) }).objects[3]!.value.length).toBe(244);
    expect(() => createIdentity({ productName: 'p'.repeat(245) })).toThrow(RangeError);
    expect(() => createIdentity({ vendorName: 'v'.repeat(245) })).toThrow(RangeError);
    expect(() => createIdentity({ privateObjects: { 0x80: 'x'.repeat(245) } })).toThrow(RangeError);
  });

  it('the FC 17 payload must fit a 253-byte PDU: id + run indicator + data ≤ 251', () => {
    expect(REPORT_SERVER_ID_MAX_BYTES).toBe(251);
    expect(createIdentity({ serverId: [1], additionalData: 'a'.repeat(249) }).additionalData.length).toBe(249);
    expect(() => createIdentity({ serverId: [1], additionalData: 'a'.repeat(250) })).toThrow(RangeError);
    expect(() => createIdentity({ serverId: new Array(251).fill(1), additionalData: '' })).toThrow(RangeError);
  });
});
