import { Socket, type OnReadOpts } from 'node:net';

/**
 * How an accepted socket's bytes reach its connection.
 *
 * Node's default read path allocates a fresh 64 KiB buffer for every read, shrinks it to the
 * bytes received, wraps it in a Buffer and pushes it through the Readable stream machinery before
 * a 'data' listener sees it. For Modbus (a 12-byte request, one read per request) that is most of
 * the server's own CPU per request. Node's `onread` option instead reads straight into a buffer we
 * give it and calls us back with the byte count, but `net.Server` offers no such option for the
 * sockets it accepts. So the server accepts with `pauseOnConnect` (nothing read yet), takes the
 * accepted socket's TCP handle and wraps it in a new `net.Socket` that has `onread`: the handle,
 * the kernel socket and everything about writing stay exactly as they were.
 *
 * Taking the handle relies on one undocumented property, `socket._handle` (stable across Node
 * 12-24). Where it is missing or does not look like a stream handle, the socket is read the
 * documented way, with 'data' events; both paths deliver the same chunks.
 *
 * One read buffer serves every socket: libuv reads into it and calls back synchronously, one read
 * at a time. The bytes are therefore only lent to the callback: whatever it keeps (a request PDU
 * handed to an asynchronous data source, a partial frame) it must copy before returning.
 */
const READ_BUFFER_SIZE = 64 * 1024;
const sharedReadBuffer = new Uint8Array(READ_BUFFER_SIZE);

export type ReadMode = 'user-buffer' | 'stream';

/** The part of a libuv stream handle this module needs. */
interface StreamHandle {
  readStart(): number;
  readStop(): number;
  useUserBuffer(buffer: Uint8Array): void;
}

/** Receives `bytes[0, length)`, valid only until it returns. */
export type OnBytes = (bytes: Uint8Array, length: number) => void;

/**
 * Starts reading `accepted` (a socket accepted with `pauseOnConnect`) and lends every chunk to
 * `onBytes`. Returns the socket to use from now on: a new one over the same handle, or
 * `accepted` itself when reading in stream mode.
 */
export function startReading(accepted: Socket, onBytes: OnBytes, mode: ReadMode = 'user-buffer'): Socket {
  const handle = mode === 'user-buffer' ? takeHandle(accepted) : null;
  if (!handle) {
    accepted.on('data', (chunk: Buffer) => onBytes(chunk, chunk.length));
    accepted.resume();
    return accepted;
  }
  const onread: OnReadOpts = {
    buffer: sharedReadBuffer,
    // true: keep reading (pausing for backpressure is the connection's, with pause()).
    callback: (length: number) => {
      onBytes(sharedReadBuffer, length);
      return true;
    },
  };
  // `handle` and `onread` are honoured by the constructor (it is how net.Server and net.connect
  // build sockets) but missing from @types/node's SocketConstructorOpts.
  const options = { handle, allowHalfOpen: false, readable: true, writable: true, onread };
  return new Socket(options as ConstructorParameters<typeof Socket>[0]);
}

/**
 * Detaches the TCP handle from an accepted, not yet reading socket. The husk is destroyed without
 * its handle, so it releases its slot in net.Server's connection count and never closes the handle
 * that lives on in the new socket.
 */
function takeHandle(accepted: Socket): StreamHandle | null {
  const husk = accepted as unknown as { _handle?: unknown };
  const handle = husk._handle as Partial<StreamHandle> | null | undefined;
  if (
    !handle ||
    typeof handle.useUserBuffer !== 'function' ||
    typeof handle.readStart !== 'function' ||
    typeof handle.readStop !== 'function'
  ) {
    return null;
  }
  husk._handle = null;
  accepted.destroy();
  return handle as StreamHandle;
}
