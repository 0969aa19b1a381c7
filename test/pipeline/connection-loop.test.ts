import { describe, expect, it } from 'vitest';
import { exception, response, SILENCE } from '../../src/pipeline/compose.js';
import type { ConnectionInfo, Handler, Outcome } from '../../src/pipeline/types.js';
import type { LogLevel } from '../../src/log.js';
import type { Framing } from '../../src/protocol/framing.js';
import { encodeAdu, mbapFraming } from '../../src/protocol/mbap.js';
import { encodeRtu, rtuFraming } from '../../src/protocol/rtu.js';
import { ManualTimer } from '../../src/runtime/timers.js';
import { Connection, FRAMES_PER_TURN, MAX_PENDING_INPUT, type ConnectionHost } from '../../src/server/connection.js';
import type { Link } from '../../src/server/link.js';
import { WARN_BURST, WARN_WINDOW_MS, WarnLimiter } from '../../src/server/warn-limit.js';
import { concat, hex, toHex } from '../helpers/hex.js';

/*
 * The connection loop (src/server/connection.ts) without a socket: a Link the test drives by hand
 * (bytes in, writes, pause/resume/end seen as events), a manual timer, a logger that keeps its
 * lines. What a socket cannot show deterministically: turns, flow control, timers, log lines.
 */

/** FC 3 read of one register at `tid`, as an MBAP frame. */
const read = (tid: number): Uint8Array => encodeAdu(tid, 1, hex('03 00 00 00 01'));
/** The reply `echo` gives to `read(tid)`: the register holds the transaction id. */
const answer = (tid: number): string => toHex(encodeAdu(tid, 1, Uint8Array.of(0x03, 0x02, tid >> 8, tid & 0xff)));
/** Answers every read with a register holding its transaction id. */
const echo: Handler = (x) => response(Uint8Array.of(0x03, 0x02, x.transactionId >> 8, x.transactionId & 0xff));
const reads = (from: number, count: number): Uint8Array => concat(...Array.from({ length: count }, (_, i) => read(from + i)));
const SILENCE_MS = 4;
const rtu = rtuFraming(SILENCE_MS);
const rtuFrame = (text: string): Uint8Array => {
  const bytes = hex(text);
  return encodeRtu(bytes[0]!, bytes.subarray(1));
};

interface Options {
  handler?: Handler;
  framing?: Framing;
  traffic?: 0 | 1 | 2;
  idleTimeoutMs?: number;
  onCrcError?: (info: ConnectionInfo) => void;
  role?: string;
  timer?: ManualTimer;
  lines?: [LogLevel, string][];
  warnings?: WarnLimiter;
}

/** One connection over a hand-driven link. `writable = false`: the link's writes report a full buffer. */
function bench(options: Options = {}) {
  const timer = options.timer ?? new ManualTimer();
  const lines = options.lines ?? [];
  const logger = { log: (level: LogLevel, message: string) => void lines.push([level, message]) };
  const sent: string[] = [];
  /** pause, resume, end, reset, destroy, in order. */
  const events: string[] = [];
  let onBytes: (bytes: Uint8Array, length: number) => void = () => {};
  let onDrained = (): void => {};
  let onClose = (): void => {};
  let onError: (error: Error) => void = () => {};
  const state = { writable: true, closedByHost: 0 };
  const link: Link = {
    remoteAddress: '192.0.2.7',
    remotePort: 50_000,
    ...(options.role !== undefined && { role: options.role }),
    start(bytes, drained, close, error) {
      onBytes = bytes;
      onDrained = drained;
      onClose = close;
      onError = error;
      return (out) => (sent.push(toHex(out)), state.writable);
    },
    pause: () => void events.push('pause'),
    resume: () => void events.push('resume'),
    end: () => void events.push('end'),
    reset: () => void events.push('reset'),
    destroy: () => void events.push('destroy'),
  };
  const host: ConnectionHost = {
    handler: options.handler ?? echo,
    framing: options.framing ?? mbapFraming,
    timer,
    logger,
    traffic: options.traffic ?? 0,
    idleTimeoutMs: options.idleTimeoutMs ?? 0,
    warnings: options.warnings ?? new WarnLimiter(logger, timer),
    onCrcError: options.onCrcError,
    onClosed: () => void state.closedByHost++,
  };
  const connection = new Connection(link, host, 1);
  return {
    connection,
    timer,
    sent,
    events,
    lines,
    state,
    /** The peer sends `bytes` (lent, as socket-io.ts lends its read buffer: overwritten after the call). */
    feed(bytes: Uint8Array): void {
      const lent = Uint8Array.from(bytes);
      onBytes(lent, lent.length);
      lent.fill(0xee);
    },
    drained: () => onDrained(),
    peerClosed: () => onClose(),
    error: (e: Error) => onError(e),
    messages: (level?: LogLevel) => lines.filter(([l]) => level === undefined || l === level).map(([, m]) => m),
  };
}

describe('turns: at most FRAMES_PER_TURN requests per pass, the rest on a later turn', () => {
  it('bytes that arrive while requests wait for their turn wait behind them', () => {
    const b = bench();
    b.feed(reads(0, FRAMES_PER_TURN + 1));
    expect(b.sent).toHaveLength(1);
    b.feed(read(FRAMES_PER_TURN + 1));
    expect(b.sent).toHaveLength(1);
    b.timer.runDeferred();
    expect(b.sent.slice(1)).toEqual([`${answer(FRAMES_PER_TURN)} ${answer(FRAMES_PER_TURN + 1)}`]);
  });

  it('a client that does not read its replies gets no more on its turn, only once its writes drain', () => {
    const b = bench();
    b.state.writable = false;
    b.feed(reads(0, FRAMES_PER_TURN + 1));
    expect(b.sent).toHaveLength(1);
    expect(b.events).toEqual(['pause']);
    b.timer.runDeferred();
    expect(b.sent).toHaveLength(1);
    b.state.writable = true;
    b.drained();
    expect(b.sent.slice(1)).toEqual([answer(FRAMES_PER_TURN)]);
    expect(b.events).toEqual(['pause', 'resume']);
  });

  it('writes that drain before the turn do not answer ahead of it', () => {
    const b = bench();
    b.state.writable = false;
    b.feed(reads(0, 2 * FRAMES_PER_TURN));
    b.state.writable = true;
    b.drained();
    expect(b.sent).toHaveLength(1);
    b.timer.runDeferred();
    expect(b.sent).toHaveLength(2);
    expect(b.sent[1]!.startsWith(answer(FRAMES_PER_TURN))).toBe(true);
  });

  it('RTU: requests waiting for their turn are not a partial frame ended by a quiet line', () => {
    const b = bench({ framing: rtu });
    const one = rtuFrame('01 41 00 00'); // unknown length: only a quiet line could end it
    b.feed(concat(...Array.from({ length: FRAMES_PER_TURN }, () => rtuFrame('01 03 00 00 00 01')), one));
    expect(b.sent).toHaveLength(1);
    b.timer.advance(SILENCE_MS);
    expect(b.sent).toHaveLength(1);
    b.timer.runDeferred();
    b.timer.advance(SILENCE_MS);
    expect(b.sent).toHaveLength(2);
  });
});

describe('flow control: the link is paused and resumed only when that changes', () => {
  it('a client served at once is never paused or resumed', () => {
    const b = bench();
    b.feed(reads(0, 3));
    b.feed(read(3).subarray(0, 5));
    b.feed(read(3).subarray(5));
    expect(b.sent).toEqual([`${answer(0)} ${answer(1)} ${answer(2)}`, answer(3)]);
    expect(b.events).toEqual([]);
  });

  it(`behind a reply still being made, up to ${MAX_PENDING_INPUT} bytes are queued before reading pauses`, async () => {
    let settle: (o: Outcome) => void = () => {};
    const b = bench({ handler: (x) => (x.transactionId === 0 ? new Promise<Outcome>((r) => (settle = r)) : echo(x)) });
    b.feed(read(0));
    // 256 frames of 256 bytes with protocol id 1 (dropped unanswered): 64 KiB queued.
    const dropped = new Uint8Array(256);
    dropped.set(hex('00 00 00 01 00 fa 01 03'));
    const queued = concat(...Array.from({ length: MAX_PENDING_INPUT / 256 }, () => dropped));
    b.feed(queued.subarray(0, 1000));
    b.feed(queued.subarray(1000));
    expect(b.events).toEqual([]);
    b.feed(read(1).subarray(0, 1));
    expect(b.events).toEqual(['pause']);
    settle(SILENCE);
    await Promise.resolve();
    expect(b.events).toEqual(['pause', 'resume']);
    b.feed(read(1).subarray(1));
    expect(b.sent).toEqual([answer(1)]);
  });

  it('a connection closed while paused is not resumed when its writes drain', () => {
    const b = bench({ handler: (x) => (x.transactionId === 1 ? { kind: 'close', how: 'end' } : echo(x)) });
    b.state.writable = false;
    b.feed(read(0));
    expect(b.events).toEqual(['pause']);
    b.feed(read(1));
    b.drained();
    expect(b.events).toEqual(['pause', 'end']);
  });
});

describe('closing', () => {
  it.each([
    ['end', ['end']],
    ['reset', ['reset']],
    ['destroy', ['destroy']],
  ] as const)('close(%s) ends the link so, once', (how, events) => {
    const b = bench();
    b.connection.close(how);
    b.connection.close('end');
    b.connection.close('reset');
    expect(b.events).toEqual(events);
    expect(b.connection.isClosed).toBe(true);
  });

  it('close() is a FIN; a peer that never finishes is destroyed after the 5 s grace (docs/reliability.md)', () => {
    const b = bench();
    b.connection.close();
    expect(b.events).toEqual(['end']);
    b.timer.advance(4999);
    expect(b.events).toEqual(['end']);
    b.timer.advance(1);
    expect(b.events).toEqual(['end', 'destroy']);
  });

  it('a peer that finishes in time is not destroyed; shutting down destroys a half-closed one at once', () => {
    const b = bench();
    b.connection.close();
    b.peerClosed();
    b.timer.advance(5000);
    expect(b.events).toEqual(['end']);
    const c = bench();
    c.connection.close();
    c.connection.close('destroy');
    expect(c.events).toEqual(['end', 'destroy']);
  });

  it('bytes after our FIN are not answered', () => {
    const b = bench();
    b.connection.close('end');
    b.feed(read(0));
    expect(b.sent).toEqual([]);
  });

  it('onClose hooks run once at close; one unregistered does not; one registered after the close runs at once', () => {
    const calls: string[] = [];
    let info: ConnectionInfo | undefined;
    const b = bench({ handler: (x) => ((info = x.connection), SILENCE) });
    b.feed(read(0));
    info!.onClose!(() => calls.push('kept'));
    const off = info!.onClose!(() => calls.push('unregistered'));
    off();
    expect(calls).toEqual([]);
    b.connection.close('end');
    expect(calls).toEqual(['kept']);
    b.peerClosed();
    expect(calls).toEqual(['kept']);
    info!.onClose!(() => calls.push('late'));
    expect(calls).toEqual(['kept', 'late']);
    expect(b.state.closedByHost).toBe(1);
  });

  it('a reply that settles after the connection closed is neither sent nor logged', async () => {
    let settle: (o: Outcome) => void = () => {};
    const b = bench({ traffic: 1, handler: () => new Promise<Outcome>((r) => (settle = r)) });
    b.feed(read(0));
    b.peerClosed();
    const before = b.lines.length;
    settle(response(hex('03 02 00 00')));
    await Promise.resolve();
    expect(b.sent).toEqual([]);
    expect(b.lines.slice(before)).toEqual([]);
  });
});

describe('idle timeout', () => {
  it('0 turns it off', () => {
    const b = bench({ idleTimeoutMs: 0 });
    b.timer.advance(3_600_000);
    expect(b.connection.isClosed).toBe(false);
    expect(b.timer.size).toBe(0);
  });

  it('an idle client is disconnected with an info line', () => {
    const b = bench({ idleTimeoutMs: 100 });
    b.timer.advance(99);
    expect(b.connection.isClosed).toBe(false);
    b.timer.advance(1);
    expect(b.events).toEqual(['end']);
    expect(b.lines).toEqual([['info', '#1 idle for 100 ms: disconnecting']]);
  });
});

describe('the connection info handed to the handler', () => {
  it('carries the peer, the framing and, with TLS, the certificate role; no role key without one', () => {
    const seen: ConnectionInfo[] = [];
    const handler: Handler = (x) => (seen.push(x.connection), SILENCE);
    bench({ handler, role: 'operator' }).feed(read(0));
    bench({ handler }).feed(read(0));
    expect(seen[0]).toMatchObject({ id: 1, remoteAddress: '192.0.2.7', remotePort: 50_000, framing: mbapFraming, role: 'operator' });
    expect('role' in seen[1]!).toBe(false);
  });
});

describe('log lines', () => {
  it('a socket error is a debug line', () => {
    const b = bench();
    b.error(new Error('read ECONNRESET'));
    expect(b.lines).toEqual([['debug', '#1 socket error: read ECONNRESET']]);
  });

  it('a handler that throws is answered 04 and logged with its stack', () => {
    const error = new Error('boom');
    error.stack = 'Error: boom\n    at the handler';
    const b = bench({ handler: () => { throw error; } });
    b.feed(read(5));
    expect(b.sent).toEqual([toHex(encodeAdu(5, 1, hex('83 04')))]);
    expect(b.lines).toEqual([['error', '#1 tid=5: handler failed (answered 04): Error: boom\n    at the handler']]);
  });

  it('a handler that throws something else than an Error is logged as a string; one without a stack by its message', () => {
    const noStack = new Error('no stack');
    noStack.stack = undefined;
    let n = 0;
    const b = bench({ handler: () => { throw n++ === 0 ? 'a string' : noStack; } });
    b.feed(concat(read(1), read(2)));
    expect(b.messages('error')).toEqual(['#1 tid=1: handler failed (answered 04): a string', '#1 tid=2: handler failed (answered 04): no stack']);
  });

  it('an oversized reply is an error line, answered 04', () => {
    const b = bench({ handler: () => response(new Uint8Array(254).fill(3)) });
    b.feed(read(2));
    expect(b.sent).toEqual([toHex(encodeAdu(2, 1, hex('83 04')))]);
    expect(b.lines).toEqual([['error', '#1 tid=2: handler replied 254 PDU bytes, more than 253 (answered 04)']]);
  });

  it('a bad MBAP length is a warning, and the connection closes', () => {
    const b = bench();
    b.feed(hex('00 01 00 00 00 ff 01 03'));
    expect(b.lines).toEqual([['warn', '#1 MBAP length 255 outside 2..254: closing the connection']]);
    expect(b.events).toEqual(['end']);
  });

  // [traffic level, the lines of one answered read and one with a fault rule named]
  const TRAFFIC: readonly (readonly [0 | 1 | 2, readonly string[]])[] = [
    [0, []],
    [1, [
      '#1 192.0.2.7:50000 tid=7 unit=1 readHoldingRegisters address=0 quantity=1',
      '#1 tid=7 <- ok',
      '#1 192.0.2.7:50000 tid=8 unit=1 readHoldingRegisters address=0 quantity=1 fault=slow',
      '#1 tid=8 <- exception 0x06 (server device busy) [rule slow]',
    ]],
    [2, [
      '#1 192.0.2.7:50000 tid=7 unit=1 readHoldingRegisters address=0 quantity=1\n  -> 03 00 00 00 01',
      '#1 tid=7 <- 03 02 00 07',
      '#1 192.0.2.7:50000 tid=8 unit=1 readHoldingRegisters address=0 quantity=1 fault=slow\n  -> 03 00 00 00 01',
      '#1 tid=8 <- exception 0x06 [rule slow]',
    ]],
  ];
  it.each(TRAFFIC)('traffic level %i: the request and what became of it', (traffic, expected) => {
    const handler: Handler = (x) => {
      if (x.transactionId !== 8) return echo(x);
      x.fault = 'slow';
      return exception(6);
    };
    const b = bench({ traffic, handler });
    b.feed(concat(read(7), read(8)));
    expect(b.messages('info')).toEqual(expected);
  });

  it('a frame with a protocol id other than 0 is dropped, logged only with traffic on', () => {
    const other = hex('00 01 00 05 00 06 01 03 00 00 00 01');
    const quiet = bench();
    quiet.feed(concat(other, read(2)));
    expect(quiet.sent).toEqual([answer(2)]);
    expect(quiet.lines).toEqual([]);
    const traced = bench({ traffic: 1 });
    traced.feed(other);
    expect(traced.lines).toEqual([['info', '#1 protocol id 5 ≠ 0: frame discarded']]);
  });

  it('a framing that says why it discards a frame is quoted', () => {
    const framing: Framing = { ...mbapFraming, scan: (_buf, offset, end) => (offset < end ? { kind: 'discard', protocolId: 0, end, reason: 'another unit\'s reply' } : { kind: 'need-more' }) };
    const b = bench({ framing, traffic: 1 });
    b.feed(hex('01 02 03'));
    expect(b.lines).toEqual([['info', '#1 another unit\'s reply: frame discarded']]);
  });

  it('RTU: bytes skipped are counted from where the skipping started', () => {
    const b = bench({ framing: rtu });
    const bad = rtuFrame('01 03 00 00 00 01');
    bad[7]! ^= 0xff;
    b.feed(concat(rtuFrame('01 03 00 00 00 01'), bad));
    expect(b.messages('info')).toEqual(['#1 1 bytes skipped: CRC error']);
  });

  it('a framing that skips no bytes (its bug) is an error, and the connection closes rather than loop', () => {
    let scans = 0;
    const framing: Framing = { ...mbapFraming, scan: (_buf, offset) => (scans++ === 0 ? { kind: 'garbage', end: offset, reason: 'stuck' } : { kind: 'need-more' }) };
    const b = bench({ framing });
    b.feed(hex('01 02 03'));
    expect(b.lines).toEqual([['error', '#1 MBAP framing skipped no bytes (stuck): closing the connection']]);
    expect(b.events).toEqual(['end']);
  });

  // [kind, what makes one line of it on a fresh connection]
  const KINDS: readonly (readonly [string, Options, (b: ReturnType<typeof bench>) => void])[] = [
    ['idle disconnects', { idleTimeoutMs: 10 }, (b) => b.timer.advance(10)],
    ['bad frames', {}, (b) => b.feed(hex('00 01 00 00 00 00'))],
    ['discarded frames', { traffic: 1 }, (b) => b.feed(hex('00 01 00 01 00 06 01 03 00 00 00 01'))],
    ['handler failures', { handler: () => { throw new Error('x'); } }, (b) => b.feed(read(1))],
    ['oversized replies', { handler: () => response(new Uint8Array(300)) }, (b) => b.feed(read(1))],
    ['skipped bytes', { framing: rtu }, (b) => (b.feed(hex('01')), b.timer.advance(SILENCE_MS))],
    [
      'framing errors',
      { framing: { ...mbapFraming, scan: (_b, offset) => ({ kind: 'garbage', end: offset, reason: 'stuck' }) } },
      (b) => b.feed(hex('00')),
    ],
  ];
  it.each(KINDS)('%s: past the burst, counted under that name', (kind, options, trigger) => {
    const timer = new ManualTimer();
    const lines: [LogLevel, string][] = [];
    const logger = { log: (level: LogLevel, message: string) => void lines.push([level, message]) };
    const warnings = new WarnLimiter(logger, timer);
    for (let i = 0; i <= WARN_BURST; i++) trigger(bench({ ...options, timer, lines, warnings }));
    timer.advance(WARN_WINDOW_MS);
    expect(lines.filter(([, m]) => m.startsWith('…')).map(([, m]) => m)).toEqual([`… 1 more ${kind} in the last 5 s`]);
  });
});

describe('RTU: CRC errors are told once per burst (FC 8 bus communication errors)', () => {
  const bad = (): Uint8Array => {
    const f = rtuFrame('01 03 00 00 00 01');
    f[7]! ^= 0xff;
    return f;
  };
  const good = rtuFrame('01 03 00 00 00 01');

  it('one burst of bad frames is one error; a frame answered ends the burst, and so does a quiet line', () => {
    let errors = 0;
    const b = bench({ framing: rtu, handler: () => response(hex('03 02 00 00')), onCrcError: () => void errors++ });
    b.feed(concat(bad(), bad()));
    b.timer.advance(SILENCE_MS);
    expect(errors).toBe(1);
    // One bad frame right after a good one, then the quiet line: one error, not one before the
    // quiet line and one more for the bytes scanned again after it.
    b.feed(concat(good, bad()));
    b.timer.advance(SILENCE_MS);
    expect(errors).toBe(2);
    b.feed(bad());
    b.timer.advance(SILENCE_MS);
    expect(errors).toBe(3);
    b.feed(good);
    expect(errors).toBe(3);
  });

  it('bytes skipped for another reason are no CRC error', () => {
    let errors = 0;
    const b = bench({ framing: rtu, onCrcError: () => void errors++ });
    b.feed(hex('01'));
    b.timer.advance(SILENCE_MS);
    expect(b.messages('info')).toEqual(['#1 1 bytes skipped: no frame before the line went quiet']);
    expect(errors).toBe(0);
  });

  it('nothing partial, no timer: a whole frame answered leaves no quiet-line timer behind', () => {
    const b = bench({ framing: rtu, handler: () => response(hex('03 02 00 00')) });
    b.feed(good);
    expect(b.sent).toHaveLength(1);
    expect(b.timer.size).toBe(0);
  });
});

describe('timed wire chunks and frames sent late', () => {
  it('a chunk with a delay waits for it; frames sent late meanwhile follow the last chunk', () => {
    let info: ConnectionInfo | undefined;
    const b = bench({
      handler: (x) => {
        info = x.connection;
        return { kind: 'wire', chunks: [{ bytes: hex('aa'), delayMs: 0 }, { bytes: hex('bb'), delayMs: 10 }, { bytes: hex('cc'), delayMs: 5 }] };
      },
    });
    b.feed(read(0));
    expect(b.sent).toEqual(['aa']);
    info!.sendLate!(hex('11 22'));
    b.timer.advance(10);
    expect(b.sent).toEqual(['aa', 'bb']);
    b.timer.advance(5);
    expect(b.sent).toEqual(['aa', 'bb', 'cc', '11 22']);
    info!.sendLate!(hex('33'));
    expect(b.sent).toEqual(['aa', 'bb', 'cc', '11 22', '33']);
  });

  it('frames sent late after the close are dropped', () => {
    let info: ConnectionInfo | undefined;
    const b = bench({ handler: (x) => ((info = x.connection), SILENCE) });
    b.feed(read(0));
    b.connection.close('end');
    info!.sendLate!(hex('11'));
    expect(b.sent).toEqual([]);
  });

  it('a connection closed between timed chunks writes no more of them', () => {
    const b = bench({ handler: () => ({ kind: 'wire', chunks: [{ bytes: hex('aa'), delayMs: 0 }, { bytes: hex('bb'), delayMs: 10 }] }) });
    b.feed(read(0));
    b.connection.close('reset');
    b.timer.advance(10);
    expect(b.sent).toEqual(['aa']);
  });
});
