import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { closeClient, ModbusRTU } from '../helpers/modbus-client.js';
import { makeTestPki, opensslAvailable, writeBeside, type TestPki } from '../helpers/tls-certs.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The command of docs/tls.md: `modbus-emu pump --tls-cert ... --tls-key ... --tls-client-ca ...`, in-process. */
let pki: TestPki;

const TITLE = opensslAvailable ? 'modbus-emu pump --tls-cert --tls-key --tls-client-ca' : 'modbus-emu over TLS: SKIPPED, no openssl command to make test certificates';

describe.skipIf(!opensslAvailable)(TITLE, () => {
  beforeAll(async () => {
    pki = await makeTestPki();
  });
  afterAll(() => pki?.remove());
  const flags = () => ['--tls-cert', 'server.crt', '--tls-key', 'server.key', '--tls-client-ca', 'ca.crt'];

  it('serves the bundled pump over TLS (files relative to the working folder) to an Operator', async () => {
    const c = cli(['pump', '--port', '0', '--no-watch', ...flags()], { cwd: pki.dir });
    const port = Number(await c.until(() => /listening on 127\.0\.0\.1:(\d+)/.exec(c.out.stdout)?.[1]));
    expect(c.out.stderr).toContain('pump: Modbus/TCP Security: TLS, clients need a certificate from ca.crt');
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.ca.cert, cert: pki.operator.cert, key: pki.operator.key });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no TLS handshake within 1 s')), 1000);
      socket.once('secureConnect', () => (clearTimeout(timer), resolve()));
      socket.once('error', (error) => (clearTimeout(timer), reject(error)));
    });
    const client = new ModbusRTU();
    await client.linkTCP(socket, { port });
    client.setTimeout(1000);
    expect((await client.readHoldingRegisters(8501, 2)).data).toEqual([0x000f, 450]);
    await closeClient(client);
  });

  it("a profile's server.tls files are relative to the profile's folder", async () => {
    await writeBeside(pki, 'tls-profile.yaml', 'version: 1\npoints: { a: { type: uint16, address: 0, value: 7 } }\nserver: { tls: { cert: server.crt, key: server.key, clientCa: ca.crt } }\n');
    const c = cli([join(pki.dir, 'tls-profile.yaml'), '--port', '0', '--no-watch'], { cwd: tmpdir() });
    await c.until(() => /listening on/.test(c.out.stdout));
    expect(c.out.stderr).toContain('Modbus/TCP Security: TLS, clients need a certificate from ca.crt');
  });

  it('one flag without the others is a bad flag (exit 2)', async () => {
    const c = cli(['pump', '--port', '0', '--tls-cert', 'server.crt'], { cwd: pki.dir });
    expect(await c.exit).toBe(2);
    expect(c.out.stderr).toContain('--tls-cert, --tls-key and --tls-client-ca go together: --tls-key and --tls-client-ca missing');
  });

  it.each([
    ['a file that is not there', ['--tls-cert', 'nowhere.crt', '--tls-key', 'server.key', '--tls-client-ca', 'ca.crt'], /cannot read the TLS certificate .*nowhere\.crt: ENOENT/],
    ['a key that is no key', ['--tls-cert', 'server.crt', '--tls-key', 'ca.crt', '--tls-client-ca', 'ca.crt'], /^modbus-emu: TLS: /m],
  ])('%s: exit 1, nothing listens', async (_label, tls, message) => {
    const c = cli(['pump', '--port', '0', '--no-watch', ...tls], { cwd: pki.dir });
    expect(await c.exit).toBe(1);
    expect(c.out.stderr).toMatch(message);
    expect(c.out.stdout).not.toContain('listening');
  });
});
