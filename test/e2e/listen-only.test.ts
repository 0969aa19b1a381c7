import { describe, expect, onTestFinished, test } from 'vitest';
import { createLogger, silentLogger } from '../../src/log.js';
import { startEmulator } from '../../src/index.js';
import { RawClient, toHex } from '../helpers/socket.js';

/** FC 8 listen-only mode and counters as a raw client sees them (docs/protocol.md, "FC 8 diagnostics"). */
const PROFILE = { version: 1, name: 'meter', points: { a: { type: 'uint16', address: 0, value: 7 } } };
const adu = (tid: number, pdu: string, unit = 1): string => `${tid.toString(16).padStart(4, '0')} 0000 ${(1 + pdu.replace(/\s+/g, '').length / 2).toString(16).padStart(4, '0')} ${unit.toString(16).padStart(2, '0')} ${pdu}`;
const READ_A = '03 0000 0001';

async function serve(): Promise<{ client: RawClient; emulator: Awaited<ReturnType<typeof startEmulator>> }> {
  const emulator = await startEmulator({ profile: PROFILE, logger: silentLogger });
  const client = await RawClient.connect(emulator.port);
  onTestFinished(async () => {
    await client.destroy();
    await emulator.close();
  });
  return { client, emulator };
}

describe('listen-only mode on the wire', () => {
  test('nothing comes back between FC 8/04 and FC 8/01; the first reply is the read after them', async () => {
    const { client, emulator } = await serve();
    // Replies on one connection go in request order: had any of tids 1-4 been answered, its reply would come first.
    await client.send([adu(1, '08 0004 0000'), adu(2, READ_A), adu(3, '08 0000 a537'), adu(4, '08 0001 ff00'), adu(5, READ_A)].join(' '));
    const reply = await client.readAdu(1000);
    expect(toHex(reply.bytes)).toBe('00 05 00 00 00 05 01 03 02 00 07');
    expect(client.totalReceived).toBe(reply.bytes.length);
    const events = emulator.journal!.entries({ kind: 'event', event: 'listenOnly' });
    expect(events.map((e) => [e.unitId, e.data.listenOnly, e.data.cause])).toEqual([
      [1, true, 'request'],
      [1, false, 'request'],
    ]);
    expect(emulator.journal!.entries({ unitId: 1 }).map((r) => r.outcome)).toEqual(['silence', 'silence', 'silence', 'silence', 'response']);
  });

  test('another unit id on the same connection is still answered while unit 1 listens only', async () => {
    const { client, emulator } = await serve();
    await client.send(`${adu(1, '08 0004 0000')} ${adu(2, READ_A)} ${adu(3, READ_A, 2)}`);
    expect((await client.readAdu(1000)).transactionId).toBe(3);
    expect(emulator.device.diagnostics.listenOnlyUnits()).toEqual([1]);
    emulator.reset();
    expect((await client.roundTrip(adu(4, READ_A))).transactionId).toBe(4);
  });

  test('a reload keeps a unit id in listen-only mode and says so; the new device answers the others', async () => {
    const log: string[] = [];
    const emulator = await startEmulator({ profile: PROFILE, logger: createLogger((l) => log.push(l.trimEnd()), 'info') });
    onTestFinished(() => emulator.close());
    emulator.device.diagnostics.setListenOnly(1, true);
    const result = await emulator.reload({ ...PROFILE, points: { a: { type: 'uint16', address: 0, value: 9 } } });
    expect(result.ok && result.handOver?.listenOnly).toEqual([1]);
    expect(log.filter((l) => l.includes('reloaded'))).toEqual([expect.stringMatching(/; unit 1 still in listen-only mode \(FC 8\/0x01 or reset\(\) ends it\)/)]);
    expect(log.filter((l) => l.includes('listen-only mode (set through the API)'))).toHaveLength(1);
    const client = await RawClient.connect(emulator.port);
    onTestFinished(async () => {
      await client.destroy();
    });
    await client.send(`${adu(1, READ_A)} ${adu(2, READ_A, 2)}`);
    expect(toHex((await client.readAdu(1000)).bytes)).toBe('00 02 00 00 00 05 02 03 02 00 09');
  });

  test('the counters after a known sequence, through FC 8/0x0B..0x12', async () => {
    const { client } = await serve();
    await client.send([adu(1, READ_A), adu(2, '03 0064 0001'), adu(3, '2b 0e 01 00'), adu(4, '08 0000 0001')].join(' '));
    for (let tid = 1; tid <= 4; tid++) expect((await client.readAdu(1000)).transactionId).toBe(tid);
    const counters: string[] = [];
    for (let sub = 0x0b; sub <= 0x12; sub++) counters.push(toHex((await client.roundTrip(adu(10 + sub, `08 00${sub.toString(16).padStart(2, '0')} 0000`))).pdu.subarray(3)));
    // Messages 5..12 are the queries themselves: the bus message count of 0x0B is the 5th message.
    expect(counters).toEqual(['00 05', '00 00', '00 01', '00 08', '00 00', '00 00', '00 00', '00 00']);
  });
});
