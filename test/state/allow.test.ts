import { createServer, connect, isIP } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parseCidr } from '../../src/cidr.js';
import { run } from '../../src/cli/run.js';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/index.js';
import type { Logger } from '../../src/log.js';
import { ManualTimer } from '../../src/runtime/timers.js';
import { problems } from '../compiler/helpers.js';
import { connectClient } from '../helpers/modbus-client.js';

/** `--allow CIDR` / `server.allow`: clients from other addresses are closed at accept, and logged sparingly. */

describe('address ranges', () => {
  it.each([
    ['192.168.1.0/24', { address: '192.168.1.0', prefix: 24, family: 'ipv4' }],
    ['10.0.0.7', { address: '10.0.0.7', prefix: 32, family: 'ipv4' }],
    ['fd00::/8', { address: 'fd00::', prefix: 8, family: 'ipv6' }],
    ['::1', { address: '::1', prefix: 128, family: 'ipv6' }],
    ['::ffff:10.0.0.0/104', { address: '::ffff:10.0.0.0', prefix: 104, family: 'ipv6' }],
  ])('%s', (text, range) => {
    expect(parseCidr(text)).toEqual(range);
  });

  it.each([
    ['10.0.0.0/33', '"10.0.0.0/33": the prefix length after / must be 0..32 for an IPv4 address'],
    ['::/129', '"::/129": the prefix length after / must be 0..128 for an IPv6 address'],
    ['10.0.0.0/', '"10.0.0.0/": the prefix length after / must be 0..32 for an IPv4 address'],
    ['localhost', '"localhost" is not an IPv4 or IPv6 address, or a range such as 192.168.1.0/24 or fd00::/8'],
    ['1::2::3', '"1::2::3" is not an IPv4 or IPv6 address, or a range such as 192.168.1.0/24 or fd00::/8'],
  ])('%s is refused with a sentence', (text, error) => {
    expect(parseCidr(text)).toEqual({ error });
  });

  it('agrees with node:net on what an address is (seeded)', () => {
    const text = fc.oneof(
      fc.ipV4(),
      fc.ipV6(),
      fc.string({ unit: fc.constantFrom(...'0123456789abcdef:.'), maxLength: 24 }),
    );
    fc.assert(
      fc.property(text, (t) => {
        expect('error' in parseCidr(t), t).toBe(isIP(t) === 0);
      }),
      { seed: 17, numRuns: 1000 },
    );
  });

  it('a bad entry in server.allow is a located diagnostic', () => {
    const found = problems(`
      version: 1
      server:
        allow: [127.0.0.1, 10.0.0.0/40]
      points:
        v: { type: uint16, address: 0 }
    `);
    expect(found.map((d) => [d.code, d.path, d.location?.line, d.message])).toEqual([
      ['E_ALLOW_ADDRESS', 'server.allow[1]', 3, '"10.0.0.0/40": the prefix length after / must be 0..32 for an IPv4 address'],
    ]);
  });
});

const PROFILE = { version: 1, points: { v: { type: 'uint16', address: 0, value: 42 } } };
const lines: string[] = [];
const logger: Logger = { log: (level, message) => void (level === 'warn' && lines.push(`${level}: ${message}`)) };

async function start(options: Partial<EmulatorOptions>): Promise<Emulator> {
  lines.length = 0;
  const emulator = await startEmulator({ profile: PROFILE, logger, ...options });
  onTestFinished(() => emulator.close());
  return emulator;
}

/** Connects and resolves how the connection went: 'closed' before any reply, or the value read. */
function probe(port: number, host = '127.0.0.1'): Promise<'closed' | 'open'> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host });
    const timeout = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no close and no reply within 1 s from ${host}:${port}`));
    }, 1000);
    // FC 3, one register at 0.
    socket.on('connect', () => socket.write(Buffer.from('000100000006010300000001', 'hex')));
    socket.on('data', () => {
      clearTimeout(timeout);
      socket.destroy();
      resolve('open');
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timeout);
      resolve('closed');
    });
  });
}

const ipv6 = await new Promise<boolean>((resolve) => {
  const s = createServer().once('error', () => resolve(false));
  s.listen(0, '::1', () => s.close(() => resolve(true)));
});

describe('the listener', () => {
  it('closes a client outside the list at accept and logs it; one inside is served', async () => {
    const refused = await start({ allow: ['10.0.0.0/8', '::1'] });
    expect(await probe(refused.port)).toBe('closed');
    expect(lines).toEqual([expect.stringMatching(/^warn: connection from 127\.0\.0\.1:\d+ closed: its address is not allowed \(--allow, server\.allow\)$/)]);
    const served = await start({ allow: ['127.0.0.0/8'] });
    const client = await connectClient(served.port);
    expect((await client.readHoldingRegisters(0, 1)).data).toEqual([42]);
  });

  it('many refusals: five lines, then one line counting the rest', async () => {
    const timer = new ManualTimer();
    const emulator = await start({ allow: ['192.0.2.1'], timer });
    for (let i = 0; i < 8; i++) expect(await probe(emulator.port)).toBe('closed');
    expect(lines).toHaveLength(5);
    timer.advance(5000);
    expect(lines[5]).toBe('warn: … 3 more connections from addresses not allowed in the last 5 s');
  });

  it('the profile\'s server.allow applies, and a reload that changes it applies to the next connection', async () => {
    const emulator = await start({ profile: { ...PROFILE, server: { allow: ['192.0.2.0/24'] } } });
    expect(await probe(emulator.port)).toBe('closed');
    expect((await emulator.reload({ ...PROFILE, server: { allow: ['127.0.0.1'] } })).ok).toBe(true);
    expect(await probe(emulator.port)).toBe('open');
  });

  it('an --allow entry that is not a range is a RangeError before anything listens', async () => {
    await expect(startEmulator({ profile: PROFILE, allow: ['10.0.0.300'], logger })).rejects.toThrow('allow: "10.0.0.300" is not an IPv4 or IPv6 address');
  });

  it.skipIf(!ipv6)('IPv6 clients, and IPv4 clients of a dual-stack listener by their mapped address', async () => {
    const v6 = await start({ host: '::1', allow: ['::1/128'] });
    expect(await probe(v6.port, '::1')).toBe('open');
    const other = await start({ host: '::1', allow: ['fd00::/8'] });
    expect(await probe(other.port, '::1')).toBe('closed');
    // On `::` an IPv4 client is ::ffff:127.0.0.1: an IPv4 range lets it in, and an IPv6 range of mapped addresses too.
    for (const allow of [['127.0.0.0/8'], ['::ffff:127.0.0.0/104']]) {
      const dual = await start({ host: '::', allow });
      expect(await probe(dual.port, '127.0.0.1')).toBe('open');
    }
    const dual = await start({ host: '::', allow: ['10.0.0.0/8'] });
    expect(await probe(dual.port, '127.0.0.1')).toBe('closed');
  });
});

describe('--allow', () => {
  it('a bad range is a bad flag (exit 2) with the sentence', async () => {
    let stderr = '';
    const exit = await run(['--allow', '10.0.0.0/99'], { stdout: () => {}, stderr: (t) => void (stderr += t) });
    expect(exit).toBe(2);
    expect(stderr).toContain('"10.0.0.0/99": the prefix length after / must be 0..32 for an IPv4 address');
  });
});
