import { describe, expect, it } from 'vitest';
import { InMemoryDataSource } from '../../src/device/memory.js';
import { encodeAdu } from '../../src/protocol/mbap.js';
import { startServer } from '../helpers/server.js';
import { hex, toHex } from '../helpers/socket.js';

/** A promise and the function that settles it. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** In-memory device whose holding register 100 is read through a Promise the test settles. */
function slowSource(): { dataSource: InMemoryDataSource; release: () => void; calls: () => number } {
  const dataSource = new InMemoryDataSource();
  const gate = deferred<void>();
  let calls = 0;
  const fast = dataSource.readHoldingRegisters.bind(dataSource);
  // The DataSource seam allows a Promise from any method; only address 100 takes that path.
  Object.assign(dataSource, {
    readHoldingRegisters(unitId: number, address: number, quantity: number) {
      calls++;
      if (address !== 100) return fast(unitId, address, quantity);
      return gate.promise.then(() => fast(unitId, address, quantity));
    },
  });
  return { dataSource, release: () => gate.resolve(), calls: () => calls };
}

const readAt = (tid: number, address: number): Uint8Array =>
  encodeAdu(tid, 1, Uint8Array.of(0x03, address >> 8, address & 0xff, 0x00, 0x01));

describe('asynchronous data sources', () => {
  it('a read parked on one connection does not delay another connection', async () => {
    const { dataSource, release } = slowSource();
    dataSource.tables.holdingRegisters[0] = 0x0b0b;
    dataSource.tables.holdingRegisters[100] = 0x0a0a;
    const t = await startServer({ dataSource });
    const a = await t.connect();
    const b = await t.connect();
    const sideA = await t.serverSide(a);

    await a.send(readAt(1, 100));
    await sideA.received(12);
    expect(toHex((await b.roundTrip(readAt(2, 0))).bytes)).toBe('00 02 00 00 00 05 01 03 02 0b 0b');
    expect(a.totalReceived).toBe(0);

    release();
    expect(toHex((await a.readAdu()).bytes)).toBe('00 01 00 00 00 05 01 03 02 0a 0a');
  });

  it('pipelined requests behind a slow one on the same connection wait, then come in order', async () => {
    const { dataSource, release, calls } = slowSource();
    dataSource.tables.holdingRegisters.set([0x0000, 0x1111, 0x2222, 0x3333]);
    const t = await startServer({ dataSource });
    const client = await t.connect();
    const side = await t.serverSide(client);

    // The slow read first, then three fast ones, in one chunk and then in a later one.
    await client.send(Buffer.concat([readAt(10, 100), readAt(11, 1), readAt(12, 2)]));
    await client.send(readAt(13, 3));
    await side.received(48);
    // Nothing behind the parked request was even handed to the data source: order is kept.
    expect(calls()).toBe(1);
    expect(side.writes).toHaveLength(0);

    release();
    const replies = [];
    for (let i = 0; i < 4; i++) replies.push(await client.readAdu());
    expect(replies.map((r) => [r.transactionId, toHex(r.pdu)])).toEqual([
      [10, '03 02 00 00'],
      [11, '03 02 11 11'],
      [12, '03 02 22 22'],
      [13, '03 02 33 33'],
    ]);
    // The parked reply and the three that waited behind it leave together, in one write.
    expect(side.writes.map((w) => w.length)).toEqual([44]);
  });

  it('a slow write is applied before a read queued behind it on the same connection', async () => {
    const dataSource = new InMemoryDataSource();
    const gate = deferred<void>();
    const store = dataSource.writeHoldingRegisters.bind(dataSource);
    Object.assign(dataSource, {
      writeHoldingRegisters: (unitId: number, address: number, values: Uint16Array) => gate.promise.then(() => store(unitId, address, values)),
    });
    const t = await startServer({ dataSource });
    const client = await t.connect();
    const side = await t.serverSide(client);
    await client.send(Buffer.concat([encodeAdu(1, 1, hex('06 00 07 ca fe')), readAt(2, 7)]));
    await side.received(24);
    gate.resolve();
    expect(toHex((await client.readAdu()).pdu)).toBe('06 00 07 ca fe');
    expect(toHex((await client.readAdu()).pdu)).toBe('03 02 ca fe');
  });
});
