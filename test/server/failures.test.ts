import { describe, expect, it } from 'vitest';
import { createDeviceHandler } from '../../src/device/handler.js';
import { InMemoryDataSource } from '../../src/device/memory.js';
import type { LogLevel, Logger } from '../../src/log.js';
import { compose, response } from '../../src/pipeline/compose.js';
import type { Handler, Middleware } from '../../src/pipeline/types.js';
import { startServer } from '../helpers/server.js';
import { toHex } from '../helpers/socket.js';

/** Collects log lines, so a test sees that a failure was reported once. */
function recordingLogger(): Logger & { lines: [LogLevel, string][] } {
  const lines: [LogLevel, string][] = [];
  return { lines, log: (level, message) => void lines.push([level, message]) };
}

const READ_0 = '00 01 00 00 00 06 01 03 00 00 00 01';
const READ_0_AGAIN = '00 02 00 00 00 06 01 03 00 00 00 01';

describe('failures become exception 04 and the connection stays open', () => {
  it('a data source that throws a plain Error', async () => {
    const dataSource = new InMemoryDataSource();
    let fail = true;
    const read = dataSource.readHoldingRegisters.bind(dataSource);
    Object.assign(dataSource, {
      readHoldingRegisters(unitId: number, address: number, quantity: number) {
        if (fail) throw new Error('sensor bus timeout');
        return read(unitId, address, quantity);
      },
    });
    const logger = recordingLogger();
    const t = await startServer({ handler: createDeviceHandler({ dataSource, logger }) });
    const client = await t.connect();
    expect(toHex((await client.roundTrip(READ_0)).bytes)).toBe('00 01 00 00 00 03 01 83 04');
    fail = false;
    expect(toHex((await client.roundTrip(READ_0_AGAIN)).bytes)).toBe('00 02 00 00 00 05 01 03 02 00 00');
    expect(logger.lines.filter(([level]) => level === 'error')).toHaveLength(1);
  });

  it('a data source whose Promise rejects', async () => {
    const dataSource = new InMemoryDataSource();
    Object.assign(dataSource, { writeHoldingRegisters: () => Promise.reject(new Error('EEPROM full')) });
    const t = await startServer({ dataSource });
    const client = await t.connect();
    expect(toHex((await client.roundTrip('00 01 00 00 00 06 01 06 00 00 00 01')).pdu)).toBe('86 04');
    expect(toHex((await client.roundTrip(READ_0_AGAIN)).pdu)).toBe('03 02 00 00');
  });

  it.each<[string, Middleware]>([
    ['throws synchronously', () => () => {
      throw new Error('middleware bug');
    }],
    ['returns a rejected Promise', () => () => Promise.reject(new Error('middleware bug'))],
    ['throws a non-Error value', () => () => {
      throw 'a string';
    }],
  ])('a middleware that %s', async (_name, broken) => {
    const logger = recordingLogger();
    // Broken on the first request only, then out of the way.
    const once: Middleware = (next) => {
      const failing = broken(next);
      let first = true;
      return (x) => {
        if (!first) return next(x);
        first = false;
        return failing(x);
      };
    };
    const ok: Handler = () => response(Uint8Array.of(0x03, 0x02, 0x12, 0x34));
    const t = await startServer({ handler: compose([once], ok), logger });
    const client = await t.connect();
    expect(toHex((await client.roundTrip(READ_0)).bytes)).toBe('00 01 00 00 00 03 01 83 04');
    expect(toHex((await client.roundTrip(READ_0_AGAIN)).pdu)).toBe('03 02 12 34');
    expect(logger.lines.filter(([level]) => level === 'error')).toHaveLength(1);
    expect(t.server.connectionCount).toBe(1);
  });

  it('a failure in the middle of a pipelined chunk answers 04 in its place only', async () => {
    const handler: Handler = (x) => {
      if (x.transactionId === 2) throw new Error('boom');
      return response(Uint8Array.of(0x03, 0x02, 0x00, x.transactionId));
    };
    const t = await startServer({ handler });
    const client = await t.connect();
    await client.send(READ_0 + READ_0_AGAIN + '00 03 00 00 00 06 01 03 00 00 00 01');
    expect(toHex((await client.readAdu()).pdu)).toBe('03 02 00 01');
    expect(toHex((await client.readAdu()).pdu)).toBe('83 04');
    expect(toHex((await client.readAdu()).pdu)).toBe('03 02 00 03');
  });
});
