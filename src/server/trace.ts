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

function describe(r: Request): string {
  switch (r.kind) {
    case 'readCoils':
    case 'readDiscreteInputs':
    case 'readHoldingRegisters':
    case 'readInputRegisters':
    case 'writeMultipleCoils':
    case 'writeMultipleRegisters':
      return `${r.kind} address=${r.address} quantity=${r.quantity}`;
    case 'writeSingleCoil':
    case 'writeSingleRegister':
      return `${r.kind} address=${r.address} value=${Number(r.value)}`;
    case 'maskWriteRegister':
      return `${r.kind} address=${r.address} and=0x${r.andMask.toString(16)} or=0x${r.orMask.toString(16)}`;
    case 'readWriteMultipleRegisters':
      return `${r.kind} read=${r.readAddress}+${r.readQuantity} write=${r.writeAddress}+${r.writeQuantity}`;
    case 'readDeviceIdentification':
      return `${r.kind} code=${r.readDeviceIdCode} object=${r.objectId}`;
    case 'diagnostics':
      return `${r.kind} sub=${r.subFunction}`;
    case 'reportServerId':
      return r.kind;
    case 'invalid':
      return `function 0x${r.functionCode.toString(16).padStart(2, '0')} rejected (exception 0x${r.exception.toString(16).padStart(2, '0')})`;
  }
}

export function formatRequest(x: Exchange, level: TrafficLevel): string {
  const fault = x.fault === undefined ? '' : ` fault=${x.fault}`;
  const head = `#${x.connection.id} ${hostPort(x.connection.remoteAddress, x.connection.remotePort)} tid=${x.transactionId} unit=${x.unitId} ${describe(x.request)}${fault}`;
  return level >= 2 ? `${head}\n  -> ${hex(x.pdu)}` : head;
}

const EXCEPTION_NAMES: Readonly<Record<number, string>> = {
  0x01: 'illegal function',
  0x02: 'illegal data address',
  0x03: 'illegal data value',
  0x04: 'server device failure',
  0x05: 'acknowledge',
  0x06: 'server device busy',
  0x08: 'memory parity error',
  0x0a: 'gateway path unavailable',
  0x0b: 'gateway target device failed to respond',
};

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
      return `${head}exception 0x${o.code.toString(16).padStart(2, '0')} (${EXCEPTION_NAMES[o.code] ?? 'custom code'})${rule}`;
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
