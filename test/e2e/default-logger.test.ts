import { connect } from 'node:net';
import { realTimer } from '../../src/runtime/timers.js';
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { createDeviceHandler, ModbusTcpServer, silentLogger, startEmulator, type DataSource, type Logger } from '../../src/index.js';
import { connectClient } from '../helpers/modbus-client.js';

/**
 * Errors are never silent: without a `logger`, the API, createDeviceHandler and ModbusTcpServer
 * report warnings and errors on stderr; a test passes `silentLogger` to quiet them.
 */
const boom: DataSource = {
  readHoldingRegisters() {
    throw new Error('boom');
  },
};

function spyStderr(): string[] {
  const lines: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  return lines;
}
afterEach(() => void vi.restoreAllMocks());

async function serveBoom(logger?: Logger): Promise<number> {
  const server = new ModbusTcpServer({ handler: createDeviceHandler({ dataSource: boom, ...(logger && { logger }) }), port: 0, timer: realTimer, ...(logger && { logger }) });
  onTestFinished(() => server.close());
  return (await server.listen()).port;
}

/** The exception code a modbus-serial read gets. */
async function readException(port: number): Promise<number | undefined> {
  const client = await connectClient(port);
  try {
    await client.readHoldingRegisters(0, 1);
    return undefined;
  } catch (error) {
    return (error as { modbusCode?: number }).modbusCode;
  }
}

describe('a custom DataSource that throws', () => {
  it('answers 04 and writes one error line on stderr by default', async () => {
    const port = await serveBoom();
    const stderr = spyStderr();
    expect(await readException(port)).toBe(4);
    expect(stderr).toEqual(['error: unit 1 readHoldingRegisters: data source failed: boom (answered 04)\n']);
  });

  it('answers 04 and writes nothing with silentLogger', async () => {
    const port = await serveBoom(silentLogger);
    const stderr = spyStderr();
    expect(await readException(port)).toBe(4);
    expect(stderr).toEqual([]);
  });
});

describe('startEmulator without a logger', () => {
  const PROFILE = { version: 1, name: 'one', points: { v: { type: 'uint16', address: 0 } } };

  it('warns on stderr (a refused connection), and is quiet with silentLogger', async () => {
    for (const logger of [undefined, silentLogger]) {
      const emulator = await startEmulator({ profile: PROFILE, maxConnections: 1, ...(logger && { logger }) });
      onTestFinished(() => emulator.close());
      const first = await connectClient(emulator.port);
      await first.readHoldingRegisters(0, 1);
      const stderr = spyStderr();
      // The second connection is refused: closed by the server once accepted and logged.
      const second = connect(emulator.port, '127.0.0.1');
      await new Promise((resolve) => second.on('close', resolve).on('error', () => {}));
      expect(stderr.filter((l) => l.includes('refused: 1 connections open')), `logger ${logger ? 'silent' : 'default'}`).toHaveLength(logger ? 0 : 1);
      vi.restoreAllMocks();
    }
  });
});
