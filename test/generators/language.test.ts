import { describe, expect, it } from 'vitest';
import { compileExpression, type Names } from '../../src/generators/compile-expression.js';
import type { Frame } from '../../src/generators/frame.js';
import { seededRandom } from '../../src/runtime/random.js';

/** Points an expression may read in these tests. */
const POINTS: Record<string, number> = { speed: 45, 'status.fault': 1, status: 0x0637 };
const names: Names = {
  resolve: (name) => (name in POINTS ? () => POINTS[name]! : name === 'serial' ? 'serial is a string point' : undefined),
  all: () => [...Object.keys(POINTS), 'serial'],
};

/** Evaluates a stateless expression once at `t` seconds (step 1 s). */
function at(text: string, t = 0): number {
  const result = compileExpression(text, names);
  if (!result.ok) throw new Error(result.error.message);
  const frame: Frame = { t, dt: 1, prev: 0, index: Math.floor(t), slots: new Float64Array(8), streams: ['u/p#0', 'u/p#1'], drawnAt: new Float64Array(2).fill(-1), drawn: new Float64Array(2), random: seededRandom(1), point: () => 0 };
  return result.expression.evaluate(frame);
}

describe('operators', () => {
  it.each<[string, number]>([
    // [expression, value]
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['7 % 4', 3],
    ['2 ** 10', 1024],
    ['-3 + +2', -1],
    ['10 / 4', 2.5],
    ['3 > 2', 1],
    ['3 < 2', 0],
    ['2 >= 2', 1],
    ['2 <= 1', 0],
    ['2 == 2', 1],
    ['2 != 2', 0],
    ['2 < 3', 1],
    ['2 < 2', 0],
    ['2 > 3', 0],
    ['2 > 2', 0],
    ['1 === 1', 1],
    ['1 === 2', 0],
    ['1 !== 2', 1],
    ['1 !== 1', 0],
    ['1 && 0', 0],
    ['2 && 3', 3],
    ['0 || 5', 5],
    ['!0', 1],
    ['!7', 0],
    ['1 ? 2 : 3', 2],
    ['0 ? 2 : 3', 3],
    ['true + true', 2],
    ['0x0F & 0b0101', 5],
    ['0x10 | 1', 17],
    ['6 ^ 3', 5],
    ['~0', -1],
    ['1 << 4', 16],
    ['-16 >> 2', -4],
    ['-1 >>> 28', 15],
    ['speed * 2', 90],
    ['status & 0x0400 ? 1 : 0', 1],
    ['status.fault', 1],
    // The same operators on a point (speed = 45): not folded at load, so computed at each evaluation.
    ['100 + speed', 145],
    ['speed + 100', 145],
    ['speed + speed', 90],
    ['100 - speed', 55],
    ['speed - 100', -55],
    ['speed - status.fault', 44],
    ['2 * speed', 90],
    ['speed * speed', 2025],
    ['90 / speed', 2],
    ['speed / 9', 5],
    ['speed / (status.fault + 1)', 22.5],
    ['speed < 45', 0],
    ['speed < 46', 1],
    ['speed > 45', 0],
    ['speed > 44', 1],
    ['speed <= 45', 1],
    ['speed >= 46', 0],
    ['speed == 45', 1],
    ['speed != 45', 0],
    ['speed == 44', 0],
    ['speed != 44', 1],
    ['speed % 7', 3],
    ['speed ** 2', 2025],
    ['speed & 7', 5],
    ['speed | 2', 47],
    ['speed ^ 1', 44],
    ['speed << 1', 90],
    ['-speed >> 1', -23],
    ['-speed >>> 28', 15],
    ['-speed', -45],
    ['+speed', 45],
    ['!speed', 0],
    ['!(speed - 45)', 1],
    ['~speed', -46],
    ['speed && 0', 0],
    ['speed && 2', 2],
    ['(speed - 45) && 2', 0],
    ['speed || 2', 45],
    ['(speed - 45) || 2', 2],
    ['speed ? 2 : 3', 2],
    ['speed - 45 ? 2 : 3', 3],
    // NaN (the square root of a negative number) is false, as 0 is.
    ['sqrt(-1) ? 2 : 3', 3],
    ['!sqrt(-1)', 1],
    ['sqrt(-1) && 2', 0],
    ['sqrt(-1) || 2', 2],
  ])('%s = %d', (text, value) => {
    expect(at(text)).toBe(value);
  });
});

describe('functions', () => {
  it.each<[string, number, number]>([
    // [expression, t, value]
    ['sin(PI / 2)', 0, 1],
    ['cos(0)', 0, 1],
    ['abs(-2)', 0, 2],
    ['sqrt(16)', 0, 4],
    ['exp(0)', 0, 1],
    ['log(E)', 0, 1],
    ['floor(1.7)', 0, 1],
    ['ceil(1.2)', 0, 2],
    ['round(1.5)', 0, 2],
    ['round(1.25, 1)', 0, 1.3],
    ['round(1.234, 2)', 0, 1.23],
    ['pow(2, 3)', 0, 8],
    ['min(3, 1)', 0, 1],
    ['min(3, 1, 0)', 0, 0],
    ['max(3, 1, 4)', 0, 4],
    ['max(3, 1)', 0, 3],
    ['clamp(5, 0, 3)', 0, 3],
    ['clamp(-5, 0, 3)', 0, 0],
    ['t', 12.5, 12.5],
    ['sine(60)', 15, 1],
    ['sine(60)', 45, -1],
    ['square(10)', 4, 1],
    ['square(10)', 6, 0],
    ['square(10)', 5, 0], // 1 for the first half of the period only
    ['square(10, 0.2)', 1, 1],
    ['square(10, 0.2)', 3, 0],
    ['triangle(10)', 2.5, 0.5],
    ['triangle(10)', 5, 1],
    ['triangle(10)', 7.5, 0.5],
    ['sawtooth(10)', 12.5, 0.25],
    ['ramp(10, 20)', 5, 0],
    ['ramp(10, 20)', 15, 0.5],
    ['ramp(10, 20)', 25, 1],
    ['step(10)', 9.999, 0],
    ['step(10)', 10, 1],
    ['pulse(10, 2)', 9.5, 0],
    ['pulse(10, 2)', 10, 1],
    ['pulse(10, 2)', 11, 1],
    ['pulse(10, 2)', 12, 0],
    ['pulse(10, 2, 60)', 71, 1],
    ['pulse(10, 2, 60)', 73, 0],
    ['pulse(10, 2, 60)', 70, 1],
  ])('%s at t = %d is %d', (text, t, value) => {
    expect(at(text, t)).toBeCloseTo(value, 12);
  });

  it('random(a, b) and noise(sigma) are draws of the call site\'s stream at the step index', () => {
    const r = seededRandom(1);
    expect(at('random(10, 20)', 7.5)).toBe(10 + 10 * r.at('u/p#0', 7));
    const gauss = Math.sqrt(-2 * Math.log(1 - r.at('u/p#0', 14))) * Math.cos(2 * Math.PI * r.at('u/p#0', 15));
    expect(at('noise(2)', 7.5)).toBe(2 * gauss);
    // walk(sigma) takes a gaussian step of sigma from its state (0 at first): the same draw as noise.
    expect(at('walk(2)', 7.5)).toBe(2 * gauss);
    // Two call sites, two streams.
    expect(at('random(0, 1) - random(0, 1)', 3)).toBe(r.at('u/p#0', 3) - r.at('u/p#1', 3));
  });
});

describe('what makes an expression stateful', () => {
  it.each<[string, boolean]>([
    ['sine(60) + noise(1) + speed', false],
    ['prev + 1', true],
    ['dt', true],
    ['lag(speed, 10)', true],
    ['slew(speed, 1)', true],
    ['integrate(speed)', true],
    ['walk(1)', true],
    ['count(speed > 40)', true],
  ])('%s: %s', (text, stateful) => {
    const result = compileExpression(text, names);
    expect(result.ok && result.expression.stateful).toBe(stateful);
  });
});

describe('what folds to a constant at load (the never-true warnings use it)', () => {
  it.each<[string, number | undefined]>([
    ['1 > 2', 0],
    ['1 + 2 * 3', 7],
    ['-1', -1],
    ['!1', 0],
    ['~0', -1],
    ['PI', Math.PI],
    [Array.from({ length: 20 }, () => '1').join(' + '), 20],
    ['speed > 2', undefined],
    ['-speed', undefined],
    ['t', undefined],
    ['1 + 2 + speed', undefined],
  ])('%s: %s', (text, constant) => {
    const result = compileExpression(text, names);
    expect(result.ok && result.expression.constant).toBe(constant);
  });
});

describe('errors: message and index into the expression', () => {
  it.each<[string, string, number]>([
    // [expression, message, 0-based index]
    ['spede * 2', 'unknown name spede: did you mean speed?', 0],
    ['1 + stauts.fault', 'unknown name stauts.fault: did you mean status.fault?', 4],
    ['2 * sqr(4)', 'unknown function sqr: did you mean sqrt?', 4],
    ['2 * lag(speed)', 'lag takes 2 arguments, not 1', 4],
    ['1 + * 2', 'Expected expression after +', 4],
    ['(1 + 2', 'Unclosed (', 6],
    ['speed 2', 'one expression only: an operator or a comma is missing', 6],
    ['"on"', '"on" is not a number: expressions compute numbers', 0],
    ['serial + 1', 'serial is a string point', 0],
    ['speed[0]', '[ ] is not part of the language: name a point or a bit as point.bit', 5],
    ['speed ?? 1', 'unknown operator ??', 6],
    ['Math.sin(t)', 'unknown function Math.sin', 0],
    ['   ', 'the expression is empty', 0],
    // No close name: no suggestion.
    ['qqqqqq + 1', 'unknown name qqqqqq', 0],
    ['zz(1)', 'unknown function zz', 0],
    ['constructor(1)', 'unknown function constructor', 0],
    // The index is where the name first stands as a whole name (not inside another, nor after a dot), a call where it is called.
    ['speed + spee', 'unknown name spee: did you mean speed?', 8],
    ['status.fault * tatus', 'unknown name tatus: did you mean status?', 15],
    ['status.fault + fault', 'unknown name fault', 15],
    ['speed + speed (1)', 'unknown function speed', 8],
    ['speed + speed \t(1)', 'unknown function speed', 8],
    ['2 * lag(1, 2, 3)', 'lag takes 2 arguments, not 3', 4],
    ['round(1, 2, 3)', 'round takes 1 to 2 arguments, not 3', 0],
    ['sin(1, 2)', 'sin takes 1 argument, not 2', 0],
    ['1 + speed.x[0](1)', 'only a function name can be called', 14],
    ['1 + [1, 2]', 'an array is not part of the language', 0],
    ['this', 'this is not part of the language', 0],
    ['(1, 2)', 'a sequence is not part of the language', 0],
    ['(1) 2', 'one expression only: an operator or a comma is missing', 4],
    ['(1) speed 2', 'one expression only: an operator or a comma is missing', 4],
    ['  speed 2', 'one expression only: an operator or a comma is missing', 8],
    ['speed  2', 'one expression only: an operator or a comma is missing', 7],
    ['speed[speed]', '[ ] is not part of the language: name a point or a bit as point.bit', 5],
    ['(1).x', '[ ] is not part of the language: name a point or a bit as point.bit', 0],
    ['2 * (1)(2)', 'only a function name can be called', 4],
    ["speed ? 'a' : 1", "'a' is not a number: expressions compute numbers", 8],
  ])('%s', (text, message, index) => {
    expect(compileExpression(text, names)).toEqual({ ok: false, error: { message, index } });
  });
});
