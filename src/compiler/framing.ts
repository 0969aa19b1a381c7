import { mbapFraming } from '../protocol/mbap.js';
import { rtuOverTcpFraming } from '../protocol/rtu.js';
import type { DeviceProfile } from '../profile/types.generated.js';

/** What the compiler needs to know of the framing a device is served with (protocol/framing.ts). */
export interface FramingTraits {
  /** For diagnostics: `MBAP`, `RTU`. */
  readonly name: string;
  /** Replies carry the request's transaction id, so they may go out in another order (out-of-order replies). */
  readonly transactionIds: boolean;
}

/**
 * The framing a profile is served with, from its `server.transport` and `server.serial`: RTU (on
 * TCP or a serial line) frames without transaction ids, so the rules that need them (`outOfOrder`)
 * are refused at load with the rule's position. A framing chosen only on the command line
 * (`--transport`, `--serial`) is not known here: the action then sends its replies in order.
 */
export function profileFraming(profile: DeviceProfile): FramingTraits {
  const server = profile.server;
  return server?.serial !== undefined || server?.transport === 'rtu-over-tcp' ? rtuOverTcpFraming : mbapFraming;
}
