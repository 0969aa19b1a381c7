import { exceptionText } from '../protocol/constants.js';
import { functionDescriptor, requestName } from '../protocol/functions.js';
import type { Request } from '../protocol/request.js';
import type { Exchange, Outcome } from '../pipeline/types.js';
import { hostPort } from './host-port.js';

/** Traffic detail: 0 none, 1 each request (-v), 2 requests and replies in hex (-vv). */
export type TrafficLevel = 0 | 1 | 2;

export function hex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += (i ? ' ' : '') + bytes[i]!.toString(16).padStart(2, '0');
  return s;
}

/** A request in a log line: its name and its descriptor's fields (protocol/functions.ts). */
function describe(r: Request): string {
  if (r.kind === 'invalid') {
    return `function 0x${r.functionCode.toString(16).padStart(2, '0')} rejected (exception 0x${r.exception.toString(16).padStart(2, '0')})`;
  }
  const fields = functionDescriptor(r.functionCode)?.describe(r);
  return fields ? `${requestName(r)} ${fields}` : requestName(r);
}

export function formatRequest(x: Exchange, level: TrafficLevel): string {
  const fault = x.fault === undefined ? '' : ` fault=${x.fault}`;
  const head = `#${x.connection.id} ${hostPort(x.connection.remoteAddress, x.connection.remotePort)} tid=${x.transactionId} unit=${x.unitId} ${describe(x.request)}${fault}`;
  return level >= 2 ? `${head}\n  -> ${hex(x.pdu)}` : head;
}


/**
 * `-v`: what became of a request, in words: `#3 tid=7 <- exception 0x02 (illegal data address)`,
 * `<- ok`, `<- (no reply) [rule drop-3rd]`. `-vv` gives the reply bytes instead (formatOutcome).
 */
export function formatResult(x: Exchange, o: Outcome): string {
  const head = `#${x.connection.id} tid=${x.transactionId} <- `;
  const rule = x.fault === undefined ? '' : ` [rule ${x.fault}]`;
  switch (o.kind) {
    case 'response':
      return `${head}ok${rule}`;
    case 'exception':
      return `${head}exception 0x${o.code.toString(16).padStart(2, '0')} (${exceptionText(o.code) ?? 'custom code'})${rule}`;
    default:
      return formatOutcome(x, o) + rule;
  }
}

export function formatOutcome(x: Exchange, o: Outcome): string {
  const head = `#${x.connection.id} tid=${x.transactionId}`;
  switch (o.kind) {
    case 'response':
      return `${head} <- ${hex(o.pdu)}`;
    case 'exception':
      return `${head} <- exception 0x${o.code.toString(16).padStart(2, '0')}`;
    case 'silence':
      return `${head} <- (no reply)`;
    case 'close':
      return `${head} <- (close: ${o.how === 'end' ? 'FIN' : 'RST'})`;
    case 'wire':
      return `${head} <- raw ${o.chunks.map((c) => `[${hex(c.bytes)}]+${c.delayMs}ms`).join(' ')}`;
  }
}
