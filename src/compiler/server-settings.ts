import { parseCidr } from '../cidr.js';
import type { DeviceProfile } from '../profile/types.generated.js';
import type { Reporter } from './report.js';

/**
 * `server:` settings the schema cannot check: each `allow` entry is an address or a range; a
 * serial line and a TCP framing are two places to serve, of which a device has one.
 */
export function checkServerSettings(profile: DeviceProfile, report: Reporter): void {
  const server = profile.server;
  if (server?.serial !== undefined && server.transport !== undefined) {
    report.error('E_SERIAL_TRANSPORT', ['server', 'transport'], server, 'transport', `server.serial serves the device on ${server.serial.path}, and server.transport (${server.transport}) chooses the framing on a TCP listener: keep one of them`);
  }
  const allow = server?.allow;
  if (!allow) return;
  allow.forEach((entry, i) => {
    const parsed = parseCidr(entry);
    if ('error' in parsed) report.error('E_ALLOW_ADDRESS', ['server', 'allow', i], allow, i, parsed.error);
  });
}
