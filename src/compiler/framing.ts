import { mbapFraming } from '../protocol/mbap.js';
import type { DeviceProfile } from '../profile/types.generated.js';

/** What the compiler needs to know of the framing a device is served with (protocol/framing.ts). */
export interface FramingTraits {
  /** For diagnostics: `MBAP`, `RTU`. */
  readonly name: string;
  /** Replies carry the request's transaction id, so they may go out in another order (out-of-order replies). */
  readonly transactionIds: boolean;
}

/**
 * The framing a profile is served with: MBAP today, whatever the profile says. A transport that
 * frames without transaction ids (RTU) is chosen here from the profile, so the rules that need
 * them (`outOfOrder`) are refused at load with the rule's position.
 */
export function profileFraming(_profile: DeviceProfile): FramingTraits {
  return mbapFraming;
}
