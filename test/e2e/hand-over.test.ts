import { describe, expect, it, onTestFinished } from 'vitest';
import { Runtime } from '../../src/runtime/runtime.js';
import { testEnv } from '../helpers/env.js';
import { closeClient, connectClient } from '../helpers/modbus-client.js';
import { AFTER, BEFORE, compile } from '../model/hand-over-fixtures.js';

/**
 * A recompile under a live client (what live reload does): the client keeps polling while the
 * runtime swaps in the recompiled device, and the new device keeps what the client wrote exactly
 * where the declaration did not change (model/hand-over.ts).
 */
describe('state hand-over on a recompile, under a live client', () => {
  it('keeps written words of unchanged points and block ranges, takes the new declaration elsewhere, and fails no request', async () => {
    const runtime = new Runtime({ device: await compile(BEFORE), env: testEnv(), port: 0 });
    onTestFinished(() => runtime.close());
    const { port } = await runtime.listen();
    const writer = await connectClient(port);
    const poller = await connectClient(port);
    onTestFinished(async () => {
      await closeClient(writer);
      await closeClient(poller);
    });

    // The client writes every point and the whole block.
    await writer.writeRegisters(0, [100, 101, 102, 103, 104, 105, 0, 106, 0x4049, 0x0fdb, 0b10]);
    await writer.writeRegisters(100, [11, 12, 13, 14, 15, 16, 17, 18]);

    // A second client polls without pause while the device is swapped under it.
    let polls = 0;
    let failures = 0;
    let polling = true;
    const pollLoop = (async () => {
      while (polling) {
        try {
          await poller.readHoldingRegisters(2, 4); // mapped before and after
          polls++;
        } catch {
          failures++;
        }
      }
    })();
    const next = await compile(AFTER);
    // Swap between two polls' replies, as a file watcher's callback would.
    while (polls < 20 && failures === 0) await new Promise((r) => setImmediate(r));
    runtime.swap(next);
    const pollsAtSwap = polls;
    while (polls < pollsAtSwap + 20 && failures === 0) await new Promise((r) => setImmediate(r));
    polling = false;
    await pollLoop;
    expect(failures).toBe(0);
    expect(runtime.device).toBe(next);

    const words = async (address: number, quantity: number) => (await writer.readHoldingRegisters(address, quantity)).data;
    expect(await words(0, 1)).toEqual([100]); // kept: same everything
    expect(await words(21, 1)).toEqual([1]); // moved: new address, new declaration
    expect(await words(2, 1)).toEqual([1]); // retyped
    expect(await words(3, 1)).toEqual([4]); // rescaled: 1 at scale 0.25 is raw 4
    expect(await words(4, 1)).toEqual([2]); // reinitialised
    expect(await words(5, 1)).toEqual([1]); // renamed
    expect(await words(6, 2)).toEqual([1, 0]); // reordered: 1 as CDAB
    expect(await words(8, 3)).toEqual([0x4049, 0x0fdb, 0b10]); // keptWide and status: written words kept
    expect(await words(30, 1)).toEqual([7]); // added
    expect(await words(100, 8)).toEqual([11, 12, 13, 14, 9, 9, 9, 9]);
  });
});
