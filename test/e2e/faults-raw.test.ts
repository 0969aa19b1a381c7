import { describe, expect, onTestFinished, test } from 'vitest';
import { createLogger, silentLogger } from '../../src/log.js';
import { startEmulator } from '../../src/index.js';
import { RawClient, toHex } from '../helpers/socket.js';

/** Where a client library hides the behaviour: raw bytes and their timing, measured on the client side. */
const PROFILE = { version: 1, points: { a: { type: 'uint16', address: 0, value: 7 }, b: { type: 'uint16', address: 1, value: 8 } } };
const READ_A = (tid: number) => `${tid.toString(16).padStart(4, '0')} 0000 0006 01 03 0000 0001`;
const READ_B = (tid: number) => `${tid.toString(16).padStart(4, '0')} 0000 0006 01 03 0001 0001`;

async function serve(faults: object[], traffic: 0 | 1 = 0, logger = silentLogger): Promise<RawClient> {
  const emulator = await startEmulator({ profile: { ...PROFILE, faults }, logger, traffic });
  const client = await RawClient.connect(emulator.port);
  onTestFinished(async () => {
    await client.destroy();
    await emulator.close();
  });
  return client;
}

describe('on the wire', () => {
  test('fragment: one byte per segment, each after the gap (no Nagle delay)', async () => {
    const client = await serve([{ name: 'slow', do: { fragment: { size: 1, gap: '40ms' } } }]);
    const arrivals: number[] = [];
    client.socket.on('data', (d: Buffer) => {
      for (let i = 0; i < d.length; i++) arrivals.push(performance.now());
    });
    const start = performance.now();
    const adu = await client.roundTrip(READ_A(1));
    expect(toHex(adu.bytes)).toBe('00 01 00 00 00 05 01 03 02 00 07');
    expect(client.dataEvents.map((e) => e.length)).toEqual(new Array(11).fill(1));
    const gaps = arrivals.map((t, i) => t - (i === 0 ? start : arrivals[i - 1]!));
    // Each byte waits its gap after the previous one was written (timers fire late, never early),
    // so the last arrives at least 11 × 40 ms after the request. One byte read late by a busy
    // event loop shortens the next gap as seen here, hence the looser bound per gap.
    expect(arrivals[10]! - start).toBeGreaterThanOrEqual(11 * 40 - 2);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(20);
  });

  test('a delayed reply holds back the later replies on its connection, which keep their order', async () => {
    const client = await serve([{ name: 'slow-a', match: { address: 0 }, do: { delay: '150ms' } }]);
    const start = performance.now();
    await client.send(`${READ_A(1)} ${READ_B(2)}`);
    const first = await client.readAdu();
    const second = await client.readAdu();
    expect([first.transactionId, second.transactionId]).toEqual([1, 2]);
    expect(performance.now() - start).toBeGreaterThanOrEqual(145);
  });

  test.each([
    ['fin', { sawEnd: true, errorCode: undefined }],
    ['rst', { sawEnd: false, errorCode: 'ECONNRESET' }],
  ])('close: %s', async (how, expected) => {
    const client = await serve([{ name: 'bye', do: { close: how } }]);
    await client.send(READ_A(1));
    expect(await client.closed).toEqual(expected);
  });

  test('malformed duplicate: the same ADU twice; transactionId 0: the reply carries 0', async () => {
    const client = await serve([
      { name: 'dup', match: { address: 0 }, do: { malformed: 'duplicate' } },
      { name: 'zero', match: { address: 1 }, do: { malformed: { transactionId: 0 } } },
    ]);
    expect(toHex((await client.roundTrip(READ_A(9))).bytes)).toBe('00 09 00 00 00 05 01 03 02 00 07');
    expect(toHex((await client.readAdu()).bytes)).toBe('00 09 00 00 00 05 01 03 02 00 07');
    expect(toHex((await client.roundTrip(READ_B(9))).bytes)).toBe('00 00 00 00 00 05 01 03 02 00 08');
  });

  test('-v: the request line names the rule that fired', async () => {
    const lines: string[] = [];
    const client = await serve([{ name: 'every-2nd', when: { every: 2 }, do: { exception: 4 } }], 1, createLogger((l) => lines.push(l.trim()), 'info'));
    await client.roundTrip(READ_A(1));
    await client.roundTrip(READ_A(2));
    const requests = lines.filter((l) => l.includes('readHoldingRegisters'));
    expect(requests).toHaveLength(2);
    expect(requests[0]).not.toMatch(/fault=/);
    expect(requests[1]).toMatch(/tid=2 unit=1 readHoldingRegisters address=0 quantity=1 fault=every-2nd$/);
  });
});
