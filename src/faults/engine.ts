import type { Environment } from '../environment.js';
import type { CompiledUnit, FaultRuleState, FaultSet } from '../model/types.js';
import { compose, isPromiseLike } from '../pipeline/compose.js';
import type { Exchange, Handler, Middleware, Outcome } from '../pipeline/types.js';
import type { FaultAction } from '../profile/types.generated.js';
import type { ActionContext } from './action.js';
import { candidates, createBucket, type Bucket } from './buckets.js';
import type { Matcher } from './match.js';
import { functionDescriptor } from '../protocol/functions.js';
import type { Table } from '../device/data-source.js';
import { ACTIONS } from './registry.js';
import { fires, RuleCounters, type TriggerEnv, type TriggerSpec } from './trigger.js';
import { ConflictError } from '../errors.js';

/** A rule as compiled from a profile or the API: what the engine indexes and runs. */
export interface RuleDefinition {
  readonly name: string;
  /** Name, match and trigger as canonical text: a rule with the same identity keeps its counters across a reload. */
  readonly identity: string;
  readonly matcher: Matcher;
  readonly trigger: TriggerSpec;
  readonly actions: readonly FaultAction[];
}

export interface Rule extends RuleDefinition {
  readonly counters: RuleCounters;
  /** The rule's actions in front of the device. */
  chain: Handler;
  readonly middlewares: readonly Middleware[];
}

/**
 * The shared wrapper of every fault rule, and the one middleware they make: match, trigger,
 * then the first rule that fires runs its actions (in `do:` order) in front of the device; the
 * others are not evaluated for that request. Rules are indexed by function code and unit id, so a
 * request pays one array lookup when no rule can apply to it, and meets only the rules of its
 * function and unit otherwise, minus those whose addresses it is far from (Bucket).
 */
export class FaultEngine implements FaultSet {
  private profileRules: Rule[] = [];
  private injected: Rule[] = [];
  /** index[functionCode][unitId]: the rules to try, in order; undefined when none. */
  private index: (Bucket | undefined)[][] = [];
  private next: Handler | undefined;
  private inFlightCount = 0;
  /** Counting requests in flight costs a little: only when a rule has a load trigger. */
  private counting = false;
  private readonly triggerEnv: TriggerEnv;

  constructor(
    private readonly env: Environment,
    private readonly unitOf: (unitId: number) => CompiledUnit | undefined,
  ) {
    this.triggerEnv = { clock: env.clock, random: env.random, inFlight: () => this.inFlightCount };
  }

  /** The rules' middleware: outermost in a compiled profile's chain. */
  readonly middleware: Middleware = (next) => {
    this.next = next;
    for (const r of [...this.injected, ...this.profileRules]) r.chain = compose(r.middlewares, next);
    return (x) => (this.counting ? this.counted(x) : this.dispatch(x));
  };

  /** The profile's own rules, in the order they are tried (after injected ones). */
  setRules(rules: readonly RuleDefinition[]): void {
    this.profileRules = rules.map((r) => this.build(r));
    this.reindex();
  }

  /** Adds a rule in front of the profile's (after earlier injected ones); returns its remover. */
  inject(definition: RuleDefinition): () => void {
    if (this.has(definition.name)) throw new ConflictError(`a fault rule named ${definition.name} exists already`);
    const rule = this.build(definition);
    this.injected.push(rule);
    this.reindex();
    return () => {
      const i = this.injected.indexOf(rule);
      if (i < 0) return;
      this.injected.splice(i, 1);
      this.reindex();
    };
  }

  has(name: string): boolean {
    return this.all().some((r) => r.name === name);
  }

  /** No rules: the compiled profile leaves the engine out of its chain. */
  get empty(): boolean {
    return this.injected.length === 0 && this.profileRules.length === 0;
  }

  names(): string[] {
    return this.all().map((r) => r.name);
  }

  rules(): FaultRuleState[] {
    const state = (injected: boolean) => (r: Rule): FaultRuleState => ({ name: r.name, injected, matched: r.counters.matched, fired: r.counters.fired, ...reach(r.matcher) });
    return [...this.injected.map(state(true)), ...this.profileRules.map(state(false))];
  }

  /** Requests in flight on the device, counted while some rule has a load trigger. */
  get inFlight(): number {
    return this.inFlightCount;
  }

  reset(): void {
    for (const r of this.all()) r.counters.reset();
  }

  takeOver(previous: FaultSet): string[] {
    if (!(previous instanceof FaultEngine)) return [];
    const kept: string[] = [];
    for (const r of this.all()) {
      const before = previous.all().find((p) => p.name === r.name);
      if (before && before.identity === r.identity) {
        r.counters.takeOver(before.counters);
        kept.push(r.name);
      }
    }
    return kept;
  }

  private all(): Rule[] {
    return [...this.injected, ...this.profileRules];
  }

  private build(definition: RuleDefinition): Rule {
    const counters = new RuleCounters();
    const ctx: ActionContext = { rule: definition.name, env: this.env, counters, spans: definition.matcher.spans, unit: this.unitOf };
    const middlewares = definition.actions.map((action) => {
      const [kind, params] = Object.entries(action)[0]! as [keyof FaultAction, never];
      return ACTIONS[kind](params, ctx);
    });
    const rule: Rule = { ...definition, counters, middlewares, chain: notReady };
    if (this.next) rule.chain = compose(middlewares, this.next);
    return rule;
  }

  private reindex(): void {
    const index: (Bucket | undefined)[][] = [];
    // Identical rule lists (the usual case: a rule for every unit id) share one bucket.
    const buckets = new Map<string, Bucket>();
    const all = this.all();
    const ids = new Map(all.map((r, i) => [r, i]));
    let counting = false;
    for (const r of all) if (r.trigger.inFlightAbove !== undefined) counting = true;
    for (let fc = 0; fc < 256; fc++) {
      // No rule for this function code (every one, without rules): nothing to index. Each instance of a profile pays this at start.
      if (!all.some((r) => r.matcher.functionCodes[fc])) continue;
      let byUnit: (Bucket | undefined)[] | undefined;
      for (let u = 0; u < 256; u++) {
        const rules = all.filter((r) => r.matcher.functionCodes[fc] && r.matcher.unitIds[u]);
        if (rules.length === 0) continue;
        const key = rules.map((r) => ids.get(r)).join(',');
        let bucket = buckets.get(key);
        if (!bucket) buckets.set(key, (bucket = createBucket(rules)));
        (byUnit ??= new Array<Bucket | undefined>(256).fill(undefined))[u] = bucket;
      }
      if (byUnit) index[fc] = byUnit;
    }
    this.index = index;
    this.counting = counting;
  }

  private dispatch(x: Exchange): Outcome | Promise<Outcome> {
    const byUnit = this.index[x.request.functionCode];
    if (byUnit !== undefined) {
      const bucket = byUnit[x.unitId];
      if (bucket !== undefined) {
        const rules = candidates(bucket, x.request);
        for (let i = 0; i < rules.length; i++) {
          const r = rules[i]!;
          if (r.matcher.test !== undefined && !r.matcher.test(x)) continue;
          if (!fires(r.trigger, r.counters, r.name, this.triggerEnv, x.connection)) continue;
          r.counters.fired++;
          x.fault = r.name;
          return r.chain(x);
        }
      }
    }
    return this.next!(x);
  }

  private counted(x: Exchange): Outcome | Promise<Outcome> {
    this.inFlightCount++;
    let o: Outcome | Promise<Outcome>;
    try {
      o = this.dispatch(x);
    } catch (error) {
      this.inFlightCount--;
      throw error;
    }
    if (!isPromiseLike(o)) {
      this.inFlightCount--;
      return o;
    }
    return Promise.resolve(o).finally(() => this.inFlightCount--);
  }
}

/** Which tables and addresses a rule's match can reach (what the web view marks on the points). */
function reach(m: Matcher): Pick<FaultRuleState, 'tables' | 'spans'> {
  const tables = new Set<Table>();
  let every = true;
  for (let fc = 0; fc < 256; fc++) {
    if (!m.functionCodes[fc]) every = false;
    else {
      const table = functionDescriptor(fc)?.table;
      if (table) tables.add(table);
    }
  }
  const spans = m.spans ?? m.starts?.map((a) => ({ from: a, to: a })) ?? null;
  return { tables: every ? null : [...tables], spans };
}

const notReady: Handler = () => {
  throw new Error('fault rule used before its middleware was composed');
};
