import type { Framing } from '../protocol/framing.js';
import type { Request } from '../protocol/request.js';

/** What the server needs to know about the peer of an exchange. */
export interface ConnectionInfo {
  readonly id: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** How the connection frames PDUs (replies that fault actions corrupt are framed so); undefined: MBAP. */
  readonly framing?: Framing;
  /**
   * The role in the client's certificate (Modbus/TCP Security, OID 1.3.6.1.4.1.50316.802.1), read
   * once at the TLS handshake; undefined without TLS or without a role. A profile's `security:`
   * rights are looked up by it.
   */
  readonly role?: string;
  /**
   * Runs `fn` once, when the connection closes; returns what unregisters it. Work parked for a
   * request (a delay's timer) registers here, so that a closed connection's pending exchanges and
   * timers go with it instead of living until they fire. Absent outside a server (tests, API).
   */
  readonly onClose?: (fn: () => void) => () => void;
  /**
   * Writes whole reply frames outside any exchange: after the replies already due and after timed
   * wire chunks under way, never inside one. What a fault action holding replies back sends when
   * it gives up waiting (out-of-order replies). Dropped once the connection is closed; absent
   * outside a server.
   */
  readonly sendLate?: (frames: Uint8Array) => void;
}

/** What a server does with newcomers (a device mode, docs/scenarios.md#modes): serve them, reset them at once, or accept them and never answer. */
export type AcceptMode = 'serve' | 'refuse' | 'ignore';

/** What a server does with a newcomer when its connection limit is reached. */
export type ConnectionPolicy = 'refuse' | 'closeLeastRecentlyActive';

/** One request as it travels down the pipeline. */
export interface Exchange {
  readonly transactionId: number;
  readonly unitId: number;
  /** The raw request PDU: the server's own copy (a slab slice), kept while a handler answers later. Read-only. */
  readonly pdu: Uint8Array;
  readonly request: Request;
  readonly connection: ConnectionInfo;
  /**
   * The name of the fault rule that fired for this request, set by the fault rules' shared
   * wrapper before any action runs (so it is known synchronously); read by the -v log.
   */
  fault?: string;
}

/** A piece of raw reply bytes, sent `delayMs` after the previous one. */
export interface WireChunk {
  readonly bytes: Uint8Array;
  readonly delayMs: number;
}

/** Everything a handler can ask the server to do with an exchange (docs/architecture.md, "The request path"). */
export type Outcome =
  | { readonly kind: 'response'; readonly pdu: Uint8Array }
  | { readonly kind: 'exception'; readonly code: number }
  /** No reply: the client times out. */
  | { readonly kind: 'silence' }
  /** Close the connection: FIN ('end') or RST ('reset'). Replies already due are sent first. */
  | { readonly kind: 'close'; readonly how: 'end' | 'reset' }
  /** Raw bytes (whole ADUs, sliced or corrupted) sent in timed pieces instead of a reply. */
  | { readonly kind: 'wire'; readonly chunks: readonly WireChunk[] };

export type Handler = (exchange: Exchange) => Outcome | Promise<Outcome>;
export type Middleware = (next: Handler) => Handler;
