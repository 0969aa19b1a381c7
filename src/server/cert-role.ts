/**
 * The role a Modbus/TCP Security client certificate carries: the X.509v3 extension with OID
 * 1.3.6.1.4.1.50316.802.1 whose value is one UTF8String (the Modbus/TCP Security specification's
 * RoleOID). Node's X509Certificate does not expose unknown extensions, so this reads the
 * certificate's DER itself: a small reader of definite-length DER that checks every length
 * against what encloses it. Anything it does not expect (a malformed or truncated encoding, the
 * extension twice, a value that is not one UTF8String, an empty or invalid UTF-8 string) is "no
 * role": it never throws, whatever the bytes.
 */

/** 1.3.6.1.4.1.50316.802.1 as DER content bytes (50316 = 0x83 0x89 0x0c, 802 = 0x86 0x22 in base 128). */
export const ROLE_OID = Uint8Array.of(0x2b, 0x06, 0x01, 0x04, 0x01, 0x83, 0x89, 0x0c, 0x86, 0x22, 0x01);
/** Longer roles are refused: a role names a set of rights, not a document. */
export const MAX_ROLE_LENGTH = 256;

const SEQUENCE = 0x30;
const OID = 0x06;
const BOOLEAN = 0x01;
const OCTET_STRING = 0x04;
const UTF8_STRING = 0x0c;
/** [3] EXPLICIT, constructed: the extensions of a v3 TBSCertificate (RFC 5280 4.1). */
const EXTENSIONS_TAG = 0xa3;

/** One DER element: its tag, and where its content starts and ends. */
interface Tlv {
  readonly tag: number;
  readonly start: number;
  readonly end: number;
}

/** The element at `offset`, when it is whole and well-formed within `limit`; else undefined. */
function readTlv(der: Uint8Array, offset: number, limit: number): Tlv | undefined {
  if (offset + 2 > limit) return undefined;
  const tag = der[offset]!;
  // High tag numbers (0x1f) do not occur in the parts read here.
  if ((tag & 0x1f) === 0x1f) return undefined;
  let length = der[offset + 1]!;
  let start = offset + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    // 0x80 is BER's indefinite length, which DER forbids; more than 4 bytes exceeds any certificate.
    if (bytes === 0 || bytes > 4 || start + bytes > limit) return undefined;
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + der[start + i]!;
    start += bytes;
  }
  const end = start + length;
  return end <= limit ? { tag, start, end } : undefined;
}

/** The elements inside `parent`, in order; undefined when one of them is not well-formed. */
function children(der: Uint8Array, parent: Tlv): Tlv[] | undefined {
  const out: Tlv[] = [];
  for (let at = parent.start; at < parent.end; ) {
    const child = readTlv(der, at, parent.end);
    if (!child) return undefined;
    out.push(child);
    at = child.end;
  }
  return out;
}

function sameBytes(der: Uint8Array, at: Tlv, expected: Uint8Array): boolean {
  if (at.end - at.start !== expected.length) return false;
  for (let i = 0; i < expected.length; i++) if (der[at.start + i] !== expected[i]) return false;
  return true;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The role in a DER certificate, or undefined when it carries none or the encoding is not what
 * RFC 5280 and the specification say (the reason is not needed: either way the client has no role).
 */
export function certificateRole(der: Uint8Array): string | undefined {
  const found = roleOf(der);
  return typeof found === 'string' ? found : undefined;
}

function roleOf(der: Uint8Array): string | undefined | false {
  const certificate = readTlv(der, 0, der.length);
  if (certificate?.tag !== SEQUENCE) return false;
  const tbs = readTlv(der, certificate.start, certificate.end);
  if (tbs?.tag !== SEQUENCE) return false;
  const fields = children(der, tbs);
  if (!fields) return false;
  // The extensions are the last field of the TBSCertificate, when there are any.
  const last = fields[fields.length - 1];
  if (last?.tag !== EXTENSIONS_TAG) return undefined;
  const list = readTlv(der, last.start, last.end);
  if (list?.tag !== SEQUENCE || list.end !== last.end) return false;
  const extensions = children(der, list);
  if (!extensions) return false;
  let role: string | undefined;
  for (const extension of extensions) {
    if (extension.tag !== SEQUENCE) return false;
    const parts = children(der, extension);
    if (!parts || parts.length < 2 || parts.length > 3 || parts[0]!.tag !== OID) return false;
    if (!sameBytes(der, parts[0]!, ROLE_OID)) continue;
    // RFC 5280 4.2: a certificate must not include more than one instance of an extension.
    if (role !== undefined) return false;
    if (parts.length === 3 && parts[1]!.tag !== BOOLEAN) return false;
    const value = parts[parts.length - 1]!;
    if (value.tag !== OCTET_STRING) return false;
    const text = readTlv(der, value.start, value.end);
    if (text?.tag !== UTF8_STRING || text.end !== value.end) return false;
    const length = text.end - text.start;
    if (length === 0 || length > MAX_ROLE_LENGTH) return false;
    try {
      role = utf8.decode(der.subarray(text.start, text.end));
    } catch {
      return false;
    }
  }
  return role;
}
