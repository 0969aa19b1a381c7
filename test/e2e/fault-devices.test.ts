import { fileURLToPath } from 'node:url';
import { describe, expect, onTestFinished, test } from 'vitest';
import type { FaultEngine } from '../../src/faults/engine.js';
import { silentLogger } from '../../src/log.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/index.js';
import { seededRandom } from '../../src/runtime/random.js';
import { ManualTimer } from '../../src/runtime/timers.js';
import { connectClient } from '../helpers/modbus-client.js';
import { RawClient, toHex } from '../helpers/socket.js';

/** Each devices/fault-*.yaml example, served as a user would, and what a client sees of it. */
const path = (file: string): string => fileURLToPath(new URL(`../../devices/${file}`, import.meta.url));

async function serve(file: string, options: Partial<EmulatorOptions> = {}): Promise<Emulator> {
  const emulator = await startEmulator({ profile: path(file), logger: silentLogger, seed: 1, ...options });
  onTestFinished(() => emulator.close());
  return emulator;
}
const engine = (emulator: Emulator): FaultEngine => emulator.device.faults as FaultEngine;
const failure = (p: Promise<unknown>): Promise<unknown> => p.then(() => 'ok', (e: { modbusCode?: number; message?: string }) => e.modbusCode ?? e.message);

/**
 * A reply held on the manual wire timer: not sent after `ms - 1`, sent after `ms`. The request has
 * reached the server once the timer holds its wait (the connections' idle timers are off).
 */
async function heldFor(timer: ManualTimer, ms: number, reply: Promise<unknown>): Promise<unknown> {
  let settled = false;
  void reply.finally(() => (settled = true));
  await expect.poll(() => timer.size, { timeout: 1000, message: 'the request never reached the server\'s wait' }).toBe(1);
  timer.advance(ms - 1);
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
  expect(settled, `answered before ${ms} ms on the wire timer`).toBe(false);
  timer.advance(1);
  return reply;
}

describe('devices/fault-flaky-gateway.yaml', () => {
  test('unit 3 answers 0x0B, after the 1 s serial timeout, from 25 s to 30 s of every 30 s; units 1 and 2 never', async () => {
    const clock = new ManualClock();
    const timer = new ManualTimer();
    const emulator = await serve('fault-flaky-gateway.yaml', { clock, timer, idleTimeoutMs: 0 });
    const [one, three] = [await connectClient(emulator.port, 1), await connectClient(emulator.port, 3)];
    expect(await failure(three.readHoldingRegisters(0, 2))).toBe('ok');
    clock.set(25_000);
    expect(await heldFor(timer, 1000, failure(three.readHoldingRegisters(0, 2)))).toBe(0x0b);
    expect(await failure(one.readHoldingRegisters(0, 2))).toBe('ok');
    clock.set(30_000);
    expect(await failure(three.readHoldingRegisters(0, 2))).toBe('ok');
    clock.set(59_999);
    expect(await heldFor(timer, 1000, failure(three.readHoldingRegisters(0, 2)))).toBe(0x0b);
  });

  test('unit 9 answers 0x0B after 1 s; an unknown unit 0x0A at once', async () => {
    const timer = new ManualTimer();
    const emulator = await serve('fault-flaky-gateway.yaml', { timer, idleTimeoutMs: 0 });
    const nine = await connectClient(emulator.port, 9);
    expect(await heldFor(timer, 1000, failure(nine.readHoldingRegisters(0, 2)))).toBe(0x0b);
    const other = await connectClient(emulator.port, 7);
    expect(await failure(other.readHoldingRegisters(0, 2))).toBe(0x0a);
    expect(timer.size).toBe(0);
  });
});

describe('devices/fault-noisy-link.yaml', () => {
  test('with seed 1, exactly the requests the rules draw are lost (nothing sent) or garbled (random bytes)', async () => {
    const emulator = await serve('fault-noisy-link.yaml');
    const client = await RawClient.connect(emulator.port);
    onTestFinished(() => client.destroy().then(() => undefined));
    const random = seededRandom(1);
    const N = 400;
    let expected = '';
    let garbledSeen = 0;
    let lost = 0;
    let garbled = 0;
    const frames: string[] = [];
    for (let k = 0; k < N; k++) {
      const tid = toHex(Uint8Array.of((k + 1) >> 8, (k + 1) & 0xff));
      frames.push(`${tid} 0000 0006 01 04 0000 0001`);
      const reply = `${tid} 00 00 00 05 01 04 02 00 d7`; // 21.5 °C is raw 215
      if (random.at('lost', k) < 0.05) {
        lost++;
        continue;
      }
      if (random.at('garbled', garbledSeen++) < 0.02) {
        const bytes = Uint8Array.from({ length: 11 }, (_, i) => Math.floor(random.at('garbled/garbage', garbled * 260 + i) * 256));
        garbled++;
        expected += ` ${toHex(bytes)}`;
        continue;
      }
      expected += ` ${reply}`;
    }
    // All in one write: the server answers them in order (or not at all), so the byte stream is exact.
    await client.send(frames.join(' '));
    const got = await client.read(expected.trim().split(' ').length);
    expect(toHex(got)).toBe(expected.trim());
    expect(lost).toBeGreaterThan(10); // about 5% of 400
    expect(garbled).toBeGreaterThan(2); // about 2% of the rest
  });
});

describe('devices/fault-slow-device.yaml', () => {
  test('every reply waits what the seeded uniform draw says (50-200 ms), on the wire timer, as modbus-serial reads it', async () => {
    const timer = new ManualTimer();
    const emulator = await serve('fault-slow-device.yaml', { timer, idleTimeoutMs: 0 });
    const client = await connectClient(emulator.port);
    const random = seededRandom(1);
    for (let k = 0; k < 4; k++) {
      const ms = Math.round(50 + 150 * random.at('responseDelay/1', 2 * k));
      // The device holds the reply exactly that long: not at ms - 1, at ms.
      expect(await heldFor(timer, ms, client.readInputRegisters(0, 2).then((r) => r.data))).toEqual([1448, 126]);
    }
  });
});

describe('devices/fault-one-byte-at-a-time.yaml', () => {
  test('a raw client receives one byte per segment; modbus-serial still reads the right values', async () => {
    const emulator = await serve('fault-one-byte-at-a-time.yaml');
    const raw = await RawClient.connect(emulator.port);
    onTestFinished(() => raw.destroy().then(() => undefined));
    const adu = await raw.roundTrip('0001 0000 0006 01 04 0000 0003');
    expect(toHex(adu.bytes)).toBe('00 01 00 00 00 09 01 04 06 00 01 e2 40 03 2f'); // 123456 = 0x0001E240, 815 = 0x032F
    expect(raw.dataEvents.every((e) => e.length === 1)).toBe(true);
    expect(raw.dataEvents).toHaveLength(15);
    const client = await connectClient(emulator.port);
    expect((await client.readInputRegisters(0, 3)).data).toEqual([0x0001, 0xe240, 815]);
  });
});

describe('devices/fault-overloaded.yaml', () => {
  test('8 clients at once: 4 are served after 250 ms, the other 4 get 06 at once', async () => {
    // A manual wire timer: the 4 requests in flight stay there until the test moves it, however
    // slowly the 8 requests arrive on a busy machine.
    const timer = new ManualTimer();
    const emulator = await serve('fault-overloaded.yaml', { timer, idleTimeoutMs: 0 });
    const clients = await Promise.all(Array.from({ length: 8 }, () => connectClient(emulator.port)));
    const results: unknown[] = [];
    const pending = clients.map((c) => failure(c.readHoldingRegisters(0, 1)).then((r) => results.push(r)));
    await expect.poll(() => results.length, { timeout: 5000 }).toBe(4);
    expect(results).toEqual([6, 6, 6, 6]);
    expect(engine(emulator).inFlight).toBe(4);
    timer.advance(250);
    await Promise.all(pending);
    expect(results.slice(4)).toEqual(['ok', 'ok', 'ok', 'ok']);
    // Once they are answered, a lone client is served again (after its 250 ms).
    const again = failure(clients[0]!.readHoldingRegisters(0, 1));
    await expect.poll(() => engine(emulator).inFlight).toBe(1);
    timer.advance(250);
    expect(await again).toBe('ok');
  });
});
