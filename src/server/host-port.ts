/**
 * `host:port` as people and URLs write it: an IPv6 address in brackets (`[::1]:5020`, RFC 3986
 * §3.2.2), since `::1:5020` cannot be split back into address and port.
 */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
