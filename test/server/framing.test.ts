import { Duplex, PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, test } from 'vitest';
import { createDeviceHandler } from '../../src/device/handler.js';
import { InMemoryDataSource } from '../../src/device/memory.js';
import { silentLogger } from '../../src/log.js';
import { mbapFraming } from '../../src/protocol/mbap.js';
import { ManualTimer } from '../../src/runtime/timers.js';
import { Connection, type ConnectionHost } from '../../src/server/connection.js';
import { streamLink, type Link } from '../../src/server/link.js';
import { sameTransport, serialTransport, tcpTransport } from '../../src/server/transport.js';
import { WarnLimiter } from '../../src/server/warn-limit.js';
import { faultBench } from '../faults/helpers.js';
import { concat, hex, toHex } from '../helpers/hex.js';
import { encodeRtu, rtuFraming, SERIAL_DEFAULTS } from '../../src/protocol/rtu.js';
import { startServer } from '../helpers/server.js';

/*
 * The Framing seam (protocol/framing.ts): RTU (CRC, no transaction id, no length field, a quiet
 * line ends a frame) runs through the real connection loop, over a socket and over a link that
 * is no socket. The MBAP suites run as they were.
 */
const SILENCE_MS = 4;
const rtu = rtuFraming(SILENCE_MS);
const frame = (text: string): Uint8Array => {
  const bytes = hex(text);
  return encodeRtu(bytes[0]!, bytes.subarray(1));
};
const f = (text: string): string => toHex(frame(text));

const registersSource = (): InMemoryDataSource => {
  const ds = new InMemoryDataSource();
  ds.writeHoldingRegisters(1, 0, Uint16Array.of(0x1111, 0x2222, 0x3333));
  return ds;
};

describe('scan: a frame found from its function code, fed a byte at a time', () => {
  // [comment, frame without CRC]
  const FRAMES: readonly (readonly [string, string])[] = [
    ['FC 3 read 2 registers (fixed length)', '01 03 00 00 00 02'],
    ['FC 16 write 2 registers (byte count at 5)', '11 10 00 01 00 02 04 00 0a 01 02'],
    ['FC 23 read/write (byte count at 9)', '01 17 00 03 00 06 00 0e 00 03 06 00 ff 00 ff 00 ff'],
    ['FC 17 report server id (one byte)', '05 11'],
  ];
  it.each(FRAMES)('%s', (_comment, text) => {
    const bytes = frame(text);
    for (let n = 0; n < bytes.length; n++) expect(rtu.scan(bytes, 0, n, false)).toEqual({ kind: 'need-more' });
    expect(rtu.scan(bytes, 0, bytes.length, false)).toEqual({ kind: 'frame', transactionId: 0, unitId: bytes[0], pduStart: 1, end: bytes.length });
  });

  it('a CRC error is garbage, skipped a byte at a time until a frame starts', () => {
    const bad = frame('01 03 00 00 00 02');
    bad[bad.length - 1]! ^= 0xff;
    expect(rtu.scan(bad, 0, bad.length, false)).toEqual({ kind: 'garbage', end: 1, reason: 'CRC error', crcError: true });
  });

  it('a code of unknown length waits for the quiet line', () => {
    const bytes = frame('01 41 00 00');
    expect(rtu.scan(bytes, 0, bytes.length, false)).toEqual({ kind: 'need-more' });
    expect(rtu.scan(bytes, 0, bytes.length, true)).toMatchObject({ kind: 'frame', end: bytes.length });
  });
});

describe('over a socket, through the connection loop', () => {
  test('requests are answered in RTU frames, in request order (no transaction id to pair them)', async () => {
    const s = await startServer({ dataSource: registersSource(), framing: rtu });
    const client = await s.connect();
    await client.send(concat(frame('01 03 00 00 00 02'), frame('01 06 00 02 00 07'), frame('01 03 00 02 00 01')));
    expect(toHex(await client.read(9))).toBe(f('01 03 04 11 11 22 22'));
    expect(toHex(await client.read(8))).toBe(f('01 06 00 02 00 07'));
    expect(toHex(await client.read(7))).toBe(f('01 03 02 00 07'));
  });

  test('garbage before a frame and a frame with a CRC error are skipped; the next frame is answered', async () => {
    const s = await startServer({ dataSource: registersSource(), framing: rtu });
    const client = await s.connect();
    const bad = frame('01 03 00 01 00 01');
    bad[bad.length - 2]! ^= 0x55;
    await client.send(concat(bad, frame('01 03 00 00 00 01')));
    expect(toHex(await client.read(7))).toBe(f('01 03 02 11 11'));
  });

  test('an exception reply is framed too', async () => {
    const s = await startServer({ dataSource: registersSource(), framing: rtu });
    const client = await s.connect();
    await client.send(frame('01 03 00 00 00 00'));
    expect(toHex(await client.read(5))).toBe(f('01 83 03'));
  });

  test('malformed replies are edits of the RTU frame: a wrong unit id with a valid CRC; no transaction id to get wrong', async () => {
    const b = await faultBench(`
version: 1
points: { a: { type: uint16, address: 0, value: 0x1111 }, b: { type: uint16, address: 1, value: 0x2222 }, c: { type: uint16, address: 2, value: 0x3333 }, d: { type: uint16, address: 3, value: 0x4444 } }
faults:
  - { name: unit, match: { address: 0 }, do: { malformed: wrongUnitId } }
  - { name: tid, match: { address: 1 }, do: { malformed: wrongTransactionId } }
  - { name: fewer, match: { address: 2 }, do: { malformed: fewerRegisters } }
`);
    const s = await startServer({ handler: b.device.handler, framing: rtu });
    const client = await s.connect();
    await client.send(frame('01 03 00 00 00 01'));
    expect(toHex(await client.read(7))).toBe(f('02 03 02 11 11'));
    await client.send(frame('01 03 00 01 00 01'));
    expect(toHex(await client.read(7))).toBe(f('01 03 02 22 22'));
    // One register fewer, the byte count following, the CRC made good again.
    await client.send(frame('01 03 00 02 00 02'));
    expect(toHex(await client.read(7))).toBe(f('01 03 02 33 33'));
  });
});

describe('over a link that is no socket, on a manual timer', () => {
  const timer = new ManualTimer();
  let connection: Connection | undefined;
  afterEach(() => connection?.close('destroy'));

  function connect(link: Link, framing = rtu): void {
    const host: ConnectionHost = {
      handler: createDeviceHandler({ dataSource: registersSource() }),
      framing,
      timer,
      logger: silentLogger,
      traffic: 0,
      idleTimeoutMs: 0,
      warnings: new WarnLimiter(silentLogger, timer),
      onClosed: () => {},
    };
    connection = new Connection(link, host, 1);
  }

  /** A connection over a Link the test drives by hand: bytes in, bytes out, synchronously. */
  function serve(framing = rtu): { feed(bytes: Uint8Array): void; sent: string[] } {
    const sent: string[] = [];
    let feed: (bytes: Uint8Array) => void = () => {};
    let closed: () => void = () => {};
    const link: Link = {
      remoteAddress: '/dev/ttyTEST',
      remotePort: 0,
      start(onBytes, _onDrained, onClose) {
        feed = (bytes) => onBytes(bytes, bytes.length);
        closed = onClose;
        return (bytes) => (sent.push(toHex(bytes)), true);
      },
      pause: () => {},
      resume: () => {},
      end: () => closed(),
      reset: () => closed(),
      destroy: () => closed(),
    };
    connect(link, framing);
    return { feed: (bytes) => feed(bytes), sent };
  }

  test('a frame fed in pieces is answered once whole', () => {
    const line = serve();
    const bytes = frame('01 03 00 01 00 01');
    for (let i = 0; i < bytes.length; i++) {
      expect(line.sent).toEqual([]);
      line.feed(bytes.subarray(i, i + 1));
    }
    expect(line.sent).toEqual([f('01 03 02 22 22')]);
  });

  test('a function code of unknown length is answered once the line has been quiet for the silent interval', () => {
    const line = serve();
    line.feed(frame('01 41 00 00'));
    timer.advance(SILENCE_MS - 1);
    expect(line.sent).toEqual([]);
    timer.advance(1);
    expect(line.sent).toEqual([f('01 c1 01')]);
  });

  test('a frame cut short by a quiet line is dropped; the next one is answered', () => {
    const line = serve();
    line.feed(frame('01 03 00 00 00 01').subarray(0, 5));
    timer.advance(SILENCE_MS);
    line.feed(frame('01 03 00 02 00 01'));
    expect(line.sent).toEqual([f('01 03 02 33 33')]);
  });

  test('streamLink: a Node byte stream (as a serial port is) carries the frames both ways', async () => {
    const toServer = new PassThrough();
    const fromServer = new PassThrough();
    connect(streamLink(Duplex.from({ readable: toServer, writable: fromServer }), '/dev/ttyTEST'));
    const reply = new Promise<Buffer>((resolve, reject) => {
      const timeout = setTimeout(() => reject(new Error('no reply frame from the stream link within 1 s')), 1000);
      fromServer.once('data', (chunk: Buffer) => (clearTimeout(timeout), resolve(chunk)));
    });
    toServer.write(frame('01 03 00 00 00 01'));
    expect(toHex(await reply)).toBe(f('01 03 02 11 11'));
  });

  test('MBAP over the same link: the framing is the host\'s, nothing else changes', () => {
    const line = serve(mbapFraming);
    line.feed(hex('00 07 00 00 00 06 01 03 00 00 00 01'));
    expect(line.sent).toEqual(['00 07 00 00 00 05 01 03 02 11 11']);
  });
});

describe('transports', () => {
  it('a reload rebinds when host, port or framing differ', () => {
    const a = tcpTransport('127.0.0.1', 502);
    expect(sameTransport(a, tcpTransport('127.0.0.1', 502))).toBe(true);
    expect(sameTransport(a, tcpTransport('127.0.0.1', 503))).toBe(false);
    expect(sameTransport(a, tcpTransport('0.0.0.0', 502))).toBe(false);
    expect(sameTransport(a, tcpTransport('127.0.0.1', 502, rtu))).toBe(false);
  });

  it('a serial line is another transport; a reload reopens it when any line setting differs', () => {
    const line = serialTransport({ ...SERIAL_DEFAULTS, path: '/dev/ttyUSB0' });
    expect(sameTransport(line, serialTransport({ ...SERIAL_DEFAULTS, path: '/dev/ttyUSB0' }))).toBe(true);
    expect(sameTransport(line, tcpTransport('127.0.0.1', 502))).toBe(false);
    expect(sameTransport(tcpTransport('127.0.0.1', 502), line)).toBe(false);
    for (const change of [{ path: '/dev/ttyUSB1' }, { baudRate: 9600 }, { parity: 'none' }, { dataBits: 7 }, { stopBits: 2 }, { unitId: 3 }] as const) {
      expect(sameTransport(line, serialTransport({ ...SERIAL_DEFAULTS, path: '/dev/ttyUSB0', ...change }))).toBe(false);
    }
  });
});
