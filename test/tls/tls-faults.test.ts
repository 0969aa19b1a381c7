import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { startEmulator, type Emulator } from '../../src/index.js';
import type { Logger } from '../../src/log.js';
import { ManualTimer } from '../../src/runtime/timers.js';
import { closeClient, ModbusRTU } from '../helpers/modbus-client.js';
import { makeTestPki, opensslAvailable, type TestPki } from '../helpers/tls-certs.js';

/**
 * TLS's own faults (`server.tls.faults`: a handshake that stalls, a reset right after the
 * handshake) and the profile's fault rules, unchanged, over TLS.
 */
let pki: TestPki;

/** A profile serving two registers over TLS with the test PKI, its faults and fault rules added. */
const profile = (tls: object, faults?: object[]): object => ({
  version: 1,
  points: { a: { type: 'uint16', address: 0, value: 7 }, b: { type: 'uint16', address: 1, value: 8 } },
  server: { idleTimeout: 30, tls: { cert: pki.server.certFile, key: pki.server.keyFile, clientCa: pki.ca.certFile, ...tls } },
  ...(faults && { faults }),
});

/** Log lines, and a promise for the first line matching a pattern (the server's own word that something happened). */
function recorder(): { logger: Logger; next(pattern: RegExp): Promise<string> } {
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  return {
    logger: {
      log(_level, message) {
        for (const w of waiters.splice(0)) if (w.pattern.test(message)) w.resolve(message);
        else waiters.push(w);
      },
    },
    next: (pattern) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no log line matching ${pattern} within 1 s`)), 1000);
        waiters.push({ pattern, resolve: (line) => (clearTimeout(timer), resolve(line)) });
      }),
  };
}

interface Attempt {
  /** Resolves when the client's handshake completes. */
  readonly secure: Promise<void>;
  /** Resolves with the error code (or 'closed') once the connection ends. */
  readonly ended: Promise<string>;
  readonly client: ModbusRTU;
}

/** An Operator's TLS connection, its handshake and its end observed, with modbus-serial linked once it is secure. */
function attempt(port: number): Attempt {
  const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.ca.cert, cert: pki.operator.cert, key: pki.operator.key });
  onTestFinished(() => void socket.destroy());
  const client = new ModbusRTU();
  client.setTimeout(1000);
  let code: string | undefined;
  socket.on('error', (error: NodeJS.ErrnoException) => (code ??= error.code ?? error.message));
  const secure = new Promise<void>((resolve) => socket.once('secureConnect', () => void client.linkTCP(socket, { port }).then(() => resolve())));
  const ended = new Promise<string>((resolve) => socket.once('close', () => resolve(code ?? 'closed')));
  return { secure, ended, client };
}

const within = <T>(promise: Promise<T>, what: string): Promise<T> =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: not within 1 s`)), 1000))]);

const TITLE = opensslAvailable ? 'TLS faults and settings' : 'TLS faults and settings: SKIPPED, no openssl command to make test certificates';

describe.skipIf(!opensslAvailable)(TITLE, () => {
  beforeAll(async () => {
    pki = await makeTestPki();
  });
  afterAll(() => pki?.remove());

  async function serve(device: object, timer?: ManualTimer): Promise<{ emulator: Emulator; log: ReturnType<typeof recorder> }> {
    const log = recorder();
    const emulator = await startEmulator({ profile: device, port: 0, logger: log.logger, ...(timer && { timer }) });
    onTestFinished(() => emulator.close());
    return { emulator, log };
  }

  it('stallHandshake: the first client hears nothing until the idle timeout closes it; the next is served', async () => {
    const timer = new ManualTimer();
    const { emulator, log } = await serve(profile({ faults: [{ name: 'slow', do: 'stallHandshake', when: { first: 1 } }] }), timer);
    const stalled = log.next(/^#1 TLS handshake from .* stalled \(TLS fault slow\)/);
    const first = attempt(emulator.port);
    let secured = false;
    void first.secure.then(() => (secured = true));
    await stalled;
    // The stalled connection is closed after the idle timeout (30 s), on the wire timer.
    timer.advance(29_999);
    expect(secured).toBe(false);
    timer.advance(1);
    expect(await within(first.ended, 'the stalled connection closed')).toMatch(/ECONNRESET|closed|socket disconnected/);
    expect(secured).toBe(false);

    const second = attempt(emulator.port);
    await within(second.secure, 'the second handshake');
    expect((await second.client.readHoldingRegisters(0, 2)).data).toEqual([7, 8]);
    await closeClient(second.client);
  });

  it('closeAfterHandshake: every second client is reset right after its handshake, before any request', async () => {
    const { emulator, log } = await serve(profile({ faults: [{ name: 'drop', do: 'closeAfterHandshake', when: { every: 2 } }] }));
    const served = attempt(emulator.port);
    await within(served.secure, 'the first handshake');
    const reset = log.next(/^#2 reset after its TLS handshake \(TLS fault drop\)/);
    const dropped = attempt(emulator.port);
    await within(reset, 'the reset');
    expect(await within(dropped.ended, 'the reset connection closed')).toBe('ECONNRESET');
    expect((await served.client.readHoldingRegisters(0, 2)).data).toEqual([7, 8]);
    await closeClient(served.client);
  });

  it('minVersion: TLSv1.3 refuses a client that stops at TLS 1.2, which the default accepts', async () => {
    const tls12 = (port: number) => {
      const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.ca.cert, cert: pki.operator.cert, key: pki.operator.key, maxVersion: 'TLSv1.2' });
      onTestFinished(() => void socket.destroy());
      return new Promise<string>((resolve) => {
        socket.once('secureConnect', () => resolve(socket.getProtocol() ?? '?'));
        socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      });
    };
    const strict = await serve(profile({ minVersion: 'TLSv1.3' }));
    const refused = strict.log.next(/^TLS handshake from .* refused: ERR_SSL_UNSUPPORTED_PROTOCOL/);
    expect(await within(tls12(strict.emulator.port), 'the TLS 1.2 client')).toMatch(/^ERR_SSL_/);
    await refused;
    const lenient = await serve(profile({}));
    expect(await within(tls12(lenient.emulator.port), 'the TLS 1.2 client')).toBe('TLSv1.2');
  });

  it('a reload that changes server.tls binds a new listener that reads the new files', async () => {
    const { emulator } = await serve(profile({}));
    const before = attempt(emulator.port);
    await within(before.secure, 'the handshake before the reload');
    // The stranger's CA becomes the client CA: the Operator's certificate is no longer accepted.
    const result = await emulator.reload(profile({ clientCa: pki.otherCa.certFile }));
    expect(result).toMatchObject({ ok: true, changes: { settings: [expect.stringMatching(/^tls: /)] } });
    expect(await within(before.ended, 'the old listener closing its connection')).toMatch(/ECONNRESET|closed/);
    const refused = attempt(emulator.port);
    expect(await within(refused.ended, 'the refusal')).toMatch(/^ERR_SSL_|ECONNRESET|closed/);
  });

  it("the profile's fault rules work over TLS unchanged: an exception, and close: rst resets the TCP connection", async () => {
    const { emulator } = await serve(
      profile({}, [
        { name: 'busy', match: { address: 1 }, do: { exception: 'serverDeviceBusy' } },
        { name: 'cut', match: { address: 0 }, when: { every: 2 }, do: { close: 'rst' } },
      ]),
    );
    const one = attempt(emulator.port);
    await within(one.secure, 'the handshake');
    await expect(one.client.readHoldingRegisters(1, 1)).rejects.toMatchObject({ modbusCode: 6 });
    expect((await one.client.readHoldingRegisters(0, 1)).data).toEqual([7]);
    // modbus-serial notices only at its timeout; the socket's reset is what the fault does.
    void one.client.readHoldingRegisters(0, 1).catch(() => {});
    expect(await within(one.ended, 'the reset')).toBe('ECONNRESET');
  });
});
