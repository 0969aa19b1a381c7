import { BlockList } from 'node:net';
import type { Cidr } from '../cidr.js';

/**
 * The client addresses a listener accepts (`--allow`, `server.allow`), as a node:net BlockList
 * (used here as an allow list); undefined, everyone, when no range is given. A range of either
 * family also matches the other's IPv4-mapped form: `10.0.0.0/8` lets in `::ffff:10.1.2.3`, the
 * address an IPv4 client has on a dual-stack (`::`) listener.
 */
export function allowList(ranges: readonly Cidr[]): BlockList | undefined {
  if (ranges.length === 0) return undefined;
  const list = new BlockList();
  for (const r of ranges) list.addSubnet(r.address, r.prefix, r.family);
  return list;
}

/** True when `address` (as a socket reports it, `family` 'IPv4' or 'IPv6') is in `list`. */
export function isAllowed(list: BlockList, address: string | undefined, family: string | undefined): boolean {
  return address !== undefined && list.check(address, family === 'IPv6' ? 'ipv6' : 'ipv4');
}
