import { describe, expect, test } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { startEmulator, type Emulator } from '../../src/index.js';
import { connectClient, type ModbusRTU } from '../helpers/modbus-client.js';
import { onTestFinished } from 'vitest';

/**
 * What a user of modbus-serial (an independent client library) sees for each fault action: the
 * rule fires for the first read only, and a second read shows whether the connection is still
 * usable afterwards. Client timeouts are short (300 ms): a timeout is what several faults cause.
 */
const PROFILE = { version: 1, points: { a: { type: 'uint16', address: 0, value: 7 }, b: { type: 'uint16', address: 1, value: 8 } } };

async function serve(action: object, when: object = { first: 1 }): Promise<{ emulator: Emulator; client: ModbusRTU }> {
  const emulator = await startEmulator({ profile: { ...PROFILE, faults: [{ name: 'f', match: { function: 3 }, when, do: action }] }, logger: silentLogger });
  onTestFinished(() => emulator.close());
  const client = await connectClient(emulator.port);
  client.setTimeout(300);
  return { emulator, client };
}
const outcome = (p: Promise<{ data: number[] }>): Promise<string> =>
  p.then(
    (r) => JSON.stringify(r.data),
    (e: { message?: string; modbusCode?: number }) => `error: ${e.message ?? String(e)}`,
  );

describe('modbus-serial sees', () => {
  test.each([
    // action, first read, second read
    [{ exception: 'serverDeviceBusy' }, 'error: Modbus exception 6: Slave device busy (retry request again later)', '[7,8]'],
    [{ exception: 0x99 }, 'error: Modbus exception 153: Unknown error', '[7,8]'],
    [{ noResponse: true }, 'error: Timed out', '[7,8]'],
    [{ malformed: 'wrongTransactionId' }, 'error: Timed out', '[7,8]'], // dropped: a reply to nothing it asked
    [{ malformed: { transactionId: 0 } }, 'error: Timed out', '[7,8]'],
    [{ malformed: 'wrongUnitId' }, 'error: Unexpected data error, expected address 1 got 2', '[7,8]'],
    [{ malformed: 'wrongFunctionCode' }, 'error: Unexpected data error, expected code 3 got 4', '[7,8]'],
    [{ malformed: 'fewerRegisters' }, 'error: Data length error, expected 9 got 7', '[7,8]'],
    [{ malformed: 'wrongByteCount' }, expect.stringMatching(/^\[7,8,\d+\]$/), '[7,8]'], // it believes the byte count: a third register from past the reply
    [{ malformed: 'duplicate' }, '[7,8]', '[7,8]'], // the copy has a transaction id already answered: ignored
    // A frame it cannot delimit leaves its framing out of step: the next read times out too.
    [{ malformed: 'truncated' }, 'error: Timed out', 'error: Timed out'],
    [{ malformed: 'wrongLength' }, 'error: Timed out', 'error: Timed out'],
    [{ malformed: 'garbage' }, 'error: Timed out', 'error: Timed out'],
    [{ fragment: { size: 1, gap: '5ms' } }, '[7,8]', '[7,8]'], // reassembled: only later
  ])('%j: %s, then %s', async (action, first, second) => {
    const { client } = await serve(action);
    expect(await outcome(client.readHoldingRegisters(0, 2))).toEqual(first);
    expect(await outcome(client.readHoldingRegisters(0, 2))).toEqual(second);
  });

  test.each([['fin'], ['rst']])('close: %s: the read fails and the client is closed', async (how) => {
    const { client } = await serve({ close: how });
    expect(await outcome(client.readHoldingRegisters(0, 2))).toMatch(/^error: /);
    await expect.poll(() => client.isOpen).toBe(false);
  });

  test('delay: 200ms: the value, at least 200 ms later (real time)', async () => {
    const { client } = await serve({ delay: '200ms' });
    const start = performance.now();
    expect(await outcome(client.readHoldingRegisters(0, 2))).toBe('[7,8]');
    expect(performance.now() - start).toBeGreaterThanOrEqual(195);
  });

  test('a delay longer than the client timeout: a timeout', async () => {
    const { client } = await serve({ delay: '1s' });
    expect(await outcome(client.readHoldingRegisters(0, 2))).toBe('error: Timed out');
  });

  test('stale: written values do not show while the rule fires', async () => {
    const { emulator, client } = await serve({ stale: true }, {});
    expect(await outcome(client.readHoldingRegisters(0, 2))).toBe('[7,8]');
    await client.writeRegister(0, 99);
    expect(emulator.read('a')).toBe(99);
    expect(await outcome(client.readHoldingRegisters(0, 2))).toBe('[7,8]');
  });

  test('inject from the API: the next request sees it; the remover ends it', async () => {
    const emulator = await startEmulator({ profile: PROFILE, logger: silentLogger });
    onTestFinished(() => emulator.close());
    const client = await connectClient(emulator.port);
    client.setTimeout(300);
    const remove = emulator.inject({ name: 'busy', do: { exception: 6 } });
    expect(await outcome(client.readHoldingRegisters(0, 2))).toBe('error: Modbus exception 6: Slave device busy (retry request again later)');
    remove();
    expect(await outcome(client.readHoldingRegisters(0, 2))).toBe('[7,8]');
  });
});
