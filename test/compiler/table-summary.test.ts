import { describe, expect, test } from 'vitest';
import { compile } from './helpers.js';

/** The start-up summary counts mapped addresses, by points and blocks, not points alone. */
describe('summary of what a device maps', () => {
  test.each([
    [
      'coils all in blocks, points inside a block counted once',
      `
      blocks:
        - { table: coil, address: 0, length: 16 }
        - { address: 0, length: 8 }
        - { address: 100, values: [1, 2] }
      points:
        a: { type: uint16, address: 2 }
        b: { type: uint32, address: 10 }
        c: { type: bool, table: discreteInput, address: 5 }`,
      '12 holding registers (2 points, 2 blocks), 16 coils (1 block), 1 discrete input (1 point)',
    ],
    ['an empty device', 'points: {}', 'no address mapped'],
    ['a bit field and its bits are one point', 'points: { s: { type: bitfield32, table: input, address: 0, bits: { a: 0 } } }', '2 input registers (1 point)'],
  ])('%s', (_, yaml, expected) => {
    expect(compile(`name: d\n${yaml.replace(/^ {6}/gm, '')}`).summary()).toEqual([`d (every unit id): ${expected}`]);
  });
});
