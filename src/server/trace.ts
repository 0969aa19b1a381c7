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
