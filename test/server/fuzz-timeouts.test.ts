import { describe, expect, it, onTestFinished } from 'vitest';
import { connectionRandom, fuzzConnection, healthyClient } from '../../scripts/fuzz-lib.mjs';
import { silentLogger } from '../../src/log.js';
import { startEmulator } from '../../src/index.js';

/**
 * `npm run fuzz -- devices/fault-noisy-link.yaml` must end: against a device that drops replies on
 * purpose, the probe ending each connection and the well-behaved client give up after the reply
 * timeout and count it, instead of waiting for ever.
 */
async function droppingEverything(): Promise<number> {
  const emulator = await startEmulator({
    profile: { version: 1, points: { v: { type: 'uint16', address: 0 } }, faults: [{ name: 'lost', do: { noResponse: true } }] },
    logger: silentLogger,
    port: 0,
  });
  onTestFinished(() => emulator.close());
  return emulator.port;
}

describe('fuzz clients against a device that drops every reply', () => {
  it('a connection whose probe is never answered ends, with one timeout', async () => {
    const port = await droppingEverything();
    const result = await fuzzConnection(port, connectionRandom(1, 0), { chaos: false, frames: 3 }, { replyTimeoutMs: 50 });
    expect(result).toMatchObject({ frames: 3, replies: 0, timeouts: 1, problems: [] });
  });

  it('the well-behaved client ends when told, every unanswered request a timeout', async () => {
    const port = await droppingEverything();
    let asked = 0;
    expect(await healthyClient(port, () => asked++ >= 3, { replyTimeoutMs: 50 })).toEqual({ ok: 0, bad: 0, timeouts: 3 });
  });
});
