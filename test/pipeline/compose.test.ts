import { describe, expect, it } from 'vitest';
import { compose, exception, isPromiseLike, response, SILENCE } from '../../src/pipeline/compose.js';
import type { Exchange, Handler, Middleware, Outcome } from '../../src/pipeline/types.js';
import { decodeRequest } from '../../src/protocol/request.js';
import { hex } from '../helpers/hex.js';

const pdu = hex('03 00 00 00 01');
const x: Exchange = { transactionId: 1, unitId: 1, pdu, request: decodeRequest(pdu), connection: { id: 1, remoteAddress: '127.0.0.1', remotePort: 1 } };

/** A middleware that records entry and exit around the next handler. */
function tracing(name: string, log: string[]): Middleware {
  return (next) => (exchange) => {
    log.push(`${name} in`);
    const out = next(exchange);
    log.push(`${name} out`);
    return out;
  };
}

describe('compose', () => {
  it('with no middlewares returns the handler itself', () => {
    const handler: Handler = () => SILENCE;
    expect(compose([], handler)).toBe(handler);
  });

  it('the first middleware is the outermost', () => {
    const log: string[] = [];
    const handler: Handler = () => (log.push('handler'), SILENCE);
    const composed = compose([tracing('a', log), tracing('b', log), tracing('c', log)], handler);
    expect(composed(x)).toBe(SILENCE);
    expect(log).toEqual(['a in', 'b in', 'c in', 'handler', 'c out', 'b out', 'a out']);
  });

  it('a middleware can answer without calling next', () => {
    let reached = false;
    const busy: Middleware = () => () => exception(6);
    const composed = compose([busy], () => ((reached = true), SILENCE));
    expect(composed(x)).toEqual({ kind: 'exception', code: 6 });
    expect(reached).toBe(false);
  });

  it('a middleware can rewrite what the inner handler returned, sync or async', async () => {
    const toBusy: Middleware = (next) => (exchange) => {
      const out = next(exchange);
      const rewrite = (o: Outcome): Outcome => (o.kind === 'response' ? exception(6) : o);
      return isPromiseLike(out) ? out.then(rewrite) : rewrite(out);
    };
    expect(compose([toBusy], () => response(hex('03 02 00 00')))(x)).toBe(exception(6));
    expect(await compose([toBusy], async () => response(hex('03 02 00 00')))(x)).toBe(exception(6));
  });

  it('builds the chain once, not per call', () => {
    let built = 0;
    const counting: Middleware = (next) => ((built++), next);
    const composed = compose([counting, counting], () => SILENCE);
    composed(x);
    composed(x);
    expect(built).toBe(2);
  });
});

describe('outcome constructors', () => {
  it('exception() returns one shared, frozen object per code', () => {
    expect(exception(2)).toBe(exception(2));
    expect(exception(2)).not.toBe(exception(3));
    expect(exception(0x42)).toEqual({ kind: 'exception', code: 0x42 });
    expect(Object.isFrozen(exception(4))).toBe(true);
  });

  it('SILENCE is frozen', () => {
    expect(SILENCE).toEqual({ kind: 'silence' });
    expect(Object.isFrozen(SILENCE)).toBe(true);
  });

  it('response() wraps the PDU in a fresh object', () => {
    const p = hex('06 00 01 00 03');
    const a = response(p);
    expect(a).toEqual({ kind: 'response', pdu: p });
    expect(a.kind === 'response' && a.pdu).toBe(p);
    expect(response(p)).not.toBe(a);
  });
});

describe('isPromiseLike', () => {
  it.each([
    // [comment, value, expected]
    ['a Promise', Promise.resolve(SILENCE), true],
    ['a thenable object', { then: () => undefined }, true],
    ['an outcome', SILENCE, false],
    ['an object whose then is not a function', { then: 1 }, false],
    ['null', null, false],
    ['undefined', undefined, false],
    ['a number', 3, false],
    ['a typed array', new Uint16Array(2), false],
  ])('%s → %s', (_comment, value, expected) => {
    expect(isPromiseLike(value)).toBe(expected);
  });
});
