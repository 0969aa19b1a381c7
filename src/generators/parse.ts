import jsep from 'jsep';

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
