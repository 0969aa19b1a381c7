import { describe, expect, it } from 'vitest';
import { aduLength, encodeAdu, scanFrame, writeAdu, type FrameScan } from '../../src/protocol/mbap.js';
import { concat, fill, hex, toHex } from '../helpers/hex.js';

interface Adu {
  readonly name: string;
  readonly adu: Uint8Array;
  readonly transactionId: number;
  readonly unitId: number;
  readonly pdu: string;
}

/** One valid ADU per function code served (IG 3.1: tid, pid 0, length = unit id + PDU, unit id). */
const VALID: readonly Adu[] = [
  // FC 1 read coils 20..38 (AP example), unit 0xff (direct connection)
  { name: 'FC 1', adu: hex('00 01 00 00 00 06 ff 01 00 13 00 13'), transactionId: 1, unitId: 0xff, pdu: '01 00 13 00 13' },
  // FC 2 read discrete inputs 197..218 (AP example), unit 0
  { name: 'FC 2', adu: hex('00 02 00 00 00 06 00 02 00 c4 00 16'), transactionId: 2, unitId: 0, pdu: '02 00 c4 00 16' },
  // FC 3 read holding registers 108..110 (AP example), transaction id 0xffff
  { name: 'FC 3', adu: hex('ff ff 00 00 00 06 01 03 00 6b 00 03'), transactionId: 0xffff, unitId: 1, pdu: '03 00 6b 00 03' },
  // FC 4 read input register 9
  { name: 'FC 4', adu: hex('12 34 00 00 00 06 11 04 00 08 00 01'), transactionId: 0x1234, unitId: 0x11, pdu: '04 00 08 00 01' },
  // FC 5 write coil 173 on
  { name: 'FC 5', adu: hex('00 05 00 00 00 06 01 05 00 ac ff 00'), transactionId: 5, unitId: 1, pdu: '05 00 ac ff 00' },
  // FC 6 write register 2 = 3
  { name: 'FC 6', adu: hex('00 06 00 00 00 06 01 06 00 01 00 03'), transactionId: 6, unitId: 1, pdu: '06 00 01 00 03' },
  // FC 8 diagnostics, return query data a5 37
  { name: 'FC 8', adu: hex('00 08 00 00 00 06 01 08 00 00 a5 37'), transactionId: 8, unitId: 1, pdu: '08 00 00 a5 37' },
  // FC 15 write 10 coils from 20 (AP example)
  { name: 'FC 15', adu: hex('00 0f 00 00 00 09 01 0f 00 13 00 0a 02 cd 01'), transactionId: 15, unitId: 1, pdu: '0f 00 13 00 0a 02 cd 01' },
  // FC 16 write 2 registers from 2 (AP example)
  { name: 'FC 16', adu: hex('00 10 00 00 00 0b 01 10 00 01 00 02 04 00 0a 01 02'), transactionId: 16, unitId: 1, pdu: '10 00 01 00 02 04 00 0a 01 02' },
  // FC 17 report server id: the shortest legal ADU, length field 2
  { name: 'FC 17', adu: hex('00 11 00 00 00 02 01 11'), transactionId: 17, unitId: 1, pdu: '11' },
  // FC 22 mask write register 5 (AP example)
  { name: 'FC 22', adu: hex('00 16 00 00 00 08 01 16 00 04 00 f2 00 25'), transactionId: 22, unitId: 1, pdu: '16 00 04 00 f2 00 25' },
  // FC 23 read 6 from 4, write 3 at 15 (AP example)
  {
    name: 'FC 23',
    adu: hex('00 17 00 00 00 11 01 17 00 03 00 06 00 0e 00 03 06 00 ff 00 ff 00 ff'),
    transactionId: 23,
    unitId: 1,
    pdu: '17 00 03 00 06 00 0e 00 03 06 00 ff 00 ff 00 ff',
  },
  // FC 43 / MEI 14 read device identification, basic stream from object 0
  { name: 'FC 43', adu: hex('00 2b 00 00 00 05 01 2b 0e 01 00'), transactionId: 43, unitId: 1, pdu: '2b 0e 01 00' },
  // an unsupported function code is still a well-framed ADU (the decoder answers 01)
  { name: 'FC 7', adu: hex('00 07 00 00 00 02 01 07'), transactionId: 7, unitId: 1, pdu: '07' },
  // the longest legal ADU: length field 254, PDU 253 bytes (IG 3.1)
  { name: 'max length', adu: concat(hex('00 99 00 00 00 fe 01'), fill(253, 0x10)), transactionId: 0x99, unitId: 1, pdu: toHex(fill(253, 0x10)) },
];

/** What the server does: keep the unconsumed tail, append each chunk, scan until need-more. */
function feed(chunks: readonly Uint8Array[]): { frames: { transactionId: number; unitId: number; pdu: string }[]; rest: number; outcome: FrameScan['kind'] } {
  let buf: Uint8Array = new Uint8Array(0);
  const frames: { transactionId: number; unitId: number; pdu: string }[] = [];
  let last: FrameScan['kind'] = 'need-more';
  for (const chunk of chunks) {
    buf = concat(buf, chunk);
    let offset = 0;
    for (;;) {
      const scan = scanFrame(buf, offset);
      last = scan.kind;
      if (scan.kind === 'need-more' || scan.kind === 'bad-length') break;
      if (scan.kind === 'frame') {
        frames.push({ transactionId: scan.transactionId, unitId: scan.unitId, pdu: toHex(buf.subarray(scan.pduStart, scan.end)) });
      }
      offset = scan.end;
    }
    if (last === 'bad-length') break;
    buf = buf.slice(offset);
  }
  return { frames, rest: buf.length, outcome: last };
}

const expected = (a: Adu) => ({ transactionId: a.transactionId, unitId: a.unitId, pdu: a.pdu });

describe('scanFrame: valid ADUs', () => {
  it.each(VALID)('$name is one frame covering the whole ADU', (a) => {
    const scan = scanFrame(a.adu, 0);
    expect(scan).toEqual({ kind: 'frame', transactionId: a.transactionId, unitId: a.unitId, pduStart: 7, end: a.adu.length });
    if (scan.kind === 'frame') expect(toHex(a.adu.subarray(scan.pduStart, scan.end))).toBe(a.pdu);
  });

  it.each(VALID)('$name: every proper prefix needs more bytes', (a) => {
    for (let k = 0; k < a.adu.length; k++) expect(scanFrame(a.adu.subarray(0, k), 0), `prefix ${k}`).toEqual({ kind: 'need-more' });
  });

  it.each(VALID)('$name split in two at every offset yields the same single frame', (a) => {
    for (let k = 1; k < a.adu.length; k++) {
      const result = feed([a.adu.subarray(0, k), a.adu.subarray(k)]);
      expect(result.frames, `split at ${k}`).toEqual([expected(a)]);
      expect(result.rest).toBe(0);
    }
  });

  it('arrives byte by byte', () => {
    const stream = concat(...VALID.map((a) => a.adu));
    const result = feed(Array.from(stream, (b) => Uint8Array.of(b)));
    expect(result.frames).toEqual(VALID.map(expected));
    expect(result.rest).toBe(0);
  });

  it('finds every frame when all are concatenated in one chunk, and at each split of that chunk', () => {
    const stream = concat(...VALID.map((a) => a.adu));
    expect(feed([stream]).frames).toEqual(VALID.map(expected));
    for (let k = 1; k < stream.length; k++) {
      expect(feed([stream.subarray(0, k), stream.subarray(k)]).frames, `split at ${k}`).toEqual(VALID.map(expected));
    }
  });

  it('honours offset and end: a frame in the middle of a larger buffer', () => {
    const a = VALID[2]!;
    const buf = concat(fill(5, 0xee), a.adu, fill(4, 0xee));
    expect(scanFrame(buf, 5, 5 + a.adu.length)).toEqual({
      kind: 'frame',
      transactionId: a.transactionId,
      unitId: a.unitId,
      pduStart: 12,
      end: 5 + a.adu.length,
    });
    // `end` one byte short: the trailing garbage past `end` must not complete the frame
    expect(scanFrame(buf, 5, 5 + a.adu.length - 1)).toEqual({ kind: 'need-more' });
  });
});

describe('scanFrame: protocol id ≠ 0 is discarded (IG 4.4.2.2)', () => {
  const rows: [string, string, number, number][] = [
    // [comment, ADU, protocol id, end]
    ['protocol id 1, FC 3', '00 01 00 01 00 06 01 03 00 00 00 01', 1, 12],
    ['protocol id 0xffff, FC 17', '00 02 ff ff 00 02 01 11', 0xffff, 8],
    ['protocol id 0x0100, 10 payload bytes', '00 03 01 00 00 0b 01 00 01 02 03 04 05 06 07 08 09', 0x0100, 17],
  ];
  it.each(rows)('%s', (_comment, adu, protocolId, end) => {
    expect(scanFrame(hex(adu), 0)).toEqual({ kind: 'discard', protocolId, end });
  });

  it('skips a discarded frame and serves the next one in the same chunk', () => {
    const good = VALID[0]!;
    const result = feed([concat(hex(rows[0]![1]), good.adu)]);
    expect(result.frames).toEqual([expected(good)]);
    expect(result.rest).toBe(0);
  });

  it('waits for the whole discarded frame before skipping it', () => {
    const adu = hex(rows[2]![1]);
    expect(scanFrame(adu.subarray(0, adu.length - 1), 0)).toEqual({ kind: 'need-more' });
  });
});

describe('scanFrame: length field outside 2..254 cannot be resynchronised', () => {
  const rows: [string, string, number][] = [
    // [comment, first 6 header bytes, length]
    ['length 0: not even a unit id', '00 01 00 00 00 00', 0],
    ['length 1: unit id but no function code', '00 01 00 00 00 01', 1],
    ['length 255: PDU of 254 bytes, one over AP 4.1', '00 01 00 00 00 ff', 255],
    ['length 0xffff', '00 01 00 00 ff ff', 0xffff],
    ['length 0x0100 (a high byte alone)', '00 01 00 00 01 00', 0x100],
    ['bad length wins over a non-zero protocol id', '00 01 00 07 00 00', 0],
  ];
  it.each(rows)('%s: bad-length as soon as 6 bytes are there', (_comment, header, length) => {
    const h = hex(header);
    expect(scanFrame(h.subarray(0, 5), 0)).toEqual({ kind: 'need-more' });
    expect(scanFrame(h, 0)).toEqual({ kind: 'bad-length', length });
    // and still with the unit id and more bytes behind it
    expect(scanFrame(concat(h, fill(300, 0x03)), 0)).toEqual({ kind: 'bad-length', length });
  });

  it('detects a bad length behind a good frame in the same buffer', () => {
    const good = VALID[0]!;
    const buf = concat(good.adu, hex('00 02 00 00 00 00'));
    const first = scanFrame(buf, 0);
    expect(first.kind).toBe('frame');
    expect(scanFrame(buf, good.adu.length)).toEqual({ kind: 'bad-length', length: 0 });
  });

  it('the boundaries 2 and 254 are legal', () => {
    expect(scanFrame(hex('00 01 00 00 00 02'), 0)).toEqual({ kind: 'need-more' });
    expect(scanFrame(hex('00 01 00 00 00 fe'), 0)).toEqual({ kind: 'need-more' });
  });
});

describe('writeAdu / encodeAdu', () => {
  it('lays out tid, protocol id 0, length = PDU + 1, unit id, PDU (IG 3.1)', () => {
    expect(toHex(encodeAdu(0x1234, 0xff, hex('03 02 00 07')))).toBe('12 34 00 00 00 05 ff 03 02 00 07');
    // exception reply: MBAP length 3
    expect(toHex(encodeAdu(1, 0, hex('83 02')))).toBe('00 01 00 00 00 03 00 83 02');
    // a 253-byte PDU gives length 254 (0x00fe)
    expect(toHex(encodeAdu(0, 1, fill(253)).subarray(0, 7))).toBe('00 00 00 00 00 fe 01');
  });

  it('writes in place at an offset, returns the offset after the ADU and touches nothing else', () => {
    const target = fill(20, 0xaa);
    const next = writeAdu(target, 3, 0xabcd, 0x11, hex('06 00 01 00 03'));
    expect(next).toBe(3 + 12);
    expect(toHex(target)).toBe('aa aa aa ab cd 00 00 00 06 11 06 00 01 00 03 aa aa aa aa aa');
  });

  it('aduLength is header + PDU', () => {
    expect(aduLength(0)).toBe(7);
    expect(aduLength(253)).toBe(260);
  });

  it.each(VALID)('$name round-trips: scanFrame(encodeAdu(tid, unit, pdu))', (a) => {
    expect(toHex(encodeAdu(a.transactionId, a.unitId, hex(a.pdu)))).toBe(toHex(a.adu));
  });
});
