import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createLogger } from '../../src/log.js';
import { registerFunction, requestLength, userDefinedFunction } from '../../src/protocol/functions.js';
import { startEmulator } from '../../src/index.js';
import { RawClient, toHex } from '../helpers/socket.js';

/*
 * docs/architecture.md, "Adding a function code": a new code is one descriptor (and, when no
 * request shape fits it, a request shape and the handler's answer). This test adds user-defined
 * code 0x41 without touching src/: it is served, matched by fault rules, traced and journalled.
 */
const TOY = userDefinedFunction({ code: 0x41, name: 'readHoldingMirror', access: 'read', table: 'holdingRegisters' });
const PROFILE = { version: 1, points: { a: { type: 'uint16', address: 0, value: 7 }, b: { type: 'uint16', address: 1, value: 8 } } };

let unregister: () => void;
beforeEach(() => {
  unregister = registerFunction(TOY);
});
afterEach(() => unregister());

async function serve(faults: object[] = []) {
  const lines: string[] = [];
  const emulator = await startEmulator({ profile: { ...PROFILE, faults }, logger: createLogger((l) => lines.push(l), 'info'), traffic: 1 });
  const client = await RawClient.connect(emulator.port);
  return { emulator, client, lines, [Symbol.asyncDispose]: async () => (await client.destroy(), await emulator.close()) };
}

describe('a function code added by a descriptor alone', () => {
  test('its requests are framed by their length, without a server change', () => {
    expect(requestLength(Uint8Array.of(0x41, 0, 0, 0, 2))).toBe(5);
    expect(requestLength(Uint8Array.of(0x42))).toBe('unknown');
  });

  test('served: it reads holding registers as FC 3 does, under its own code', async () => {
    await using s = await serve();
    const adu = await s.client.roundTrip('0001 0000 0006 01 41 0000 0002');
    expect(toHex(adu.bytes)).toBe('00 01 00 00 00 07 01 41 04 00 07 00 08');
    // Its quantity limit is the descriptor's (125, as FC 3).
    expect(toHex((await s.client.roundTrip('0002 0000 0006 01 41 0000 007e')).pdu)).toBe('c1 03');
  });

  test('matched: a fault rule names it by number, by its access, and by its address range', async () => {
    await using s = await serve([
      { name: 'by-code', match: { function: 0x41, address: 1 }, do: { exception: 'serverDeviceBusy' } },
      { name: 'reads', match: { access: 'read', address: 0 }, do: { exception: 5 } },
    ]);
    expect(toHex((await s.client.roundTrip('0001 0000 0006 01 41 0001 0001')).pdu)).toBe('c1 06');
    expect(toHex((await s.client.roundTrip('0002 0000 0006 01 41 0000 0001')).pdu)).toBe('c1 05');
    // FC 3 on address 1 is not the rule's function code.
    expect(toHex((await s.client.roundTrip('0003 0000 0006 01 03 0001 0001')).pdu)).toBe('03 02 00 08');
  });

  test('traced and journalled under its name, with its range', async () => {
    await using s = await serve();
    await s.client.roundTrip('0009 0000 0006 01 41 0001 0001');
    expect(s.lines.join('')).toContain('tid=9 unit=1 readHoldingMirror address=1 quantity=1');
    const [record] = s.emulator.journal!.entries();
    expect(record).toMatchObject({ functionCode: 0x41, function: 'readHoldingMirror', address: 1, quantity: 1, outcome: 'response' });
  });

  test('a user-defined write stores its values, as FC 16 does', async () => {
    const undo = registerFunction(userDefinedFunction({ code: 0x42, name: 'writeHoldingMirror', access: 'write', table: 'holdingRegisters' }));
    try {
      await using s = await serve([{ name: 'sevens', match: { value: 0x77 }, do: { exception: 4 } }]);
      expect(toHex((await s.client.roundTrip('0001 0000 0009 01 42 0001 0001 02 0009')).pdu)).toBe('42 00 01 00 01');
      expect(toHex((await s.client.roundTrip('0002 0000 0006 01 03 0001 0001')).pdu)).toBe('03 02 00 09');
      expect(toHex((await s.client.roundTrip('0003 0000 0009 01 42 0001 0001 02 0077')).pdu)).toBe('c2 04');
    } finally {
      undo();
    }
  });
});
