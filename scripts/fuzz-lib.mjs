// Frame generator and reply checker shared by the CI fuzz test (test/server/fuzz.test.ts) and
// `npm run fuzz` (scripts/fuzz.mjs). Plain JavaScript so the script can run without a build step
// of its own; types in fuzz-lib.d.mts. Facts from docs/protocol.md (AP 6, IG 3.1).
import { connect } from 'node:net';

/** A seeded PRNG (mulberry32): the same seed gives the same frames. */
export function seededRandom(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min, max) => min + Math.floor(next() * (max - min + 1));
  return { next, int, pick: (list) => list[int(0, list.length - 1)] };
}

/**
 * The PRNG of connection number `index` of a run seeded `seed`: each connection draws from its own,
 * so what it sends does not depend on the order in which concurrent connections happen to run.
 */
export function connectionRandom(seed, index) {
  return seededRandom((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
}

const u16 = (v) => [(v >> 8) & 0xff, v & 0xff];

/** A request PDU of a served function code, usually valid, sometimes out of range. */
function wellFormedPdu(r) {
  const address = r.next() < 0.8 ? r.int(0, 200) : r.int(0, 0xffff);
  switch (r.int(0, 10)) {
    case 0:
    case 1: // FC 1 / 2
      return [r.pick([1, 2]), ...u16(address), ...u16(r.next() < 0.9 ? r.int(1, 2000) : r.int(0, 0xffff))];
    case 2:
    case 3: // FC 3 / 4
      return [r.pick([3, 4]), ...u16(address), ...u16(r.next() < 0.9 ? r.int(1, 125) : r.int(0, 0xffff))];
    case 4:
      return [5, ...u16(address), ...u16(r.pick([0xff00, 0x0000, r.int(0, 0xffff)]))];
    case 5:
      return [6, ...u16(address), ...u16(r.int(0, 0xffff))];
    case 6: {
      const n = r.int(1, 123);
      return [16, ...u16(address), ...u16(n), 2 * n, ...Array.from({ length: 2 * n }, () => r.int(0, 255))];
    }
    case 7: {
      const n = r.int(1, 1968);
      const bytes = Math.ceil(n / 8);
      return [15, ...u16(address), ...u16(n), bytes, ...Array.from({ length: bytes }, () => r.int(0, 255))];
    }
    case 8:
      return [22, ...u16(address), ...u16(r.int(0, 0xffff)), ...u16(r.int(0, 0xffff))];
    case 9: {
      const w = r.int(1, 60);
      return [23, ...u16(address), ...u16(r.int(1, 125)), ...u16(address), ...u16(w), 2 * w, ...Array.from({ length: 2 * w }, () => r.int(0, 255))];
    }
    default:
      return r.pick([
        [0x2b, 0x0e, r.int(0, 5), r.int(0, 255)],
        [0x08, 0x00, 0x00, r.int(0, 255), r.int(0, 255)],
        [0x11],
        [r.int(0, 255)],
      ]);
  }
}

/** A PDU: well formed, or one with bytes flipped, cut short, extended or replaced by noise. */
export function generatePdu(r) {
  let pdu = wellFormedPdu(r);
  const roll = r.next();
  if (roll < 0.3) {
    for (let i = r.int(1, 3); i > 0; i--) pdu[r.int(0, pdu.length - 1)] = r.int(0, 255);
  } else if (roll < 0.4) {
    pdu = pdu.slice(0, r.int(1, pdu.length));
  } else if (roll < 0.5) {
    pdu = pdu.concat(Array.from({ length: r.int(1, 20) }, () => r.int(0, 255)));
  } else if (roll < 0.55) {
    pdu = Array.from({ length: r.int(1, 253) }, () => r.int(0, 255));
  }
  return Uint8Array.from(pdu.slice(0, 253));
}

/** An ADU with a truthful header: transaction id `tid`, protocol id 0 (rarely 1: discarded). */
export function frame(r, tid, pdu) {
  const protocol = r.next() < 0.03 ? 1 : 0;
  const unit = r.next() < 0.9 ? 1 : r.int(0, 255);
  return Uint8Array.from([...u16(tid), ...u16(protocol), ...u16(pdu.length + 1), unit, ...pdu]);
}

/** Bytes no parser should trust: frames with lying length fields, and noise. */
export function chaos(r) {
  const parts = [];
  for (let i = r.int(1, 6); i > 0; i--) {
    if (r.next() < 0.5) parts.push(...Array.from({ length: r.int(1, 64) }, () => r.int(0, 255)));
    else {
      const pdu = generatePdu(r);
      const length = Math.max(0, Math.min(0xffff, pdu.length + 1 + r.int(-3, 3)));
      parts.push(...u16(r.int(0, 0xffff)), 0, r.pick([0, 0, 0, 1]), ...u16(length), r.int(0, 255), ...pdu);
    }
  }
  return Uint8Array.from(parts);
}

const ceil8 = (n) => Math.ceil(n / 8);
const word = (b, i) => (b[i] << 8) | b[i + 1];
const sameBytes = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * Why `reply` (a whole ADU) is not a well-formed answer to `request` (a whole ADU), or null.
 * Exceptions must be fc|0x80 and a known code; normal replies must have the shape their request
 * asks for (AP 6).
 */
export function replyProblem(request, reply) {
  if (reply.length < 9) return `reply of ${reply.length} bytes`;
  if (word(reply, 0) !== word(request, 0)) return 'transaction id not echoed';
  if (word(reply, 2) !== 0) return 'protocol id not 0';
  if (word(reply, 4) !== reply.length - 6) return 'MBAP length disagrees with the bytes';
  if (reply[6] !== request[6]) return 'unit id not echoed';
  const q = request.subarray(7);
  const a = reply.subarray(7);
  if (a.length > 253) return 'PDU over 253 bytes';
  if (a[0] === (q[0] | 0x80)) {
    return a.length === 2 && [1, 2, 3, 4, 6, 0x0a, 0x0b].includes(a[1]) ? null : `bad exception reply ${a[1]}`;
  }
  if (a[0] !== q[0]) return `function code ${a[0]} for a request of ${q[0]}`;
  switch (q[0]) {
    case 1:
    case 2:
      return a[1] === ceil8(word(q, 3)) && a.length === 2 + a[1] ? null : 'bit read: bad byte count';
    case 3:
    case 4:
      return a[1] === 2 * word(q, 3) && a.length === 2 + a[1] ? null : 'register read: bad byte count';
    case 5:
    case 6:
    case 22:
      return sameBytes(a, q) ? null : 'write not echoed';
    case 15:
    case 16:
      return a.length === 5 && sameBytes(a.subarray(0, 5), q.subarray(0, 5)) ? null : 'multiple write: bad reply';
    case 23:
      return a[1] === 2 * word(q, 3) && a.length === 2 + a[1] ? null : 'read/write: bad byte count';
    case 8:
      return sameBytes(a, q) ? null : 'diagnostics: not echoed';
    case 0x11:
      return a[1] === a.length - 2 ? null : 'report server id: bad byte count';
    case 0x2b:
      return a[1] === 0x0e && a.length >= 7 ? null : 'device identification: bad header';
    default:
      return `function ${q[0]} answered without an exception`;
  }
}

/**
 * Connects to host:port. `onAdu` gets each whole ADU received (framed by its length field).
 * Resolves once connected; `closed` resolves when the socket closes.
 */
export function openFuzzClient(port, host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, noDelay: true });
    let buffer = Buffer.alloc(0);
    const client = {
      socket,
      onAdu: () => {},
      malformed: 0,
      closed: new Promise((done) => socket.on('close', done)),
      send: (bytes) => socket.write(bytes),
    };
    socket.on('data', (chunk) => {
      buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
      while (buffer.length >= 6) {
        const length = buffer.readUInt16BE(4);
        if (length < 2 || length > 254) {
          client.malformed++; // not a frame we could ever have sent
          socket.destroy();
          return;
        }
        if (buffer.length < 6 + length) break;
        const adu = Uint8Array.prototype.slice.call(buffer, 0, 6 + length);
        buffer = buffer.subarray(6 + length);
        client.onAdu(adu);
      }
    });
    socket.on('error', () => {});
    socket.once('connect', () => resolve(client));
    socket.once('error', reject);
  });
}

/**
 * What a connection will send, drawn before it connects: noise (one blob, 10% of connections) or
 * 1..100 frames with truthful headers.
 */
export function planConnection(r) {
  const chaos = r.next() < 0.1;
  return { chaos, frames: chaos ? 1 : r.int(1, 100) };
}

/**
 * How long the probe and the well-behaved client wait for a reply. A profile may drop replies on
 * purpose (devices/fault-noisy-link.yaml): a reply that does not come is a timeout, counted, not
 * a wait for ever.
 */
export const DEFAULT_REPLY_TIMEOUT_MS = 1000;

/** Resolves with `promise`'s value, or with `fallback` after `ms` (the timer is cleared either way). */
function within(promise, ms, fallback) {
  let timer;
  const timeout = new Promise((resolve) => (timer = setTimeout(() => resolve(fallback), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * One fuzzing connection (see planConnection): `plan.frames` frames with truthful headers (every
 * reply checked against its request, in order), or noise and lying headers (every reply still a
 * whole, plausible ADU). A probe ends each framed connection and must be answered within
 * `replyTimeoutMs` (else `timeouts` is 1). Resolves with { frames, replies, malformed, timeouts, problems }.
 */
export async function fuzzConnection(port, r, plan, { replyTimeoutMs = DEFAULT_REPLY_TIMEOUT_MS } = {}) {
  const count = plan.frames;
  const client = await openFuzzClient(port);
  const result = { frames: 0, replies: 0, malformed: 0, timeouts: 0, problems: [] };
  if (plan.chaos) {
    client.onAdu = (adu) => {
      result.replies++;
      if (word(adu, 2) !== 0 || adu.length < 9) {
        result.malformed++;
        result.problems.push('chaos: reply not a plausible ADU');
      }
    };
    result.frames = 1;
    // Our FIN after the bytes: the server handles them all, then closes (unless a length outside
    // 2..254 made it close first).
    client.socket.end(chaos(r));
    await client.closed;
    result.malformed += client.malformed;
    return result;
  }
  const sent = [];
  let next = 0;
  const PROBE_TID = 0xffff;
  const probe = Uint8Array.of(0xff, 0xff, 0, 0, 0, 6, 1, 3, 0, 0, 0, 1);
  const answered = new Promise((resolve) => {
    client.onAdu = (adu) => {
      result.replies++;
      const tid = word(adu, 0);
      if (tid === PROBE_TID) {
        const problem = replyProblem(probe, adu);
        if (problem) result.problems.push(`probe: ${problem}`);
        resolve(true);
        return;
      }
      // Replies come in request order; requests may go unanswered (discarded, broadcast).
      while (next < sent.length && word(sent[next], 0) !== tid) next++;
      if (next === sent.length) {
        result.problems.push(`reply tid ${tid} matches no request in order`);
        result.malformed++;
        return;
      }
      const problem = replyProblem(sent[next], adu);
      if (problem) {
        result.problems.push(`fc ${sent[next][7]}: ${problem}`);
        result.malformed++;
      }
      next++;
    };
    client.closed.then(() => resolve(false));
  });
  const chunks = [];
  for (let i = 0; i < count; i++) {
    const adu = frame(r, i, generatePdu(r));
    sent.push(adu);
    chunks.push(adu);
    result.frames++;
  }
  chunks.push(probe);
  // Sent in a few writes split at arbitrary offsets.
  const all = Buffer.concat(chunks);
  for (let at = 0; at < all.length; ) {
    const step = r.int(1, all.length);
    client.send(all.subarray(at, at + step));
    at += step;
  }
  const outcome = await within(answered, replyTimeoutMs, 'timeout');
  if (outcome === 'timeout') result.timeouts++;
  else if (!outcome) {
    result.problems.push('connection closed before the probe was answered');
    result.malformed++;
  }
  client.socket.destroy();
  await client.closed;
  result.malformed += client.malformed;
  return result;
}

/**
 * A well-behaved client: FC 3 round trips until `stop()` says so, each waiting `replyTimeoutMs`
 * at most (a reply that comes later, for an earlier transaction id, is ignored). Resolves with
 * { ok, bad, timeouts }.
 */
export async function healthyClient(port, stop, { replyTimeoutMs = DEFAULT_REPLY_TIMEOUT_MS } = {}) {
  const client = await openFuzzClient(port);
  let ok = 0;
  let bad = 0;
  let timeouts = 0;
  let waiting = null;
  let expected = -1;
  client.onAdu = (adu) => {
    if (word(adu, 0) === expected) waiting?.(adu);
  };
  client.closed.then(() => waiting?.(null));
  for (let tid = 0; !stop(); tid = (tid + 1) & 0x7fff) {
    const request = Uint8Array.of(tid >> 8, tid & 0xff, 0, 0, 0, 6, 1, 3, 0, 0, 0, 1);
    expected = tid;
    const reply = await within(
      new Promise((resolve) => {
        waiting = resolve;
        client.send(request);
      }),
      replyTimeoutMs,
      'timeout',
    );
    waiting = null;
    if (reply === 'timeout') timeouts++;
    else if (reply && replyProblem(request, reply) === null) ok++;
    else bad++;
    if (!reply) break;
  }
  client.socket.destroy();
  await client.closed;
  return { ok, bad, timeouts };
}
