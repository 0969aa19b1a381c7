import { compileScenarios } from './scenarios.js';
import { SERIAL_DEFAULTS } from '../protocol/rtu.js';
import { createDeviceHandler } from '../device/handler.js';
import { Diagnostics } from '../device/diagnostics.js';
import type { Environment } from '../environment.js';
import { compose, SILENCE } from '../pipeline/compose.js';
import type { Handler, Middleware, Outcome } from '../pipeline/types.js';
import { formatDiagnostic, ProfileError } from '../profile/diagnostics.js';
import type { DeviceProfile } from '../profile/types.generated.js';
import { compileInjectedRule, servedUnits } from './fault-scopes.js';
import { profileFraming } from './framing.js';
import type { Entry, Plan, UnreachableEntry } from './plan.js';
import { delaySampler, type DelaySampler } from '../faults/duration.js';
import { FaultEngine, type RuleDefinition } from '../faults/engine.js';
import { delayedAnswer, responseDelays } from '../faults/response-delay.js';
import { resetProfile, takeOverState } from '../model/hand-over.js';
import { createBroadcast, createRouter, gatewayAnswers, notRouted, refusing, unreachable } from '../model/router.js';
import { EventHub } from '../model/events.js';
import { createUnit } from '../model/unit.js';
import { rightsMiddleware, type SecuritySpec } from '../model/rights.js';
import { identityFor } from './identity.js';
import { describeTables } from './table-summary.js';
import { formatUnitIds } from './unit-ids.js';
import type { CompiledProfile, CompiledUnit, ServerSettings } from '../model/types.js';

const EXPLAIN = {
  gatewayPathUnavailable: 'exception 0x0A (gateway path unavailable)',
  gatewayTargetFailedToRespond: 'exception 0x0B (gateway target device failed to respond)',
  silence: 'no reply',
} as const;

/**
 * Builds storage for every unit id, the router, and in front of it the fault rules, the gateway's
 * answers and the response delays (the middleware chain, in that order), from a plan without problems.
 */
export function assembleProfile(
  plan: Plan,
  rules: readonly RuleDefinition[],
  profile: DeviceProfile,
  name: string,
  file: string | undefined,
  env: Environment,
  security?: SecuritySpec,
): CompiledProfile {
  const logger = env.logger;
  const units: CompiledUnit[] = [];
  const byId = new Array<CompiledUnit | undefined>(256).fill(undefined);
  const devices: Handler[] = [];
  const events = new EventHub();
  // FC 8's counters and listen-only modes, per unit id; the units' handlers answer FC 8 from them.
  const diagnostics = new Diagnostics(plan.broadcast ? servedIds(plan) : []);
  const deviceUnit = (unitName: string, ids: readonly number[], e: Extract<Entry, { kind: 'device' }>): Handler => {
    const identity = identityFor(e.built, env.params, profile.params ?? {}, (message) => logger.log('warn', `${unitName}: ${message}`));
    const unit = createUnit(unitName, ids, e.built.layout, identity, env, events.emit);
    const handler = refusing(createDeviceHandler({ dataSource: unit.dataSource, identity: unit.identity, logger, diagnostics }), e.built.refused);
    units.push(unit);
    // A broadcast write does not reach a unit id in listen-only mode (AP 6.8.1 sub 04: no action is taken).
    const only = ids.length === 1 ? ids[0]! : undefined;
    devices.push(only === undefined ? handler : (x) => (diagnostics.isListenOnly(only) ? SILENCE : handler(x)));
    for (const id of ids) byId[id] = unit;
    return handler;
  };
  const routes: Handler[] = [];
  const answers = new Array<Outcome | Handler | undefined>(256).fill(undefined);
  const delays = new Array<DelaySampler | undefined>(256).fill(undefined);
  const answer = (e: UnreachableEntry, stream: string): Outcome | Handler =>
    e.delay === undefined ? unreachable(e.respond) : delayedAnswer(unreachable(e.respond), delaySampler(e.delay, env.random, stream), env.timer);
  for (const e of plan.entries) {
    for (const id of e.ids) {
      // With several unit ids, or no name of its own, a unit's name gets its id appended.
      if (e.kind === 'unreachable') {
        routes[id] = notRouted;
        answers[id] = answer(e, `respond/${id}`);
      } else {
        routes[id] = deviceUnit(e.named && e.ids.length === 1 ? e.name : `${e.name}-${id}`, [id], e);
        if (e.responseDelay !== undefined) delays[id] = delaySampler(e.responseDelay, env.random, `responseDelay/${id}`);
      }
    }
  }
  const other = plan.other;
  const otherHandler = other.kind === 'device' ? deviceUnit(other.name, [], other) : notRouted;
  const otherAnswer = other.kind === 'device' ? undefined : answer(other, 'unknownUnits');
  const otherDelay = other.kind === 'device' && other.responseDelay !== undefined ? other.responseDelay : undefined;
  const defaultUnit = other.kind === 'device' ? units[units.length - 1] : undefined;
  for (let id = 0; id < 256; id++) {
    if (routes[id]) continue;
    routes[id] = otherHandler;
    answers[id] = otherAnswer;
    byId[id] = defaultUnit;
    if (otherDelay !== undefined) delays[id] = delaySampler(otherDelay, env.random, `responseDelay/${id}`);
  }
  let broadcast: Handler | undefined;
  if (plan.broadcast) {
    broadcast = createBroadcast(devices);
    routes[0] = notRouted;
    answers[0] = undefined;
    byId[0] = undefined;
  }
  if (broadcast) delays[0] = undefined;
  const faults = new FaultEngine(env, (unitId) => byId[unitId]);
  faults.setRules(rules);
  const gateway = gatewayAnswers(answers, broadcast);
  const delay = responseDelays(delays, env.timer);
  const router = createRouter(routes);
  // Modbus/TCP Security rights before anything else: a request outside its role's rights is
  // answered 01 and reaches no fault rule or device. Without `security:` there is no check.
  const guard: Middleware[] = security ? [rightsMiddleware(security, logger)] : [];
  const plain: Middleware[] = [...guard, ...(gateway ? [gateway] : []), ...(delay ? [delay] : [])];
  // Fault rules next: they see every request, before the gateway's answers and the response
  // delays. Without rules (none in the profile, none injected) they are not in the chain at all.
  const faulted: Middleware[] = [...guard, faults.middleware, ...plain.slice(guard.length)];
  // Counted at the edge of the device, outside the fault rules: a busy reply a rule makes is the device's.
  const handlers = { plain: diagnostics.wrap(compose(plain, router)), faulted: diagnostics.wrap(compose(faulted, router)) };
  diagnostics.onListenOnly((unitId, on, cause) => {
    const unitName = byId[unitId]?.name ?? `unit ${unitId}`;
    const message = `${unitName} (unit ${unitId}): ${on ? 'enters listen-only mode' : 'leaves listen-only mode'} (${LISTEN_ONLY_CAUSES[cause]})`;
    logger.log('info', message);
    events.emit({ time: env.clock.now(), event: 'listenOnly', unit: unitName, unitId, source: 'diagnostics', message, data: { listenOnly: on, cause } });
  });
  // Made when first asked for: a fleet's devices are not summarised one by one.
  let lines: string[] | undefined;
  const scenarios = compileScenarios(profile, env);
  const served = servedUnits(plan, profileFraming(profile));
  const compiled: CompiledProfile = {
    name,
    file,
    server: serverSettings(profile),
    units,
    get middlewares() {
      return faults.empty ? plain : faulted;
    },
    router,
    broadcast: broadcast ?? createBroadcast(devices),
    faults,
    events,
    diagnostics,
    get handler() {
      return faults.empty ? handlers.plain : handlers.faulted;
    },
    env,
    unit: (unitId) => byId[unitId],
    scenarios,
    summary: () => {
      lines ??= summarize(plan, units, rules);
      return scenarios.length > 0 ? [...lines, `scenarios: ${scenarios.map((s) => s.name).join(', ')} (none runs until started: --scenario NAME)`] : [...lines];
    },
    takeOver: (previous) => takeOverState(compiled, previous),
    injectFault: (rule) => {
      const result = compileInjectedRule(served, rule);
      if (!result.ok) throw new ProfileError(result.diagnostics);
      for (const w of result.warnings) logger.log('warn', formatDiagnostic(w));
      return faults.inject(result.rule);
    },
    reset: () => resetProfile(compiled),
  };
  return compiled;
}

const LISTEN_ONLY_CAUSES = { request: 'FC 8', api: 'set through the API', reset: 'reset' } as const;

/** The unit ids a unit-0 broadcast reaches: every id 1..255 that a device answers. */
function servedIds(plan: Plan): number[] {
  const ids = new Set<number>();
  for (const e of plan.entries) if (e.kind === 'device') for (const id of e.ids) ids.add(id);
  if (plan.other.kind === 'device') for (let id = 1; id < 256; id++) ids.add(id);
  ids.delete(0);
  return [...ids].sort((a, b) => a - b);
}

function summarize(plan: Plan, units: readonly CompiledUnit[], rules: readonly RuleDefinition[]): string[] {
  const counts = (e: Extract<Entry, { kind: 'device' }>): string => {
    return describeTables(e.built.layout);
  };
  const lines: string[] = [];
  for (const e of plan.entries) {
    if (e.ids.length === 0) continue;
    const ids = `${e.ids.length === 1 ? 'unit' : 'units'} ${formatUnitIds(e.ids)}`;
    if (e.kind === 'unreachable') lines.push(`${ids}: unreachable, ${EXPLAIN[e.respond]}${e.delay === undefined ? '' : ' after a delay'}`);
    else {
      const name = e.ids.length === 1 ? units.find((u) => u.unitIds[0] === e.ids[0])!.name : e.name;
      lines.push(`${name} (${ids}${e.ids.length > 1 ? ', one storage each' : ''}): ${counts(e)}`);
    }
  }
  const other = plan.other;
  if (other.kind === 'device') {
    const every = plan.entries.length === 0 ? 'every unit id' : 'every other unit id, one shared storage';
    lines.push(`${other.name} (${every}): ${counts(other)}`);
  } else {
    lines.push(`other unit ids: ${EXPLAIN[other.respond]}${other.delay === undefined ? '' : ' after a delay'}`);
  }
  if (plan.broadcast) lines.push('unit 0: broadcast (writes reach every device, nothing is answered)');
  if (rules.length > 0) lines.push(`fault rules, tried in this order: ${rules.map((r) => r.name).join(', ')}`);
  return lines;
}

function serverSettings(profile: DeviceProfile): ServerSettings {
  const s = profile.server ?? {};
  return {
    ...(s.host !== undefined && { host: s.host }),
    ...(s.port !== undefined && { port: s.port }),
    ...(s.idleTimeout !== undefined && { idleTimeoutMs: Math.round(s.idleTimeout * 1000) }),
    ...(s.maxConnections !== undefined && { maxConnections: s.maxConnections }),
    ...(s.whenFull !== undefined && { whenFull: s.whenFull }),
    ...(s.allow !== undefined && { allow: s.allow }),
    ...(s.stateFile !== undefined && { stateFile: s.stateFile }),
    ...(s.transport !== undefined && { transport: s.transport }),
    ...(s.serial !== undefined && { serial: { ...SERIAL_DEFAULTS, ...s.serial } }),
    ...(s.tls !== undefined && { tls: s.tls }),
  };
}
