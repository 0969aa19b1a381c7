import { Duplex, PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { loadDevice } from '../../src/runtime/load-device.js';
import { silentLogger } from '../../src/log.js';
import { encodeRtu, lineTiming, SERIAL_DEFAULTS, type SerialLine } from '../../src/protocol/rtu.js';
import { ManualTimer } from '../../src/runtime/timers.js';
import { ModbusSerialServer } from '../../src/server/serial.js';
import { hex, toHex } from '../helpers/hex.js';
import { testEnv } from '../helpers/env.js';

/*
 * A device on a serial line (server/serial.ts), on a manual timer over a stream pair: the bus
 * (other units' requests and replies passed over), the 3.5-character turnaround before a reply,
 * and the serial timing faults (a delayed reply, gaps inside a reply, a bad CRC).
 */
const LINE: SerialLine = { ...SERIAL_DEFAULTS, path: '/dev/ttyTEST' };
const { silenceMs: T35, gapMs: T15 } = lineTiming(19200);
const frame = (text: string): Uint8Array => {
  const bytes = hex(text);
  return encodeRtu(bytes[0]!, bytes.subarray(1));
};
const f = (text: string): string => toHex(frame(text));

let server: ModbusSerialServer | undefined;
afterEach(() => server?.close());

async function line(profile: object, options: { unitId?: number } = {}) {
  const timer = new ManualTimer();
  const env = testEnv({ timer });
  const compiled = await loadDevice(profile, { env });
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.diagnostics));
  const device = compiled.profile;
  const toDevice = new PassThrough();
  const fromDevice = new PassThrough();
  const sent: string[] = [];
  const crcErrors: number[] = [];
  fromDevice.on('data', (chunk: Buffer) => sent.push(toHex(chunk)));
  server = new ModbusSerialServer({
    handler: (x) => (x.unitId === 0 ? device.broadcast(x) : device.handler(x)),
    line: { ...LINE, ...options },
    open: () => Promise.resolve(Duplex.from({ readable: toDevice, writable: fromDevice })),
    serves: (unitId) => device.unit(unitId) !== undefined,
    timer,
    logger: silentLogger,
    onCrcError: (info) => crcErrors.push(info.id),
  });
  await server.listen();
  /** Bytes on the line as the device reads them; resolves once the stream has passed them on. */
  const feed = async (bytes: Uint8Array): Promise<void> => {
    toDevice.write(bytes);
    await new Promise((resolve) => setImmediate(resolve));
  };
  /** Moves the manual timer, then lets the written bytes reach `sent`. */
  const advance = async (ms: number): Promise<void> => {
    timer.advance(ms);
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { feed, advance, sent, device, crcErrors };
}

const REGISTERS = { version: 1, points: { a: { type: 'uint16', address: 0, value: 0x1111 }, b: { type: 'uint16', address: 1, value: 0x2222 } } };

describe('a device on a serial line', () => {
  it('answers only once the line has been quiet for 3.5 characters after the request', async () => {
    const bus = await line(REGISTERS);
    await bus.feed(frame('01 03 00 00 00 01'));
    expect(bus.sent).toEqual([]);
    await bus.advance(T35 - 0.01);
    expect(bus.sent).toEqual([]);
    await bus.advance(0.01);
    expect(bus.sent).toEqual([f('01 03 02 11 11')]);
  });

  it('with unitId, requests for other addresses and the replies that follow them are passed over', async () => {
    const bus = await line(REGISTERS, { unitId: 5 });
    await bus.feed(frame('11 03 00 00 00 01')); // another master's request to 0x11 ...
    await bus.feed(frame('11 03 02 12 34')); // ... and 0x11's reply: neither is answered
    await bus.feed(frame('05 03 00 01 00 01'));
    await bus.advance(T35);
    expect(bus.sent).toEqual([f('05 03 02 22 22')]);
  });

  it('a gateway profile answers its units and passes over the rest', async () => {
    const bus = await line({ version: 1, units: [{ unitId: 2, points: { a: { type: 'uint16', address: 0, value: 9 } } }] });
    await bus.feed(frame('03 03 00 00 00 01'));
    await bus.feed(frame('02 03 00 00 00 01'));
    await bus.advance(T35);
    expect(bus.sent).toEqual([f('02 03 02 00 09')]);
  });

  it('a broadcast write is carried out and not answered', async () => {
    const bus = await line(REGISTERS);
    await bus.feed(frame('00 06 00 00 00 2a'));
    await bus.advance(T35);
    expect(bus.sent).toEqual([]);
    expect(bus.device.unit(1)!.read('a')).toBe(42);
  });

  it('a CRC error is dropped silently; resynchronised, the next request is answered', async () => {
    const bus = await line(REGISTERS);
    const bad = frame('01 03 00 00 00 01');
    bad[6] ^= 0xff;
    await bus.feed(bad);
    await bus.advance(T35);
    await bus.feed(frame('01 03 00 01 00 01'));
    await bus.advance(T35);
    expect(bus.sent).toEqual([f('01 03 02 22 22')]);
    // The hook for FC 8's bus communication error count heard of it, once.
    expect(bus.crcErrors).toEqual([1]);
  });

  describe('serial timing faults', () => {
    it('a reply after a delay (`delay`)', async () => {
      const bus = await line({ ...REGISTERS, faults: [{ name: 'late', match: { function: 3 }, do: { delay: '50ms' } }] });
      await bus.feed(frame('01 03 00 00 00 01'));
      await bus.advance(49);
      expect(bus.sent).toEqual([]);
      await bus.advance(1);
      expect(bus.sent).toEqual([f('01 03 02 11 11')]);
    });

    it('gaps over 1.5 characters inside a reply (`fragment`)', async () => {
      const bus = await line({ ...REGISTERS, faults: [{ name: 'gappy', match: { function: 3 }, do: { fragment: { pieces: [3, 2], gap: '3ms' } } }] });
      // The first piece also waits its gap, which is longer than the turnaround (t3.5).
      expect(3).toBeGreaterThan(T35);
      expect(3).toBeGreaterThan(T15);
      await bus.feed(frame('01 03 00 00 00 01'));
      await bus.advance(3);
      expect(bus.sent).toEqual(['01 03 02']);
      await bus.advance(3);
      expect(bus.sent).toEqual(['01 03 02', '11 11']);
      await bus.advance(3);
      expect(bus.sent.join(' ')).toBe(f('01 03 02 11 11'));
    });

    it('a reply with a bad CRC (`malformed: badCrc`)', async () => {
      const bus = await line({ ...REGISTERS, faults: [{ name: 'crc', match: { function: 3 }, do: { malformed: 'badCrc' } }] });
      await bus.feed(frame('01 03 00 00 00 01'));
      await bus.advance(T35);
      const expected = frame('01 03 02 11 11');
      expected[5] = ~expected[5]! & 0xff;
      expect(bus.sent).toEqual([toHex(expected)]);
    });

    it('`close` cannot close a line: the request goes unanswered and the line is read on', async () => {
      const bus = await line({ ...REGISTERS, faults: [{ name: 'drop', match: { function: 3, address: 0 }, do: { close: 'fin' } }] });
      await bus.feed(frame('01 03 00 00 00 01'));
      await bus.advance(T35);
      await bus.feed(frame('01 03 00 01 00 01'));
      await bus.advance(T35);
      expect(bus.sent).toEqual([f('01 03 02 22 22')]);
    });
  });
});
