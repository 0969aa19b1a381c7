/**
 * Client address ranges (`--allow`, `server.allow`): an IPv4 or IPv6 address with an optional
 * prefix length, `192.168.1.0/24`, `10.0.0.7`, `fd00::/8`, `::1`. Pure, so the compiler checks
 * profiles with it and the server builds its node:net BlockList from what it returns.
 */
export interface Cidr {
  readonly address: string;
  readonly prefix: number;
  readonly family: 'ipv4' | 'ipv6';
}

/** The range `text` means, or a sentence saying what is wrong with it. */
export function parseCidr(text: string): Cidr | { readonly error: string } {
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const family = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : undefined;
  if (!family) return { error: `${JSON.stringify(text)} is not an IPv4 or IPv6 address, or a range such as 192.168.1.0/24 or fd00::/8` };
  const max = family === 'ipv4' ? 32 : 128;
  if (slash < 0) return { address, prefix: max, family };
  const bits = text.slice(slash + 1);
  const prefix = /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
  if (!(prefix <= max)) return { error: `${JSON.stringify(text)}: the prefix length after / must be 0..${max} for an ${family === 'ipv4' ? 'IPv4' : 'IPv6'} address` };
  return { address, prefix, family };
}

function isIPv4(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}

/** Eight groups of 1-4 hex digits, one `::` standing for one or more zero groups, an IPv4 tail allowed. */
function isIPv6(text: string): boolean {
  const lastColon = text.lastIndexOf(':');
  let rest = text;
  if (lastColon >= 0 && text.includes('.', lastColon)) {
    // An IPv4 tail (`::ffff:10.0.0.1`) stands for the last two groups.
    if (!isIPv4(text.slice(lastColon + 1))) return false;
    rest = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = rest.split('::');
  if (halves.length > 2) return false;
  let groups = 0;
  for (const half of halves) {
    if (half === '') continue;
    const parts = half.split(':');
    if (!parts.every((p) => /^[0-9a-f]{1,4}$/i.test(p))) return false;
    groups += parts.length;
  }
  return halves.length === 2 ? groups <= 7 : groups === 8;
}
