import jsep from 'jsep';

// jsep reads decimal numbers only; status words are written in hex (0x0637) or binary (0b101).
// A gobble-token hook (jsep's extension point) reads them as number literals. jsep is ours alone
// (test/architecture.test.ts), so the hook changes no one else's parser.
const RADIX_LITERAL = /^0([xX][0-9a-fA-F]+|[bB][01]+)/;
jsep.hooks.add('gobble-token', function radixLiteral(this: unknown, env: { node?: jsep.Expression }) {
  const parser = this as { expr: string; index: number };
  const m = RADIX_LITERAL.exec(parser.expr.slice(parser.index, parser.index + 40));
  if (!m) return;
  parser.index += m[0].length;
  env.node = { type: 'Literal', value: Number(m[0].toLowerCase()), raw: m[0] } as jsep.Literal;
});

/** What the language is made of: jsep's tree, narrowed to the node types we accept. */
export type Node = jsep.Expression;

/** A problem in an expression: what, and where (0-based index into the expression's text). */
export interface ExpressionError {
  readonly message: string;
  readonly index: number;
}

export type ParseResult = { readonly ok: true; readonly node: Node } | { readonly ok: false; readonly error: ExpressionError };

/**
 * Parses a generator expression with jsep (parse only: evaluation is ours, compiled to closures
 * in compile-expression.ts; nothing here can run code). jsep's own grammar is wider than the
 * language: what the compiler does not know (strings, arrays, `this`, `a[b]`, `a, b`) it refuses
 * by name there.
 */
export function parseExpression(text: string): ParseResult {
  if (text.trim() === '') return { ok: false, error: { message: 'the expression is empty', index: 0 } };
  const deep = tooDeepAt(text);
  if (deep !== undefined) return { ok: false, error: { message: `the expression nests more than ${MAX_EXPRESSION_NESTING} levels deep here (parentheses, conditionals, ** and unary operators together)`, index: deep } };
  try {
    return { ok: true, node: jsep(text) };
  } catch (error) {
    const e = error as Error & { index?: number; description?: string };
    return { ok: false, error: { message: e.description ?? e.message, index: typeof e.index === 'number' ? e.index : 0 } };
  }
}

/**
 * How deeply an expression may nest: parentheses and brackets open, conditionals (`?`) and `**`
 * so far, and unary operators in a row, counted together. jsep parses those by recursion (about
 * 2,000 levels exhaust the stack); chains of left-associative operators (`1+1+…+1`) it parses by
 * a loop, and they are not limited.
 */
export const MAX_EXPRESSION_NESTING = 256;

/**
 * The index where `text` passes MAX_EXPRESSION_NESTING, or undefined. One pass over the text,
 * an upper bound of jsep's recursion rather than its exact depth (a `?` or `**` counts for the
 * rest of the text), so jsep never meets an expression that could exhaust the stack.
 */
function tooDeepAt(text: string): number | undefined {
  let open = 0;
  let lasting = 0;
  let unary = 0;
  let operand = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') continue;
    if (c === '(' || c === '[') {
      open++;
      operand = false;
    } else if (c === ')' || c === ']') {
      open = Math.max(0, open - 1);
      operand = true;
    } else if (c === '?' || (c === '*' && text[i + 1] === '*')) {
      lasting++;
      operand = false;
      if (c === '*') i++;
    } else if (!operand && (c === '-' || c === '+' || c === '!' || c === '~')) {
      unary++;
    } else if (/[\w$.]/.test(c)) {
      operand = true;
      unary = 0;
    } else {
      operand = false;
    }
    if (open + lasting + unary > MAX_EXPRESSION_NESTING) return i;
  }
  return undefined;
}
