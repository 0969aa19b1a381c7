import type { Socket } from 'node:net';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import type { Timer, TimerHandle } from '../time.js';
import { certificateRole } from './cert-role.js';
import { hostPort } from './host-port.js';
import { streamLink, type Link } from './link.js';
import type { WarnLimiter } from './warn-limit.js';

/**
 * Modbus/TCP Security on a listener: TLS 1.2 or later, the server's certificate and key, and
 * mutual authentication against the client CA (a client without a certificate the CA issued is
 * refused at the handshake). PEM text or bytes, as read from the files.
 */
export interface TlsOptions {
  readonly cert: string | Uint8Array;
  readonly key: string | Uint8Array;
  readonly clientCa: string | Uint8Array;
  /** Default TLSv1.2 (the specification's minimum). */
  readonly minVersion?: 'TLSv1.2' | 'TLSv1.3';
}

/**
 * What a TLS fault does to one accepted connection: `stallHandshake` reads the client's hello and
 * never answers; `closeAfterHandshake` completes the handshake, then resets the connection
 * before any request.
 */
export type TlsFault = 'stallHandshake' | 'closeAfterHandshake';
/** Asked once per accepted connection: the fault it gets (and the rule's name, for the log), or undefined. */
export type TlsFaultPicker = () => { readonly name: string; readonly do: TlsFault } | undefined;

/** A TCP socket between accept and the end of its handshake. */
interface Pending {
  readonly raw: Socket;
  readonly id: number;
  readonly fault: TlsFault | undefined;
  /** The fault's name, for the log. */
  readonly why: string;
  /** Why the handshake failed, when Node said. */
  reason?: string;
  stall?: TimerHandle;
}

/** A handshake not done in this long is abandoned (Node's default is 120 s). */
export const HANDSHAKE_TIMEOUT_MS = 10_000;

/** What the acceptor needs from its server. */
export interface TlsHost {
  readonly timer: Timer;
  readonly warnings: WarnLimiter;
  /** How long a stalled handshake is held before it is closed (the idle timeout); 0: until the client goes. */
  readonly idleTimeoutMs: number;
  /** A client authenticated: serve it over `link`, numbered `id`. */
  secured(link: Link, id: number): void;
}

/**
 * Runs the handshake of each accepted TCP socket through a node:tls Server that never listens
 * itself (sockets are handed to it with its 'connection' event), so the TCP listener's address
 * checks and connection limits apply before any TLS work. Authenticated sockets are served
 * through Node's documented stream API (streamLink), never the direct path of socket-io.ts.
 */
export class TlsAcceptor {
  private readonly server: Server;
  /** TCP sockets between accept and the end of their handshake (or held by `stallHandshake`), by peer. */
  private readonly pending = new Map<string, Pending>();

  constructor(
    options: TlsOptions,
    private readonly host: TlsHost,
  ) {
    // Throws for a key that does not match the certificate or PEM that is no PEM: the caller's
    // mistake, found before anything listens.
    this.server = createServer({
      cert: toPem(options.cert),
      key: toPem(options.key),
      ca: toPem(options.clientCa),
      requestCert: true,
      rejectUnauthorized: true,
      minVersion: options.minVersion ?? 'TLSv1.2',
      handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
    });
    this.server.on('secureConnection', (socket) => {
      // An event listener that threw would take the process down: a handshake never may.
      try {
        this.secure(socket);
      } catch (error) {
        this.host.warnings.log('error', 'TLS connection failures', `TLS connection from ${peer(socket)} dropped: ${(error as Error).stack ?? String(error)}`);
        socket.destroy();
      }
    });
    // Why a handshake failed, when OpenSSL says (no certificate, a protocol error); a certificate
    // the client CA did not issue is refused by Node after the handshake, without an event: the
    // TCP socket's close says it (accept()).
    this.server.on('tlsClientError', (error: NodeJS.ErrnoException, socket) => {
      const entry = this.pending.get(peer(socket));
      if (entry) entry.reason ??= error.code ?? error.message;
      socket.destroy();
    });
  }

  /** Handshakes under way (they count towards the connection limit). */
  get handshaking(): number {
    return this.pending.size;
  }

  /** Starts the handshake of an accepted socket (paused, as accepted), or stalls it. */
  accept(raw: Socket, id: number, picked: ReturnType<TlsFaultPicker>): void {
    const key = peer(raw);
    const fault = picked?.do;
    const why = `(TLS fault ${picked?.name ?? ''})`;
    const entry: Pending = { raw, id, fault, why };
    this.pending.set(key, entry);
    raw.on('error', () => {});
    raw.once('close', () => {
      entry.stall?.cancel();
      if (this.pending.get(key) !== entry) return;
      this.pending.delete(key);
      // Closed before it was served, and not held by a fault: refused (or the client gave up).
      if (fault !== 'stallHandshake') this.host.warnings.log('warn', 'refused TLS handshakes', `TLS handshake from ${key} refused: ${entry.reason ?? 'no certificate the client CA issued (or the client left)'}`);
    });
    if (fault === 'stallHandshake') {
      this.host.warnings.log('info', 'stalled TLS handshakes', `#${id} TLS handshake from ${key} stalled ${why}`);
      // Read and drop the client's hello: it waits for an answer that never comes.
      raw.on('data', () => {});
      raw.resume();
      const idle = this.host.idleTimeoutMs;
      if (idle > 0) entry.stall = this.host.timer.setTimeout(() => raw.destroy(), idle);
      return;
    }
    this.server.emit('connection', raw);
  }

  /** Destroys every socket still in its handshake (the server is closing). */
  close(): void {
    for (const { raw, stall } of this.pending.values()) {
      stall?.cancel();
      raw.destroy();
    }
    this.pending.clear();
  }

  private secure(socket: TLSSocket): void {
    const key = peer(socket);
    const entry = this.pending.get(key);
    if (!entry) {
      socket.destroy();
      return;
    }
    this.pending.delete(key);
    const { raw, id, fault, why } = entry;
    if (fault === 'closeAfterHandshake') {
      this.host.warnings.log('info', 'closed TLS connections', `#${id} reset after its TLS handshake ${why}`);
      raw.resetAndDestroy();
      return;
    }
    // Read once per connection: every request on it has this role (or none).
    const role = certificateRole(socket.getPeerX509Certificate()?.raw ?? new Uint8Array(0));
    const link: Link = {
      ...streamLink(socket, raw.remoteAddress ?? '?', raw.remotePort ?? 0),
      ...(role !== undefined && { role }),
      // A TLSSocket has no RST of its own; the TCP socket under it does.
      reset: () => raw.resetAndDestroy(),
    };
    this.host.secured(link, id);
  }
}

const peer = (socket: Socket): string => hostPort(socket.remoteAddress ?? '?', socket.remotePort ?? 0);

const toPem = (pem: string | Uint8Array): string | Buffer => (typeof pem === 'string' ? pem : Buffer.from(pem.buffer, pem.byteOffset, pem.byteLength));
