import { HELD_BACK } from '../../pipeline/compose.js';
import type { ConnectionInfo, Exchange, Outcome } from '../../pipeline/types.js';
import type { FaultAction } from '../../profile/types.generated.js';
import type { TimerHandle } from '../../time.js';
import { durationMs } from '../duration.js';
import { framingOf, mapOutcome, replyFrame, type ActionContext, type ActionFactory } from '../action.js';

type Params = NonNullable<FaultAction['outOfOrder']>;

/** `outOfOrder: true`: reversed pairs, an unpaired reply sent after this long. */
export const OUT_OF_ORDER_DEFAULTS = { window: 2, order: 'reverse', flushAfterMs: 100 } as const;

/** The replies held back on one connection, in request order. */
interface Held {
  readonly frames: Uint8Array[];
  timer: TimerHandle | undefined;
  forget: (() => void) | undefined;
}

/**
 * `outOfOrder: true | { window, order, flushAfter }`: each request the rule fires for is carried
 * out at once and its reply (normal or exception, framed with its transaction id) held back; once
 * `window` replies are held on the connection they go out together, reversed or in a seeded
 * shuffle that is never the request order. A window not full `flushAfter` after its first reply
 * was held goes out as it is, in the same kind of order, through the connection's `sendLate`.
 * Modbus TCP allows it (IG 4.4.1.1: replies carry the transaction id); a framing without
 * transaction ids (RTU) is refused at load, and an exchange on one, or outside a server, is
 * answered in order. Requests the rule does not fire for are answered as they come, ahead of the
 * held ones. Other outcomes (silence, close, raw bytes) are left as they are.
 */
export const outOfOrderAction: ActionFactory<Params> = (p, ctx) => {
  const window = p === true ? OUT_OF_ORDER_DEFAULTS.window : (p.window ?? OUT_OF_ORDER_DEFAULTS.window);
  const shuffle = p !== true && p.order === 'shuffle';
  const flushAfterMs = p === true || p.flushAfter === undefined ? OUT_OF_ORDER_DEFAULTS.flushAfterMs : Math.round(durationMs(p.flushAfter));
  const held = new Map<number, Held>();
  let windows = 0;

  /** The frames of a window in the order they go out, as one write. */
  const release = (frames: readonly Uint8Array[]): Uint8Array => {
    const order = shuffle ? shuffled(frames.length, ctx, windows++) : reversed(frames.length);
    let length = 0;
    for (const f of frames) length += f.length;
    const out = new Uint8Array(length);
    let offset = 0;
    for (const i of order) {
      out.set(frames[i]!, offset);
      offset += frames[i]!.length;
    }
    return out;
  };

  const take = (connection: ConnectionInfo): Held | undefined => {
    const h = held.get(connection.id);
    if (!h) return undefined;
    held.delete(connection.id);
    h.timer?.cancel();
    h.forget?.();
    return h;
  };

  const hold = (x: Exchange, o: Outcome): Outcome => {
    const frame = replyFrame(x, o);
    if (!frame) return o;
    const c = x.connection;
    let h = held.get(c.id);
    if (!h) {
      h = { frames: [], timer: undefined, forget: undefined };
      held.set(c.id, h);
      h.forget = c.onClose?.(() => take(c));
      h.timer = ctx.env.timer.setTimeout(() => {
        const late = take(c);
        if (late) c.sendLate!(release(late.frames));
      }, flushAfterMs);
    }
    h.frames.push(frame);
    if (h.frames.length < window) return HELD_BACK;
    return { kind: 'wire', chunks: [{ bytes: release(take(c)!.frames), delayMs: 0 }] };
  };

  return (next) => (x) => {
    // In order where replies cannot say which request they answer, or nothing could send a window late.
    if (!framingOf(x).transactionIds || x.connection.sendLate === undefined) return next(x);
    return mapOutcome(next(x), (o) => hold(x, o));
  };
};

/** n-1, ..., 1, 0. */
function reversed(n: number): number[] {
  return Array.from({ length: n }, (_, i) => n - 1 - i);
}

/**
 * A Fisher-Yates shuffle of 0..n-1 from the rule's `<name>/order` stream (window `w` draws from
 * index w·64 on: a window holds at most 64); the request order itself is turned into a rotation,
 * so a window of two or more never goes out as it came.
 */
function shuffled(n: number, ctx: ActionContext, w: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(ctx.env.random.at(`${ctx.rule}/order`, w * 64 + i) * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  if (n > 1 && order.every((v, i) => v === i)) order.push(order.shift()!);
  return order;
}
