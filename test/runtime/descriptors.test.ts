import { connect, type Socket } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { connectionCeiling, connectionPool, openFileLimit, RESERVED_DESCRIPTORS } from '../../src/runtime/descriptors.js';
import { memoryDevice } from '../../src/runtime/memory-device.js';
import { Runtime } from '../../src/runtime/runtime.js';
import { testEnv } from '../helpers/env.js';
import { within } from '../helpers/within.js';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            1024                 524288               files
Max locked memory         8388608              8388608              bytes
`;

describe('the open-file limit', () => {
  it('is read from /proc/self/limits (the soft limit), and is unknown where that cannot be read', () => {
    expect(openFileLimit(() => LIMITS)).toBe(1024);
    expect(openFileLimit(() => LIMITS.replace('1024  ', 'unlimited'))).toBeUndefined();
    expect(
      openFileLimit(() => {
        throw new Error('ENOENT');
      }),
    ).toBeUndefined();
    expect(openFileLimit()).toSatisfy((n: number | undefined) => n === undefined || n > 0);
  });

  it('leaves room for other descriptors and for the listeners of the process', () => {
    expect(connectionCeiling(100)).toBe(100 - RESERVED_DESCRIPTORS); // the fixed reserve
    expect(connectionCeiling(1024)).toBe(768); // a quarter of the limit, for bursts
    expect(connectionCeiling(1024, 3)).toBe(765); // three listeners hold three descriptors
    expect(connectionCeiling(20_000, 10_000)).toBe(5_000);
    expect(connectionCeiling(10)).toBe(1);
    expect(connectionCeiling(undefined)).toBeUndefined();
  });
});

describe('a runtime under a low open-file limit', () => {
  async function serve(options: { maxConnections?: number }) {
    const lines: string[] = [];
    const env = testEnv({ logger: { log: (level, message) => void lines.push(`${level}: ${message}`) } });
    const runtime = new Runtime({ device: memoryDevice(env.logger), env, port: 0, openFileLimit: RESERVED_DESCRIPTORS + 3, ...options });
    onTestFinished(() => runtime.close());
    const { port } = await runtime.listen();
    return { runtime, port, lines };
  }

  function open(port: number): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(socket));
      socket.once('error', reject);
      onTestFinished(() => void socket.destroy());
    });
  }

  it('holds at most what the limit allows, so the policy refuses (and says so) before descriptors run out', async () => {
    const { runtime, port, lines } = await serve({});
    expect(lines).toContain(`info: open-file limit ${RESERVED_DESCRIPTORS + 3}: at most 3 connections at once (raise it with ulimit -n)`);
    for (let i = 0; i < 3; i++) await open(port);
    const fourth = await open(port);
    await within('the server closing the fourth connection', new Promise((resolve) => fourth.once('close', resolve)));
    expect(runtime.connectionCount).toBe(3);
    expect(lines.some((l) => l.startsWith('warn: connection from 127.0.0.1:') && l.endsWith('refused: 3 connections open'))).toBe(true);
  });

  it('lowers a --max-connections above the limit, with a warning', async () => {
    const { lines } = await serve({ maxConnections: 10 });
    expect(lines).toContain(`warn: --max-connections 10 is above what the open-file limit (${RESERVED_DESCRIPTORS + 3}) allows: at most 3 connections (raise it with ulimit -n)`);
  });

  it('keeps a --max-connections within the limit as it is, without a word', async () => {
    const { lines } = await serve({ maxConnections: 2 });
    expect(lines.filter((l) => l.includes('open-file limit'))).toEqual([]);
  });
});

describe('one connection pool for the devices of a process', () => {
  it('lets one device take what the others do not use, and refuses every device once the pool is full', async () => {
    const lines: string[] = [];
    const env = testEnv({ logger: { log: (level, message) => void lines.push(`${level}: ${message}`) } });
    const pool = connectionPool(2, env.logger, RESERVED_DESCRIPTORS + 2 + 3);
    expect(pool?.limit).toBe(3);
    expect(lines).toEqual([`info: open-file limit ${RESERVED_DESCRIPTORS + 5}: at most 3 connections at once across all 2 devices (raise it with ulimit -n)`]);
    const [busy, quiet] = [0, 1].map(() => new Runtime({ device: memoryDevice(env.logger), env, port: 0, ...(pool && { pool }) }));
    onTestFinished(async () => void (await Promise.all([busy!.close(), quiet!.close()])));
    const [busyPort, quietPort] = await Promise.all([busy!.listen(), quiet!.listen()]).then((a) => a.map((b) => b.port));
    const held = [];
    // Three on one device: an equal share of the descriptors would have allowed one each.
    for (let i = 0; i < 3; i++) held.push(await connected(busy!, busyPort!));
    expect(busy!.connectionCount).toBe(3);
    const refused = await openSocket(quietPort!);
    await within('the quiet device refusing the fourth connection', new Promise((resolve) => refused.once('close', resolve)));
    expect(quiet!.connectionCount).toBe(0);
    expect(lines.some((l) => l.endsWith('refused: 3 connections open in this process (the connection pool)'))).toBe(true);
    // A connection given back is room for any device.
    held[0]!.destroy();
    await within('the busy device seeing its client go', new Promise((resolve) => busy!.once('disconnect', resolve)));
    await connected(quiet!, quietPort!);
    expect([busy!.connectionCount, quiet!.connectionCount, pool!.open]).toEqual([2, 1, 3]);
  });
});

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
    onTestFinished(() => void socket.destroy());
  });
}

/** A socket once `runtime` has accepted it (its `connection` event), within a second. */
async function connected(runtime: Runtime, port: number): Promise<Socket> {
  const accepted = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`port ${port}: the runtime did not accept the connection within 1 s`)), 1000);
    runtime.once('connection', () => resolve(clearTimeout(timer)));
  });
  const socket = await openSocket(port);
  await accepted;
  return socket;
}
