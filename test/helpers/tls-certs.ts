import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** The openssl CLI makes the test certificates; without it the TLS tests are skipped and say why. */
export const opensslAvailable = spawnSync('openssl', ['version'], { encoding: 'utf8' }).status === 0;

const run = promisify(execFile);
const ROLE_OID = '1.3.6.1.4.1.50316.802.1';

/** One certificate and its key: PEM text, and the files they are in. */
export interface Issued {
  readonly cert: string;
  readonly key: string;
  readonly certFile: string;
  readonly keyFile: string;
}

/**
 * A throw-away PKI for one test file, made in a temp dir (never committed): a CA, a server
 * certificate for localhost / 127.0.0.1, client certificates with the roles Operator and Viewer,
 * one without a role, and one with role Operator from another CA that the server does not trust.
 */
export interface TestPki {
  readonly dir: string;
  readonly ca: Issued;
  readonly server: Issued;
  readonly operator: Issued;
  readonly viewer: Issued;
  readonly noRole: Issued;
  readonly otherCa: Issued;
  readonly stranger: Issued;
  /** Issues another client certificate from the trusted CA with these `-addext` extensions. */
  issue(name: string, extensions: readonly string[]): Promise<Issued>;
  remove(): Promise<void>;
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1'];

export async function makeTestPki(): Promise<TestPki> {
  const dir = await mkdtemp(join(tmpdir(), 'modbus-emu-tls-'));
  const files = (name: string) => ({ certFile: join(dir, `${name}.crt`), keyFile: join(dir, `${name}.key`) });
  const read = async (name: string): Promise<Issued> => {
    const f = files(name);
    return { ...f, cert: await readFile(f.certFile, 'utf8'), key: await readFile(f.keyFile, 'utf8') };
  };
  const selfSigned = async (name: string): Promise<Issued> => {
    const f = files(name);
    await run('openssl', ['req', '-x509', ...EC, '-keyout', f.keyFile, '-out', f.certFile, '-subj', `/CN=${name}`]);
    return read(name);
  };
  const issued = async (ca: Issued, name: string, extensions: readonly string[]): Promise<Issued> => {
    const f = files(name);
    const ext = extensions.flatMap((e) => ['-addext', e]);
    await run('openssl', ['req', '-x509', '-CA', ca.certFile, '-CAkey', ca.keyFile, ...EC, '-keyout', f.keyFile, '-out', f.certFile, '-subj', `/CN=${name}`, '-addext', 'basicConstraints=CA:FALSE', ...ext]);
    return read(name);
  };
  const role = (r: string) => [`${ROLE_OID}=ASN1:UTF8String:${r}`, 'extendedKeyUsage=clientAuth'];
  const [ca, otherCa] = await Promise.all([selfSigned('ca'), selfSigned('other-ca')]);
  const [server, operator, viewer, noRole, stranger] = await Promise.all([
    issued(ca, 'server', ['subjectAltName=DNS:localhost,IP:127.0.0.1', 'extendedKeyUsage=serverAuth']),
    issued(ca, 'operator', role('Operator')),
    issued(ca, 'viewer', role('Viewer')),
    issued(ca, 'no-role', ['extendedKeyUsage=clientAuth']),
    issued(otherCa, 'stranger', role('Operator')),
  ]);
  return {
    dir, ca, server, operator, viewer, noRole, otherCa, stranger,
    issue: (name, extensions) => issued(ca, name, extensions),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Writes `text` into the PKI's folder (a profile beside its certificates); returns the path. */
export async function writeBeside(pki: TestPki, name: string, text: string): Promise<string> {
  const path = join(pki.dir, name);
  await writeFile(path, text);
  return path;
}

/** The rights the TLS tests give the bundled pump: the Operator writes its commands, the Viewer reads. */
const PUMP_RIGHTS = `
security:
  roles:
    Operator: { read: all, write: [controlWord, frequencyReference] }
    Viewer: { read: all }
  noRole: deny
`;

/** The bundled pump with PUMP_RIGHTS, written beside the PKI: its path. */
export async function pumpWithRights(pki: TestPki): Promise<string> {
  return writeBeside(pki, 'pump-tls.yaml', (await readFile('devices/pump.yaml', 'utf8')) + PUMP_RIGHTS);
}

/** `startEmulator`'s `tls` option for the PKI's server certificate and CA. */
export const serverTls = (pki: TestPki) => ({ cert: pki.server.certFile, key: pki.server.keyFile, clientCa: pki.ca.certFile });
