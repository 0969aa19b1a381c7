import { describe, expect, it } from 'vitest';
import { compileExpression, type Names } from '../../src/generators/compile-expression.js';
import type { Frame } from '../../src/generators/frame.js';
import { MAX_EXPRESSION_NESTING } from '../../src/generators/parse.js';
import { seededRandom } from '../../src/runtime/random.js';
import { errors } from './helpers.js';

/**
 * No expression exhausts the stack, when compiled or evaluated: chains of operators of any length
 * are walked and evaluated by loops; nesting (parentheses, conditionals, `**`, unary operators)
 * past MAX_EXPRESSION_NESTING is one E_EXPRESSION at the column where it passes the limit.
 */
const names: Names = { resolve: (name) => (name === 'x' ? (f) => f.t : undefined), all: () => ['x'] };

function evaluate(text: string, t: number): number {
  const result = compileExpression(text, names);
  if (!result.ok) throw new Error(result.error.message);
  const frame: Frame = { t, dt: 1, prev: 0, index: 0, slots: new Float64Array(64), streams: [], drawnAt: new Float64Array(0), drawn: new Float64Array(0), random: seededRandom(1), point: () => 0 };
  return result.expression.evaluate(frame);
}

const terms = (n: number, term: string, op = '+'): string => Array.from({ length: n }, () => term).join(op);

describe('long chains compile and evaluate without recursion', () => {
  it.each([3_000, 5_000, 20_000, 200_000])('%i terms of x', (n) => {
    expect(evaluate(terms(n, 'x'), 2)).toBe(2 * n);
  });

  it('a constant start folds, then the rest loops; && and || keep short-circuiting in a long chain', () => {
    expect(evaluate(`${terms(5_000, '1')} + x`, 0.5)).toBe(5_000.5);
    expect(evaluate(`${terms(40, 'x', ' - ')}`, 1)).toBe(-38);
    expect(evaluate(`1 + 2 + ${terms(20, 'x')}`, 0.5)).toBe(13);
    expect(evaluate(`x && ${terms(40, 'x', ' && ')}`, 0)).toBe(0);
    expect(evaluate(`${terms(40, 'x', ' || ')} || 7`, 0)).toBe(7);
    expect(evaluate(`${terms(40, 'x', ' || ')}`, 3)).toBe(3);
  });

  it('a member chain of any length is a name (unknown here), not a stack overflow', () => {
    expect(compileExpression(terms(20_000, 'x', '.'), names)).toMatchObject({ ok: false, error: { message: expect.stringMatching(/^unknown name x\.x\.x/) as string } });
  });
});

describe('nesting past the limit is one E_EXPRESSION with its column', () => {
  it.each<[string, (n: number) => string]>([
    ['parentheses', (n) => `${'('.repeat(n)}x${')'.repeat(n)}`],
    ['unary operators', (n) => `${'-'.repeat(n)}x`],
    ['unary operators of every kind', (n) => `${Array.from({ length: n }, (_, i) => '-!~+'[i % 4]).join('')}x`],
    ['parentheses and unary operators together', (n) => `${'('.repeat(n >> 1)}${'-'.repeat(n - (n >> 1))}x${')'.repeat(n >> 1)}`],
    ['powers and unary operators together', (n) => `${'x ** '.repeat(n >> 1)}${'-'.repeat(n - (n >> 1))}x`],
    ['conditionals and unary operators together', (n) => `${'x ? '.repeat(n >> 1)}${'-'.repeat(n - (n >> 1))}x${' : 0'.repeat(n >> 1)}`],
    ['conditionals and parentheses together', (n) => `${'x ?('.repeat(n >> 1)}${n % 2 ? '-' : ''}x${'): 0'.repeat(n >> 1)}`],
    ['conditionals', (n) => `${'x ? 1 : '.repeat(n)}0`],
    ['powers', (n) => terms(n + 1, 'x', '**')],
  ])('%s: the limit passes, one more is refused; 10,000 are refused too', (_what, make) => {
    expect(compileExpression(make(MAX_EXPRESSION_NESTING), names).ok).toBe(true);
    const over = compileExpression(make(MAX_EXPRESSION_NESTING + 1), names);
    expect(over).toMatchObject({ ok: false, error: { message: `the expression nests more than ${MAX_EXPRESSION_NESTING} levels deep here (parentheses, conditionals, ** and unary operators together)` } });
    expect(compileExpression(make(10_000), names).ok).toBe(false);
  });

  it.each<[string, string]>([
    ['a binary - after a space', `${'('.repeat(MAX_EXPRESSION_NESTING)}x - 1${')'.repeat(MAX_EXPRESSION_NESTING)}`],
    ['a binary - after a tab', `${'('.repeat(MAX_EXPRESSION_NESTING)}x\t-\t1${')'.repeat(MAX_EXPRESSION_NESTING)}`],
    ['a binary - after a line break', `${'('.repeat(MAX_EXPRESSION_NESTING)}x\n-\n1${')'.repeat(MAX_EXPRESSION_NESTING)}`],
    ['a binary - after a carriage return', `${'('.repeat(MAX_EXPRESSION_NESTING)}x\r\n-1${')'.repeat(MAX_EXPRESSION_NESTING)}`],
    ['a binary + after a closing parenthesis', `${'('.repeat(MAX_EXPRESSION_NESTING - 1)}(x)+1${')'.repeat(MAX_EXPRESSION_NESTING - 1)}`],
    ['a multiplication (one *)', `${'('.repeat(MAX_EXPRESSION_NESTING)}x*2${')'.repeat(MAX_EXPRESSION_NESTING)}`],
    ['a binary + after a closing parenthesis, then a unary -', `${'('.repeat(MAX_EXPRESSION_NESTING - 1)}(x) + -1${')'.repeat(MAX_EXPRESSION_NESTING - 1)}`],
    ['unary operators in two rows', `${'-'.repeat(200)}x + ${'!'.repeat(200)}x - ${'~'.repeat(200)}1.5`],
    ['closed parentheses, one after the other', terms(2 * MAX_EXPRESSION_NESTING, '(x)', ' + ')],
  ])('what does not nest is not counted: %s', (_what, text) => {
    expect(compileExpression(text, names).ok).toBe(true);
  });

  it.each<[string, string, number]>([
    ['a unary - after an operator', `${'('.repeat(MAX_EXPRESSION_NESTING)}x / -1${')'.repeat(MAX_EXPRESSION_NESTING)}`, MAX_EXPRESSION_NESTING + 4],
    ['a bracket inside the parentheses', `${'('.repeat(MAX_EXPRESSION_NESTING)}x[0]${')'.repeat(MAX_EXPRESSION_NESTING)}`, MAX_EXPRESSION_NESTING + 1],
    ['parentheses opened after a closed group', `${'('.repeat(200)}(x) + ${'('.repeat(100)}x${')'.repeat(300)}`, 262],
  ])('what nests is counted: %s', (_what, text, index) => {
    expect(compileExpression(text, names)).toMatchObject({ ok: false, error: { index, message: expect.stringMatching(/^the expression nests more than/) as string } });
  });

  it('brackets close as parentheses do (and are then refused as not part of the language)', () => {
    expect(compileExpression(terms(2 * MAX_EXPRESSION_NESTING, 'x[0]', ' + '), names)).toMatchObject({ ok: false, error: { message: expect.stringMatching(/^\[ \] is not part of the language/) as string } });
  });

  it('in a profile: the point, line and column', async () => {
    const deep = `${'('.repeat(10_000)}a${')'.repeat(10_000)}`;
    const found = await errors(`
      version: 1
      points:
        a: { type: uint16, address: 0 }
        b: { type: uint16, address: 1, generate: "${deep}" }
    `);
    expect(found).toEqual([`E_EXPRESSION 4:${45 + MAX_EXPRESSION_NESTING} the expression nests more than ${MAX_EXPRESSION_NESTING} levels deep here (parentheses, conditionals, ** and unary operators together) (at column ${MAX_EXPRESSION_NESTING + 1} of the expression)`]);
  });
});
