import { createServer, type AddressInfo, type BlockList, type Server, type Socket } from 'node:net';
import type { AcceptMode, ConnectionInfo, ConnectionPolicy, Handler } from '../pipeline/types.js';
import { defaultLogger, type Logger } from '../log.js';
import type { Framing } from '../protocol/framing.js';
import { mbapFraming } from '../protocol/mbap.js';

export type { AcceptMode, ConnectionPolicy };
import type { Timer, TimerHandle } from '../time.js';
import { Connection, type ConnectionHost } from './connection.js';
import { hostPort } from './host-port.js';
import { socketLink } from './link.js';
import type { TrafficLevel } from './trace.js';
import { directIoUnavailable, type SocketIoMode } from './socket-io.js';
import { WarnLimiter } from './warn-limit.js';
import { isAllowed } from './allow-list.js';
import { TlsAcceptor, type TlsFaultPicker, type TlsHost, type TlsOptions } from './tls.js';
import type { Link } from './link.js';
import type { ConnectionPool } from './pool.js';


export interface ServerOptions {
  handler: Handler;
  /** How PDUs are framed on every connection: MBAP (the default), or another Framing (RTU over TCP). */
  framing?: Framing;
  host?: string;
  /** 0 (the default here) picks a free port; `listen()` tells which. */
  port?: number;
  /**
   * Close a connection after this long without a request (a reply still being made counts as
   * activity); 0 = never. Default 60 000 (the ancestor's).
   */
  idleTimeoutMs?: number;
  /** Unlimited when 0 or absent. */
  maxConnections?: number;
  /** The process's connection pool, shared with other listeners (pool.ts): a newcomer needs room in it too. */
  pool?: ConnectionPool;
  connectionPolicy?: ConnectionPolicy;
  /** Wire-level time (idle timeout, close grace, timed chunks): `realTimer`, or a ManualTimer in tests. */
  timer: Timer;
  /** Default: `defaultLogger` (warnings and errors on stderr); traffic lines need a logger at 'info'. */
  logger?: Logger;
  traffic?: TrafficLevel;
  /**
   * 'direct' (the default) reads every socket into one shared buffer and writes below Node's
   * Writable stream; 'stream' uses 'data' events and `socket.write` (socket-io.ts). Both behave
   * the same; 'direct' takes less CPU per request.
   */
  ioMode?: SocketIoMode;
  /** Only clients whose address is in this list are served (server/allow-list.ts); default: everyone. */
  allow?: BlockList;
  /** Modbus/TCP Security: every connection is TLS with a client certificate (server/tls.ts). */
  tls?: TlsOptions;
  /** With `tls`: what TLS fault, if any, each accepted connection gets. */
  tlsFaults?: TlsFaultPicker;
  /** Told of every accepted connection, and of its end. */
  onConnection?: (info: ConnectionInfo) => void;
  onDisconnect?: (info: ConnectionInfo) => void;
  /** Errors of the listener after it is bound (default: logged). */
  onError?: (error: Error) => void;
  /** Each frame dropped for a CRC error (RTU over TCP): the hook for FC 8's bus communication error count. */
  onCrcError?: (info: ConnectionInfo) => void;
}

export interface BoundAddress {
  /** The bound address; a serial line's device path. */
  host: string;
  /** 0 for a serial line. */
  port: number;
  /** `IPv4`, `IPv6`, or `serial`. */
  family: string;
}

/** What the runtime needs of a server, whatever its transport: TCP (this module) or a serial line (serial.ts). */
export interface ModbusServer {
  readonly address: BoundAddress | null;
  readonly ioMode: SocketIoMode;
  readonly connectionCount: number;
  /** What each exchange is handed to now (a fleet's gateway routes unit ids to instances through it). */
  readonly handler: Handler;
  setHandler(handler: Handler): void;
  setAllow(list: BlockList | undefined): void;
  listen(): Promise<BoundAddress>;
  close(): Promise<void>;
}

export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;
/**
 * When the server is full, a connection that has been open this long without completing a
 * request is closed to make room, under either policy: a client that trickles bytes or sends
 * nothing cannot lock others out. Younger ones are spared: a client that has just connected has
 * its first request on the way.
 */
export const INCOMPLETE_GRACE_MS = 500;
/** After an accept failed for want of descriptors, newcomers are turned away this long. */
export const ACCEPT_BACKOFF_MS = 1000;

/**
 * Modbus TCP server on one event loop: any number of clients, each served in order, none able to
 * stall another. The only module that touches node:net.
 */
export class ModbusTcpServer implements ConnectionHost, ModbusServer {
  handler: Handler;
  readonly framing: Framing;
  readonly timer: Timer;
  readonly logger: Logger;
  readonly traffic: TrafficLevel;
  readonly idleTimeoutMs: number;
  readonly warnings: WarnLimiter;
  readonly onCrcError: ((info: ConnectionInfo) => void) | undefined;
  private readonly options: ServerOptions;
  /** Why 'direct' I/O is not (or no longer) used, when it was asked for. */
  private ioFallbackReason: string | undefined;
  private readonly server: Server;
  private readonly connections = new Set<Connection>();
  private readonly closeWaiters = new Set<() => void>();
  private nextId = 1;
  private closing: Promise<void> | null = null;
  private bound: BoundAddress | null = null;
  /** Client addresses served; undefined: everyone. */
  private allow: BlockList | undefined;
  /** Set while backing off after EMFILE/ENFILE: accepted sockets are reset at once. */
  private acceptBackoff: TimerHandle | null = null;
  /** With TLS: runs each accepted socket's handshake before it becomes a Connection. */
  private readonly tls: TlsAcceptor | undefined;
  private tlsFaults: TlsFaultPicker | undefined;
  /** What newcomers get (a device mode, docs/scenarios.md#modes): served, reset, or held unanswered. */
  private accepting: AcceptMode = 'serve';
  /** Sockets accepted while `accepting` is 'ignore': never read, never answered, destroyed when the mode ends. */
  private readonly held = new Set<Socket>();
  /** A device mode's connection limit, which replaces `maxConnections` while set. */
  private modeLimit: number | undefined;

  constructor(options: ServerOptions) {
    this.options = options;
    this.handler = options.handler;
    this.framing = options.framing ?? mbapFraming;
    this.timer = options.timer;
    this.logger = options.logger ?? defaultLogger;
    this.traffic = options.traffic ?? 0;
    this.idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    this.warnings = new WarnLimiter(this.logger, this.timer, this.traffic >= 2);
    this.allow = options.allow;
    this.onCrcError = options.onCrcError;
    if ((options.ioMode ?? 'direct') === 'direct') this.ioFallbackReason = directIoUnavailable();
    this.tlsFaults = options.tlsFaults;
    this.tls = options.tls && new TlsAcceptor(options.tls, this.tlsHost());
    // Accepted sockets start paused so the connection chooses how they are read (socket-io.ts).
    this.server = createServer({ noDelay: true, pauseOnConnect: true }, (socket) => this.accept(socket));
    // A failed listen() is the caller's to report (it rejects); log only errors after that.
    this.server.on('error', (error: NodeJS.ErrnoException) => {
      if (!this.bound) return;
      // Out of descriptors is the server's to survive (and log, rate-limited): not a failure.
      if (error.code === 'EMFILE' || error.code === 'ENFILE') this.outOfDescriptors(error);
      else if (options.onError) options.onError(error);
      else this.logger.log('error', `server error: ${error.message}`);
    });
  }

  /** How new connections move bytes: 'stream' when asked for, or once 'direct' had to fall back (TLS: always 'stream'). */
  get ioMode(): SocketIoMode {
    return this.tls !== undefined || this.options.ioMode === 'stream' || this.ioFallbackReason !== undefined ? 'stream' : 'direct';
  }

  /** The first fallback is logged and switches every later connection to the documented API. */
  ioFallback(connectionId: number, reason: string): void {
    if (this.ioFallbackReason !== undefined) return;
    this.ioFallbackReason = reason;
    this.logger.log('warn', `socket I/O: #${connectionId} and later connections use Node's stream API: ${reason}`);
  }

  /** Replaces the handler; every later exchange, on live connections too, uses the new one. */
  setHandler(handler: Handler): void {
    this.handler = handler;
  }

  /** With TLS: the faults of the connections accepted from now on. */
  setTlsFaults(picker: TlsFaultPicker | undefined): void {
    this.tlsFaults = picker;
  }

  /** Serves only clients in `list` from the next connection on (connections already open stay). */
  setAllow(list: BlockList | undefined): void {
    this.allow = list;
  }

  /**
   * From now on newcomers are served, reset at once ('refuse') or accepted and never answered
   * ('ignore'); connections already open stay. Leaving 'ignore' destroys the sockets it held.
   */
  setAccepting(mode: AcceptMode): void {
    this.accepting = mode;
    if (mode === 'ignore') return;
    for (const socket of this.held) socket.destroy();
    this.held.clear();
  }

  /** At most `limit` open connections from the next accept on (undefined: `maxConnections` again); open ones stay. */
  setConnectionLimit(limit: number | undefined): void {
    this.modeLimit = limit;
  }

  get address(): BoundAddress | null {
    return this.bound;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Binds and resolves with the bound address (port 0 gives a free port). */
  listen(): Promise<BoundAddress> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      this.server.once('error', onError);
      this.server.listen({ host: this.options.host ?? '127.0.0.1', port: this.options.port ?? 0 }, () => {
        this.server.off('error', onError);
        const a = this.server.address() as AddressInfo;
        this.bound = { host: a.address, port: a.port, family: a.family };
        const why = this.ioFallbackReason === undefined ? '' : ` (direct I/O unavailable: ${this.ioFallbackReason})`;
        this.logger.log('debug', `socket I/O: ${this.ioMode}${why}`);
        resolve(this.bound);
      });
    });
  }

  /** Ends every connection and stops listening; resolves when all are gone. Idempotent. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      let listening = this.server.listening;
      const maybeDone = (): void => {
        if (!listening && this.connections.size === 0) resolve();
      };
      this.closeWaiters.add(maybeDone);
      if (listening) {
        this.server.close(() => {
          listening = false;
          maybeDone();
        });
      }
      for (const c of this.connections) c.close('destroy');
      this.tls?.close();
      this.setAccepting('serve');
      this.acceptBackoff?.cancel();
      this.warnings.flush();
      maybeDone();
    });
    return this.closing;
  }

  onClosed(connection: Connection): void {
    if (!this.connections.delete(connection)) return;
    if (this.options.pool) this.options.pool.open--;
    if (this.traffic) this.logger.log('info', `#${connection.info.id} disconnected`);
    this.options.onDisconnect?.(connection.info);
    for (const waiter of this.closeWaiters) waiter();
  }

  /**
   * An accept failed for want of descriptors. (libuv usually hides this: it sheds the waiting
   * connections itself with a reserved descriptor, so this is seen only when that fails too.)
   * Newcomers are reset at once for ACCEPT_BACKOFF_MS, so those already served keep their share.
   */
  private outOfDescriptors(error: NodeJS.ErrnoException): void {
    this.warnings.log('warn', 'failed accepts', `accept failed: ${error.code} (out of file descriptors): refusing new connections for ${ACCEPT_BACKOFF_MS} ms`);
    if (this.acceptBackoff || this.closing) return;
    this.acceptBackoff = this.timer.setTimeout(() => {
      this.acceptBackoff = null;
    }, ACCEPT_BACKOFF_MS);
  }

  /** The open connection longest without a complete request, once past INCOMPLETE_GRACE_MS. */
  private stalled(): Connection | undefined {
    const before = this.timer.now() - INCOMPLETE_GRACE_MS;
    let found: Connection | undefined;
    for (const c of this.connections) {
      if (!c.isClosed && !c.completedRequest && c.acceptedAt <= before && (!found || c.acceptedAt < found.acceptedAt)) found = c;
    }
    return found;
  }

  /**
   * closeLeastRecentlyActive: the connection whose last complete request is oldest, among those
   * that completed one; then the oldest of those still within their grace (a burst of newcomers
   * larger than the limit, none of which has sent a request yet).
   */
  private leastRecentlyActive(): Connection | undefined {
    let served: Connection | undefined;
    let young: Connection | undefined;
    for (const c of this.connections) {
      if (c.isClosed) continue;
      if (c.completedRequest) {
        if (!served || c.lastActivity < served.lastActivity) served = c;
      } else if (!young || c.acceptedAt < young.acceptedAt) {
        young = c;
      }
    }
    return served ?? young;
  }

  /** A newcomer while a mode turns them away: reset at once, or held and never read. */
  private turnAway(socket: Socket): void {
    socket.on('error', () => {});
    if (this.accepting === 'refuse') {
      socket.resetAndDestroy();
      return;
    }
    this.held.add(socket);
    socket.once('close', () => this.held.delete(socket));
  }

  private accept(socket: Socket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    if (this.allow && !isAllowed(this.allow, socket.remoteAddress, socket.remoteFamily)) {
      // Closed before a byte is read: the client sees its connection end at once.
      this.warnings.log('warn', 'connections from addresses not allowed', `connection from ${hostPort(socket.remoteAddress ?? '?', socket.remotePort ?? 0)} closed: its address is not allowed (--allow, server.allow)`);
      socket.on('error', () => {});
      socket.destroy();
      return;
    }
    if (this.accepting !== 'serve') {
      this.turnAway(socket);
      return;
    }
    const max = this.modeLimit ?? this.options.maxConnections ?? 0;
    // Connections we already closed (FIN sent, peer not done yet) no longer count as open.
    let open = 0;
    if (max > 0) for (const c of this.connections) if (!c.isClosed) open++;
    // Handshakes under way hold a descriptor too: a flood of them cannot get past the limit.
    if (max > 0 && this.tls) open += this.tls.handshaking;
    if (this.acceptBackoff) {
      this.warnings.log('warn', 'connections refused for want of descriptors', `connection from ${socket.remoteAddress}:${socket.remotePort} refused: out of file descriptors`);
      socket.on('error', () => {});
      socket.resetAndDestroy();
      return;
    }
    const pool = this.options.pool;
    const ownFull = max > 0 && open >= max;
    if (ownFull || pool?.full) {
      // The policy picks among this listener's own connections: in a full pool, a device holding none refuses.
      const refuse = (this.options.connectionPolicy ?? 'refuse') === 'refuse';
      const evict = this.stalled() ?? (refuse ? undefined : this.leastRecentlyActive());
      const full = ownFull ? `${max} connections open` : `${pool!.limit} connections open in this process (the connection pool)`;
      if (!evict) {
        this.warnings.log('warn', 'refused connections', `connection from ${hostPort(socket.remoteAddress ?? '?', socket.remotePort ?? 0)} refused: ${full}`);
        socket.on('error', () => {});
        socket.destroy();
        return;
      }
      const why = evict.completedRequest ? '' : ' (no complete request yet)';
      this.warnings.log('warn', 'connections closed to make room', `#${evict.info.id} closed to make room${why}: ${full}`);
      // A reset, not a FIN: a graceful close keeps the descriptor for up to the half-close grace
      // (5 s), and descriptors are what a full server may be short of. The peer being evicted
      // learns it at once either way. It stays in `connections` until its socket closes.
      evict.close('reset');
    }
    const id = this.nextId++;
    if (this.tls) {
      this.tls.accept(socket, id, this.tlsFaults?.());
      return;
    }
    this.serve(socketLink(socket, this.ioMode, (reason) => this.ioFallback(id, reason)), id);
  }

  /** What the TLS acceptor sees of this server. */
  private tlsHost(): TlsHost {
    return {
      timer: this.timer,
      warnings: this.warnings,
      idleTimeoutMs: this.idleTimeoutMs,
      secured: (link, id) => {
        if (this.closing) link.destroy();
        else this.serve(link, id);
      },
    };
  }

  private serve(link: Link, id: number): void {
    const connection = new Connection(link, this, id);
    this.connections.add(connection);
    if (this.options.pool) this.options.pool.open++;
    if (this.traffic) this.logger.log('info', `#${connection.info.id} connected from ${hostPort(connection.info.remoteAddress, connection.info.remotePort)}`);
    this.options.onConnection?.(connection.info);
  }
}
