import { Socket, type OnReadOpts } from 'node:net';

/*
 * How a connection's bytes move between its socket and its framing loop.
 *
 * For Modbus (a 12-byte request, one read and one write per request, thousands per second)
 * Node's stream machinery is most of the server's own CPU per request:
 *
 * - Reading: the default path allocates a fresh 64 KiB buffer per read, shrinks it to the bytes
 *   received, wraps it in a Buffer and pushes it through the Readable state machine before a
 *   'data' listener sees it. Node's `onread` option instead reads straight into a buffer we give
 *   it and calls back with the byte count, but `net.Server` offers no such option for the sockets
 *   it accepts. So the server accepts with `pauseOnConnect` (nothing read yet), takes the accepted
 *   socket's TCP handle and wraps it in a new `net.Socket` built with `onread`: the kernel socket
 *   and the handle stay exactly as they were.
 * - Writing: `socket.write` runs the Writable state machine and defers its bookkeeping to a
 *   nextTick for every write. `socket._writeGeneric` is the step below it that hands bytes to
 *   the handle (the kernel usually takes them at once); backpressure is then ours to track: a
 *   write the kernel did not take at once is in flight until its callback.
 *
 * Both rely on undocumented, long-standing parts of net.Socket (`_handle`, `_writeGeneric`;
 * checked on the Node 20 we run). The path checks itself: where either is missing or does not
 * look as expected, or the new socket did not adopt the handle, that connection uses the
 * documented API ('data' events, `write` and 'drain') and `onFallback` is told why; so is a
 * socket that adopted the handle but not the `onread` buffer.
 * 'stream' mode forces the documented API. The two modes behave the same, and the tests run both.
 *
 * One read buffer serves every socket: libuv reads into it and calls back synchronously, one read
 * at a time. The bytes are therefore only lent to the callback: whatever it keeps (a request PDU
 * handed to an asynchronous data source, a partial frame) it must copy before returning.
 */
const READ_BUFFER_SIZE = 64 * 1024;
const sharedReadBuffer = new Uint8Array(READ_BUFFER_SIZE);

export type SocketIoMode = 'direct' | 'stream';

/** Receives `bytes[0, length)`, valid only until it returns. */
export type OnBytes = (bytes: Uint8Array, length: number) => void;

/**
 * Writes bytes (which must not be changed afterwards). Returns false when the kernel did not take
 * them all at once: stop producing until the writer's `onDrained` is called.
 */
export type Send = (bytes: Uint8Array) => boolean;

/** The part of a libuv stream handle this module needs. */
export interface StreamHandle {
  readStart(): number;
  readStop(): number;
  useUserBuffer(buffer: Uint8Array): void;
}

type WriteGeneric = (writev: boolean, data: Uint8Array, encoding: string, callback: (error?: Error | null) => void) => void;

/** Told why a connection asked for 'direct' I/O uses the documented API instead. */
export type OnFallback = (reason: string) => void;

/** Builds the socket that takes over an accepted socket's handle (a seam for tests of the check). */
export type Adopt = (options: { handle: StreamHandle; onread: OnReadOpts }) => Socket;

// `handle` and `onread` are honoured by the constructor (it is how net.Server and net.connect
// build sockets) but missing from @types/node's SocketConstructorOpts.
const adoptHandle: Adopt = ({ handle, onread }) =>
  new Socket({ handle, allowHalfOpen: false, readable: true, writable: true, onread } as ConstructorParameters<typeof Socket>[0]);

/**
 * Starts reading `accepted` (a socket accepted with `pauseOnConnect`) and lends every chunk to
 * `onBytes`. Returns the socket to use from now on: a new one over the same handle, or
 * `accepted` itself when reading through 'data' events.
 */
export function startReading(accepted: Socket, onBytes: OnBytes, mode: SocketIoMode = 'direct', onFallback: OnFallback = () => {}, adopt: Adopt = adoptHandle): Socket {
  if (mode === 'direct') {
    const handle = readableHandle(accepted);
    if (!handle) onFallback('the accepted socket has no libuv stream handle with useUserBuffer/readStart/readStop');
    else {
      const socket = adoptInto(accepted, handle, onBytes, onFallback, adopt);
      if (socket) return socket;
    }
  }
  accepted.on('data', (chunk: Buffer) => onBytes(chunk, chunk.length));
  accepted.resume();
  return accepted;
}

/**
 * Moves the handle into a socket built with `onread`, and checks that it took: the new socket
 * owns the handle (else the husk keeps it and is read through 'data' events: null). Only then is
 * the husk destroyed, without its handle, so it releases its slot in net.Server's connection
 * count and never closes the handle that lives on in the new socket.
 */
function adoptInto(accepted: Socket, handle: StreamHandle, onBytes: OnBytes, onFallback: OnFallback, adopt: Adopt): Socket | null {
  const onread: OnReadOpts = {
    buffer: sharedReadBuffer,
    // true: keep reading (pausing for backpressure is the connection's, with pause()).
    callback: (length: number) => {
      onBytes(sharedReadBuffer, length);
      return true;
    },
  };
  const socket = adopt({ handle, onread });
  if ((socket as unknown as { _handle?: unknown })._handle !== handle) {
    onFallback('a socket built over the accepted handle did not adopt it');
    socket.destroy();
    return null;
  }
  (accepted as unknown as { _handle: unknown })._handle = null;
  accepted.destroy();
  // A socket that ignored `onread` reads into buffers of its own and emits 'data': it owns the
  // handle now, so it is read that way (checked once here rather than with a listener on every
  // connection, which cost about 1 KiB each).
  if (!holds(socket, sharedReadBuffer)) {
    onFallback('the adopted socket did not take the onread buffer');
    socket.on('data', (chunk: Buffer) => onBytes(chunk, chunk.length));
  }
  return socket;
}

/** Whether `socket` keeps `buffer` as its onread buffer (Node stores it under a symbol of its own). */
function holds(socket: Socket, buffer: Uint8Array): boolean {
  const own = socket as unknown as Record<symbol, unknown>;
  return Object.getOwnPropertySymbols(socket).some((key) => own[key] === buffer);
}

function readableHandle(accepted: Socket): StreamHandle | null {
  const handle = (accepted as unknown as { _handle?: Partial<StreamHandle> | null })._handle;
  const usable = handle && typeof handle.useUserBuffer === 'function' && typeof handle.readStart === 'function' && typeof handle.readStop === 'function';
  return usable ? (handle as StreamHandle) : null;
}

/** Why the direct path cannot work on this Node at all (checked once at start-up), or undefined. */
export function directIoUnavailable(): string | undefined {
  const proto = Socket.prototype as unknown as { _writeGeneric?: unknown };
  return typeof proto._writeGeneric === 'function' ? undefined : 'net.Socket has no _writeGeneric';
}

/** A `Send` for `socket`; `onDrained` is called when writes that returned false have completed. */
export function createSender(socket: Socket, onDrained: () => void, mode: SocketIoMode = 'direct', onFallback: OnFallback = () => {}): Send {
  const writeGeneric = (socket as unknown as { _writeGeneric?: WriteGeneric })._writeGeneric;
  if (mode !== 'direct' || typeof writeGeneric !== 'function') {
    if (mode === 'direct') onFallback('the socket has no _writeGeneric');
    socket.on('drain', onDrained);
    return (bytes) => socket.write(bytes);
  }
  let inFlight = 0;
  let blocked = false;
  // Called at once (inside writeGeneric) when the kernel took everything, later otherwise.
  const written = (error?: Error | null): void => {
    inFlight--;
    // What socket.write would do on a failed write (EPIPE, ECONNRESET): 'error', then 'close'.
    if (error) socket.destroy(error);
    else if (inFlight === 0 && blocked) {
      blocked = false;
      onDrained();
    }
  };
  return (bytes) => {
    inFlight++;
    writeGeneric.call(socket, false, bytes, 'buffer', written);
    if (inFlight === 0) return true;
    blocked = true;
    return false;
  };
}
