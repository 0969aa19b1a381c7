import { once } from 'node:events';
import { describe, expect, onTestFinished, test } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { startEmulator, type Emulator } from '../../src/index.js';
import { ManualTimer } from '../../src/runtime/timers.js';
import { connectClient } from '../helpers/modbus-client.js';
import { RawClient, toHex } from '../helpers/socket.js';

/** The `outOfOrder` fault action: pipelined requests answered in another order (docs/faults.md). */
const PROFILE = { version: 1, points: { a: { type: 'uint16', address: 0, value: 7 }, b: { type: 'uint16', address: 1, value: 8 } } };
const read = (tid: number, address = 0): string => `${tid.toString(16).padStart(4, '0')} 0000 0006 01 03 ${address.toString(16).padStart(4, '0')} 0001`;

async function serve(faults: object[], options: { timer?: ManualTimer; seed?: number } = {}): Promise<{ emulator: Emulator; client: RawClient }> {
  const emulator = await startEmulator({ profile: { ...PROFILE, faults }, logger: silentLogger, ...options });
  const client = await RawClient.connect(emulator.port);
  onTestFinished(async () => {
    await client.destroy();
    await emulator.close();
  });
  return { emulator, client };
}

async function transactionIds(client: RawClient, n: number): Promise<number[]> {
  const tids: number[] = [];
  for (let i = 0; i < n; i++) tids.push((await client.readAdu(1000)).transactionId);
  return tids;
}

describe('outOfOrder on the wire', () => {
  test('true: reversed pairs, each reply whole and carrying its own transaction id', async () => {
    const { client } = await serve([{ name: 'swap', do: { outOfOrder: true } }]);
    await client.send([read(1, 0), read(2, 1), read(3, 0), read(4, 1)].join(' '));
    const replies = [];
    for (let i = 0; i < 4; i++) replies.push(toHex((await client.readAdu(1000)).bytes));
    expect(replies).toEqual([
      '00 02 00 00 00 05 01 03 02 00 08',
      '00 01 00 00 00 05 01 03 02 00 07',
      '00 04 00 00 00 05 01 03 02 00 08',
      '00 03 00 00 00 05 01 03 02 00 07',
    ]);
  });

  test('requests the rule does not fire for are answered at once, ahead of the held ones', async () => {
    const { client } = await serve([{ name: 'swap-a', match: { address: 0 }, do: { outOfOrder: true } }]);
    await client.send([read(1, 0), read(2, 1), read(3, 0)].join(' '));
    expect(await transactionIds(client, 3)).toEqual([2, 3, 1]);
  });

  test('shuffle: a seeded permutation of the window, never the request order, the same for the same seed', async () => {
    const orders: number[][] = [];
    for (const seed of [7, 7]) {
      const { client } = await serve([{ name: 'mix', do: { outOfOrder: { window: 5, order: 'shuffle' } } }], { seed });
      await client.send([1, 2, 3, 4, 5].map((t) => read(t)).join(' '));
      orders.push(await transactionIds(client, 5));
    }
    expect([...orders[0]!].sort()).toEqual([1, 2, 3, 4, 5]);
    expect(orders[0]).not.toEqual([1, 2, 3, 4, 5]);
    expect(orders[1]).toEqual(orders[0]);
  });

  test('a window not full goes out flushAfter after its first reply was held (wire timer), reversed', async () => {
    const timer = new ManualTimer();
    const { emulator, client } = await serve([{ name: 'swap', do: { outOfOrder: { window: 3, flushAfter: '50ms' } } }], { timer });
    const answered = once(emulator.runtime, 'request');
    await client.send(`${read(1, 0)} ${read(2, 1)}`);
    await answered;
    await new Promise<void>((resolve) => setImmediate(resolve));
    timer.advance(49);
    expect(client.totalReceived).toBe(0);
    timer.advance(1);
    expect(await transactionIds(client, 2)).toEqual([2, 1]);
  });

  test('a window flushed while a fragmented reply is going out waits for its last piece, not between its pieces', async () => {
    const timer = new ManualTimer();
    const { emulator, client } = await serve(
      [
        { name: 'swap', match: { address: 0 }, do: { outOfOrder: { window: 3, flushAfter: '50ms' } } },
        { name: 'slow', match: { address: 1 }, do: { fragment: { size: 1, gap: '10ms' } } },
      ],
      { timer },
    );
    let requests = 0;
    const both = new Promise<void>((resolve) => emulator.runtime.on('request', () => ++requests === 2 && resolve()));
    await client.send(`${read(1, 0)} ${read(2, 1)}`);
    await both;
    // The flush is due at 50 ms, amid the eleven 10 ms pieces of tid 2's reply.
    timer.advance(200);
    const replies = [toHex((await client.readAdu(1000)).bytes), toHex((await client.readAdu(1000)).bytes)];
    expect(replies).toEqual(['00 02 00 00 00 05 01 03 02 00 08', '00 01 00 00 00 05 01 03 02 00 07']);
  });

  test('a connection closed with replies held lets them go: nothing is written, nothing fires later', async () => {
    const timer = new ManualTimer();
    const { emulator, client } = await serve([{ name: 'swap', do: { outOfOrder: true } }], { timer });
    const answered = once(emulator.runtime, 'request');
    await client.send(read(1));
    await answered;
    const gone = once(emulator.runtime, 'disconnect');
    await client.destroy();
    await gone;
    expect(timer.size).toBe(0);
  });
});

describe('outOfOrder with modbus-serial', () => {
  test('pipelined reads: it matches replies by transaction id, so each read gets its own value', async () => {
    const emulator = await startEmulator({ profile: { ...PROFILE, faults: [{ name: 'swap', do: { outOfOrder: true } }] }, logger: silentLogger });
    onTestFinished(() => emulator.close());
    const client = await connectClient(emulator.port);
    const [a, b] = await Promise.all([client.readHoldingRegisters(0, 1), client.readHoldingRegisters(1, 1)]);
    expect([a.data, b.data]).toEqual([[7], [8]]);
  });
});
