import type jsep from 'jsep';
import { suggest } from '../suggest.js';
import { BUILTINS, VARIABLES, type Builtin } from './builtins.js';
import type { Evaluate, Frame, Site } from './frame.js';
import { parseExpression, type ExpressionError, type Node } from './parse.js';

/** How the compiler reaches points: a reader of a point's engineering value, or why not. */
export interface Names {
  /** A reader for the point (or `word.bit`) `name`; a string says why it cannot be read; undefined: no such point. */
  resolve(name: string): Evaluate | string | undefined;
  /** Every point name, for suggestions. */
  all(): Iterable<string>;
}

export interface CompiledExpression {
  readonly evaluate: Evaluate;
  /** Uses `prev`, `dt` or a stateful function: evaluated on steps of `every`, not per read. */
  readonly stateful: boolean;
  /** Points the expression reads, by name (`status.fault` for a bit). */
  readonly references: ReadonlySet<string>;
  /** Initial value of each state slot ('initial': the point's initial value). */
  readonly slots: readonly (number | 'initial')[];
  /** Random call sites: each gets its own stream. */
  readonly streams: number;
  /** Reads `t` (directly or through a waveform or event function). */
  readonly timed: boolean;
  /** The value when the expression folds to a constant (`1 > 2`), for the never-true warnings. */
  readonly constant: number | undefined;
}

export type CompileExpressionResult = { readonly ok: true; readonly expression: CompiledExpression } | { readonly ok: false; readonly error: ExpressionError };

class Refused extends Error {
  constructor(message: string, readonly index: number) {
    super(message);
  }
}

const truth = (x: number): boolean => x !== 0 && !Number.isNaN(x);
const bool = (x: boolean): number => (x ? 1 : 0);

const BINARY: Readonly<Record<string, (a: number, b: number) => number>> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
  '%': (a, b) => a % b,
  '**': (a, b) => a ** b,
  '==': (a, b) => bool(a === b),
  '===': (a, b) => bool(a === b),
  '!=': (a, b) => bool(a !== b),
  '!==': (a, b) => bool(a !== b),
  '<': (a, b) => bool(a < b),
  '>': (a, b) => bool(a > b),
  '<=': (a, b) => bool(a <= b),
  '>=': (a, b) => bool(a >= b),
  // Bit operations work on 32-bit integers, as in JavaScript (`>>>` gives an unsigned result).
  '&': (a, b) => a & b,
  '|': (a, b) => a | b,
  '^': (a, b) => a ^ b,
  '<<': (a, b) => a << b,
  '>>': (a, b) => a >> b,
  '>>>': (a, b) => a >>> b,
};

const UNARY: Readonly<Record<string, (a: number) => number>> = {
  '-': (a) => -a,
  '+': (a) => a,
  '!': (a) => bool(!truth(a)),
  '~': (a) => ~a,
};

/**
 * Compiles a generator expression once into a tree of closures over a Frame: no eval, no
 * `new Function`; evaluating allocates nothing. Errors carry the index into the text.
 */
export function compileExpression(text: string, names: Names): CompileExpressionResult {
  const parsed = parseExpression(text);
  if (!parsed.ok) return parsed;
  const references = new Set<string>();
  const slots: (number | 'initial')[] = [];
  let streams = 0;
  let stateful = false;
  let timed = false;

  /** Where `word` first appears as a whole name in the text (for messages), else 0. */
  const at = (word: string, call = false): number => {
    // A search, not a RegExp built from the word: a name can be as long as the text.
    const isName = (c: string | undefined): boolean => c !== undefined && /[\w$]/.test(c);
    for (let i = text.indexOf(word); i !== -1; i = text.indexOf(word, i + 1)) {
      const before = text[i - 1];
      let end = i + word.length;
      if (before === '.' || isName(before) || isName(text[end])) continue;
      if (call) {
        while (text[end] === ' ' || text[end] === '\t') end++;
        if (text[end] !== '(') continue;
      }
      return i;
    }
    return 0;
  };

  /** `status.fault` for that member chain; undefined for anything else. A loop: jsep parses `a.b.c…` of any length. */
  const dotted = (node: Node): string | undefined => {
    const names: string[] = [];
    let n = node;
    while (n.type === 'MemberExpression') {
      const m = n as jsep.MemberExpression;
      if (m.computed || m.property.type !== 'Identifier') return undefined;
      names.push((m.property as jsep.Identifier).name);
      n = m.object;
    }
    if (n.type !== 'Identifier') return undefined;
    names.push((n as jsep.Identifier).name);
    return names.reverse().join('.');
  };

  const variable = (name: string): Evaluate | undefined => {
    switch (name) {
      case 't':
        timed = true;
        return (f) => f.t;
      case 'dt':
        stateful = true;
        return (f) => f.dt;
      case 'prev':
        stateful = true;
        return (f) => f.prev;
      case 'PI':
        return constant(Math.PI);
      case 'E':
        return constant(Math.E);
      default:
        return undefined;
    }
  };

  const name = (n: string): Evaluate => {
    const v = variable(n);
    if (v) return v;
    const r = names.resolve(n);
    if (typeof r === 'function') {
      references.add(n);
      return r;
    }
    if (typeof r === 'string') throw new Refused(r, at(n));
    const close = suggest(n, [...VARIABLES, ...names.all()]);
    throw new Refused(`unknown name ${n}${close ? `: did you mean ${close}?` : ''}`, at(n));
  };

  const call = (node: jsep.CallExpression): Evaluate => {
    const fn = dotted(node.callee);
    if (fn === undefined) throw new Refused('only a function name can be called', Math.max(0, text.indexOf('(')));
    const builtin = Object.hasOwn(BUILTINS, fn) ? BUILTINS[fn] : undefined;
    if (!builtin) {
      const close = suggest(fn, Object.keys(BUILTINS));
      throw new Refused(`unknown function ${fn}${close ? `: did you mean ${close}?` : ''}`, at(fn, true));
    }
    const n = node.arguments.length;
    if (n < builtin.min || n > builtin.max) {
      const want = builtin.min === builtin.max ? `${builtin.min}` : `${builtin.min} to ${builtin.max}`;
      throw new Refused(`${fn} takes ${want} argument${builtin.max === 1 ? '' : 's'}, not ${n}`, at(fn, true));
    }
    const args = node.arguments.map(compile);
    if (builtin.timed) timed = true;
    const site: Site = { stream: builtin.random ? streams++ : -1, slot: builtin.slots > 0 ? slots.length : -1 };
    if (builtin.slots > 0) {
      stateful = true;
      slots.push(...(builtin.init ?? new Array<number>(builtin.slots).fill(0)));
    }
    return apply(builtin, site, args);
  };

  /**
   * A binary operation and the ones down its left side (`1+1+…+1` is 5,000 of them, which jsep
   * parses by a loop): walked by a loop, so no length of chain exhausts the stack here, and
   * evaluated by a loop when long (compileChain), so not at run time either.
   */
  const chain = (top: jsep.BinaryExpression): Evaluate => {
    const spine: jsep.BinaryExpression[] = [];
    let n: Node = top;
    for (; n.type === 'BinaryExpression'; n = (n as jsep.BinaryExpression).left) spine.push(n as jsep.BinaryExpression);
    // Left to right, as written: the first mistake is reported, and call sites are numbered in order.
    const base = compile(n);
    const links: Link<Evaluate>[] = [];
    for (let i = spine.length - 1; i >= 0; i--) {
      const b = spine[i]!;
      const op = b.operator === '&&' || b.operator === '||' ? b.operator : Object.hasOwn(BINARY, b.operator) ? BINARY[b.operator] : undefined;
      if (!op) throw new Refused(`unknown operator ${b.operator}`, Math.max(0, text.indexOf(b.operator)));
      links.push({ operator: b.operator, op, right: compile(b.right) });
    }
    return compileChain(base, links);
  };

  const compile = (node: Node): Evaluate => {
    switch (node.type) {
      case 'Literal': {
        const v = (node as jsep.Literal).value;
        if (typeof v === 'number' || typeof v === 'boolean') return constant(Number(v));
        throw new Refused(`${(node as jsep.Literal).raw} is not a number: expressions compute numbers`, at((node as jsep.Literal).raw));
      }
      // A name (`speed`) or a bit of one (`status.fault`).
      case 'Identifier':
      case 'MemberExpression': {
        const n = dotted(node);
        if (n === undefined) throw new Refused('[ ] is not part of the language: name a point or a bit as point.bit', Math.max(0, text.indexOf('[')));
        return name(n);
      }
      case 'UnaryExpression': {
        const u = node as jsep.UnaryExpression;
        const op = UNARY[u.operator];
        if (!op) throw new Refused(`unknown operator ${u.operator}`, at(u.operator));
        const a = compile(u.argument);
        const k = CONSTANTS.get(a);
        if (k !== undefined) return constant(op(k));
        if (u.operator === '-') return (f) => -a(f);
        return (f) => op(a(f));
      }
      case 'BinaryExpression':
        return chain(node as jsep.BinaryExpression);
      case 'ConditionalExpression': {
        const c = node as jsep.ConditionalExpression;
        const test = compile(c.test);
        const yes = compile(c.consequent);
        const no = compile(c.alternate);
        return (f) => (truth(test(f)) ? yes(f) : no(f));
      }
      case 'CallExpression':
        return call(node as jsep.CallExpression);
      case 'Compound':
        throw new Refused('one expression only: an operator or a comma is missing', secondStart(node as jsep.Compound, text));
      default:
        throw new Refused(`${describe(node.type)} is not part of the language`, 0);
    }
  };

  try {
    const evaluate = compile(parsed.node);
    return { ok: true, expression: { evaluate, stateful, references, slots, streams, timed, constant: CONSTANTS.get(evaluate) } };
  } catch (error) {
    if (error instanceof Refused) return { ok: false, error: { message: error.message, index: error.index } };
    throw error;
  }
}

/** Closures that always give the same number, and that number (for folding). */
const CONSTANTS = new WeakMap<Evaluate, number>();

function constant(v: number): Evaluate {
  const e: Evaluate = () => v;
  CONSTANTS.set(e, v);
  return e;
}

/** One operation of a chain: the operator, its function (`&&` and `||` short-circuit) and its right side. */
interface Link<R> {
  readonly operator: string;
  readonly op: ((a: number, b: number) => number) | '&&' | '||';
  readonly right: R;
}

/** Chains up to this long nest closures (each operator its own, fastest); longer ones loop. */
const NESTED_CHAIN = 16;

/**
 * `base op1 r1 op2 r2 …` evaluated left to right. The constant start folds; then short chains
 * become nested closures and long ones one loop over the rest, so evaluating never recurses
 * deeper than NESTED_CHAIN per chain.
 */
function compileChain(base: Evaluate, links: readonly Link<Evaluate>[]): Evaluate {
  let acc = base;
  let i = 0;
  for (; i < links.length && CONSTANTS.has(acc) && CONSTANTS.has(links[i]!.right); i++) acc = link(acc, links[i]!);
  if (links.length - i <= NESTED_CHAIN) {
    for (; i < links.length; i++) acc = link(acc, links[i]!);
    return acc;
  }
  const start = acc;
  const rest = links.slice(i);
  const ops = rest.map((l) => l.op);
  const rights = rest.map((l) => l.right);
  return (f) => {
    let x = start(f);
    for (let k = 0; k < ops.length; k++) {
      const op = ops[k]!;
      if (op === '&&') x = truth(x) ? rights[k]!(f) : 0;
      else if (op === '||') x = truth(x) ? x : rights[k]!(f);
      else x = op(x, rights[k]!(f));
    }
    return x;
  };
}

function link(a: Evaluate, l: Link<Evaluate>): Evaluate {
  const c = l.right;
  if (l.op === '&&') return (f) => (truth(a(f)) ? c(f) : 0);
  if (l.op === '||') {
    return (f) => {
      const x = a(f);
      return truth(x) ? x : c(f);
    };
  }
  return binary(l.operator, l.op, a, c);
}

/**
 * A binary operation: folded when both sides are constants, and the arithmetic operators as
 * closures of their own (a constant side inlined), since a closure shared by every operator
 * would make each call site see every operator.
 */
function binary(operator: string, op: (a: number, b: number) => number, a: Evaluate, c: Evaluate): Evaluate {
  const x = CONSTANTS.get(a);
  const y = CONSTANTS.get(c);
  if (x !== undefined && y !== undefined) return constant(op(x, y));
  switch (operator) {
    case '+':
      return x !== undefined ? (f) => x + c(f) : y !== undefined ? (f) => a(f) + y : (f) => a(f) + c(f);
    case '-':
      return x !== undefined ? (f) => x - c(f) : y !== undefined ? (f) => a(f) - y : (f) => a(f) - c(f);
    case '*':
      return x !== undefined ? (f) => x * c(f) : y !== undefined ? (f) => a(f) * y : (f) => a(f) * c(f);
    case '/':
      return x !== undefined ? (f) => x / c(f) : y !== undefined ? (f) => a(f) / y : (f) => a(f) / c(f);
    case '<':
      return (f) => (a(f) < c(f) ? 1 : 0);
    case '>':
      return (f) => (a(f) > c(f) ? 1 : 0);
    default:
      return (f) => op(a(f), c(f));
  }
}

function apply(b: Builtin, site: Site, args: Evaluate[]): Evaluate {
  const impl = b.impl;
  const [x, y, z] = args;
  switch (args.length) {
    case 1:
      return (f: Frame) => impl(f, site, x!(f), undefined, undefined);
    case 2:
      return (f: Frame) => impl(f, site, x!(f), y!(f), undefined);
    default:
      return (f: Frame) => impl(f, site, x!(f), y!(f), z!(f));
  }
}

const describe = (type: string): string =>
  ({ ArrayExpression: 'an array', ThisExpression: 'this', SequenceExpression: 'a sequence' })[type] ?? type;

/** Where the second of several juxtaposed expressions starts (`a b`): after the first's text. */
function secondStart(_node: jsep.Compound, text: string): number {
  const m = /^\s*[\w$.]+\s+/.exec(text);
  return m ? m[0].length : Math.max(0, text.search(/\s\S/) + 1);
}
