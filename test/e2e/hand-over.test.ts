import { describe, expect, it, onTestFinished } from 'vitest';
import type { CompiledProfile } from '../../src/model/types.js';
import { loadDevice } from '../../src/runtime/load-device.js';
import { Runtime } from '../../src/runtime/runtime.js';
import { testEnv } from '../helpers/env.js';
import { closeClient, connectClient } from '../helpers/modbus-client.js';

/**
 * A recompile under a live client (what live reload does): the client keeps polling while the
 * runtime swaps in the recompiled device, and the new device keeps what the client wrote exactly
 * where the declaration did not change (model/hand-over.ts).
 */
const pointsBefore = {
  kept: { type: 'uint16', address: 0, value: 1 },
  moved: { type: 'uint16', address: 1, value: 1 },
  retyped: { type: 'uint16', address: 2, value: 1 },
  rescaled: { type: 'uint16', address: 3, value: 1, scale: 0.5 },
  reinitialised: { type: 'uint16', address: 4, value: 1 },
  renamed: { type: 'uint16', address: 5, value: 1 },
  reordered: { type: 'uint32', address: 6, value: 1 },
  keptWide: { type: 'float32', address: 8, value: 1.5 },
  status: { type: 'bitfield16', address: 10, bits: { run: 0, fault: 1 } },
};
const BEFORE = {
  version: 1,
  name: 'boiler',
  points: pointsBefore,
  blocks: [{ address: 100, values: [0, 0, 0, 0, 0, 0, 0, 0] }],
};
const AFTER = {
  version: 1,
  name: 'boiler',
  points: {
    ...pointsBefore,
    moved: { type: 'uint16', address: 21, value: 1 }, // another address: a new point
    retyped: { type: 'int16', address: 2, value: 1 }, // another type
    rescaled: { type: 'uint16', address: 3, value: 1, scale: 0.25 }, // another encoding
    reinitialised: { type: 'uint16', address: 4, value: 2 }, // another declared value
    renamed: undefined,
    renamedToo: { type: 'uint16', address: 5, value: 1 }, // a renamed point is a new point
    reordered: { type: 'uint32', address: 6, value: 1, byteOrder: 'CDAB' },
    added: { type: 'uint16', address: 30, value: 7 },
  },
  // 100..103 unchanged; 104..107 now declare other initial words.
  blocks: [{ address: 100, values: [0, 0, 0, 0, 9, 9, 9, 9] }],
};

async function compile(profile: object): Promise<CompiledProfile> {
  const result = await loadDevice(JSON.parse(JSON.stringify(profile)) as object, { env: testEnv() });
  if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
  return result.profile;
}

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

  it('reports what it kept and what takes its new declaration', async () => {
    const before = await compile(BEFORE);
    before.units[0]!.write('kept', 5);
    const after = await compile(AFTER);
    const report = after.takeOver(before);
    expect(report.keptPoints).toBe(3); // kept, keptWide, status
    expect([...report.resetPoints].sort()).toEqual(['added', 'moved', 'reinitialised', 'renamedToo', 'reordered', 'rescaled', 'retyped']);
    expect(report.keptBlockWords).toBe(4);
    expect(after.units[0]!.read('kept')).toBe(5);
  });

  it('a gateway hands each unit its own state, matched by unit id', async () => {
    const gateway = (level: number) => ({
      version: 1,
      name: 'line',
      units: [
        { unitId: 2, points: { level: { type: 'uint16', address: 0, value: 1 } } },
        { unitId: 3, points: { level: { type: 'uint16', address: 0, value: level } } },
      ],
    });
    const before = await compile(gateway(1));
    before.unit(2)!.write('level', 20);
    before.unit(3)!.write('level', 30);
    const after = await compile(gateway(5));
    after.takeOver(before);
    expect(after.unit(2)!.read('level')).toBe(20);
    expect(after.unit(3)!.read('level')).toBe(5);
  });
});
