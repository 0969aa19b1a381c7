import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createSender, startReading, type OnBytes, type OnFallback, type Send, type SocketIoMode } from './socket-io.js';

/**
 * The byte stream under one connection, as the connection loop (connection.ts) sees it: a TCP
 * socket (socketLink, with the fast 'direct' I/O path), or any Node stream such as a serial line
 * (streamLink). The loop frames, answers and paces; the link only moves bytes.
 */
export interface Link {
  /** The peer, for logs and ConnectionInfo (a serial line: its device path, port 0). */
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** The role of a TLS client's certificate (Modbus/TCP Security; server/tls.ts), read once at the handshake. */
  readonly role?: string;
  /**
   * Starts reading. `onBytes` is lent `bytes[0, length)` until it returns; `onDrained` follows
   * writes that returned false; `onClose` comes once, when the stream is gone. Returns the writer.
   */
  start(onBytes: OnBytes, onDrained: () => void, onClose: () => void, onError: (error: Error) => void): Send;
  pause(): void;
  resume(): void;
  /** A graceful end (TCP: FIN); the connection destroys the link if the peer never finishes. */
  end(): void;
  /** An abrupt end (TCP: RST); streams without one are destroyed. */
  reset(): void;
  destroy(): void;
}

/**
 * A link over an accepted TCP socket (accepted with `pauseOnConnect`): 'direct' I/O below Node's
 * streams when `mode` asks for it and the socket allows it (socket-io.ts), else 'data' events.
 */
export function socketLink(accepted: Socket, mode: SocketIoMode, onFallback: OnFallback): Link & { readonly socket: Socket } {
  let socket = accepted;
  return {
    /** The socket read and written: after `start`, possibly a new one over the accepted handle (socket-io.ts). */
    get socket() {
      return socket;
    },
    remoteAddress: accepted.remoteAddress ?? '?',
    remotePort: accepted.remotePort ?? 0,
    start(onBytes, onDrained, onClose, onError) {
      socket = startReading(accepted, onBytes, mode, onFallback);
      const send = createSender(socket, onDrained, mode, onFallback);
      socket.setNoDelay(true);
      socket.on('error', onError);
      socket.on('close', onClose);
      return send;
    },
    pause: () => socket.pause(),
    resume: () => socket.resume(),
    end: () => socket.end(),
    reset: () => socket.resetAndDestroy(),
    destroy: () => socket.destroy(),
  };
}

/** A link over any byte stream that is not a socket (a serial port, a pipe, a test's stream pair). */
export function streamLink(stream: Duplex, remoteAddress: string, remotePort = 0): Link {
  return {
    remoteAddress,
    remotePort,
    start(onBytes, onDrained, onClose, onError) {
      stream.on('data', (chunk: Buffer) => onBytes(chunk, chunk.length));
      stream.on('drain', onDrained);
      stream.on('error', onError);
      stream.on('close', onClose);
      stream.resume();
      return (bytes) => stream.write(bytes);
    },
    pause: () => stream.pause(),
    resume: () => stream.resume(),
    end: () => stream.end(),
    reset: () => stream.destroy(),
    destroy: () => stream.destroy(),
  };
}
