import { ExceptionCode, Limits } from '../protocol/constants.js';
import type { Framing } from '../protocol/framing.js';
import { decodeRequest } from '../protocol/request.js';
import { encodeException } from '../protocol/response.js';
import { copyBytes } from '../protocol/slab.js';
import { exception, isPromiseLike } from '../pipeline/compose.js';
import type { ConnectionInfo, Exchange, Handler, Outcome, WireChunk } from '../pipeline/types.js';
import type { Logger } from '../log.js';
import type { Timer, TimerHandle } from '../time.js';
import { formatOutcome, formatRequest, formatResult, type TrafficLevel } from './trace.js';
import type { Link } from './link.js';
import type { Send } from './socket-io.js';
import type { WarnLimiter } from './warn-limit.js';

/** What a connection needs from its server. */
export interface ConnectionHost {
  /** Read at the start of every exchange, so a swapped handler takes effect on live sockets. */
  readonly handler: Handler;
  /** How this server's connections frame PDUs (MBAP, or a framing given to the server). */
  readonly framing: Framing;
  readonly timer: Timer;
  readonly logger: Logger;
  readonly traffic: TrafficLevel;
  readonly idleTimeoutMs: number;
  /** Lines a client (or a broken data source) could repeat per frame go through here (warn-limit.ts). */
  readonly warnings: WarnLimiter;
  /**
   * Told of each frame dropped for a CRC error (RTU): the hook for FC 8's bus communication error
   * count (serial line spec 6.8, sub-function 0x0C).
   */
  readonly onCrcError?: ((info: ConnectionInfo) => void) | undefined;
  onClosed(connection: Connection): void;
}

/** Stop reading from a client once this much unanswered input is queued behind a slow reply. */
export const MAX_PENDING_INPUT = 64 * 1024;
/**
 * Requests answered for one connection before the others get a turn. A 64 KiB read can hold 5,000
 * pipelined requests; answering them all at once would starve every other client. Deep enough
 * that ordinary pipelining (8 or 16 in flight) is answered in one pass and one write.
 */
export const FRAMES_PER_TURN = 64;
const FAILURE = exception(ExceptionCode.ServerDeviceFailure);
/** How long a FIN-closed socket may wait for the peer's FIN before it is destroyed. */
const HALF_CLOSE_GRACE_MS = 5000;
const NO_PDU = new Uint8Array(0);
const MAX_KEPT_REPLIES = 64;

/**
 * One client. Requests are answered strictly in order; all complete frames of a chunk are handled
 * in one pass and their replies go out in one write. A Promise from the handler parks this
 * connection only (others go on), and input is buffered (then paused) until it settles.
 */
export class Connection {
  readonly info: ConnectionInfo;
  lastActivity: number;
  /** When it was accepted (wire timer). */
  readonly acceptedAt: number;
  /** A complete request has arrived: until then a full server may close it first (server.ts). */
  completedRequest = false;
  private pending: Uint8Array | null = null;
  private busy = false;
  private closed = false;
  private writeBlocked = false;
  private readPaused = false;
  /** Requests are waiting in `pending` for this connection's next turn (FRAMES_PER_TURN). */
  private nextTurn: TimerHandle | null = null;
  private idleTimer: TimerHandle | null = null;
  /** Framings that end frames by a quiet line (RTU): due when the line has been quiet long enough. */
  private silenceTimer: TimerHandle | null = null;
  /** Within a burst of bytes that failed their CRC, already told (ConnectionHost.onCrcError). */
  private inCrcError = false;
  /** After our FIN: destroys the link if the peer's close never comes. */
  private linger: TimerHandle | null = null;
  private readonly framing: Framing;
  /** The timer of the next timed wire chunk, while one waits. */
  private wireTimer: TimerHandle | null = null;
  /** Frames sent out of turn (sendLate) while timed wire chunks were under way: written after them. */
  private late: Uint8Array[] | null = null;
  /** What parked requests registered (ConnectionInfo.onClose): run once, at close. */
  private readonly closeHooks = new Set<() => void>();
  // Replies waiting for the next write, kept in reusable parallel arrays (no object per reply).
  // Only the first `outCount` entries are live: truncating `length` would free and regrow them.
  private readonly outPdus: Uint8Array[] = [];
  private readonly outTids: number[] = [];
  private readonly outUnits: number[] = [];
  private outCount = 0;
  private outBytes = 0;
  private readonly link: Link;
  /** Every write goes through here (the link's writer: socket-io.ts for TCP). */
  private readonly send: Send;

  /**
   * `accepted` must not be reading yet (the server accepts with `pauseOnConnect`). `lastActivity`
   * is when the last complete request arrived (accept, before the first): partial frames do not
   * count, so trickled bytes cannot hold a connection past the idle timeout.
   */
  constructor(
    link: Link,
    private readonly host: ConnectionHost,
    id: number,
  ) {
    this.framing = host.framing;
    this.info = {
      id,
      remoteAddress: link.remoteAddress,
      remotePort: link.remotePort,
      framing: host.framing,
      ...(link.role !== undefined && { role: link.role }),
      onClose: (fn) => this.onCloseHook(fn),
      sendLate: (frames) => this.sendLate(frames),
    };
    this.lastActivity = this.acceptedAt = host.timer.now();
    this.link = link;
    this.send = link.start(
      (bytes, length) => this.onBytes(bytes, length),
      () => this.onDrained(),
      () => this.onClose(),
      (error) => host.logger.log('debug', `#${id} socket error: ${error.message}`),
    );
    this.armIdleTimer();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Closes with FIN ('end') or RST ('reset'), after flushing replies already due. */
  close(how: 'end' | 'reset' | 'destroy' = 'end'): void {
    if (this.closed) {
      // Already half-closed (our FIN is out): shutting down does not wait for the peer's FIN.
      if (how === 'destroy') this.link.destroy();
      return;
    }
    this.flush();
    this.release();
    if (how === 'end') {
      this.link.end();
      // A peer that never answers our FIN would keep the socket half-open forever. On the
      // injected timer (not socket.setTimeout, which a peer that keeps sending would postpone).
      this.linger = this.host.timer.setTimeout(() => this.link.destroy(), HALF_CLOSE_GRACE_MS);
    } else if (how === 'reset') this.link.reset();
    else this.link.destroy();
  }

  private onDrained(): void {
    this.writeBlocked = false;
    // Requests left over from a turn that ended with the client not reading.
    if (!this.busy && this.nextTurn === null) this.drainPending();
    this.updateFlow();
  }

  private onClose(): void {
    this.linger?.cancel();
    if (!this.closed) this.release();
    this.host.onClosed(this);
  }

  /**
   * Marks the connection closed and lets go of everything waiting on it: its timers, and the
   * requests parked behind a delay (their timers are cancelled, so nothing holds them any more).
   */
  private release(): void {
    this.closed = true;
    this.idleTimer?.cancel();
    this.nextTurn?.cancel();
    this.silenceTimer?.cancel();
    this.wireTimer?.cancel();
    this.wireTimer = null;
    this.late = null;
    this.pending = null;
    const hooks = [...this.closeHooks];
    this.closeHooks.clear();
    for (const hook of hooks) hook();
  }

  private onCloseHook(fn: () => void): () => void {
    if (this.closed) {
      fn();
      return () => {};
    }
    this.closeHooks.add(fn);
    return () => void this.closeHooks.delete(fn);
  }

  private armIdleTimer(): void {
    const idle = this.host.idleTimeoutMs;
    if (idle <= 0) return;
    const due = this.lastActivity + idle - this.host.timer.now();
    this.idleTimer = this.host.timer.setTimeout(() => {
      if (this.closed) return;
      // A reply still being made (a Promise, timed wire chunks) is not idleness.
      if (this.busy) this.lastActivity = this.host.timer.now();
      if (this.host.timer.now() - this.lastActivity >= idle) {
        this.host.warnings.log('info', 'idle disconnects', `#${this.info.id} idle for ${idle} ms: disconnecting`);
        this.close('end');
      } else {
        this.armIdleTimer();
      }
    }, due);
  }

  /** `bytes[0, length)` are lent (socket-io.ts): anything kept beyond this call is copied. */
  private onBytes(bytes: Uint8Array, length: number): void {
    if (this.closed) return;
    if (this.pending === null && !this.busy) {
      // The usual case: whole frames straight from the read buffer.
      this.drain(bytes, length);
      return;
    }
    // A partial frame is waiting, a reply is still being made, or requests wait for their turn
    // (only in stream mode can bytes arrive then): queue a copy behind them.
    this.pending = append(this.pending, bytes, length);
    if (this.busy || this.nextTurn) this.updateFlow();
    else this.drainPending();
  }

  private updateFlow(): void {
    // Waiting for its turn, a connection does not read either: it would only queue more.
    const shouldPause =
      this.writeBlocked || this.nextTurn !== null || (this.busy && (this.pending?.length ?? 0) > MAX_PENDING_INPUT);
    if (shouldPause === this.readPaused || this.closed) return;
    this.readPaused = shouldPause;
    if (shouldPause) this.link.pause();
    else this.link.resume();
  }

  private drainPending(): void {
    const pending = this.pending;
    if (pending === null) return;
    this.pending = null;
    this.drain(pending, pending.length, true);
  }

  private takeTurn(): void {
    this.nextTurn = null;
    if (this.closed) return;
    // A client not reading its replies gets no more until it does (onDrained).
    if (!this.busy && !this.writeBlocked) this.drainPending();
    this.updateFlow();
  }

  /**
   * Handles the complete frames in `buf[0, end)`, in order, until one needs waiting for or this
   * turn's FRAMES_PER_TURN are done; what is left goes to `pending` (copied unless `owned`: `buf`
   * may be the shared read buffer). Each request PDU is copied out of `buf`, because a handler that
   * answers later keeps its exchange.
   */
  private drain(buf: Uint8Array, end: number, owned = false, silent = false): void {
    const framing = this.framing;
    let offset = 0;
    let requests = 0;
    while (!this.closed && !this.busy) {
      if (requests === FRAMES_PER_TURN) {
        // Yield: the rest waits (unread sockets paused) until the others have had a turn.
        if (offset < end) this.nextTurn = this.host.timer.defer(() => this.takeTurn());
        break;
      }
      const scan = framing.scan(buf, offset, end, silent);
      if (scan.kind === 'need-more') break;
      if (scan.kind === 'bad-length') {
        this.host.warnings.log('warn', 'bad frames', `#${this.info.id} ${framing.name} length ${scan.length} outside 2..254: closing the connection`);
        this.close('end');
        return;
      }
      if (scan.kind === 'discard') {
        if (this.host.traffic) this.host.warnings.log('info', 'discarded frames', `#${this.info.id} ${scan.reason ?? `protocol id ${scan.protocolId} ≠ 0`}: frame discarded`);
        offset = scan.end;
        continue;
      }
      if (scan.kind === 'garbage') {
        // A framing that skips nothing would loop here forever: a bug in it, not in the client.
        if (scan.end <= offset) {
          this.host.warnings.log('error', 'framing errors', `#${this.info.id} ${framing.name} framing skipped no bytes (${scan.reason}): closing the connection`);
          this.close('end');
          return;
        }
        this.host.warnings.log('info', 'skipped bytes', `#${this.info.id} ${scan.end - offset} bytes skipped: ${scan.reason}`);
        // Skipping garbage byte by byte meets many failing CRCs: one error per burst is told.
        if (scan.crcError && !this.inCrcError) {
          this.inCrcError = true;
          this.host.onCrcError?.(this.info);
        }
        offset = scan.end;
        continue;
      }
      const pdu = copyBytes(buf, scan.pduStart, scan.end - framing.layout.trailer);
      offset = scan.end;
      requests++;
      // A frame ends a burst of garbage: garbage after it (in the same read) is a new burst.
      this.inCrcError = false;
      const exchange: Exchange = {
        transactionId: scan.transactionId,
        unitId: scan.unitId,
        pdu,
        request: decodeRequest(pdu),
        connection: this.info,
        fault: undefined,
      };
      let outcome: Outcome | Promise<Outcome>;
      let failure: { error: unknown } | undefined;
      try {
        outcome = this.host.handler(exchange);
      } catch (error) {
        failure = { error };
        outcome = FAILURE;
      }
      // Logged once the handler has run: a fault rule that fired has named itself (exchange.fault).
      if (this.host.traffic) this.host.logger.log('info', formatRequest(exchange, this.host.traffic));
      if (failure !== undefined) outcome = this.handlerFailed(exchange, failure.error);
      if (isPromiseLike(outcome)) {
        this.busy = true;
        outcome.then(
          (o) => this.resume(exchange, o),
          (error: unknown) => this.resume(exchange, this.handlerFailed(exchange, error)),
        );
      } else {
        this.apply(exchange, outcome);
      }
    }
    if (requests > 0) {
      this.lastActivity = this.host.timer.now();
      this.completedRequest = true;
    }
    // A quiet line ends a burst of garbage too (the bytes before it were part of it).
    if (silent) this.inCrcError = false;
    if (offset < end && !this.closed) this.pending = owned ? buf.subarray(offset, end) : buf.slice(offset, end);
    if (framing.silenceMs !== undefined) this.awaitSilence();
    this.flush();
    this.updateFlow();
  }

  /**
   * A framing that ends frames by a quiet line (RTU) gets the partial frame again, `silent`, once
   * no byte has come for its `silenceMs`: restarted by every drain (bytes arrived), on the
   * injected timer. Bytes waiting for a turn or a reply are not a partial frame yet.
   */
  private awaitSilence(): void {
    this.silenceTimer?.cancel();
    this.silenceTimer = null;
    if (this.pending === null || this.closed) return;
    this.silenceTimer = this.host.timer.setTimeout(() => {
      this.silenceTimer = null;
      if (this.closed || this.busy || this.nextTurn !== null || this.pending === null) return;
      const pending = this.pending;
      this.pending = null;
      this.drain(pending, pending.length, true, true);
    }, this.framing.silenceMs!);
  }

  private resume(exchange: Exchange, outcome: Outcome): void {
    this.busy = false;
    if (this.closed) return;
    this.lastActivity = this.host.timer.now();
    this.apply(exchange, outcome);
    if (!this.busy && !this.closed) this.drainPending();
    this.flush();
    this.updateFlow();
  }

  private handlerFailed(x: Exchange, error: unknown): Outcome {
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    this.host.warnings.log('error', 'handler failures', `#${this.info.id} tid=${x.transactionId}: handler failed (answered 04): ${detail}`);
    return FAILURE;
  }

  /** Carries out one outcome. May set `busy` (timed wire chunks) or close the connection. */
  private apply(x: Exchange, o: Outcome): void {
    if (this.host.traffic >= 2) this.host.logger.log('info', formatOutcome(x, o) + (x.fault === undefined ? '' : ` [rule ${x.fault}]`));
    else if (this.host.traffic === 1) this.host.logger.log('info', formatResult(x, o));
    switch (o.kind) {
      case 'response':
        // A reply over the 253-byte PDU limit (a handler bug) would be an invalid frame; raw
        // bytes on purpose are the 'wire' outcome's job.
        if (o.pdu.length > Limits.pduMax) {
          this.host.warnings.log('error', 'oversized replies', `#${this.info.id} tid=${x.transactionId}: handler replied ${o.pdu.length} PDU bytes, more than ${Limits.pduMax} (answered 04)`);
          this.queue(x, encodeException(x.request.functionCode, ExceptionCode.ServerDeviceFailure));
          return;
        }
        this.queue(x, o.pdu);
        return;
      case 'exception':
        this.queue(x, encodeException(x.request.functionCode, o.code));
        return;
      case 'silence':
        return;
      case 'close':
        this.close(o.how);
        return;
      case 'wire':
        this.flush();
        if (!this.sendChunks(o.chunks, 0)) this.busy = true;
        return;
    }
  }

  /**
   * Writes raw chunks, waiting `delayMs` before each. Returns true when all went out at once;
   * otherwise the connection stays busy until the last timed chunk is written.
   */
  private sendChunks(chunks: readonly WireChunk[], index: number): boolean {
    for (; index < chunks.length; index++) {
      if (this.closed) return true;
      const chunk = chunks[index]!;
      if (chunk.delayMs > 0) {
        const at = index;
        this.wireTimer = this.host.timer.setTimeout(() => {
          this.wireTimer = null;
          if (this.closed) return;
          this.write(chunk.bytes);
          if (this.sendChunks(chunks, at + 1)) this.afterWire();
        }, chunk.delayMs);
        return false;
      }
      this.write(chunk.bytes);
    }
    return true;
  }

  private write(bytes: Uint8Array): void {
    if (!this.send(bytes)) this.writeBlocked = true;
  }

  /** ConnectionInfo.sendLate: frames written now, or after the timed wire chunks under way (not between their pieces). */
  private sendLate(frames: Uint8Array): void {
    if (this.closed) return;
    if (this.wireTimer !== null) {
      (this.late ??= []).push(frames);
      return;
    }
    this.flush();
    this.write(frames);
  }

  private afterWire(): void {
    this.busy = false;
    if (this.closed) return;
    const late = this.late;
    this.late = null;
    if (late) for (const frames of late) this.write(frames);
    this.lastActivity = this.host.timer.now();
    this.drainPending();
    this.updateFlow();
  }

  private queue(x: Exchange, pdu: Uint8Array): void {
    const i = this.outCount++;
    this.outPdus[i] = pdu;
    this.outTids[i] = x.transactionId;
    this.outUnits[i] = x.unitId;
    this.outBytes += this.framing.frameLength(pdu.length);
  }

  private flush(): void {
    const n = this.outCount;
    if (n === 0 || this.closed) return;
    const out = Buffer.allocUnsafe(this.outBytes);
    let offset = 0;
    for (let i = 0; i < n; i++) {
      offset = this.framing.writeFrame(out, offset, this.outTids[i]!, this.outUnits[i]!, this.outPdus[i]!);
      this.outPdus[i] = NO_PDU; // do not keep the reply (and the chunk or slab under it) alive
    }
    // A long pipelined burst would leave long arrays behind on this connection: let them go.
    if (n > MAX_KEPT_REPLIES) {
      this.outPdus.length = 0;
      this.outTids.length = 0;
      this.outUnits.length = 0;
    }
    this.outCount = 0;
    this.outBytes = 0;
    this.write(out);
  }
}

/** `head` (may be null) followed by a copy of `bytes[0, length)`. */
function append(head: Uint8Array | null, bytes: Uint8Array, length: number): Uint8Array {
  const headLength = head?.length ?? 0;
  const out = new Uint8Array(headLength + length);
  if (head) out.set(head, 0);
  out.set(bytes.subarray(0, length), headLength);
  return out;
}
