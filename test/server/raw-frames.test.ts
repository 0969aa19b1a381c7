import { describe, expect, it } from 'vitest';
import { InMemoryDataSource } from '../../src/device/memory.js';
import { encodeAdu } from '../../src/protocol/mbap.js';
import { startServer } from '../helpers/server.js';
import { hex, toHex } from '../helpers/socket.js';

/** A valid FC 3 read of one register, to prove a connection still answers. */
const PROBE = '7f 7f 00 00 00 06 01 03 00 00 00 01';
const PROBE_REPLY = '7f 7f 00 00 00 05 01 03 02 00 00';

describe('frames no client library sends, over a real socket', () => {
  // Each request is answered on the same connection, which stays open afterwards (docs/protocol.md,
  // "Framing a byte stream": a malformed request never closes the connection).
  const table: [string, string, string][] = [
    // tid  proto len   unit PDU                            →  reply
    ['FC 8 sub 0 return query data: echoed whole (AP 6.8.1)',
      '00 01 00 00 00 08 01 08 00 00 12 34 56 78', '00 01 00 00 00 08 01 08 00 00 12 34 56 78'],
    ['FC 8 sub 0 with no data: still an echo',
      '00 02 00 00 00 04 01 08 00 00', '00 02 00 00 00 04 01 08 00 00'],
    ['FC 8 sub 1 (restart communications) not served: 01',
      '00 03 00 00 00 06 01 08 00 01 00 00', '00 03 00 00 00 03 01 88 01'],
    ['FC 8 sub 0x0004 (force listen-only) not served: 01',
      '00 04 00 00 00 06 01 08 00 04 00 00', '00 04 00 00 00 03 01 88 01'],
    ['FC 3 quantity 0: 03',
      '00 05 00 00 00 06 01 03 00 00 00 00', '00 05 00 00 00 03 01 83 03'],
    ['FC 1 quantity 2001: 03',
      '00 06 00 00 00 06 01 01 00 00 07 d1', '00 06 00 00 00 03 01 81 03'],
    ['FC 16 quantity 2 but byte count 3: 03',
      '00 07 00 00 00 0a 01 10 00 00 00 02 03 00 01 00', '00 07 00 00 00 03 01 90 03'],
    ['FC 15 quantity 9 but byte count 1 (needs 2): 03',
      '00 08 00 00 00 08 01 0f 00 00 00 09 01 ff', '00 08 00 00 00 03 01 8f 03'],
    ['FC 16 byte count 4 but only 2 data bytes in the PDU: 03',
      '00 09 00 00 00 09 01 10 00 00 00 02 04 00 01', '00 09 00 00 00 03 01 90 03'],
    ['FC 3 PDU too short (address only): 03',
      '00 0a 00 00 00 04 01 03 00 00', '00 0a 00 00 00 03 01 83 03'],
    ['FC 3 PDU of the function code alone (MBAP length 2): 03',
      '00 0b 00 00 00 02 01 03', '00 0b 00 00 00 03 01 83 03'],
    ['FC 7 (serial line only, not served): 01',
      '00 0c 00 00 00 02 01 07', '00 0c 00 00 00 03 01 87 01'],
    ['FC 0x41 (user-defined, not served): 01',
      '00 0d 00 00 00 04 01 41 01 02', '00 0d 00 00 00 03 01 c1 01'],
    ['FC 0 is never a function: 01',
      '00 0e 00 00 00 02 01 00', '00 0e 00 00 00 03 01 80 01'],
    ['FC 43 with MEI type 0x0d (not read device id): 01',
      '00 0f 00 00 00 05 01 2b 0d 01 00', '00 0f 00 00 00 03 01 ab 01'],
    ['FC 3 from 65535 for 2 registers runs past the end: 02',
      '00 10 00 00 00 06 01 03 ff ff 00 02', '00 10 00 00 00 03 01 83 02'],
    ['FC 5 value 0x1234 (only ff00 / 0000 are coil values): 03',
      '00 11 00 00 00 06 01 05 00 00 12 34', '00 11 00 00 00 03 01 85 03'],
  ];

  it.each(table)('%s', async (_name, request, reply) => {
    const t = await startServer();
    const client = await t.connect();
    expect(toHex((await client.roundTrip(request)).bytes)).toBe(reply);
    expect(toHex((await client.roundTrip(PROBE)).bytes)).toBe(PROBE_REPLY);
  });

  it('answers a whole table of malformed requests on one connection without closing it', async () => {
    const t = await startServer();
    const client = await t.connect();
    for (const [, request, reply] of table) expect(toHex((await client.roundTrip(request)).bytes)).toBe(reply);
    expect(client.totalReceived).toBe(table.reduce((n, [, , reply]) => n + hex(reply).length, 0));
  });

  it('discards a frame with protocol id ≠ 0 silently and answers the next one (IG 4.4.2.2)', async () => {
    const t = await startServer();
    const client = await t.connect();
    // Protocol id 0x0001, then 0xffff, each otherwise a valid read; then a valid frame.
    await client.send('00 21 00 01 00 06 01 03 00 00 00 01');
    await client.send('00 22 ff ff 00 06 01 03 00 00 00 01');
    const reply = await client.roundTrip('00 23 00 00 00 06 01 03 00 00 00 01');
    expect(toHex(reply.bytes)).toBe('00 23 00 00 00 05 01 03 02 00 00');
    expect(client.buffered).toBe(0);
  });

  it('discards a protocol id ≠ 0 frame inside a chunk and answers the frames around it', async () => {
    const t = await startServer();
    const client = await t.connect();
    await client.send(
      '00 31 00 00 00 06 01 03 00 00 00 01' + // answered
        '00 32 00 05 00 06 01 03 00 00 00 01' + // protocol id 5: dropped
        '00 33 00 00 00 06 01 03 00 00 00 01', // answered
    );
    expect((await client.readAdu()).transactionId).toBe(0x31);
    expect((await client.readAdu()).transactionId).toBe(0x33);
  });

  // A length outside 2..254 cannot be resynchronised on a byte stream: closing is our choice.
  it.each([
    ['length 0', '00 41 00 00 00 00'],
    ['length 1 (unit id, no PDU)', '00 42 00 00 00 01 01'],
    ['length 255 (PDU of 254 bytes)', '00 43 00 00 00 ff 01'],
    ['length 0xffff', '00 44 00 00 ff ff 01 03'],
  ])('closes the connection on MBAP %s, sending nothing', async (_name, frame) => {
    const t = await startServer();
    const client = await t.connect();
    await client.send(frame);
    expect(await client.closed).toEqual({ sawEnd: true, errorCode: undefined });
    expect(client.totalReceived).toBe(0);
  });

  it('answers the valid frames before a bad length, then closes', async () => {
    const t = await startServer();
    const client = await t.connect();
    await client.send('00 51 00 00 00 06 01 03 00 00 00 01' + '00 52 00 00 01 00 01');
    expect(toHex((await client.readAdu()).bytes)).toBe('00 51 00 00 00 05 01 03 02 00 00');
    expect((await client.closed).sawEnd).toBe(true);
    expect(client.buffered).toBe(0);
  });

  it('answers 8 pipelined requests from one chunk in order, with one write', async () => {
    const dataSource = new InMemoryDataSource();
    dataSource.tables.holdingRegisters.set([0xa000, 0xa001, 0xa002, 0xa003, 0xa004, 0xa005, 0xa006, 0xa007]);
    const t = await startServer({ dataSource });
    const client = await t.connect();
    const side = await t.serverSide(client);
    // Transaction ids in no particular order: the server pairs by echoing, not by counting.
    const tids = [7, 3, 0xffff, 0, 42, 1000, 2, 0x8000];
    const chunk = Buffer.concat(tids.map((tid, i) => encodeAdu(tid, i + 1, hex(`03 00 0${i} 00 01`))));
    await client.send(chunk);
    for (const [i, tid] of tids.entries()) {
      const adu = await client.readAdu();
      expect([adu.transactionId, adu.unitId, toHex(adu.pdu)]).toEqual([tid, i + 1, `03 02 a0 0${i}`]);
    }
    // The 96 request bytes came in one read; all 8 replies (8 × 11 bytes) left in one write.
    expect(side.reads.map((r) => r.length)).toEqual([96]);
    expect(side.writes.map((w) => w.length)).toEqual([88]);
  });

  it('reassembles a request written one byte at a time and answers it once', async () => {
    const t = await startServer();
    const client = await t.connect();
    const side = await t.serverSide(client);
    const request = hex('12 34 00 00 00 06 09 03 00 00 00 02');
    for (let i = 0; i < request.length; i++) {
      await client.send(request.subarray(i, i + 1));
      // Wait until the server has read this very byte, so each arrives in a read of its own.
      await side.received(i + 1);
    }
    expect(side.reads).toHaveLength(request.length);
    expect(toHex((await client.readAdu()).bytes)).toBe('12 34 00 00 00 07 09 03 04 00 00 00 00');
    expect(side.writes).toHaveLength(1);
  });

  it.each([0, 1, 247, 255])('echoes transaction id and unit id %i verbatim', async (unitId) => {
    const t = await startServer();
    const client = await t.connect();
    for (const tid of [0x0000, 0x0001, 0xbeef, 0xffff]) {
      const adu = await client.roundTrip(encodeAdu(tid, unitId, hex('03 00 00 00 01')));
      expect([adu.transactionId, adu.protocolId, adu.unitId, toHex(adu.pdu)]).toEqual([tid, 0, unitId, '03 02 00 00']);
    }
  });
});
