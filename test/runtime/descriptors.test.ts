import { connect, type Socket } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { connectionCeiling, openFileLimit, RESERVED_DESCRIPTORS } from '../../src/runtime/descriptors.js';
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

  it('leaves room for other descriptors and is shared by the devices of one process', () => {
    expect(connectionCeiling(100)).toBe(100 - RESERVED_DESCRIPTORS); // the fixed reserve
    expect(connectionCeiling(1024)).toBe(768); // a quarter of the limit, for bursts
    expect(connectionCeiling(1024, 3)).toBe(256);
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

  it('takes its share when several devices of one process split the limit (descriptorShare)', () => {
    const lines: string[] = [];
    const env = testEnv({ logger: { log: (level, message) => void lines.push(`${level}: ${message}`) } });
    // 1,000 descriptors: 250 reserved (a quarter), 750 for connections, 250 for each of three devices.
    const runtime = new Runtime({ device: memoryDevice(env.logger), env, port: 0, openFileLimit: 1000, descriptorShare: 3 });
    onTestFinished(() => runtime.close());
    expect(lines).toEqual(['info: open-file limit 1000: at most 250 connections at once (raise it with ulimit -n)']);
  });

  it('keeps a --max-connections within the limit as it is, without a word', async () => {
    const { lines } = await serve({ maxConnections: 2 });
    expect(lines.filter((l) => l.includes('open-file limit'))).toEqual([]);
  });
});
