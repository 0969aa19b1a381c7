import { describe, expect, it } from 'vitest';
import { exception, response, SILENCE } from '../../src/pipeline/compose.js';
import type { Exchange, Outcome } from '../../src/pipeline/types.js';
import { decodeRequest } from '../../src/protocol/request.js';
import { formatResult } from '../../src/server/trace.js';

/** `-v` says what became of each request: ok, the exception and its name, or the rule that fired. */
const exchange = (fault?: string): Exchange => {
  const pdu = Uint8Array.of(0x03, 0x00, 0x00, 0x00, 0x01);
  return { transactionId: 7, unitId: 1, pdu, request: decodeRequest(pdu), connection: { id: 3, remoteAddress: '127.0.0.1', remotePort: 5000 }, ...(fault && { fault }) };
};

describe('formatResult (-v)', () => {
  it.each<[string, Outcome, string | undefined, string]>([
    // [what, outcome, rule that fired, line]
    ['a reply', response(Uint8Array.of(3, 2, 0, 1)), undefined, '#3 tid=7 <- ok'],
    ['an exception, named', exception(2), undefined, '#3 tid=7 <- exception 0x02 (illegal data address)'],
    ['a custom exception code', exception(0x42), undefined, '#3 tid=7 <- exception 0x42 (custom code)'],
    ['silence from a rule', SILENCE, 'drop-3rd', '#3 tid=7 <- (no reply) [rule drop-3rd]'],
    ['an exception from a rule', exception(6), 'busy', '#3 tid=7 <- exception 0x06 (server device busy) [rule busy]'],
    ['a close', { kind: 'close', how: 'reset' }, undefined, '#3 tid=7 <- (close: RST)'],
  ])('%s', (_what, outcome, fault, line) => {
    expect(formatResult(exchange(fault), outcome)).toBe(line);
  });
});
