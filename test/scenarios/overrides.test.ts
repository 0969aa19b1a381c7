import { describe, expect, test } from 'vitest';
import { overrideHandler } from '../../src/model/overrides.js';
import { offlineHandler, offlineOutcomes } from '../../src/model/modes.js';
import type { Handler, Outcome } from '../../src/pipeline/types.js';
import { decodeRequest } from '../../src/protocol/request.js';
import { bits, compile, registers } from '../compiler/helpers.js';

/**
 * A phase's point overrides patch read replies, not storage: only the words of the overridden
 * point inside the range read change (a range cutting a point in two gets its part); bits are
 * packed as FC 1/2 pack them; writes go to storage and show once the override is gone.
 */
const device = compile(`
  units:
    - unitId: 1
      points:
        a:    { type: uint16, address: 0, value: 1 }
        f:    { type: float32, address: 1, value: 1.5 }
        b:    { type: uint16, address: 3, value: 4 }
        run:  { type: bool, table: coil, address: 5, value: false }
        stop: { type: bool, table: coil, address: 6, value: true }
    - unitId: 2
      points:
        a:    { type: uint16, address: 0, value: 2 }
`);

function ask(handler: Handler, unitId: number, pdu: number[]): Outcome {
  const raw = Uint8Array.from(pdu);
  return handler({ transactionId: 1, unitId, pdu: raw, request: decodeRequest(raw), connection: { id: 1, remoteAddress: '127.0.0.1', remotePort: 1 } }) as Outcome;
}

describe('point overrides', () => {
  let seconds = 0;
  const now = () => seconds * 1000;
  const handler = overrideHandler(device, [{ point: 'f', value: 2.5 }, { point: 'a', value: 9 }, { point: 'run', value: true }, { point: 'b', value: (s) => 100 + s }], 0, now, device.handler);

  test.each([
    // unit, request, registers (2.5 = 0x4020 0000, 1.5 = 0x3FC0 0000)
    [1, [3, 0, 0, 0, 4], [9, 0x4020, 0x0000, 100]],
    [1, [3, 0, 2, 0, 1], [0x0000]], // the low word of f only
    [1, [3, 0, 1, 0, 1], [0x4020]], // its high word only
    [2, [3, 0, 0, 0, 1], [9]], // every unit that has the point
  ])('unit %i, %j → %j', (unitId, pdu, words) => {
    expect(registers(ask(handler, unitId, pdu))).toEqual(words);
  });

  test('bits of FC 1 are patched in place, their neighbours kept', () => {
    expect(bits(ask(handler, 1, [1, 0, 5, 0, 2]), 2)).toEqual([1, 1]);
  });

  test('a value that moves is computed at each read from the seconds since the override began', () => {
    seconds = 30;
    expect(registers(ask(handler, 1, [3, 0, 3, 0, 1]))).toEqual([130]);
  });

  test('storage is not touched: a write goes under the override and shows without it', () => {
    expect(ask(handler, 1, [6, 0, 0, 0, 42]).kind).toBe('response'); // FC 6 echoes the write: no read to patch
    expect(registers(ask(handler, 1, [3, 0, 0, 0, 1]))).toEqual([9]);
    expect(registers(ask(device.handler, 1, [3, 0, 0, 0, 1]))).toEqual([42]);
  });

  test('an unknown point and a value that does not fit are refused when the override is made', () => {
    expect(() => overrideHandler(device, [{ point: 'nope', value: 1 }], 0, now, device.handler)).toThrow('has no point named nope');
    expect(() => overrideHandler(device, [{ point: 'a', value: 70000 }], 0, now, device.handler)).toThrow(/^a: /);
  });
});

describe('offline units', () => {
  test('the listed unit ids answer silence or 0x0B; the others pass', () => {
    const gateway = offlineHandler(offlineOutcomes({ units: [2], answer: 'gatewayTargetFailedToRespond' })!, device.handler);
    expect(registers(ask(gateway, 2, [3, 0, 0, 0, 1]))).toBe(0x0b);
    expect(registers(ask(gateway, 1, [3, 0, 3, 0, 1]))).toEqual([4]);
    const dark = offlineHandler(offlineOutcomes(true)!, device.handler);
    expect(registers(ask(dark, 1, [3, 0, 3, 0, 1]))).toBe('silence');
    expect(offlineOutcomes(false)).toBeUndefined();
  });
});
