import { connect, type TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/index.js';
import type { Logger } from '../../src/log.js';
import { closeClient, ModbusRTU } from '../helpers/modbus-client.js';
import { RawClient } from '../helpers/socket.js';
import { makeTestPki, opensslAvailable, pumpWithRights, serverTls, type Issued, type TestPki } from '../helpers/tls-certs.js';

/**
 * Modbus/TCP Security end to end: the bundled pump, with rights for the roles Operator and
 * Viewer, served over TLS with mutual authentication; modbus-serial (a real client, given the
 * TLS socket with its documented linkTCP) reads and writes through it.
 */
const CONTROL_WORD = 8501;
const FREQUENCY_REFERENCE = 8502;
const MAX_FREQUENCY = 4000;

let pki: TestPki;
let pump: Emulator;
const lines: string[] = [];
const logger: Logger = { log: (level, message) => void lines.push(`${level}: ${message}`) };
let connections = 0;

/** Resolves with the socket once its handshake is done; rejects with the client's error, within a second. */
function connectTls(port: number, who: Issued | undefined, ca = pki.ca.cert): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca, ...(who && { cert: who.cert, key: who.key }) });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('no TLS handshake within 1 s'));
    }, 1000);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** modbus-serial over an authenticated TLS socket, closed after the test. */
async function modbusClient(port: number, who: Issued): Promise<ModbusRTU> {
  const socket = await connectTls(port, who);
  const client = new ModbusRTU();
  await client.linkTCP(socket, { port });
  client.setID(1);
  client.setTimeout(1000);
  return client;
}

/**
 * What a client without an acceptable certificate sees: the server ends the handshake with an
 * alert. Under TLS 1.3 the client's own handshake completes first and the alert comes with the
 * first read, so it sends a request and waits (at most a second) for the error or the close.
 */
function refusal(port: number, who: Issued | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.ca.cert, ...(who && { cert: who.cert, key: who.key }) });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('the server neither refused nor answered within 1 s'));
    }, 1000);
    socket.on('secureConnect', () => socket.write(Uint8Array.of(0, 1, 0, 0, 0, 6, 1, 3, 0x0c, 0x81, 0, 1)));
    socket.on('data', () => {
      clearTimeout(timer);
      reject(new Error('the server answered a request over a refused handshake'));
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(error.code ?? error.message);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve('closed');
    });
  });
}

const TITLE = opensslAvailable ? 'Modbus/TCP Security: the bundled pump over TLS' : 'Modbus/TCP Security: SKIPPED, no openssl command to make test certificates';

describe.skipIf(!opensslAvailable)(TITLE, () => {
  beforeAll(async () => {
    pki = await makeTestPki();
    const profile = await pumpWithRights(pki);
    pump = await startEmulator({ profile, port: 0, logger, tls: serverTls(pki) });
    pump.on('connection', () => connections++);
  });
  afterAll(async () => {
    await pump?.close();
    await pki?.remove();
  });

  it('an Operator reads the pump and writes what its role may', async () => {
    const client = await modbusClient(pump.port, pki.operator);
    try {
      expect((await client.readHoldingRegisters(CONTROL_WORD, 2)).data).toEqual([0x000f, 450]);
      await client.writeRegister(FREQUENCY_REFERENCE, 400);
      expect(pump.read('frequencyReference')).toBe(40);
      // Outside its rights: maxFrequency is no point of the Operator's `write`.
      await expect(client.writeRegister(MAX_FREQUENCY, 500)).rejects.toMatchObject({ modbusCode: 1 });
    } finally {
      await closeClient(client);
    }
    expect(lines).toContainEqual(expect.stringMatching(/^warn: #\d+ role Operator: writeSingleRegister address=4000 .*refused \(exception 01\)/));
  });

  it("a Viewer's reads work and its write answers exception 01, logged with its role and journaled", async () => {
    const client = await modbusClient(pump.port, pki.viewer);
    try {
      expect((await client.readHoldingRegisters(CONTROL_WORD, 1)).data).toEqual([0x000f]);
      await expect(client.writeRegister(CONTROL_WORD, 0x0006)).rejects.toMatchObject({ modbusCode: 1 });
      expect(pump.readTable('holding', CONTROL_WORD, 1)).toEqual([0x000f]);
    } finally {
      await closeClient(client);
    }
    expect(lines).toContainEqual(expect.stringMatching(/^warn: #\d+ role Viewer: writeSingleRegister address=8501 .*refused \(exception 01\)/));
    const refused = pump.journal!.entries().filter((r) => r.exceptionCode === 1 && r.connection.role === 'Viewer');
    expect(refused).toMatchObject([{ function: 'writeSingleRegister', address: CONTROL_WORD }]);
  });

  it('a certificate without a role may do nothing under noRole: deny', async () => {
    const client = await modbusClient(pump.port, pki.noRole);
    try {
      await expect(client.readHoldingRegisters(CONTROL_WORD, 1)).rejects.toMatchObject({ modbusCode: 1 });
    } finally {
      await closeClient(client);
    }
    expect(lines).toContainEqual(expect.stringMatching(/^warn: #\d+ no role: readHoldingRegisters address=8501 quantity=1 refused/));
  });

  it.each([
    ['without a certificate', () => undefined],
    ['with a certificate from another CA', () => pki.stranger],
  ])('a client %s is refused at the handshake, logged, and the device goes on', async (_label, who) => {
    const before = connections;
    const logged = lines.length;
    expect(await refusal(pump.port, who())).toMatch(/^ERR_SSL_|ECONNRESET|closed/);
    expect(connections).toBe(before);
    expect(lines.slice(logged)).toContainEqual(expect.stringMatching(/^warn: TLS handshake from 127\.0\.0\.1:\d+ refused: /));
    const client = await modbusClient(pump.port, pki.operator);
    expect((await client.readHoldingRegisters(CONTROL_WORD, 1)).data).toHaveLength(1);
    await closeClient(client);
  });

  it('a client that speaks plain Modbus TCP to the TLS port is closed without a reply', async () => {
    const raw = await RawClient.connect(pump.port);
    await raw.send('00 01 00 00 00 06 01 03 21 35 00 01');
    const closed = await Promise.race([raw.closed, new Promise((_, reject) => setTimeout(() => reject(new Error('not closed within 1 s')), 1000))]);
    expect(closed).toBeTruthy();
    expect(raw.totalReceived).toBe(0);
  });
});
