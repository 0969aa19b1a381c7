import type { Socket } from 'node:net';
import { onTestFinished } from 'vitest';
import { createDeviceHandler } from '../../src/device/handler.js';
import { InMemoryDataSource } from '../../src/device/memory.js';
import { silentLogger } from '../../src/log.js';
import type { DataSource } from '../../src/device/data-source.js';
import { ModbusTcpServer, type ServerOptions } from '../../src/server/server.js';
import type { SocketIoMode } from '../../src/server/socket-io.js';
import { realTimer } from '../../src/runtime/timers.js';
import type { Timer } from '../../src/time.js';
import type { Connection } from '../../src/server/connection.js';
import { RawClient } from './socket.js';
import { within } from './within.js';

/**
 * The server's side of one connection, observed without changing it: every write call (to tell
 * one batched write from several), every chunk read, and pause calls (flow control). It reaches
 * into the Connection (its link's socket, and its entry points for bytes read and written) because the
 * socket the server reads is not the one net.Server accepted, may emit no 'data' events, and is
 * written to below `socket.write` (src/server/socket-io.ts).
 */
export class ServerSide {
  readonly writes: Uint8Array[] = [];
  readonly reads: Uint8Array[] = [];
  readonly socket: Socket;
  private readonly waiters = new Set<() => void>();
  private sawClose = false;

  constructor(connection: Connection) {
    const internals = connection as unknown as {
      link?: { socket?: Socket };
      send?: (bytes: Uint8Array) => boolean;
      onBytes?: (bytes: Uint8Array, length: number) => void;
    };
    if (!internals.link?.socket || typeof internals.send !== 'function' || typeof internals.onBytes !== 'function') {
      throw new Error('test helper: Connection no longer keeps `link.socket`, `send` and `onBytes`');
    }
    const socket = internals.link.socket;
    this.socket = socket;
    const send = internals.send;
    internals.send = (bytes) => {
      this.writes.push(bytes.slice());
      const result = send(bytes);
      this.notify();
      return result;
    };
    const pause = socket.pause;
    socket.pause = () => {
      pause.call(socket);
      this.notify();
      return socket;
    };
    // Recorded after the connection has handled the chunk, as a later 'data' listener would be.
    const onBytes = internals.onBytes.bind(connection);
    internals.onBytes = (bytes, length) => {
      onBytes(bytes, length);
      this.reads.push(bytes.slice(0, length));
      this.notify();
    };
    socket.on('close', () => {
      this.sawClose = true;
      this.notify();
    });
  }

  get bytesRead(): number {
    return this.socket.bytesRead;
  }

  /**
   * Resolves when `ready()` holds, re-checked after every observed event; rejects after about a
   * second, naming `what` never happened.
   */
  until(ready: () => boolean, what = 'the awaited state of the server\'s side'): Promise<void> {
    let check = (): void => {};
    const reached = new Promise<void>((resolve) => {
      check = (): void => {
        if (!ready()) return;
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
      check();
    });
    return within(what, reached).finally(() => this.waiters.delete(check));
  }

  /** Resolves once the server has read at least `n` bytes from this client. */
  received(n: number): Promise<void> {
    return this.until(() => this.bytesRead >= n, `the server reading ${n} bytes (it read ${this.bytesRead})`);
  }

  /**
   * Resolves once the server's socket has emitted 'close'; the server's own listener ran first.
   * (`socket.closed` turns true earlier, on destroy, before the event.)
   */
  closed(): Promise<void> {
    return this.until(() => this.sawClose, 'the server\'s socket closing');
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

/** The suite's second run sets MODBUS_EMU_IO_MODE=stream (vitest.config.ts); a test's own ioMode wins. */
const env = process.env.MODBUS_EMU_IO_MODE;
export const testIoMode: SocketIoMode | undefined = env === 'stream' || env === 'direct' ? env : undefined;

export type TestServerOptions = Partial<ServerOptions> & { dataSource?: DataSource; timer?: Timer };

export interface TestServer {
  readonly server: ModbusTcpServer;
  readonly port: number;
  /** The data source behind the default handler (unused when a handler is given). */
  readonly dataSource: DataSource;
  /** A raw client, destroyed after the test. */
  connect(options?: { allowHalfOpen?: boolean }): Promise<RawClient>;
  /** The server's side of `client`'s connection, once the server has accepted it. */
  serverSide(client: RawClient): Promise<ServerSide>;
}

/**
 * Starts a ModbusTcpServer on 127.0.0.1 port 0 (the default in-memory device unless a handler
 * or data source is given) and closes it, and every client it handed out, after the test.
 */
export async function startServer(options: TestServerOptions = {}): Promise<TestServer> {
  // Tests provoke warnings on purpose; one that checks the log passes its own logger.
  const { dataSource = new InMemoryDataSource(), logger = silentLogger, ...rest } = options;
  const server = new ModbusTcpServer({
    handler: createDeviceHandler({ dataSource, logger }),
    idleTimeoutMs: 0,
    timer: realTimer,
    logger,
    ...(testIoMode && { ioMode: testIoMode }),
    ...rest,
    host: '127.0.0.1',
    port: 0,
  });
  const accepted = acceptedSockets(server);
  const clients: RawClient[] = [];
  onTestFinished(async () => {
    await Promise.all(clients.map((c) => c.destroy()));
    await server.close();
  });
  const { port } = await server.listen();
  return {
    server,
    port,
    dataSource,
    async connect(connectOptions) {
      const client = await RawClient.connect(port, connectOptions);
      clients.push(client);
      return client;
    },
    serverSide: (client) => within('the server accepting the connection', accepted.find(client.socket.localPort ?? -1)),
  };
}

/**
 * Watches the server accept connections. accept() and the connection set are private to
 * ModbusTcpServer (it is the only module that touches node:net), so this reaches in once, and
 * says so if that changes.
 */
function acceptedSockets(server: ModbusTcpServer): { find(remotePort: number): Promise<ServerSide> } {
  const internals = server as unknown as { accept?: (socket: Socket) => void; connections?: Set<Connection> };
  const { accept, connections } = internals;
  if (typeof accept !== 'function' || !(connections instanceof Set)) {
    throw new Error('test helper: ModbusTcpServer no longer has `accept` and `connections`');
  }
  const sides: ServerSide[] = [];
  const waiters = new Set<() => void>();
  internals.accept = (socket: Socket) => {
    const before = new Set(connections);
    accept.call(server, socket);
    for (const c of connections) if (!before.has(c)) sides.push(new ServerSide(c));
    for (const waiter of [...waiters]) waiter();
  };
  return {
    find(remotePort) {
      return new Promise((resolve) => {
        const check = (): void => {
          const side = sides.find((s) => s.socket.remotePort === remotePort);
          if (!side) return;
          waiters.delete(check);
          resolve(side);
        };
        waiters.add(check);
        check();
      });
    },
  };
}
