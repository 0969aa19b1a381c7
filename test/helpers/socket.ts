import { connect, type Socket } from 'node:net';
import { NETWORK_TIMEOUT_MS, within } from './within.js';

/** "00 01 ab" (any whitespace) to bytes, so frames in tests read like the spec's tables. */
export function hex(text: string): Uint8Array {
  const digits = text.replace(/\s+/g, '');
  if (!/^([0-9a-f]{2})*$/i.test(digits)) throw new Error(`not a hex byte string: ${text}`);
  return Uint8Array.from(digits.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

/** Bytes to "00 01 ab", for readable assertion failures. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/**
 * How long `read`/`readAdu` wait before failing: a missing reply fails in about a second, with
 * what was awaited and what arrived, rather than at vitest's 20 s test timeout.
 */
export const READ_TIMEOUT_MS = NETWORK_TIMEOUT_MS;

/** One Modbus TCP ADU as received. */
export interface Adu {
  readonly transactionId: number;
  readonly protocolId: number;
  readonly unitId: number;
  readonly pdu: Uint8Array;
  /** The whole ADU, header included. */
  readonly bytes: Uint8Array;
}

/** How the peer closed: `sawEnd` for a FIN, `errorCode` (e.g. ECONNRESET) for a reset. */
export interface CloseInfo {
  readonly sawEnd: boolean;
  readonly errorCode: string | undefined;
}

/**
 * A client that speaks raw bytes, for what no Modbus library sends. Everything received is kept
 * in order; `read`/`readAdu` await exactly what they need and fail if the peer closes first.
 */
export class RawClient {
  /** Each 'data' event's bytes, in arrival order. */
  readonly dataEvents: Uint8Array[] = [];
  private readonly whenClosed: Promise<CloseInfo>;
  private buffer: Uint8Array = new Uint8Array(0);
  private received = 0;
  private sawEnd = false;
  private errorCode: string | undefined;
  private isClosed = false;
  private waiter: (() => void) | null = null;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      const bytes = new Uint8Array(chunk);
      this.dataEvents.push(bytes);
      this.received += bytes.length;
      this.buffer = this.buffer.length === 0 ? bytes : concat(this.buffer, bytes);
      this.waiter?.();
    });
    socket.on('end', () => {
      this.sawEnd = true;
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      this.errorCode = error.code ?? error.message;
    });
    this.whenClosed = new Promise((resolve) => {
      socket.on('close', () => {
        this.isClosed = true;
        this.waiter?.();
        resolve({ sawEnd: this.sawEnd, errorCode: this.errorCode });
      });
    });
  }

  /**
   * Connects to 127.0.0.1:`port` (tests never use another address). With `allowHalfOpen` the
   * client does not answer the server's FIN with its own: a peer that lingers half-closed.
   */
  static connect(port: number, options: { allowHalfOpen?: boolean } = {}): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, noDelay: true, allowHalfOpen: options.allowHalfOpen ?? false });
      const client = new RawClient(socket);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(client);
      });
      socket.once('error', reject);
    });
  }

  /** Resolves once the socket is fully closed; rejects if that takes more than about a second from now. */
  get closed(): Promise<CloseInfo> {
    return within(`the connection from local port ${this.socket.localPort ?? '?'} closing`, this.whenClosed);
  }

  /** Total bytes received so far (consumed or not). */
  get totalReceived(): number {
    return this.received;
  }

  /** Bytes received and not yet consumed by `read`/`readAdu`. */
  get buffered(): number {
    return this.buffer.length;
  }

  /** Writes bytes (or a hex string) and resolves once they are handed to the kernel. */
  send(data: Uint8Array | string): Promise<void> {
    const bytes = typeof data === 'string' ? hex(data) : data;
    return new Promise((resolve, reject) => {
      this.socket.write(bytes, (error) => (error ? reject(error) : resolve()));
    });
  }

  /** Resolves with exactly the next `n` bytes; rejects after `timeoutMs`. */
  async read(n: number, timeoutMs = READ_TIMEOUT_MS): Promise<Uint8Array> {
    await this.until(() => this.buffer.length >= n, `${n} bytes`, timeoutMs);
    return this.take(n);
  }

  /** Resolves with the next complete ADU, framed by its MBAP length field; rejects after `timeoutMs`. */
  async readAdu(timeoutMs = READ_TIMEOUT_MS): Promise<Adu> {
    await this.until(() => this.buffer.length >= 6 && this.buffer.length >= 6 + lengthField(this.buffer), 'an ADU', timeoutMs);
    const bytes = this.take(6 + lengthField(this.buffer));
    return {
      transactionId: (bytes[0]! << 8) | bytes[1]!,
      protocolId: (bytes[2]! << 8) | bytes[3]!,
      unitId: bytes[6]!,
      pdu: bytes.subarray(7),
      bytes,
    };
  }

  /** Sends one request and awaits the next ADU. */
  async roundTrip(request: Uint8Array | string): Promise<Adu> {
    await this.send(request);
    return this.readAdu();
  }

  /** Stops reading: the kernel buffers fill and the peer's writes back up. */
  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  destroy(): Promise<CloseInfo> {
    this.socket.destroy();
    return this.closed;
  }

  private take(n: number): Uint8Array {
    const out = this.buffer.slice(0, n);
    // A view, not a copy: reading many replies one by one stays linear.
    this.buffer = this.buffer.subarray(n);
    return out;
  }

  private until(ready: () => boolean, what: string, timeoutMs: number): Promise<void> {
    if (this.waiter) throw new Error('RawClient: one read at a time');
    return new Promise((resolve, reject) => {
      const fail = (why: string): void => {
        this.waiter = null;
        clearTimeout(timeout);
        reject(new Error(`${why} while waiting for ${what}; unconsumed: [${toHex(this.buffer)}]`));
      };
      const timeout = setTimeout(() => fail(`RawClient: nothing for ${timeoutMs} ms`), timeoutMs);
      const check = (): void => {
        if (ready()) {
          this.waiter = null;
          clearTimeout(timeout);
          resolve();
        } else if (this.isClosed) {
          fail('connection closed');
        }
      };
      this.waiter = check;
      check();
    });
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function lengthField(buffer: Uint8Array): number {
  return (buffer[4]! << 8) | buffer[5]!;
}
