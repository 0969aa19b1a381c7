import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { ConnectionInfo, ConnectionPolicy, Handler } from '../pipeline/types.js';
import { defaultLogger, type Logger } from '../log.js';

export type { ConnectionPolicy };
import type { Timer } from '../time.js';
import { Connection, type ConnectionHost } from './connection.js';
import { hostPort } from './host-port.js';
import type { TrafficLevel } from './trace.js';
import { directIoUnavailable, type SocketIoMode } from './socket-io.js';


export interface ServerOptions {
  handler: Handler;
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
  /** Told of every accepted connection, and of its end. */
  onConnection?: (info: ConnectionInfo) => void;
  onDisconnect?: (info: ConnectionInfo) => void;
  /** Errors of the listener after it is bound (default: logged). */
  onError?: (error: Error) => void;
}

export interface BoundAddress {
  host: string;
  port: number;
  family: string;
}

export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

/**
 * Modbus TCP server on one event loop: any number of clients, each served in order, none able to
 * stall another. The only module that touches node:net.
 */
export class ModbusTcpServer implements ConnectionHost {
  handler: Handler;
  readonly timer: Timer;
  readonly logger: Logger;
  readonly traffic: TrafficLevel;
  readonly idleTimeoutMs: number;
  private readonly options: ServerOptions;
  /** Why 'direct' I/O is not (or no longer) used, when it was asked for. */
  private ioFallbackReason: string | undefined;
  private readonly server: Server;
  private readonly connections = new Set<Connection>();
  private readonly closeWaiters = new Set<() => void>();
  private nextId = 1;
  private closing: Promise<void> | null = null;
  private bound: BoundAddress | null = null;

  constructor(options: ServerOptions) {
    this.options = options;
    this.handler = options.handler;
    this.timer = options.timer;
    this.logger = options.logger ?? defaultLogger;
    this.traffic = options.traffic ?? 0;
    this.idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    if ((options.ioMode ?? 'direct') === 'direct') this.ioFallbackReason = directIoUnavailable();
    // Accepted sockets start paused so the connection chooses how they are read (socket-io.ts).
    this.server = createServer({ noDelay: true, pauseOnConnect: true }, (socket) => this.accept(socket));
    // A failed listen() is the caller's to report (it rejects); log only errors after that.
    this.server.on('error', (error) => {
      if (!this.bound) return;
      if (options.onError) options.onError(error);
      else this.logger.log('error', `server error: ${error.message}`);
    });
  }

  /** How new connections move bytes: 'stream' when asked for, or once 'direct' had to fall back. */
  get ioMode(): SocketIoMode {
    return this.options.ioMode === 'stream' || this.ioFallbackReason !== undefined ? 'stream' : 'direct';
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
      maybeDone();
    });
    return this.closing;
  }

  onClosed(connection: Connection): void {
    if (!this.connections.delete(connection)) return;
    if (this.traffic) this.logger.log('info', `#${connection.info.id} disconnected`);
    this.options.onDisconnect?.(connection.info);
    for (const waiter of this.closeWaiters) waiter();
  }

  private accept(socket: Socket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    const max = this.options.maxConnections ?? 0;
    // Connections we already closed (FIN sent, peer not done yet) no longer count as open.
    let open = 0;
    if (max > 0) for (const c of this.connections) if (!c.isClosed) open++;
    if (max > 0 && open >= max) {
      if ((this.options.connectionPolicy ?? 'refuse') === 'refuse') {
        this.logger.log('warn', `connection from ${hostPort(socket.remoteAddress ?? '?', socket.remotePort ?? 0)} refused: ${max} connections open`);
        socket.on('error', () => {});
        socket.destroy();
        return;
      }
      let oldest: Connection | undefined;
      for (const c of this.connections) if (!c.isClosed && (!oldest || c.lastActivity < oldest.lastActivity)) oldest = c;
      if (oldest) {
        this.logger.log('warn', `#${oldest.info.id} closed to make room: ${max} connections open`);
        // It stays in `connections` until its socket closes, so close() still reaches it.
        oldest.close('end');
      }
    }
    const connection = new Connection(socket, this, this.nextId++);
    this.connections.add(connection);
    if (this.traffic) this.logger.log('info', `#${connection.info.id} connected from ${hostPort(connection.info.remoteAddress, connection.info.remotePort)}`);
    this.options.onConnection?.(connection.info);
  }
}
