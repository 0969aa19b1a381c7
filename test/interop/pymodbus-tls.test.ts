import { execFile, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { startEmulator, type Emulator } from '../../src/index.js';
import { makeTestPki, opensslAvailable, pumpWithRights, serverTls, type TestPki } from '../helpers/tls-certs.js';

/**
 * pymodbus's TLS client (Debian's python3-pymodbus, with Debian's python3, as CI installs it:
 * .ci/run) against the bundled pump over Modbus/TCP Security, one certificate per role.
 */
const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('pymodbus_tls.py', import.meta.url));
const probe = spawnSync(PYTHON, ['-c', 'import pymodbus; print(pymodbus.__version__)'], { encoding: 'utf8' });
const available = probe.status === 0 && opensslAvailable;

const TITLE = available
  ? `pymodbus ${probe.stdout.trim()} (Debian python3-pymodbus) over Modbus/TCP Security`
  : `pymodbus over TLS: SKIPPED, ${probe.status === 0 ? 'no openssl command to make test certificates' : `${PYTHON} cannot import pymodbus (apt-get install -y python3-pymodbus; .ci/run installs it)`}`;

describe.skipIf(!available)(TITLE, () => {
  let pki: TestPki;
  let pump: Emulator;
  let seen: Record<string, { connected: boolean; read: string; write: string }>;

  beforeAll(async () => {
    pki = await makeTestPki();
    const profile = await pumpWithRights(pki);
    pump = await startEmulator({ profile, port: 0, logger: silentLogger, tls: serverTls(pki) });
    const clients = [
      ['operator', pki.operator.certFile, pki.operator.keyFile],
      ['viewer', pki.viewer.certFile, pki.viewer.keyFile],
      ['noRole', pki.noRole.certFile, pki.noRole.keyFile],
      ['stranger', pki.stranger.certFile, pki.stranger.keyFile],
      ['noCertificate', '-', '-'],
    ].flat();
    const { stdout } = await promisify(execFile)(PYTHON, [SCRIPT, String(pump.port), pki.ca.certFile, ...clients], { encoding: 'utf8', timeout: 15_000 });
    seen = (JSON.parse(stdout) as { results: typeof seen }).results;
  });
  afterAll(async () => {
    await pump?.close();
    await pki?.remove();
  });

  it.each([
    // client, its read of controlWord and frequencyReference, its write of controlWord
    ['operator', '[15,450]', '"ok"'],
    ['viewer', '[15,450]', 'exception 1'],
    ['noRole', 'exception 1', 'exception 1'],
  ])('%s: read %s, write %s', (label, read, write) => {
    expect(seen[label]).toEqual({ connected: true, read, write });
  });

  it.each(['stranger', 'noCertificate'])('%s: refused at the handshake, every request fails', (label) => {
    // TLS 1.3: the client's side of the handshake ends before the server's verdict, so pymodbus
    // "connects"; the server's alert (no certificate) or close (another CA) comes with the first read.
    expect(seen[label]).toMatchObject({ read: expect.stringMatching(/^ModbusIOException: .*(certificate required|0 received)/), write: expect.stringMatching(/^ModbusIOException/) });
  });
});
