import { describe, expect, it } from 'vitest';
import { startServer } from './server.js';

describe('RawClient (test helper)', () => {
  it('a reply that never comes fails the read on its own timeout, saying what was awaited and what arrived', async () => {
    const t = await startServer({ handler: () => ({ kind: 'silence' }) });
    const client = await t.connect();
    await client.send('00 01 00 00 00 06 01 03 00 00 00 01');
    await expect(client.readAdu(50)).rejects.toThrow('RawClient: nothing for 50 ms while waiting for an ADU; unconsumed: []');
    // The client stays usable for the next read.
    await expect(client.read(1, 50)).rejects.toThrow(/nothing for 50 ms/);
  });
});
