import { dirname } from 'node:path';
import { isCompiledProfile, PROFILE_TABLE_NAME, type CompiledProfile, type CompiledUnit, type PointValue, type ReloadResult, type Runtime } from '../runtime/runtime.js';
import { formatDiagnostic, ProfileError } from '../profile/diagnostics.js';
import { ManualClock } from '../runtime/clock.js';
import type { EventFilter, JournalFilter, JournalKind } from '../runtime/journal.js';

import type { ControlContext, ControlledDevice } from './context.js';
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError } from '../errors.js';
import { ControlError, statusOf } from './errors.js';
import { device, devicesMatching, isGlob } from './select.js';
import { channelFaultRules, tableName } from './vocabulary.js';
import { SCENARIO_ROUTES } from './scenario-routes.js';

/** JSON Schema (draft 7, as fastify's ajv and OpenAPI 3.0 read it). */
export type Schema = Record<string, unknown>;

/** What a route handler gets: the validated (and coerced) request parts. */
export interface RouteRequest {
  readonly params: Record<string, string>;
  readonly query: Record<string, unknown>;
  readonly body: unknown;
}

/**
 * One route of the control channel: fastify serves it with these schemas (ajv validates params,
 * query and body), and the OpenAPI document is written from the same entry. Adding a route is
 * adding an entry to `ROUTES`. A handler returns the JSON body (status 200), or throws a typed
 * error (src/errors.ts) or a ControlError for a 4xx (control/errors.ts maps them).
 */
export interface Route {
  /** The OpenAPI operationId: what generated clients name the call. */
  readonly id: string;
  readonly method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  /** fastify syntax: `/devices/:device/points/:name`. */
  readonly url: string;
  readonly summary: string;
  readonly tag: string;
  /**
   * Who may call it once the channel has a token: by default only callers that send it; 'public'
   * for the web view's files (no device data; the page loads before it asks for the token);
   * 'ticket' for the live stream, authenticated by a single-use ticket in its query instead.
   * Also the fastify route's `config.access`, for the channel's request hooks.
   */
  readonly access?: 'public' | 'ticket';
  /** The 200 reply's content type (default application/json): the handler returns a RawReply or an EventStream for others. */
  readonly produces?: string;
  readonly params?: Schema;
  readonly query?: Schema;
  readonly body?: Schema;
  /** The 200 body, for the OpenAPI document (fastify does not filter replies with it). */
  readonly response: Schema;
  /** Statuses this route answers beyond the common 4xx (422 for a profile or rule with problems). */
  readonly refusals?: readonly number[];
  handler(request: RouteRequest, context: ControlContext): unknown;
}

const object = (properties: Record<string, Schema>, required: string[] = []): Schema => ({ type: 'object', properties, required, additionalProperties: false });
const integer = (minimum: number, maximum: number, description?: string): Schema => ({ type: 'integer', minimum, maximum, ...(description && { description }) });
const ANY_OBJECT: Schema = { type: 'object', additionalProperties: true };
const POINT_VALUE: Schema = {
  description: 'engineering value: number, boolean, string; 64-bit integers beyond 2^53 as decimal strings; a bit field also as { bitName: true, fieldName: 3 } (as in a profile: bits not named are 0)',
  anyOf: [{ type: 'number' }, { type: 'boolean' }, { type: 'string' }, { type: 'object', additionalProperties: { anyOf: [{ type: 'boolean' }, { type: 'integer' }] } }],
};
/** Emulator time is kept to the fraction of a millisecond, and reported so: ordering and `since`/`until` see what the records hold. */
const EMULATOR_MS = 'emulator time in milliseconds since start, fractional (sub-millisecond resolution)';
const UNIT_ID = integer(0, 255, 'which unit of a gateway (a single-device profile needs none)');
const DEVICE_PARAM = object({ device: { type: 'string', description: 'device id, from GET /devices' } }, ['device']);
const DEVICE_GLOB_PARAM = object({ device: { type: 'string', description: 'device id, from GET /devices, or a glob of ids: * any run of characters, ? one (meter-*, * for all)' } }, ['device']) as Schema & { properties: Record<string, Schema> };
const TABLE: Schema = {
  type: 'string',
  enum: ['coil', 'discreteInput', 'holding', 'input', 'coils', 'discreteInputs', 'holdingRegisters', 'inputRegisters'],
  description: "the profile's table name (coil, discreteInput, holding, input), which replies use; the library's names (holdingRegisters, ...) are accepted too",
};
const UNIT_IDS: Schema = { description: 'the unit ids the unit answers, or "any": every unit id (not claimed by another unit of a gateway)', anyOf: [{ type: 'array', items: { type: 'integer' } }, { type: 'string', enum: ['any'] }] };
const POINT_SUMMARY: Schema = {
  type: 'object',
  properties: { name: { type: 'string' }, table: { type: 'string', enum: ['coil', 'discreteInput', 'holding', 'input'] }, address: { type: 'integer' }, size: { type: 'integer' }, type: { type: 'string' }, access: { type: 'string' }, unit: { type: 'string' }, description: { type: 'string' } },
};
const OUTCOMES = ['response', 'exception', 'silence', 'close', 'wire'];

const MACHINE: Schema = object({
  name: { type: 'string' },
  state: { type: 'string' },
  value: { type: 'integer', description: "the state's number, what expressions read as the machine's name" },
  since: { type: 'number', description: 'emulator time (ms) it entered the state' },
  states: { type: 'array', items: { type: 'string' }, description: "every state's name, in declared order (what a force may name)" },
});

const UNIT_ID_REQUIRED = integer(0, 255, 'the unit id (FC 8 counts per unit id, also in a device answering every unit id)');
const DIAGNOSTICS: Schema = object({
  unitId: { type: 'integer' },
  busMessages: { type: 'integer', description: 'FC 8/0x0B: requests to the device, any unit id (docs/protocol.md, "FC 8 diagnostics")' },
  busCommunicationErrors: { type: 'integer', description: 'FC 8/0x0C: frames the transport could not use (RTU: CRC errors); 0 over TCP' },
  busExceptionErrors: { type: 'integer', description: 'FC 8/0x0D: exception replies of this unit id' },
  serverMessages: { type: 'integer', description: 'FC 8/0x0E: requests to this unit id (and broadcasts reaching it)' },
  serverNoResponses: { type: 'integer', description: 'FC 8/0x0F: requests to it left unanswered (broadcast, listen-only, silence, close)' },
  serverNaks: { type: 'integer', description: 'FC 8/0x10: exception 07 replies' },
  serverBusy: { type: 'integer', description: 'FC 8/0x11: exception 06 replies' },
  busCharacterOverruns: { type: 'integer', description: 'FC 8/0x12: character overruns a serial transport counted; 0 over TCP' },
  diagnosticRegister: { type: 'integer', description: 'FC 8/0x02: bit 0 is the overrun flag' },
  listenOnly: { type: 'boolean', description: 'in listen-only mode (FC 8/0x04) until FC 8/0x01, a reset or PUT' },
});

const DEVICE_SUMMARY: Schema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    file: { type: 'string' },
    host: { type: 'string' },
    port: { type: 'integer' },
    connections: { type: 'integer' },
    seed: { type: 'integer', description: 'the seed of its random draws (replay with --seed)' },
    journal: { type: ['object', 'null'], properties: { size: { type: 'integer' }, length: { type: 'integer' } } },
  },
};

export const ROUTES: readonly Route[] = [
  {
    id: 'getHealth',
    method: 'GET',
    url: '/health',
    summary: 'Is the emulator up',
    tag: 'emulator',
    // Probes and health checks call it without the token; it tells only that the process is up.
    access: 'public',
    response: object({ status: { type: 'string', enum: ['ok'] }, devices: { type: 'integer' } }),
    handler: (_r, c) => ({ status: 'ok', devices: c.devices.length }),
  },
  {
    id: 'listDevices',
    method: 'GET',
    url: '/devices',
    summary: 'The devices this process serves, in order; a page of them with offset and limit (a fleet has thousands)',
    tag: 'devices',
    query: object({ offset: { ...integer(0, Number.MAX_SAFE_INTEGER, 'devices skipped'), default: 0 }, limit: integer(1, 10000, 'at most this many devices (default: all)') }),
    response: object({ devices: { type: 'array', items: DEVICE_SUMMARY }, total: { type: 'integer', description: 'how many devices the process serves' } }),
    handler: (r, c) => {
      const offset = r.query.offset as number;
      const limit = r.query.limit as number | undefined;
      return { devices: c.devices.slice(offset, limit === undefined ? undefined : offset + limit).map(summary), total: c.devices.length };
    },
  },
  {
    id: 'getDevice',
    method: 'GET',
    url: '/devices/:device',
    summary: 'One device: where it listens, its units and their points',
    tag: 'devices',
    params: DEVICE_PARAM,
    response: {
      ...DEVICE_SUMMARY,
      properties: {
        ...(DEVICE_SUMMARY.properties as object),
        units: { type: 'array', items: object({ name: { type: 'string' }, unitIds: UNIT_IDS, points: { type: 'array', items: POINT_SUMMARY } }) },
        listenOnly: { type: 'array', items: { type: 'integer' }, description: 'unit ids in listen-only mode (FC 8/0x04), ascending' },
      },
    },
    handler: (r, c) => {
      const d = device(c, r.params.device!);
      const units = compiled(d.runtime).units.map((u) => ({
        name: u.name,
        // The library's [] means "every unit id"; a reader of JSON would take it for none.
        unitIds: u.unitIds.length === 0 ? 'any' : u.unitIds,
        points: [...u.points.values()].map((p) => ({ ...p, table: PROFILE_TABLE_NAME[p.table] })),
      }));
      return { ...summary(d), units, listenOnly: compiled(d.runtime).diagnostics.listenOnlyUnits() };
    },
  },
  {
    id: 'readPoint',
    method: 'GET',
    url: '/devices/:device/points/:name',
    summary: 'Read a point by name (engineering value)',
    tag: 'points',
    params: object({ device: { type: 'string' }, name: { type: 'string' } }, ['device', 'name']),
    query: object({ unitId: UNIT_ID }),
    response: object({ name: { type: 'string' }, value: POINT_VALUE }),
    handler: (r, c) => {
      const u = unit(c, r);
      return { name: r.params.name, value: json(u.read(r.params.name!)) };
    },
  },
  {
    id: 'writePoint',
    method: 'PUT',
    url: '/devices/:device/points/:name',
    summary: 'Write a point by name (as the API does: no access rules or min/max)',
    tag: 'points',
    params: object({ device: { type: 'string' }, name: { type: 'string' } }, ['device', 'name']),
    body: object({ value: POINT_VALUE, unitId: UNIT_ID }, ['value']),
    response: object({ name: { type: 'string' }, value: POINT_VALUE }),
    handler: (r, c) => {
      const u = unit(c, r);
      const { value } = r.body as { value: PointValue };
      u.write(r.params.name!, value);
      return { name: r.params.name, value: json(u.read(r.params.name!)) };
    },
  },
  {
    id: 'readTable',
    method: 'GET',
    url: '/devices/:device/tables/:table/:address',
    summary: 'Read raw registers (0..65535) or bits (0/1) by table and 0-based address',
    tag: 'tables',
    params: object({ device: { type: 'string' }, table: TABLE, address: integer(0, 65535) }, ['device', 'table', 'address']),
    query: object({ quantity: { ...integer(1, 65536), default: 1 }, unitId: UNIT_ID }),
    response: object({ table: { type: 'string' }, address: { type: 'integer' }, values: { type: 'array', items: { type: 'integer' } } }),
    handler: (r, c) => {
      const u = unit(c, r);
      const address = Number(r.params.address);
      const quantity = r.query.quantity as number;
      return { table: tableName(r.params.table!), address, values: u.readTable(r.params.table as never, address, quantity) };
    },
  },
  {
    id: 'writeTable',
    method: 'PUT',
    url: '/devices/:device/tables/:table/:address',
    summary: 'Write raw registers or bits from an address on (no access rules)',
    tag: 'tables',
    params: object({ device: { type: 'string' }, table: TABLE, address: integer(0, 65535) }, ['device', 'table', 'address']),
    body: object({ values: { type: 'array', minItems: 1, items: { anyOf: [{ type: 'integer', minimum: 0, maximum: 65535 }, { type: 'boolean' }] } }, unitId: UNIT_ID }, ['values']),
    response: object({ table: { type: 'string' }, address: { type: 'integer' }, values: { type: 'array', items: { type: 'integer' } } }),
    handler: (r, c) => {
      const u = unit(c, r);
      const address = Number(r.params.address);
      const { values } = r.body as { values: (number | boolean)[] };
      u.writeTable(r.params.table as never, address, values);
      return { table: tableName(r.params.table!), address, values: u.readTable(r.params.table as never, address, values.length) };
    },
  },
  {
    id: 'reloadDevice',
    method: 'POST',
    url: '/devices/:device/reload',
    summary: "Reload the device's own profile file (or serve the profile object given, which may include only files in that file's folder); 422 with every diagnostic when it is invalid, 403 for another file or other server settings",
    tag: 'devices',
    params: DEVICE_PARAM,
    body: { anyOf: [{ type: 'null' }, object({ profile: { description: "the device's own profile file (its path), or a profile object", anyOf: [{ type: 'string' }, ANY_OBJECT] } })] },
    response: object({ ok: { type: 'boolean' }, changes: ANY_OBJECT, handOver: ANY_OBJECT }),
    refusals: [422],
    handler: async (r, c) => {
      const d = device(c, r.params.device!);
      const profile = (r.body as { profile?: string | object } | null | undefined)?.profile;
      const result = await reloadOverHttp(d, profile);
      if (result.ok) return { ok: true, changes: result.changes, handOver: result.handOver ?? null };
      if (result.error && statusOf(result.error) !== undefined) throw result.error;
      const diagnostics = result.diagnostics.map((x) => ({ ...x, text: formatDiagnostic(x) }));
      // No diagnostics: our own failure, which the runtime logged with its stack.
      if (diagnostics.length === 0) throw new ControlError(500, result.error?.message ?? 'the reload failed; the device served so far goes on');
      throw new ControlError(422, `the profile has ${diagnostics.length} problem(s); the device served so far goes on`, diagnostics);
    },
  },
  {
    id: 'readJournal',
    method: 'GET',
    url: '/devices/:device/journal',
    summary: 'The requests the device answered and the events it recorded, oldest first, filtered (start modbus-emu with --journal)',
    tag: 'journal',
    params: DEVICE_PARAM,
    query: object({
      unitId: UNIT_ID,
      function: { anyOf: [{ type: 'integer', minimum: 0, maximum: 255 }, { type: 'string' }], description: 'function code (3) or name (readHoldingRegisters)' },
      address: integer(0, 65535, 'records whose range contains this address'),
      outcome: { type: 'string', enum: OUTCOMES },
      rule: { type: 'string', description: 'the fault rule that fired' },
      kind: { type: 'string', enum: ['request', 'event', 'all'], default: 'request', description: 'requests (default), events (state machine transitions: docs/commands.md; listen-only mode entered or left: docs/protocol.md), or both in the order recorded' },
      event: { type: 'string', description: 'events of this kind (transition)' },
      source: { type: 'string', description: 'events of this source (a state machine\'s name)' },
      since: { type: 'number', description: `${EMULATOR_MS}, inclusive` },
      until: { type: 'number', description: `${EMULATOR_MS}, inclusive` },
      limit: { type: 'integer', minimum: 1, description: 'only the newest this many' },
    }),
    response: object({ size: { type: 'integer' }, records: { type: 'array', items: { ...ANY_OBJECT, properties: { time: { type: 'number', description: EMULATOR_MS }, wallTime: { type: 'integer', description: 'wall-clock milliseconds since the epoch' } } } } }),
    handler: (r, c) => {
      const journal = journalOf(device(c, r.params.device!));
      const { limit, ...filter } = r.query as unknown as JournalFilter & EventFilter & { limit?: number; kind: JournalKind };
      const records = journal.entries(filter);
      return { size: journal.size, records: limit === undefined ? records : records.slice(-limit) };
    },
  },
  {
    id: 'listMachines',
    method: 'GET',
    url: '/devices/:device/machines',
    summary: 'Every state machine of a unit: its state, the state\'s value, since when (emulator ms)',
    tag: 'machines',
    params: DEVICE_PARAM,
    query: object({ unitId: UNIT_ID }),
    response: object({ machines: { type: 'array', items: MACHINE } }),
    handler: (r, c) => ({ machines: unit(c, r).machines() }),
  },
  {
    id: 'forceMachineState',
    method: 'PUT',
    url: '/devices/:device/machines/:name',
    summary: 'Put a state machine in a state now, as a transition would (exit and entry actions run; recorded as an event): a test can start from Fault',
    tag: 'machines',
    params: object({ device: { type: 'string' }, name: { type: 'string' } }, ['device', 'name']),
    body: object({ state: { type: 'string' }, unitId: UNIT_ID }, ['state']),
    response: MACHINE,
    handler: (r, c) => {
      const u = unit(c, r);
      const name = r.params.name!;
      const known = u.machines().map((m) => m.name);
      if (!known.includes(name)) throw new ControlError(404, `${u.name} has no state machine ${name}; machines: ${known.join(', ') || 'none'}`);
      return u.forceState(name, (r.body as { state: string }).state);
    },
  },
  {
    id: 'getDiagnostics',
    method: 'GET',
    url: '/devices/:device/diagnostics',
    summary: "One unit id's FC 8 counters (sub-functions 0x0B-0x12), diagnostic register and listen-only mode",
    tag: 'diagnostics',
    params: DEVICE_PARAM,
    query: object({ unitId: UNIT_ID_REQUIRED }, ['unitId']),
    response: DIAGNOSTICS,
    handler: (r, c) => diagnosticsOf(c, r, r.query.unitId as number),
  },
  {
    id: 'setListenOnly',
    method: 'PUT',
    url: '/devices/:device/diagnostics',
    summary: 'Put a unit id in listen-only mode or take it out, as FC 8/0x04 and 0x01 would (leaving clears its counters); recorded as an event',
    tag: 'diagnostics',
    params: DEVICE_PARAM,
    body: object({ unitId: UNIT_ID_REQUIRED, listenOnly: { type: 'boolean' } }, ['unitId', 'listenOnly']),
    response: DIAGNOSTICS,
    handler: (r, c) => {
      const { unitId, listenOnly } = r.body as { unitId: number; listenOnly: boolean };
      compiled(device(c, r.params.device!).runtime).diagnostics.setListenOnly(unitId, listenOnly);
      return diagnosticsOf(c, r, unitId);
    },
  },
  {
    id: 'clearJournal',
    method: 'DELETE',
    url: '/devices/:device/journal',
    summary: 'Clear the journal',
    tag: 'journal',
    params: DEVICE_PARAM,
    response: object({ cleared: { type: 'integer' } }),
    handler: (r, c) => {
      const journal = journalOf(device(c, r.params.device!));
      const cleared = journal.length;
      journal.clear();
      return { cleared };
    },
  },
  {
    id: 'resetDevice',
    method: 'POST',
    url: '/devices/:device/reset',
    summary: 'Every point, generator, random stream and fault-rule counter back to its initial state; :device may be a glob of ids (meter-*, * for all)',
    tag: 'devices',
    params: DEVICE_GLOB_PARAM,
    response: object({ reset: { type: 'boolean' }, devices: { type: 'array', items: { type: 'string' }, description: 'the ids reset (for a glob)' } }),
    handler: (r, c) => {
      const devices = devicesMatching(c, r.params.device!);
      for (const d of devices) d.runtime.reset();
      return { reset: true, ...(isGlob(r.params.device!) && { devices: devices.map((d) => d.id) }) };
    },
  },
  {
    id: 'listFaultRules',
    method: 'GET',
    url: '/devices/:device/faults',
    summary: 'The fault rules added through the channel or the API, in the order they are tried (before the profile\'s own)',
    tag: 'faults',
    params: DEVICE_PARAM,
    response: object({
      injected: { type: 'array', items: { type: 'string' } },
      rules: { type: 'array', description: "every rule in the order tried (injected, then the profile's), with its counters since the last reset", items: object({
          name: { type: 'string' },
          injected: { type: 'boolean' },
          matched: { type: 'integer' },
          fired: { type: 'integer' },
          tables: { type: ['array', 'null'], items: { type: 'string' }, description: 'the tables its function codes reach; null: every function code' },
          spans: { type: ['array', 'null'], items: ANY_OBJECT, description: 'address ranges { from, to (inclusive), table? } it matches; null: any address' },
        }) },
    }),
    handler: (r, c) => {
      const { runtime } = device(c, r.params.device!);
      const faults = (runtime.device as Partial<CompiledProfile>).faults;
      return { injected: runtime.injectedRules, rules: channelFaultRules(faults ? faults.rules() : []) };
    },
  },
  {
    id: 'injectFaultRule',
    method: 'POST',
    url: '/devices/:device/faults',
    summary: 'Add a fault rule (the format of a profile\'s faults: entries), tried before the profile\'s rules; 422 with every diagnostic for a bad rule, 409 for a name in use. :device may be a glob of ids (meter-*, * for all): every one gets the rule, or none does',
    tag: 'faults',
    params: DEVICE_GLOB_PARAM,
    body: { ...ANY_OBJECT, required: ['name'], description: "a fault rule, e.g. { name: 'busy', match: { function: 3 }, do: { exception: 6 } }" },
    response: object({ name: { type: 'string' }, injected: { type: 'array', items: { type: 'string' }, description: "the first device's injected rules" }, devices: { type: 'array', items: { type: 'string' }, description: 'the ids that got the rule (for a glob)' } }),
    refusals: [422],
    handler: (r, c) => {
      const devices = devicesMatching(c, r.params.device!);
      const rule = r.body as { name: string };
      const removers: (() => void)[] = [];
      try {
        for (const d of devices) removers.push(d.runtime.inject(rule));
      } catch (error) {
        // All or nothing: the devices that took it give it back.
        for (const remove of removers) remove();
        if (!(error instanceof ProfileError)) throw error;
        const diagnostics = error.diagnostics.map((x) => ({ ...x, text: formatDiagnostic(x) }));
        throw new ControlError(422, `the rule has ${diagnostics.length} problem(s)`, diagnostics);
      }
      return { name: rule.name, injected: devices[0]!.runtime.injectedRules, ...(isGlob(r.params.device!) && { devices: devices.map((d) => d.id) }) };
    },
  },
  {
    id: 'removeFaultRule',
    method: 'DELETE',
    url: '/devices/:device/faults/:name',
    summary: 'Remove a fault rule added through the channel or the API; :device may be a glob of ids (meter-*, * for all): it is removed wherever it is',
    tag: 'faults',
    params: object({ device: DEVICE_GLOB_PARAM.properties!.device!, name: { type: 'string' } }, ['device', 'name']),
    response: object({ removed: { type: 'string' }, injected: { type: 'array', items: { type: 'string' }, description: "the first device's injected rules" }, devices: { type: 'array', items: { type: 'string' }, description: 'the ids it was removed from (for a glob)' } }),
    handler: (r, c) => {
      const devices = devicesMatching(c, r.params.device!);
      const removed = devices.filter((d) => d.runtime.eject(r.params.name!));
      if (removed.length === 0) throw new NotFoundError(`no injected fault rule named ${r.params.name}; injected: ${devices[0]!.runtime.injectedRules.join(', ') || 'none'}`);
      return { removed: r.params.name, injected: devices[0]!.runtime.injectedRules, ...(isGlob(r.params.device!) && { devices: removed.map((d) => d.id) }) };
    },
  },
  {
    id: 'getClock',
    method: 'GET',
    url: '/clock',
    summary: 'Emulator time (ms since start), and whether it is manual or its time scale',
    tag: 'clock',
    response: object({ now: { type: 'number', description: EMULATOR_MS }, manual: { type: 'boolean' }, timeScale: { type: 'number' } }),
    handler: (_r, c) => clockState(c),
  },
  {
    id: 'advanceClock',
    method: 'POST',
    url: '/clock/advance',
    summary: 'Move a manual clock forward (modbus-emu --clock manual)',
    tag: 'clock',
    body: object({ ms: { type: 'number', minimum: 0 } }, ['ms']),
    response: object({ now: { type: 'number' }, manual: { type: 'boolean' } }),
    handler: (r, c) => {
      if (!(c.clock instanceof ManualClock)) throw new ConflictError('the emulator clock runs on real time: start modbus-emu with --clock manual to advance it');
      c.clock.advance((r.body as { ms: number }).ms);
      return clockState(c);
    },
  },
  {
    id: 'setTimeScale',
    method: 'PUT',
    url: '/clock/time-scale',
    summary: 'Run emulator time this many times faster than real time from now on',
    tag: 'clock',
    body: object({ timeScale: { type: 'number', exclusiveMinimum: 0 } }, ['timeScale']),
    response: object({ now: { type: 'number' }, manual: { type: 'boolean' }, timeScale: { type: 'number' } }),
    handler: (r, c) => {
      const clock = c.clock as Partial<{ setTimeScale(k: number): void }>;
      if (typeof clock.setTimeScale !== 'function') throw new ConflictError('the emulator clock is manual: advance it with POST /clock/advance');
      clock.setTimeScale((r.body as { timeScale: number }).timeScale);
      return clockState(c);
    },
  },
  ...SCENARIO_ROUTES,
];

/**
 * What a reload over HTTP may do (docs/security.md): read the device's own profile file again, or
 * serve a posted profile object whose includes stay in that file's folder; never change where or
 * how the device listens. A local edit of the file (the watcher) may do all of it.
 */
function reloadOverHttp({ id, runtime }: ControlledDevice, profile: string | object | undefined): Promise<ReloadResult> {
  if (typeof profile === 'string') {
    if (!runtime.isOwnProfile(profile)) {
      throw new ForbiddenError(`over the control channel ${id} reloads only its own profile file (GET /devices/${id} names it): post no body to reload it, or post the profile as an object`);
    }
    return runtime.reload(runtime.profileFile, { keepServer: true });
  }
  if (profile === undefined) return runtime.reload(undefined, { keepServer: true });
  const own = runtime.profileFile;
  return runtime.reload(profile, { keepServer: true, ...(own === undefined ? { includeRoot: false } : { includeRoot: dirname(own), cwd: dirname(own) }) });
}

export { device };

function compiled(runtime: Runtime): CompiledProfile {
  const d = runtime.device;
  if (!isCompiledProfile(d)) throw new ConflictError(`${runtime.label} is not a profile (the in-memory device has no points; use its tables through Modbus)`);
  return d;
}

/** The unit a request means: `unitId` from the query or body, else the device's only unit. */
function unit(c: ControlContext, r: RouteRequest): CompiledUnit {
  const d = compiled(device(c, r.params.device!).runtime);
  const unitId = (r.query.unitId ?? (r.body as { unitId?: number } | undefined)?.unitId) as number | undefined;
  if (unitId !== undefined) {
    const u = d.unit(unitId);
    if (!u) throw new NotFoundError(`${d.name}: no device answers unit id ${unitId}`);
    return u;
  }
  if (d.units.length === 1) return d.units[0]!;
  throw new BadRequestError(`${d.name} has ${d.units.length} units: give unitId to say which`);
}

function diagnosticsOf(c: ControlContext, r: RouteRequest, unitId: number) {
  return { unitId, ...compiled(device(c, r.params.device!).runtime).diagnostics.counts(unitId) };
}

function journalOf(d: ControlledDevice) {
  const journal = d.runtime.journal;
  if (!journal) throw new ConflictError(`${d.id} keeps no journal: start modbus-emu with --journal`);
  return journal;
}

function summary(d: ControlledDevice) {
  const { runtime } = d;
  const file = isCompiledProfile(runtime.device) ? runtime.device.file : undefined;
  const journal = runtime.journal;
  return {
    id: d.id,
    name: runtime.device.name,
    ...(file !== undefined && { file }),
    host: runtime.address?.host,
    port: runtime.address?.port,
    connections: runtime.connectionCount,
    seed: runtime.env.random.seed,
    journal: journal ? { size: journal.size, length: journal.length } : null,
  };
}


function clockState(c: ControlContext) {
  const scale = (c.clock as Partial<{ timeScale: number }>).timeScale;
  return { now: c.clock.now(), manual: c.clock instanceof ManualClock, ...(scale !== undefined && { timeScale: scale }) };
}

/** JSON has no bigint: unscaled 64-bit values travel as decimal strings. */
const json = (v: PointValue): number | boolean | string => (typeof v === 'bigint' ? v.toString() : v);
