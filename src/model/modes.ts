import { isPromiseLike } from '../pipeline/compose.js';
import type { AcceptMode, Exchange, Handler, Outcome } from '../pipeline/types.js';
import { unreachable } from './router.js';
import type { PointValue } from './types.js';

/** How an offline unit answers: not at all, or a gateway's exception 0x0B. */
export type OfflineAnswer = 'silence' | 'gatewayTargetFailedToRespond';


/**
 * A device's modes (docs/scenarios.md#modes): how the whole served device behaves, apart from
 * its points and fault rules. Set through the API, the control channel or a scenario's phase.
 */
export interface DeviceModes {
  /** Units that do not answer: `true` for every unit id, or some unit ids and how they answer. */
  readonly offline?: boolean | { readonly units?: readonly number[]; readonly answer?: OfflineAnswer };
  /** Down (connects refused, no connection open) until the modes change; then back with initial values. */
  readonly reboot?: boolean;
  readonly connections?: { readonly accept?: AcceptMode; readonly limit?: number };
}

/** A point's value served instead of the stored one: a constant, or a function of seconds since the override began. */
export interface PointOverride {
  readonly point: string;
  readonly value: PointValue | ((seconds: number) => number);
}

/** The outcome of each unit id (0..255) while `offline` holds; undefined: no unit id is offline. */
export function offlineOutcomes(offline: DeviceModes['offline']): (Outcome | undefined)[] | undefined {
  if (offline === undefined || offline === false) return undefined;
  const spec = offline === true ? {} : offline;
  // What a gateway answers for a unit it cannot reach: the same outcomes as `respond:`.
  const outcome = unreachable(spec.answer ?? 'silence');
  const outcomes = new Array<Outcome | undefined>(256).fill(undefined);
  for (const id of spec.units ?? [...Array(256).keys()]) outcomes[id & 0xff] = outcome;
  return outcomes;
}

/**
 * `next` behind the offline unit ids: one array lookup per request. Only installed while some
 * unit is offline (the runtime serves the device's handler unwrapped otherwise).
 */
export function offlineHandler(outcomes: readonly (Outcome | undefined)[], next: Handler): Handler {
  return (x: Exchange) => outcomes[x.unitId & 0xff] ?? next(x);
}

/** `next`, with each outcome passed through `edit` (sync stays sync). */
export function editOutcomes(next: Handler, edit: (x: Exchange, outcome: Outcome) => Outcome): Handler {
  return (x) => {
    const outcome = next(x);
    return isPromiseLike(outcome) ? Promise.resolve(outcome).then((o) => edit(x, o)) : edit(x, outcome);
  };
}
