import { describe, expect, test } from 'vitest';
import { compile, problems } from './helpers.js';
import { BadRequestError } from '../../src/errors.js';

/** A value of the wrong kind is told in one plain sentence: what came, and what the point takes. */
describe('messages for values a number point cannot take', () => {
  test.each([
    ['int16', '{ type: int16, address: 0, value: hello }', 'E_VALUE_TYPE', '"hello" is not a number: int16 takes a number from -32768 to 32767'],
    ['uint32', '{ type: uint32, address: 0, value: "12 V" }', 'E_VALUE_TYPE', '"12 V" is not a number: uint32 takes a number from 0 to 4294967295'],
    ['float32', '{ type: float32, address: 0, value: hello }', 'E_VALUE_TYPE', '"hello" is not a number: float32 takes a number (±3.4e38)'],
    ['float64', '{ type: float64, address: 0, value: hello }', 'E_VALUE_TYPE', '"hello" is not a number: float64 takes a number'],
    ['uint64', '{ type: uint64, address: 0, value: hello }', 'E_VALUE_TYPE', '"hello" is not a number: uint64 takes a number from 0 to 2^64-1, as a decimal or hex string beyond 2^53'],
    ['scaled', '{ type: int16, address: 0, scale: 0.1, value: warm }', 'E_VALUE_TYPE', '"warm" is not a number: int16 with scale 0.1 takes a number from -3276.8 to 3276.7'],
    ['enum', '{ type: uint16, address: 0, enum: { 1: OFF, 4: MPPT }, value: RUNNING }', 'E_VALUE_ENUM', '"RUNNING" is not a label of p\'s enum: use one of OFF, MPPT, or a number'],
  ])('%s', (_, point, code, message) => {
    const ds = problems(`
      points:
        p: ${point}`);
    expect(ds.map((d) => [d.code, d.message])).toEqual([[code, message]]);
  });

  test('the API says the same as a BadRequestError (a RangeError)', () => {
    const unit = compile(`
      points:
        p: { type: int16, address: 0 }`).unit(1)!;
    expect(() => unit.write('p', 'hello')).toThrow(new BadRequestError('p: "hello" is not a number: int16 takes a number from -32768 to 32767'));
  });
});
