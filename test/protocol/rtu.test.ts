import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Request } from '../../src/protocol/request.js';
import { encodeRequest } from '../../src/protocol/response.js';
import { encodeFrame, type Framing, type StreamScan } from '../../src/protocol/framing.js';
import {
  bitsPerCharacter,
  crc16,
  describeLine,
  encodeRtu,
  lineTiming,
  replyLength,
  rtuBusFraming,
  rtuFraming,
  sealRtu,
  SERIAL_DEFAULTS,
} from '../../src/protocol/rtu.js';
import { concat, fill, hex, toHex } from '../helpers/hex.js';

/* RTU framing (Modbus over serial line 2.5): CRC, frame finding by the function code, the bus. */

const rtu = rtuFraming(2);
/** Spaced hex without CRC → the frame with its CRC. */
const frame = (text: string): Uint8Array => {
  const bytes = hex(text);
  return encodeRtu(bytes[0]!, bytes.subarray(1));
};

describe('CRC-16/MODBUS', () => {
  // [bytes, frame with the CRC as it goes on the line (low byte first)]
  it.each([
    ['02 07', '02 07 41 12'], // the serial line spec's own example (6.2.2)
    ['01 03 00 00 00 0a', '01 03 00 00 00 0a c5 cd'],
    ['11 03 00 6b 00 03', '11 03 00 6b 00 03 76 87'],
    ['01 06 00 01 00 03', '01 06 00 01 00 03 98 0b'],
  ])('%s → %s', (bytes, framed) => {
    expect(toHex(frame(bytes))).toBe(framed);
    expect(crc16(hex(framed))).toBe(0); // a frame with its CRC checks to 0
  });

  it('sealRtu writes the CRC of all but the last two bytes', () => {
    expect(toHex(sealRtu(hex('02 07 00 00')))).toBe('02 07 41 12');
    expect(toHex(sealRtu(hex('00 00')))).toBe('ff ff'); // the CRC of nothing is its initial value
    // Too short to hold a CRC: left as it is.
    expect(toHex(sealRtu(hex('11')))).toBe('11');
    expect(toHex(sealRtu(hex('')))).toBe('');
  });
});

describe('reply frames', () => {
  it('a reply is the address, the PDU and the CRC, written at any offset', () => {
    for (const framing of [rtu, rtuBusFraming(2, () => true)]) {
      expect(framing.frameLength(5)).toBe(8);
      expect(toHex(encodeFrame(framing, 0x1234, 0x11, hex('03 02 00 07')))).toBe(toHex(frame('11 03 02 00 07')));
      const target = new Uint8Array(12).fill(0xee);
      expect(framing.writeFrame(target, 3, 0x1234, 0x01, hex('06 00 01 00 03'))).toBe(11);
      expect(toHex(target)).toBe(`ee ee ee ${toHex(frame('01 06 00 01 00 03'))} ee`);
      // No transaction ids: a reply is matched to its request by its place on the line.
      expect(framing).toMatchObject({ name: 'RTU', transactionIds: false, silenceMs: 2 });
    }
  });
});

describe('a request frame is found from its function code, fed a byte at a time', () => {
  // [comment, frame without CRC]
  const FRAMES: readonly (readonly [string, string])[] = [
    ['FC 1 read coils', '11 01 00 13 00 25'],
    ['FC 3 read 3 registers (fixed length)', '11 03 00 6b 00 03'],
    ['FC 5 write single coil', '11 05 00 ac ff 00'],
    ['FC 6 write single register', '11 06 00 01 00 03'],
    ['FC 15 write coils (byte count at 5)', '11 0f 00 13 00 0a 02 cd 01'],
    ['FC 16 write 2 registers (byte count at 5)', '11 10 00 01 00 02 04 00 0a 01 02'],
    ['FC 22 mask write (fixed 7)', '11 16 00 04 00 f2 00 25'],
    ['FC 23 read/write (byte count at 9)', '01 17 00 03 00 06 00 0e 00 03 06 00 ff 00 ff 00 ff'],
    ['FC 17 report server id (the code alone)', '05 11'],
    ['FC 43/14 read device identification', '01 2b 0e 01 00'],
    ['broadcast (unit 0) write', '00 06 00 01 00 03'],
  ];
  it.each(FRAMES)('%s', (_comment, text) => {
    const bytes = frame(text);
    for (let n = 0; n < bytes.length; n++) expect(rtu.scan(bytes, 0, n, false)).toEqual({ kind: 'need-more' });
    expect(rtu.scan(bytes, 0, bytes.length, false)).toEqual({ kind: 'frame', transactionId: 0, unitId: bytes[0], pduStart: 1, end: bytes.length });
  });

  it('at an offset, reading nothing past `end`', () => {
    const bytes = concat(hex('ff ff'), frame('11 03 00 6b 00 03'), hex('01 02'));
    expect(rtu.scan(bytes, 2, 10, false)).toEqual({ kind: 'frame', transactionId: 0, unitId: 0x11, pduStart: 3, end: 10 });
  });
});

describe('what is no frame', () => {
  // [comment, bytes, silent, expected scan]
  const CASES: readonly (readonly [string, Uint8Array, boolean, StreamScan])[] = [
    ['a CRC error: one byte skipped (the next may start a frame)', hex('11 03 00 6b 00 03 76 88'), false, { kind: 'garbage', end: 1, reason: 'CRC error', crcError: true }],
    ['an unknown code waits for the quiet line', frame('01 41 00 00'), false, { kind: 'need-more' }],
    ['an unknown code ends at the quiet line, its CRC checked', frame('01 41 00 00'), true, { kind: 'frame', transactionId: 0, unitId: 1, pduStart: 1, end: 6 }],
    ['an unknown code with a bad CRC at the quiet line', hex('01 41 00 00 00 00'), true, { kind: 'garbage', end: 1, reason: 'CRC error', crcError: true }],
    ['a frame cut short by the quiet line', frame('11 03 00 6b 00 03').subarray(0, 5), true, { kind: 'garbage', end: 1, reason: 'a frame cut short by a quiet line' }],
    ['a byte count not yet here when the line goes quiet', hex('11 10 00 01 00'), true, { kind: 'garbage', end: 1, reason: 'no frame before the line went quiet' }],
    ['too short for a frame', hex('01 41 00'), true, { kind: 'garbage', end: 1, reason: 'too short for a frame' }],
    ['nothing yet', hex(''), true, { kind: 'need-more' }],
  ];
  it.each(CASES)('%s', (_comment, bytes, silent, expected) => {
    expect(rtu.scan(bytes, 0, bytes.length, silent)).toEqual(expected);
  });

  it('an unknown code ends at the quiet line only within the largest frame (256 bytes), wherever it starts', () => {
    const body = (n: number) => `01 41 ${toHex(fill(n - 4, 0x5a))}`; // n bytes with the CRC
    for (const offset of [0, 200]) {
      const at = (bytes: Uint8Array) => concat(fill(offset, 0xff), bytes);
      const largest = at(frame(body(256)));
      expect(rtu.scan(largest, offset, largest.length, true)).toEqual({ kind: 'frame', transactionId: 0, unitId: 1, pduStart: offset + 1, end: offset + 256 });
      const tooLong = at(frame(body(257)));
      expect(rtu.scan(tooLong, offset, tooLong.length, true)).toEqual({ kind: 'garbage', end: offset + 1, reason: 'no frame before the line went quiet' });
      const short = at(hex('01 41 00'));
      expect(rtu.scan(short, offset, short.length, true)).toEqual({ kind: 'garbage', end: offset + 1, reason: 'too short for a frame' });
    }
  });
});

describe('reply lengths (a bus passes over the replies of other units)', () => {
  it.each([
    ['read registers: byte count and 2', '03 06 02 2b 00 00 00 64', 8],
    ['read coils', '01 05 cd 6b b2 0e 1b', 7],
    ['exception', '83 02', 2],
    ['write single register: an echo', '06 00 01 00 03', 5],
    ['write multiple registers: address and quantity', '10 00 01 00 02', 5],
    ['mask write: an echo', '16 00 04 00 f2 00 25', 7],
    ['report server id: byte count', '11 02 aa ff', 4],
    ['diagnostics: an echo of the request', '08 00 00 a5 37', 5],
  ])('%s', (_comment, pdu, length) => {
    const bytes = hex(pdu);
    expect(replyLength(bytes)).toBe(length);
  });
  it('need-more before the byte count, unknown for codes that cannot be told', () => {
    expect(replyLength(hex('03'))).toBe('need-more');
    expect(replyLength(hex('2b 0e'))).toBe('unknown');
    expect(replyLength(hex('41'))).toBe('unknown');
    // Nothing read past `end`, at an offset too.
    expect(replyLength(hex('83 02'), 0, 0)).toBe('need-more');
    expect(replyLength(hex('ff 83 02'), 1, 1)).toBe('need-more');
    expect(replyLength(hex('ff 03 02 00 07'), 1, 2)).toBe('need-more');
    expect(replyLength(hex('ff 03 02'), 1, 3)).toBe(4);
  });
});

describe('on a serial bus', () => {
  /** Scans `bytes` to the end as a connection does, returning what each scan found. */
  function scanAll(framing: Framing, bytes: Uint8Array): string[] {
    const found: string[] = [];
    let offset = 0;
    while (offset < bytes.length) {
      const s = framing.scan(bytes, offset, bytes.length, true);
      if (s.kind === 'need-more' || s.kind === 'bad-length') break;
      found.push(s.kind === 'frame' ? `frame ${toHex(bytes.subarray(offset, s.end))}` : `${s.kind} ${toHex(bytes.subarray(offset, s.end))}`);
      offset = s.end;
    }
    return found;
  }

  it('a request for another unit and its reply are passed over; a request for this unit and broadcasts are served', () => {
    const bus = rtuBusFraming(2, (unit) => unit === 1);
    const line = concat(
      frame('11 03 00 6b 00 03'), // for unit 0x11
      frame('11 03 06 02 2b 00 00 00 64'), // unit 0x11's reply
      frame('01 03 00 00 00 01'), // ours
      frame('00 06 00 01 00 03'), // broadcast
      frame('11 06 00 01 00 03'), // for 0x11 again ...
      frame('11 86 02'), // ... its exception reply
    );
    expect(scanAll(bus, line)).toEqual([
      `discard ${toHex(frame('11 03 00 6b 00 03'))}`,
      `discard ${toHex(frame('11 03 06 02 2b 00 00 00 64'))}`,
      `frame ${toHex(frame('01 03 00 00 00 01'))}`,
      `frame ${toHex(frame('00 06 00 01 00 03'))}`,
      `discard ${toHex(frame('11 06 00 01 00 03'))}`,
      `discard ${toHex(frame('11 86 02'))}`,
    ]);
  });

  it('when the other unit never answers, the next request is read as one', () => {
    const bus = rtuBusFraming(2, (unit) => unit === 1);
    const line = concat(frame('11 03 00 6b 00 03'), frame('01 03 00 00 00 01'));
    expect(scanAll(bus, line)).toEqual([`discard ${toHex(frame('11 03 00 6b 00 03'))}`, `frame ${toHex(frame('01 03 00 00 00 01'))}`]);
  });

  it('a reply of the other unit fed in pieces waits, then is passed over', () => {
    const bus = rtuBusFraming(2, (unit) => unit === 1);
    const request = frame('11 03 00 6b 00 01');
    expect(bus.scan(request, 0, request.length, false)).toMatchObject({ kind: 'discard' });
    const reply = frame('11 03 02 00 07');
    for (let n = 0; n < reply.length; n++) expect(bus.scan(reply, 0, n, false)).toEqual({ kind: 'need-more' });
    expect(bus.scan(reply, 0, reply.length, false)).toMatchObject({ kind: 'discard', end: reply.length });
  });
});

describe('on a serial bus: which frames are the reply that is due', () => {
  const served = (unit: number) => unit === 1;
  /** A bus that has just passed over a request for unit 0x11 (whose reply is now due). */
  function afterOtherRequest(): Framing {
    const bus = rtuBusFraming(2, served);
    const request = frame('11 03 00 6b 00 01');
    expect(bus.scan(request, 0, request.length, false)).toEqual({ kind: 'discard', protocolId: 0, end: request.length, reason: 'a request for unit 17, not served here' });
    return bus;
  }
  const scan = (bus: Framing, bytes: Uint8Array, silent = false) => bus.scan(bytes, 0, bytes.length, silent);
  const ours = frame('01 03 00 00 00 01');
  // Read as a reply of FC 6 this request is an echo of 5 bytes, and its CRC checks.
  const ourWrite = frame('01 06 00 01 00 03');
  const isFrame = { kind: 'frame', unitId: 1, pduStart: 1 };

  it('the reply that is due is passed over, then the next frame is a request again', () => {
    const bus = afterOtherRequest();
    const reply = frame('11 03 02 00 07');
    expect(scan(bus, reply)).toEqual({ kind: 'discard', protocolId: 0, end: reply.length, reason: 'the reply of unit 17 to another master\'s request' });
    expect(scan(bus, ourWrite)).toMatchObject({ ...isFrame, end: 8 });
  });

  it('a request of our unit where the reply was due is read as one, even if it would check as a reply', () => {
    const bus = afterOtherRequest();
    expect(scan(bus, ourWrite)).toMatchObject({ ...isFrame, end: 8 });
    const again = afterOtherRequest();
    expect(scan(again, ours)).toMatchObject({ ...isFrame, end: 8 }); // the line not quiet yet: read at once
    expect(scan(again, ourWrite)).toMatchObject({ ...isFrame, end: 8 });
  });

  it('a reply of the due unit with a bad CRC, or cut short by the quiet line, is not passed over as the reply', () => {
    const bad = frame('11 03 02 00 07');
    bad[bad.length - 1] ^= 0xff;
    expect(scan(afterOtherRequest(), bad, true)).toMatchObject({ kind: 'garbage', end: 1 });
    // Its last byte not here when the line went quiet (though in the buffer past `end`).
    const whole = frame('11 03 02 00 07');
    expect(afterOtherRequest().scan(whole, 0, whole.length - 1, true)).toMatchObject({ kind: 'garbage', end: 1 });
  });

  it('a scan with nothing new to read does not forget the reply that is due', () => {
    const bus = afterOtherRequest();
    const reply = frame('11 03 02 00 07');
    for (const silent of [false, true]) expect(bus.scan(reply, 0, 0, silent)).toEqual({ kind: 'need-more' });
    expect(scan(bus, reply)).toMatchObject({ kind: 'discard', end: reply.length });
  });

  it('before any request for another unit no reply is due: a reply-shaped frame is not passed over', () => {
    const bus = rtuBusFraming(2, (unit) => unit === 2);
    expect(scan(bus, frame('01 03 02 00 07'))).toEqual({ kind: 'need-more' });
  });
});

describe('serial line settings in log lines', () => {
  it.each([
    [{ path: '/dev/ttyUSB0', ...SERIAL_DEFAULTS }, '/dev/ttyUSB0 19200 8E1'],
    [{ path: 'COM3', baudRate: 9600, parity: 'none', dataBits: 7, stopBits: 2, unitId: 5 }, 'COM3 9600 7N2 unit 5'],
    [{ path: '/dev/pts/4', baudRate: 115200, parity: 'odd', dataBits: 8, stopBits: 1, unitId: 0 }, '/dev/pts/4 115200 8O1 unit 0'],
  ] as const)('%o', (line, text) => {
    expect(describeLine(line)).toBe(text);
  });
});

describe('line timing (serial line spec 2.5.1.1)', () => {
  it.each([
    [9600, 8, 'even', 1, 3.5 * 11 / 9.6, 1.5 * 11 / 9.6],
    [19200, 8, 'even', 1, 3.5 * 11 / 19.2, 1.5 * 11 / 19.2],
    [19200, 8, 'none', 1, 3.5 * 10 / 19.2, 1.5 * 10 / 19.2],
    [38400, 8, 'even', 1, 1.75, 0.75],
    [115200, 8, 'none', 2, 1.75, 0.75],
  ] as const)('%i baud %i%s%i', (baud, dataBits, parity, stopBits, silence, gap) => {
    const t = lineTiming(baud, bitsPerCharacter(dataBits, parity, stopBits));
    expect(t.silenceMs).toBeCloseTo(silence, 6);
    expect(t.gapMs).toBeCloseTo(gap, 6);
  });
});

describe('property: frames back to back, cut anywhere, with garbage before a quiet line', () => {
  const request = fc.oneof(
    fc.record({ kind: fc.constant('readHoldingRegisters' as const), functionCode: fc.constant(3), address: fc.integer({ min: 0, max: 65535 - 125 }), quantity: fc.integer({ min: 1, max: 125 }) }),
    fc.record({ kind: fc.constant('writeSingleRegister' as const), functionCode: fc.constant(6), address: fc.integer({ min: 0, max: 65535 }), value: fc.integer({ min: 0, max: 65535 }) }),
    fc
      .array(fc.integer({ min: 0, max: 65535 }), { minLength: 1, maxLength: 123 })
      .chain((values) => fc.record({ kind: fc.constant('writeMultipleRegisters' as const), functionCode: fc.constant(16), address: fc.integer({ min: 0, max: 1000 }), quantity: fc.constant(values.length), values: fc.constant(Uint16Array.from(values)) })),
  );
  const frames = fc.array(fc.tuple(fc.integer({ min: 1, max: 247 }), request), { minLength: 1, maxLength: 8 }).map((list) => list.map(([unit, r]) => encodeRtu(unit, encodeRequest(r as Exclude<Request, { kind: 'invalid' }>))));

  /**
   * Feeds `line` in the pieces `cuts` gives, scanning as the connection does: what has come, until
   * a frame needs more; then, where the line goes quiet after a piece (`quietAt`), the rest again
   * as `silent`.
   */
  function feed(line: Uint8Array, cuts: number[], quietAt: Set<number>): string[] {
    const found: string[] = [];
    let start = 0;
    const ends = [...new Set([...cuts.filter((c) => c > 0 && c < line.length), line.length])].sort((a, b) => a - b);
    for (const end of ends) {
      for (const silent of quietAt.has(end) ? [false, true] : [false]) {
        for (;;) {
          const s = rtu.scan(line, start, end, silent);
          if (s.kind === 'need-more') break;
          if (s.kind === 'frame') found.push(toHex(line.subarray(start, s.end)));
          if (s.kind === 'bad-length') throw new Error('RTU never gives up a stream');
          start = s.end;
        }
      }
    }
    return found;
  }

  it('every frame is found, whatever the pieces', () => {
    fc.assert(
      fc.property(frames, fc.array(fc.nat(2000)), (list, cuts) => {
        const line = concat(...list);
        expect(feed(line, cuts, new Set())).toEqual(list.map((x) => toHex(x)));
      }),
      { seed: 21, numRuns: 300 },
    );
  });

  it('garbage and frames in one burst, then a quiet line: the frames after the garbage are all found', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 40 }), frames, (garbage, list) => {
        const line = concat(garbage, ...list);
        const found = feed(line, [], new Set([line.length]));
        const expected = list.map((x) => toHex(x));
        // A piece of garbage may itself check as a frame (1 in 65536 per position): never a real one lost.
        expect(found.slice(found.length - expected.length)).toEqual(expected);
      }),
      { seed: 21, numRuns: 300 },
    );
  });
});
