import { X509Certificate } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateRole, MAX_ROLE_LENGTH } from '../../src/server/cert-role.js';
import { hex } from '../helpers/hex.js';
import { makeTestPki, opensslAvailable, type TestPki } from '../helpers/tls-certs.js';

/** One DER element: tag, definite length (short or long form), content. */
function tlv(tag: number, ...content: Uint8Array[]): Uint8Array {
  const body = Buffer.concat(content);
  const n = body.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Uint8Array.of(tag, ...length), body]);
}
const ROLE_OID = hex('2b 06 01 04 01 83 89 0c 86 22 01');
const utf8 = (text: string) => tlv(0x0c, Buffer.from(text, 'utf8'));
const extension = (oid: Uint8Array, value: Uint8Array, critical?: boolean) =>
  tlv(0x30, tlv(0x06, oid), ...(critical === undefined ? [] : [tlv(0x01, Uint8Array.of(critical ? 0xff : 0))]), tlv(0x04, value));
/** A certificate reduced to what the reader walks: a TBSCertificate (serial, extensions), then an algorithm and a signature. */
const certificate = (...extensions: Uint8Array[]) =>
  tlv(0x30, tlv(0x30, tlv(0x02, Uint8Array.of(1)), ...(extensions.length ? [tlv(0xa3, tlv(0x30, ...extensions))] : [])), tlv(0x30), tlv(0x03, Uint8Array.of(0)));
const OTHER = extension(hex('55 1d 13'), tlv(0x30)); // basicConstraints, empty

describe('the role of a client certificate (OID 1.3.6.1.4.1.50316.802.1, one UTF8String)', () => {
  it.each([
    ['the role extension among others', certificate(OTHER, extension(ROLE_OID, utf8('Operator'))), 'Operator'],
    ['marked critical', certificate(extension(ROLE_OID, utf8('Viewer'), true)), 'Viewer'],
    ['UTF-8 beyond ASCII', certificate(extension(ROLE_OID, utf8('Bediener-Ü'))), 'Bediener-Ü'],
    [`${MAX_ROLE_LENGTH} characters`, certificate(extension(ROLE_OID, utf8('r'.repeat(MAX_ROLE_LENGTH)))), 'r'.repeat(MAX_ROLE_LENGTH)],
    ['no extensions at all', certificate(), undefined],
    ['extensions without the role', certificate(OTHER), undefined],
    ['the role twice (RFC 5280 4.2: never)', certificate(extension(ROLE_OID, utf8('A')), extension(ROLE_OID, utf8('B'))), undefined],
    ['a PrintableString, not a UTF8String', certificate(extension(ROLE_OID, tlv(0x13, Buffer.from('Operator')))), undefined],
    ['an empty role', certificate(extension(ROLE_OID, utf8(''))), undefined],
    [`${MAX_ROLE_LENGTH + 1} characters`, certificate(extension(ROLE_OID, utf8('r'.repeat(MAX_ROLE_LENGTH + 1)))), undefined],
    ['bytes after the string', certificate(extension(ROLE_OID, Buffer.concat([utf8('Operator'), Uint8Array.of(0)]))), undefined],
    ['invalid UTF-8', certificate(extension(ROLE_OID, tlv(0x0c, Uint8Array.of(0xc3, 0x28)))), undefined],
    ['a BOOLEAN that is not one', certificate(tlv(0x30, tlv(0x06, ROLE_OID), tlv(0x02, Uint8Array.of(1)), tlv(0x04, utf8('A')))), undefined],
    ['an indefinite length (BER, not DER)', hex('30 80 00 00'), undefined],
    ['a length past the end', hex('30 05 30 03 02 01'), undefined],
    ['a five-byte length', hex('30 85 00 00 00 00 01 00'), undefined],
    ['nothing', new Uint8Array(0), undefined],
  ])('%s', (_label, der, role) => {
    expect(certificateRole(der)).toBe(role);
  });

  it('never throws, whatever the bytes: cut, flipped or random (seeded)', () => {
    const good = certificate(OTHER, extension(ROLE_OID, utf8('Operator')));
    fc.assert(
      fc.property(fc.nat(good.length), fc.nat(good.length - 1), fc.integer({ min: 1, max: 255 }), fc.uint8Array({ maxLength: 64 }), (cut, at, xor, noise) => {
        const flipped = Uint8Array.from(good);
        flipped[at]! ^= xor;
        for (const der of [good.subarray(0, cut), flipped, noise]) {
          const role = certificateRole(der);
          expect(role === undefined || (typeof role === 'string' && role.length > 0 && role.length <= MAX_ROLE_LENGTH)).toBe(true);
        }
        // A cut certificate has no role: a length checked against what encloses it cannot be met.
        if (cut < good.length) expect(certificateRole(good.subarray(0, cut))).toBeUndefined();
      }),
      { seed: 802, numRuns: 500 },
    );
  });
});

describe.skipIf(!opensslAvailable)('roles of certificates made by openssl (-addext 1.3.6.1.4.1.50316.802.1=ASN1:UTF8String:...)', () => {
  let pki: TestPki;
  beforeAll(async () => {
    pki = await makeTestPki();
  });
  afterAll(() => pki?.remove());
  const der = (pem: string) => new Uint8Array(new X509Certificate(pem).raw);

  it('Operator, Viewer, and none', () => {
    expect(certificateRole(der(pki.operator.cert))).toBe('Operator');
    expect(certificateRole(der(pki.viewer.cert))).toBe('Viewer');
    expect(certificateRole(der(pki.noRole.cert))).toBeUndefined();
    expect(certificateRole(der(pki.server.cert))).toBeUndefined();
  });

  it('critical, and not a UTF8String', async () => {
    const critical = await pki.issue('critical', ['1.3.6.1.4.1.50316.802.1=critical,ASN1:UTF8String:Engineer']);
    const printable = await pki.issue('printable', ['1.3.6.1.4.1.50316.802.1=ASN1:PRINTABLESTRING:Engineer']);
    expect(certificateRole(der(critical.cert))).toBe('Engineer');
    expect(certificateRole(der(printable.cert))).toBeUndefined();
  });
});
