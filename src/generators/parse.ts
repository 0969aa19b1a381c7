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
  try {
    return { ok: true, node: jsep(text) };
  } catch (error) {
    const e = error as Error & { index?: number; description?: string };
    return { ok: false, error: { message: e.description ?? e.message, index: typeof e.index === 'number' ? e.index : 0 } };
  }
}
