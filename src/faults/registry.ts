import type { FaultAction } from '../profile/types.generated.js';
import type { ActionFactory } from './action.js';
import { closeAction } from './actions/close.js';
import { delayAction } from './actions/delay.js';
import { exceptionAction } from './actions/exception.js';
import { fragmentAction } from './actions/fragment.js';
import { malformedAction } from './actions/malformed.js';
import { noResponseAction } from './actions/no-response.js';
import { outOfOrderAction } from './actions/out-of-order.js';
import { staleAction } from './actions/stale.js';

/** Every fault kind by the key that names it in a profile's `do:`. */
export const ACTIONS: { readonly [K in keyof FaultAction]-?: ActionFactory<NonNullable<FaultAction[K]>> } = {
  exception: exceptionAction,
  noResponse: noResponseAction,
  close: closeAction,
  delay: delayAction,
  fragment: fragmentAction,
  malformed: malformedAction,
  stale: staleAction,
  outOfOrder: outOfOrderAction,
};
