import { describe, expect, it } from 'vitest';
import { Journal } from '../../src/runtime/journal.js';
import type { RequestRecord } from '../../src/runtime/request-record.js';

const record = (seq: number, over: Partial<RequestRecord> = {}): RequestRecord => ({
  seq,
  time: seq * 10,
  wallTime: 0,
  connection: { id: 1, address: '127.0.0.1', port: 50000 },
  transactionId: seq,
  unitId: 1,
  functionCode: 3,
  function: 'readHoldingRegisters',
  address: 0,
  quantity: 10,
  outcome: 'response',
  ...over,
});

describe('Journal: a bounded ring of request records', () => {
  it('keeps the newest `size` records, oldest first', () => {
    const journal = new Journal(3);
    for (let i = 1; i <= 5; i++) journal.add(record(i));
    expect(journal.entries().map((r) => r.seq)).toEqual([3, 4, 5]);
    expect(journal.length).toBe(3);
  });

  it('clear() empties it, and it fills again from there', () => {
    const journal = new Journal(2);
    journal.add(record(1));
    journal.clear();
    expect(journal.entries()).toEqual([]);
    journal.add(record(2));
    expect(journal.entries().map((r) => r.seq)).toEqual([2]);
  });

  it('refuses a size below 1', () => {
    expect(() => new Journal(0)).toThrow(RangeError);
  });

  const journal = new Journal(100);
  journal.add(record(1));
  journal.add(record(2, { unitId: 2 }));
  journal.add(record(3, { functionCode: 16, function: 'writeMultipleRegisters', address: 20, quantity: 2, values: [1, 2] }));
  journal.add(record(4, { outcome: 'exception', exceptionCode: 2, address: 500, quantity: 1 }));
  journal.add(record(5, { rule: 'drop-every-3rd', outcome: 'silence' }));
  journal.add(record(6, { functionCode: 23, function: 'readWriteMultipleRegisters', address: 40, quantity: 1, read: { address: 300, quantity: 5 }, values: [9] }));

  it.each<[string, Parameters<Journal['entries']>[0], number[]]>([
    // [filter, filter value, seqs that match]
    ['unit id', { unitId: 2 }, [2]],
    ['function code', { function: 16 }, [3]],
    ['function name', { function: 'writeMultipleRegisters' }, [3]],
    ['an address inside a range', { address: 21 }, [3]],
    ['an address just past a range', { address: 22 }, []],
    ['an address in FC 23\'s read range', { address: 304 }, [6]],
    ['outcome', { outcome: 'exception' }, [4]],
    ['fault rule', { rule: 'drop-every-3rd' }, [5]],
    ['emulator time from', { since: 50 }, [5, 6]],
    ['emulator time until', { until: 20 }, [1, 2]],
    ['several at once (AND)', { unitId: 1, outcome: 'response', until: 30 }, [1, 3]],
  ])('filters by %s', (_what, filter, seqs) => {
    expect(journal.entries(filter).map((r) => r.seq)).toEqual(seqs);
  });
});
