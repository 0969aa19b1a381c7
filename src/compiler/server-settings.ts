import { parseCidr } from '../cidr.js';
import type { DeviceProfile } from '../profile/types.generated.js';
import type { Reporter } from './report.js';

/** `server:` settings the schema cannot check: each `allow` entry is an address or a range. */
export function checkServerSettings(profile: DeviceProfile, report: Reporter): void {
  const allow = profile.server?.allow;
  if (!allow) return;
  allow.forEach((entry, i) => {
    const parsed = parseCidr(entry);
    if ('error' in parsed) report.error('E_ALLOW_ADDRESS', ['server', 'allow', i], allow, i, parsed.error);
  });
}
