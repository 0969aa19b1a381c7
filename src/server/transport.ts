import type { Framing } from '../protocol/framing.js';
import { mbapFraming } from '../protocol/mbap.js';
import { describeLine, type SerialLine } from '../protocol/rtu.js';
import { hostPort } from './host-port.js';

/**
 * Where and how a device is served: the runtime builds its server from one of these (the one
 * construction site, runtime.ts), and a reload whose transport differs (sameTransport) gets a
 * new server, bound before the old one closes. TCP with a framing (MBAP, or RTU over TCP), or a
 * serial line (RTU; serial.ts), whose byte stream reaches the connection loop as a Link (link.ts).
 */
export interface TcpTransport {
  readonly kind: 'tcp';
  readonly host: string;
  /** 0: any free port. */
  readonly port: number;
  readonly framing: Framing;
  /** Modbus/TCP Security on this listener (server/tls.ts); undefined: plain TCP. */
  readonly tls?: TlsFiles;
}

/** Where a TLS listener's PEM files are (absolute paths, read when its server is built), and its lowest version. */
export interface TlsFiles {
  readonly cert: string;
  readonly key: string;
  readonly clientCa: string;
  readonly minVersion?: 'TLSv1.2' | 'TLSv1.3';
}

/** RTU on a serial line. */
export interface SerialTransport {
  readonly kind: 'serial';
  readonly line: SerialLine;
}

export type Transport = TcpTransport | SerialTransport;

export function tcpTransport(host: string, port: number, framing: Framing = mbapFraming, tls?: TlsFiles): TcpTransport {
  return { kind: 'tcp', host, port, framing, ...(tls && { tls }) };
}

export function serialTransport(line: SerialLine): SerialTransport {
  return { kind: 'serial', line };
}

const sameTls = (a: TlsFiles | undefined, b: TlsFiles | undefined): boolean =>
  a === b || (a !== undefined && b !== undefined && a.cert === b.cert && a.key === b.key && a.clientCa === b.clientCa && a.minVersion === b.minVersion);

/** Whether a server built for `a` serves `b` as it is (else a reload rebinds). */
export function sameTransport(a: Transport, b: Transport): boolean {
  if (a.kind === 'serial' || b.kind === 'serial') {
    if (a.kind !== 'serial' || b.kind !== 'serial') return false;
    const x = a.line;
    const y = b.line;
    return x.path === y.path && x.baudRate === y.baudRate && x.parity === y.parity && x.dataBits === y.dataBits && x.stopBits === y.stopBits && x.unitId === y.unitId;
  }
  return a.host === b.host && a.port === b.port && a.framing === b.framing && sameTls(a.tls, b.tls);
}

/** A transport for log lines: `127.0.0.1:5020`, `127.0.0.1:5020 (RTU over TCP)`, `127.0.0.1:802 (TLS)`, `/dev/ttyUSB0 19200 8E1 (RTU)`. */
export function describeTransport(t: Transport): string {
  if (t.kind === 'serial') return `${describeLine(t.line)} (RTU)`;
  const framing = t.framing === mbapFraming ? '' : ` (${t.framing.name} over TCP)`;
  return `${hostPort(t.host, t.port)}${framing}${t.tls ? ' (TLS)' : ''}`;
}
