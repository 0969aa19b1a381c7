import { Server, type Socket } from 'node:net';
import { onTestFinished } from 'vitest';
import { createDeviceHandler } from '../../src/device/handler.js';
import { InMemoryDataSource } from '../../src/device/memory.js';
import type { DataSource } from '../../src/device/data-source.js';
import { ModbusTcpServer, type ServerOptions } from '../../src/server/server.js';
import { RawClient } from './socket.js';

/**
 * The server's side of one connection, observed without changing it: every write call (to tell
 * one batched write from several), every chunk read, and pause calls (flow control).
 */
export class ServerSide {
  readonly writes: Uint8Array[] = [];
  readonly reads: Uint8Array[] = [];
  private readonly waiters = new Set<() => void>();
  private sawClose = false;

  constructor(readonly socket: Socket) {
    const write = socket.write as (...args: unknown[]) => boolean;
    socket.write = ((...args: unknown[]) => {
      if (args[0] instanceof Uint8Array) this.writes.push(args[0].slice());
      const result = write.apply(socket, args);
      this.notify();
      return result;
    }) as Socket['write'];
    const pause = socket.pause;
    socket.pause = () => {
      pause.call(socket);
      this.notify();
      return socket;
    };
    // A second 'data' listener does not resume a socket the server paused (flowing === false).
    socket.on('data', (chunk: Buffer) => {
      this.reads.push(new Uint8Array(chunk));
      this.notify();
    });
    socket.on('close', () => {
      this.sawClose = true;
      this.notify();
    });
  }

  get bytesRead(): number {
    return this.socket.bytesRead;
  }

  /** Resolves when `ready()` holds, re-checked after every observed event. */
  until(ready: () => boolean): Promise<void> {
    return new Promise((resolve) => {
      const check = (): void => {
        if (!ready()) return;
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Resolves once the server has read at least `n` bytes from this client. */
  received(n: number): Promise<void> {
    return this.until(() => this.bytesRead >= n);
  }

  /**
   * Resolves once the server's socket has emitted 'close'; the server's own listener ran first.
   * (`socket.closed` turns true earlier, on destroy, before the event.)
   */
  closed(): Promise<void> {
    return this.until(() => this.sawClose);
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

export type TestServerOptions = Partial<ServerOptions> & { dataSource?: DataSource };

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
  const { dataSource = new InMemoryDataSource(), ...rest } = options;
  const server = new ModbusTcpServer({
    handler: createDeviceHandler({ dataSource }),
    idleTimeoutMs: 0,
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
    serverSide: (client) => accepted.find(client.socket.localPort ?? -1),
  };
}

/**
 * Watches the listener's 'connection' events. The listener is private to ModbusTcpServer (it is
 * the only module that touches node:net), so this reaches in once, and says so if that changes.
 */
function acceptedSockets(server: ModbusTcpServer): { find(remotePort: number): Promise<ServerSide> } {
  const listener = (server as unknown as { server: unknown }).server;
  if (!(listener instanceof Server)) throw new Error('test helper: ModbusTcpServer no longer keeps its net.Server in `server`');
  const sides: ServerSide[] = [];
  const waiters = new Set<() => void>();
  // Registered after the server's own accept callback, so the Connection already exists.
  listener.on('connection', (socket: Socket) => {
    sides.push(new ServerSide(socket));
    for (const waiter of [...waiters]) waiter();
  });
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
