import { describe, expect, test, vi } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { startEmulator, type Emulator } from '../../src/index.js';
import { ManualTimer } from '../../src/runtime/timers.js';
import { connectClient, type ModbusRTU } from '../helpers/modbus-client.js';
import { onTestFinished } from 'vitest';

/**
 * What a user of modbus-serial (an independent client library) sees for each fault action: the
 * rule fires for the first read only, and a second read shows whether the connection is still
 * usable afterwards. Nothing waits in real time: the emulator's waits (delays, fragment gaps) are on
 * a manual wire timer, and modbus-serial's own 300 ms timeout on vitest's fake setTimeout, moved
 * only once the server has answered and the bytes it sent have been read (a timeout is what
 * several faults cause; a loaded machine cannot turn a late reply into one).
 */
const PROFILE = { version: 1, points: { a: { type: 'uint16', address: 0, value: 7 }, b: { type: 'uint16', address: 1, value: 8 } } };
const CLIENT_TIMEOUT_MS = 300;

interface Bench {
  emulator: Emulator;
  client: ModbusRTU;
  timer: ManualTimer;
  /** Requests the server has answered (or decided not to). */
  handled(): number;
}

/** The profile with one rule on FC 3 doing `action` (none: no rule). */
async function serve(action: object | undefined, when: object = { first: 1 }): Promise<Bench> {
  const timer = new ManualTimer();
  const emulator = await startEmulator({
    profile: action ? { ...PROFILE, faults: [{ name: 'f', match: { function: 3 }, when, do: action }] } : PROFILE,
    logger: silentLogger,
    seed: 1, // garbage is drawn from the rule's seeded stream
    timer,
    idleTimeoutMs: 0,
  });
  const client = await connectClient(emulator.port);
  client.setTimeout(CLIENT_TIMEOUT_MS);
  let handled = 0;
  emulator.on('request', () => void handled++);
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  onTestFinished(async () => {
    vi.useRealTimers();
    await emulator.close();
  });
  return { emulator, client, timer, handled: () => handled };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Turns of the event loop (no timer: setTimeout is fake here) until `ready`, for at most about a second. */
async function until(what: string, ready: () => boolean): Promise<void> {
  const end = performance.now() + 1000;
  while (!ready()) {
    if (performance.now() > end) throw new Error(`${what}: not within 1 s`);
    await turn();
  }
}

const outcome = (p: Promise<{ data: number[] }>): Promise<string> =>
  p.then(
    (r) => JSON.stringify(r.data),
    (e: { message?: string; modbusCode?: number }) => `error: ${e.message ?? String(e)}`,
  );

/**
 * One read of registers 0-1 as modbus-serial reports it: its answer, or its timeout, let fire once
 * the server has handled the request and a few turns of the loop have passed for the reply's bytes.
 */
async function read(b: Bench): Promise<string> {
  const n = b.handled() + 1;
  let settled = false;
  const result = outcome(b.client.readHoldingRegisters(0, 2)).finally(() => (settled = true));
  await until(`request ${n} handled by the server`, () => b.handled() >= n);
  for (let i = 0; i < 5 && !settled; i++) await turn();
  if (!settled) await vi.advanceTimersByTimeAsync(CLIENT_TIMEOUT_MS);
  return result;
}

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
  ])('%j: %s, then %s', async (action, first, second) => {
    const b = await serve(action);
    expect(await read(b)).toEqual(first);
    expect(await read(b)).toEqual(second);
  });

  test('fragment: { size: 1, gap: 5ms }: reassembled, only later, however slowly the pieces come', async () => {
    const b = await serve({ fragment: { size: 1, gap: '5ms' } });
    let settled = false;
    const first = outcome(b.client.readHoldingRegisters(0, 2)).finally(() => (settled = true));
    await until('the first piece sent', () => b.timer.size === 1);
    let gaps = 0;
    while (!settled && gaps < 20) {
      b.timer.advance(5);
      gaps++;
      for (let i = 0; i < 3 && !settled; i++) await turn();
    }
    expect(await first).toBe('[7,8]');
    expect(gaps).toBe(13); // 13 bytes, each after its 5 ms gap
    expect(await read(b)).toBe('[7,8]');
  });

  test('delay: 200ms: the value, 200 ms later on the wire timer', async () => {
    const b = await serve({ delay: '200ms' });
    let settled = false;
    const first = outcome(b.client.readHoldingRegisters(0, 2)).finally(() => (settled = true));
    await until('the delay started', () => b.timer.size === 1);
    b.timer.advance(199);
    for (let i = 0; i < 5; i++) await turn();
    expect(settled).toBe(false);
    b.timer.advance(1);
    expect(await first).toBe('[7,8]');
  });

  test('a delay longer than the client timeout: a timeout', async () => {
    const b = await serve({ delay: '1s' });
    const first = outcome(b.client.readHoldingRegisters(0, 2));
    await until('the delay started', () => b.timer.size === 1);
    await vi.advanceTimersByTimeAsync(CLIENT_TIMEOUT_MS);
    expect(await first).toBe('error: Timed out');
  });

  test.each([['fin'], ['rst']])('close: %s: the read fails and the client is closed', async (how) => {
    const b = await serve({ close: how });
    expect(await read(b)).toMatch(/^error: /);
    await until('the client closed', () => !b.client.isOpen);
  });

  test('stale: written values do not show while the rule fires', async () => {
    const b = await serve({ stale: true }, {});
    expect(await read(b)).toBe('[7,8]');
    await b.client.writeRegister(0, 99);
    expect(b.emulator.read('a')).toBe(99);
    expect(await read(b)).toBe('[7,8]');
  });

  test('inject from the API: the next request sees it; the remover ends it', async () => {
    const b = await serve(undefined);
    const remove = b.emulator.inject({ name: 'busy', do: { exception: 6 } });
    expect(await read(b)).toBe('error: Modbus exception 6: Slave device busy (retry request again later)');
    remove();
    expect(await read(b)).toBe('[7,8]');
  });
});
