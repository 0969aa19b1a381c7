import type { Duplex } from 'node:stream';
import type { BlockList } from 'node:net';
import type { ConnectionInfo, Handler } from '../pipeline/types.js';
import { defaultLogger, type Logger } from '../log.js';
import type { Framing } from '../protocol/framing.js';
import { describeLine, rtuBusFraming, timingOf, type SerialLine } from '../protocol/rtu.js';
import type { Timer, TimerHandle } from '../time.js';
import { Connection, type ConnectionHost } from './connection.js';
import type { Link } from './link.js';
import type { BoundAddress, ModbusServer } from './server.js';
import type { SocketIoMode } from './socket-io.js';
import type { TrafficLevel } from './trace.js';
import { WarnLimiter } from './warn-limit.js';

/** Opens a serial line as a byte stream (the runtime's, over the optional `serialport` package; tests give a stream pair). */
export type OpenSerial = (line: SerialLine) => Promise<Duplex>;

export interface SerialServerOptions {
  handler: Handler;
  line: SerialLine;
  open: OpenSerial;
  /** Whether the device answers `unitId` (besides its own `line.unitId`): requests for others are passed over. */
  serves: (unitId: number) => boolean;
  timer: Timer;
  logger?: Logger;
  traffic?: TrafficLevel;
  /** Each frame dropped for a CRC error: the hook for FC 8's bus communication error count. */
  onCrcError?: (info: ConnectionInfo) => void;
}

/**
 * One device in RTU on a serial line: one Connection over the line's stream, with the bus framing
 * (requests for other units and their replies passed over) and replies paced so that none starts
 * before the line has been quiet for 3.5 characters (serial line spec 2.5.1.1: the frame that
 * came must be over before ours begins). A line has no clients to count, limit or refuse, and is
 * never idle-closed.
 */
export class ModbusSerialServer implements ConnectionHost, ModbusServer {
  handler: Handler;
  readonly framing: Framing;
  readonly timer: Timer;
  readonly logger: Logger;
  readonly traffic: TrafficLevel;
  readonly idleTimeoutMs = 0;
  readonly warnings: WarnLimiter;
  readonly ioMode: SocketIoMode = 'stream';
  readonly onCrcError: ((info: ConnectionInfo) => void) | undefined;
  private readonly options: SerialServerOptions;
  private connection: Connection | undefined;
  private stream: Duplex | undefined;
  private bound: BoundAddress | null = null;
  private closing: Promise<void> | null = null;
  private nextId = 1;

  constructor(options: SerialServerOptions) {
    this.options = options;
    this.handler = options.handler;
    this.timer = options.timer;
    this.logger = options.logger ?? defaultLogger;
    this.traffic = options.traffic ?? 0;
    this.warnings = new WarnLimiter(this.logger, this.timer, this.traffic >= 2);
    this.onCrcError = options.onCrcError;
    const own = options.line.unitId;
    this.framing = rtuBusFraming(timingOf(options.line).silenceMs, (unitId) => (own === undefined || unitId === own) && options.serves(unitId));
  }

  get address(): BoundAddress | null {
    return this.bound;
  }

  get connectionCount(): number {
    return this.connection && !this.connection.isClosed ? 1 : 0;
  }

  setHandler(handler: Handler): void {
    this.handler = handler;
  }

  /** A serial line has no client addresses to allow. */
  setAllow(_list: BlockList | undefined): void {}

  /** Opens the line (rejects with the open error: no such device, permission, `serialport` missing). */
  async listen(): Promise<BoundAddress> {
    const line = this.options.line;
    const stream = await this.options.open(line);
    this.stream = stream;
    this.session();
    this.bound = { host: line.path, port: 0, family: 'serial' };
    this.logger.log('debug', `serial line ${describeLine(line)} open`);
    return this.bound;
  }

  private session(): void {
    const line = this.options.line;
    this.connection = new Connection(pacedLink(this.stream!, line.path, this.timer, timingOf(line).silenceMs), this, this.nextId++);
  }

  onClosed(): void {
    if (this.closing) return;
    if (this.stream && !this.stream.destroyed) this.session();
    else this.logger.log('error', `serial line ${this.options.line.path} closed: no longer served`);
  }

  /** Closes the line (the device is free for others once this resolves). Idempotent. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.warnings.flush();
      const stream = this.stream;
      if (!stream || stream.destroyed) return resolve();
      stream.once('close', () => resolve());
      // Between two sessions (a `close` fault) no connection holds the stream: destroy it here.
      if (this.connection && !this.connection.isClosed) this.connection.close('destroy');
      else stream.destroy();
    });
    return this.closing;
  }
}

/**
 * A link over a serial line's stream whose writes wait until the line has been quiet for
 * `silenceMs` since the last byte received (other traffic on the bus postpones them too). Order
 * is kept; timed fault chunks (gaps inside a reply) are written when due, once the line is quiet.
 */
export function pacedLink(stream: Duplex, path: string, timer: Timer, silenceMs: number): Link {
  let lastReceived = -Infinity;
  const queue: Uint8Array[] = [];
  let due: TimerHandle | null = null;
  let detach = (): void => {};
  const flush = (): void => {
    due = null;
    const wait = lastReceived + silenceMs - timer.now();
    if (wait > 0) {
      due = timer.setTimeout(flush, wait);
      return;
    }
    for (const bytes of queue.splice(0)) stream.write(bytes);
  };
  return {
    remoteAddress: path,
    remotePort: 0,
    start(onBytes, onDrained, onClose, onError) {
      const onData = (chunk: Buffer): void => {
        lastReceived = timer.now();
        onBytes(chunk, chunk.length);
      };
      let closed = false;
      // Once, though a port closed by itself and then destroyed says it twice.
      const onStreamClose = (): void => {
        if (closed) return;
        closed = true;
        due?.cancel();
        onClose();
      };
      stream.on('data', onData);
      stream.on('drain', onDrained);
      stream.on('error', onError);
      stream.on('close', onStreamClose);
      /*
       * A line cannot be closed by a reply (a `close` fault rule): this session ends, its
       * listeners go, and the server reads the line on in a new one (later, once the
       * connection has finished closing).
       */
      detach = () => {
        stream.off('data', onData);
        stream.off('drain', onDrained);
        stream.off('error', onError);
        stream.off('close', onStreamClose);
        queueMicrotask(onClose);
      };
      stream.resume();
      return (bytes) => {
        if (queue.length === 0 && timer.now() - lastReceived >= silenceMs) return stream.write(bytes);
        queue.push(bytes);
        due ??= timer.setTimeout(flush, lastReceived + silenceMs - timer.now());
        return true;
      };
    },
    pause: () => stream.pause(),
    resume: () => stream.resume(),
    end: () => detach(),
    reset: () => detach(),
    destroy: () => stream.destroy(),
  };
}
