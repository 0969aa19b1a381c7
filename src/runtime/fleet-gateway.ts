import { unreachable } from '../model/router.js';
import type { ServedDevice } from '../model/types.js';
import type { Exchange, Handler } from '../pipeline/types.js';
import { formatUnitIds } from '../compiler/unit-ids.js';

/** A fleet instance behind a shared port: its unit id and the handler of its runtime, read at each exchange. */
export interface GatewayMember {
  readonly unitId: number;
  readonly runtime: { readonly handler: Handler };
}

/** What a unit id with no instance behind the port answers, as a gateway whose target does not answer. */
const NO_INSTANCE = unreachable('gatewayTargetFailedToRespond');

/**
 * The device a fleet entry with `units:` serves on each of its ports: a gateway routing each unit
 * id to its own instance (its own runtime: own profile state, seed, parameters, reloads, journal
 * and injected rules), in one table lookup. The member's handler is read at each exchange, so an
 * instance's reload or injected rule applies from its next request. Other unit ids, broadcast
 * (unit 0) included, answer 0x0B.
 */
export function fleetGateway(name: string, members: readonly GatewayMember[]): ServedDevice {
  const routes = new Array<GatewayMember['runtime'] | undefined>(256).fill(undefined);
  for (const m of members) routes[m.unitId] = m.runtime;
  const handler: Handler = (x: Exchange) => {
    const member = routes[x.unitId & 0xff];
    return member === undefined ? NO_INSTANCE : member.handler(x);
  };
  return {
    name,
    server: {},
    handler,
    summary: () => [`${name}: ${members.length} devices behind one port, unit ids ${formatUnitIds(members.map((m) => m.unitId))}; others answer 0x0B`],
  };
}
