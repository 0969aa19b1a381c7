import type { CompiledProfile } from '../../src/model/types.js';
import { loadDevice } from '../../src/runtime/load-device.js';
import { testEnv } from '../helpers/env.js';

/**
 * A device before and after an edit that changes each part of a point's declaration once
 * (model/hand-over.ts): shared by the hand-over tests with and without a live client.
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
export const BEFORE = {
  version: 1,
  name: 'boiler',
  points: pointsBefore,
  blocks: [{ address: 100, values: [0, 0, 0, 0, 0, 0, 0, 0] }],
};
export const AFTER = {
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

export async function compile(profile: object): Promise<CompiledProfile> {
  const result = await loadDevice(JSON.parse(JSON.stringify(profile)) as object, { env: testEnv() });
  if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
  return result.profile;
}
