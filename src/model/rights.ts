import type { Table } from '../device/data-source.js';
import { exception } from '../pipeline/compose.js';
import type { ConnectionInfo, Middleware, Outcome } from '../pipeline/types.js';
import { ExceptionCode } from '../protocol/constants.js';
import { functionDescriptor, rangeAddress, rangeQuantity } from '../protocol/functions.js';
import type { Request } from '../protocol/request.js';
import type { Logger } from '../log.js';

/** Addresses granted in one table, `to` included. */
export interface GrantRange {
  readonly table: Table;
  readonly from: number;
  readonly to: number;
}

/** What a role may read or write: everything, nothing, or these ranges. */
export type GrantSpec = 'all' | 'none' | readonly GrantRange[];

/** One role's rights, as the compiler resolved them (plain data: it crosses to the loader thread and back). */
export interface RightsSpec {
  /** Only these function codes; undefined: every code. */
  readonly functions?: readonly number[];
  readonly read: GrantSpec;
  readonly write: GrantSpec;
}

/** A profile's `security:`: rights by role, and those of a client without a (known) role. */
export interface SecuritySpec {
  readonly roles: Readonly<Record<string, RightsSpec>>;
  readonly noRole: RightsSpec;
}

export const ALL_RIGHTS: RightsSpec = { read: 'all', write: 'all' };
export const NO_RIGHTS: RightsSpec = { read: 'none', write: 'none' };

/** A grant compiled for the request path: per table, merged ranges sorted by start (flat [from, to, ...]). */
type Grant = true | false | Readonly<Record<Table, Int32Array>>;

interface Rights {
  /** Everything allowed: the request goes on without a look. */
  readonly all: boolean;
  /** 1 where the code is allowed; undefined: every code. */
  readonly functions: Uint8Array | undefined;
  readonly read: Grant;
  readonly write: Grant;
  /** FC 8, 17 and 43 read no table: allowed with any read right. */
  readonly readsAnything: boolean;
}

/** How many refusals of one connection are logged in full before it goes quiet (a client retrying in a loop). */
export const LOGGED_REFUSALS_PER_CONNECTION = 5;
const REFUSED = exception(ExceptionCode.IllegalFunction);

/**
 * The rights check of Modbus/TCP Security: in front of everything else, each request is looked
 * up by its connection's role (read once at the TLS handshake) and answered exception 01 when it
 * is outside that role's rights (the specification's answer), with a log line naming the role.
 * A profile without `security:` has no such middleware at all.
 */
export function rightsMiddleware(spec: SecuritySpec, logger: Logger): Middleware {
  const byRole = new Map<string | undefined, Rights>();
  for (const [role, rights] of Object.entries(spec.roles)) byRole.set(role, compileRights(rights));
  const noRole = compileRights(spec.noRole);
  const refusals = new WeakMap<ConnectionInfo, number>();
  const refuse = (connection: ConnectionInfo, request: Request): Outcome => {
    const count = (refusals.get(connection) ?? 0) + 1;
    refusals.set(connection, count);
    if (count <= LOGGED_REFUSALS_PER_CONNECTION) {
      const role = connection.role;
      const who = role === undefined ? 'no role' : byRole.has(role) ? `role ${role}` : `role ${role} (not in security.roles: no role's rights)`;
      const d = functionDescriptor(request.functionCode)!;
      const more = count === LOGGED_REFUSALS_PER_CONNECTION ? '; later refusals on this connection are not logged' : '';
      logger.log('warn', `#${connection.id} ${who}: ${d.name} ${d.describe(request)} refused (exception 01): outside its rights${more}`);
    }
    return REFUSED;
  };
  return (next) => (x) => {
    const rights = byRole.get(x.connection.role) ?? noRole;
    // Requests that fail to decode touch nothing: the device answers them with their exception.
    if (rights.all || x.request.kind === 'invalid') return next(x);
    return allowed(rights, x.request) ? next(x) : refuse(x.connection, x.request);
  };
}

function allowed(rights: Rights, r: Request): boolean {
  const code = r.functionCode;
  if (rights.functions !== undefined && rights.functions[code] !== 1) return false;
  const d = functionDescriptor(code);
  if (d === undefined || d.table === undefined || d.ranges.length === 0) return rights.readsAnything;
  for (let i = 0; i < d.ranges.length; i++) {
    const s = d.ranges[i]!;
    if (!covers(s.access === 'read' ? rights.read : rights.write, d.table, rangeAddress(r, s), rangeQuantity(r, s))) return false;
  }
  return true;
}

/** Whether `grant` holds every address of [address, address + quantity) in `table`. */
function covers(grant: Grant, table: Table, address: number, quantity: number): boolean {
  if (grant === true || grant === false) return grant;
  const ranges = grant[table];
  const last = address + quantity - 1;
  for (let i = 0; i < ranges.length; i += 2) {
    if (ranges[i]! > address) return false;
    if (ranges[i + 1]! >= last) return true;
  }
  return false;
}

function compileRights(spec: RightsSpec): Rights {
  const read = compileGrant(spec.read);
  const write = compileGrant(spec.write);
  let functions: Uint8Array | undefined;
  if (spec.functions !== undefined) {
    functions = new Uint8Array(256);
    for (const code of spec.functions) functions[code] = 1;
  }
  return { all: read === true && write === true && functions === undefined, functions, read, write, readsAnything: read !== false };
}

const TABLES: readonly Table[] = ['coils', 'discreteInputs', 'holdingRegisters', 'inputRegisters'];

function compileGrant(spec: GrantSpec): Grant {
  if (spec === 'all') return true;
  if (spec === 'none' || spec.length === 0) return false;
  const out = {} as Record<Table, Int32Array>;
  for (const table of TABLES) out[table] = merge(spec.filter((r) => r.table === table));
  return out;
}

/** Sorted, with touching and overlapping ranges joined, so one range holds any request it covers. */
function merge(ranges: readonly GrantRange[]): Int32Array {
  const sorted = [...ranges].sort((a, b) => a.from - b.from);
  const flat: number[] = [];
  for (const r of sorted) {
    const n = flat.length;
    if (n > 0 && r.from <= flat[n - 1]! + 1) flat[n - 1] = Math.max(flat[n - 1]!, r.to);
    else flat.push(r.from, r.to);
  }
  return Int32Array.from(flat);
}
