import type { Framing } from '../protocol/framing.js';
import { mbapFraming } from '../protocol/mbap.js';

/**
 * Where and how a device is served: the runtime builds its server from one of these (the one
 * construction site, runtime.ts), and a reload whose transport differs (sameTransport) gets a
 * new server, bound before the old one closes. Today: TCP with a framing (MBAP; RTU over TCP
 * is the same kind with another framing). A serial line or TLS joins as another kind, built
 * at the same site, its byte streams handed to the connection loop as Links (link.ts).
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

export type Transport = TcpTransport;

export function tcpTransport(host: string, port: number, framing: Framing = mbapFraming, tls?: TlsFiles): TcpTransport {
  return { kind: 'tcp', host, port, framing, ...(tls && { tls }) };
}

const sameTls = (a: TlsFiles | undefined, b: TlsFiles | undefined): boolean =>
  a === b || (a !== undefined && b !== undefined && a.cert === b.cert && a.key === b.key && a.clientCa === b.clientCa && a.minVersion === b.minVersion);

/** Whether a server built for `a` serves `b` as it is (else a reload rebinds). */
export function sameTransport(a: Transport, b: Transport): boolean {
  return a.kind === b.kind && a.host === b.host && a.port === b.port && a.framing === b.framing && sameTls(a.tls, b.tls);
}
