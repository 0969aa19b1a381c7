import type { Logger } from '../log.js';
import type { DeviceEvent } from '../model/events.js';
import type { CompiledPhase, CompiledScenario } from '../model/scenario.js';
import type { TimerHandle } from '../time.js';
import { NotFoundError } from '../errors.js';
import type { Timeline } from './timeline.js';

/** A scenario as the API and the control channel list it. */
export interface ScenarioInfo {
  readonly name: string;
  readonly description?: string;
  readonly loop: boolean;
  readonly phases: readonly { readonly name: string; readonly description?: string; readonly durationMs: number | null }[];
}

/** The scenario running and where it stands (`GET /devices/{id}/scenario`). */
export interface ScenarioStatus {
  readonly name: string;
  /** The current phase's name. */
  readonly phase: string;
  /** Its position in the scenario, from 0. */
  readonly index: number;
  /** Emulator time (ms) it began, and when it ends (null: it holds until the scenario is stopped). */
  readonly since: number;
  readonly until: number | null;
  /** How many times a looping scenario has gone round (0 in the first pass). */
  readonly cycle: number;
}

/** Why a phase began or the scenario ended: the journal's `cause`. */
export type PhaseCause = 'start' | 'time' | 'jump' | 'stop' | 'reset' | 'reload' | 'end';

/** What a runner needs of the runtime it drives. */
export interface ScenarioHost {
  readonly label: string;
  readonly logger: Logger;
  readonly timeline: Timeline;
  now(): number;
  /** The scenarios of the device served now. */
  scenarios(): readonly CompiledScenario[];
  /** Makes `phase` hold from `since` on (undefined: none holds any more). */
  apply(phase: CompiledPhase | undefined, since: number): void;
  /** Journals a device event (and emits it). */
  event(event: DeviceEvent): void;
  /** The device's name, for the journal's `unit`. */
  deviceName(): string;
}

interface Running {
  readonly scenario: CompiledScenario;
  index: number;
  since: number;
  cycle: number;
  next: TimerHandle | undefined;
}

/**
 * Runs one scenario at a time on a runtime (docs/scenarios.md): applies each phase through its
 * host, and moves to the next when the phase's duration has passed on the emulator clock
 * (Timeline), also when the clock jumps over several phases at once: each is entered and left in
 * turn, at its own time. Every change is one log line and one journal event.
 */
export class ScenarioRunner {
  private running: Running | undefined;

  constructor(private readonly host: ScenarioHost) {}

  list(): ScenarioInfo[] {
    return this.host.scenarios().map((s) => ({
      name: s.name,
      ...(s.description !== undefined && { description: s.description }),
      loop: s.loop,
      phases: s.phases.map((p) => ({ name: p.name, ...(p.description !== undefined && { description: p.description }), durationMs: p.durationMs ?? null })),
    }));
  }

  /** The running scenario and its phase; null when none runs. */
  status(): ScenarioStatus | null {
    const r = this.running;
    if (!r) return null;
    const phase = r.scenario.phases[r.index]!;
    return { name: r.scenario.name, phase: phase.name, index: r.index, since: r.since, until: phase.durationMs === undefined ? null : r.since + phase.durationMs, cycle: r.cycle };
  }

  /** Starts scenario `name` now, at its first phase or at `phase`; one running before ends first. Throws NotFoundError for an unknown name. */
  start(name: string, phase?: string): ScenarioStatus {
    const scenario = this.find(name);
    const index = phase === undefined ? 0 : this.phaseIndex(scenario, phase);
    this.enter(scenario, index, this.host.now(), 0, 'start');
    return this.status()!;
  }

  /** Ends the running scenario now (its phase's rules, modes and overrides end with it); false when none ran. */
  stop(): boolean {
    if (!this.running) return false;
    this.end(this.host.now(), 'stop');
    return true;
  }

  /** Moves the running scenario to `phase` now. Throws NotFoundError when none runs or it has no such phase. */
  jump(phase: string): ScenarioStatus {
    const r = this.running;
    if (!r) throw new NotFoundError(`${this.host.label} runs no scenario: start one first`);
    this.enter(r.scenario, this.phaseIndex(r.scenario, phase), this.host.now(), r.cycle, 'jump');
    return this.status()!;
  }

  /** `reset()`: the running scenario starts again at its first phase, now. */
  restart(): void {
    const r = this.running;
    if (r) this.enter(r.scenario, 0, this.host.now(), 0, 'reset');
  }

  /**
   * After a reload: a scenario whose text is unchanged keeps its phase and timing; one that
   * changed starts again at its first phase; one the profile no longer declares stops. Returns
   * what it did, for the reload's log line (undefined: no scenario ran).
   */
  reloaded(): string | undefined {
    const r = this.running;
    if (!r) return undefined;
    const next = this.host.scenarios().find((s) => s.name === r.scenario.name);
    if (!next) {
      this.end(this.host.now(), 'reload');
      return `scenario ${r.scenario.name} stopped: the profile no longer declares it`;
    }
    if (next.identity === r.scenario.identity) {
      // The same phases, compiled for the new device: applied again, with the same timing.
      this.running = { ...r, scenario: next };
      this.host.apply(next.phases[r.index], r.since);
      return `scenario ${next.name} kept at phase ${next.phases[r.index]!.name}`;
    }
    this.enter(next, 0, this.host.now(), 0, 'reload');
    return `scenario ${next.name} changed: started again at phase ${next.phases[0]!.name}`;
  }

  /** Stops without a trace (the runtime is closing). */
  close(): void {
    this.running?.next?.cancel();
    this.running = undefined;
  }

  private enter(scenario: CompiledScenario, index: number, at: number, cycle: number, cause: PhaseCause): void {
    const previous = this.running;
    previous?.next?.cancel();
    const from = previous ? `${previous.scenario.name === scenario.name ? '' : `${previous.scenario.name}/`}${previous.scenario.phases[previous.index]!.name}` : undefined;
    const phase = scenario.phases[index]!;
    const running: Running = { scenario, index, since: at, cycle, next: undefined };
    this.running = running;
    this.host.apply(phase, at);
    this.report(scenario.name, from, phase.name, at, cause);
    if (phase.durationMs !== undefined) running.next = this.host.timeline.at(at + phase.durationMs, (due) => this.advance(running, due));
  }

  /** `r`'s phase is over at `due`: the next phase, the first again (looping), or the end. */
  private advance(r: Running, due: number): void {
    if (this.running !== r) return;
    const last = r.index === r.scenario.phases.length - 1;
    if (!last) this.enter(r.scenario, r.index + 1, due, r.cycle, 'time');
    else if (r.scenario.loop) this.enter(r.scenario, 0, ...this.skipRounds(r, due), 'time');
    else this.end(due, 'end');
  }

  /**
   * Where a loop starts its next round: at `due`, or, when the clock has jumped past whole rounds
   * (a manual clock moved by a day), at the start of the last round begun, so a jump costs at most
   * one round of phase changes; the rounds skipped are said once.
   */
  private skipRounds(r: Running, due: number): [number, number] {
    const round = r.scenario.phases.reduce((sum, p) => sum + p.durationMs!, 0);
    const rounds = Math.floor((this.host.now() - due) / round);
    if (rounds < 1) return [due, r.cycle + 1];
    this.host.logger.log('info', `${this.host.label}: scenario ${r.scenario.name}: the clock jumped ${rounds} round(s) ahead: those phases are skipped`);
    return [due + rounds * round, r.cycle + 1 + rounds];
  }

  private end(at: number, cause: PhaseCause): void {
    const r = this.running!;
    r.next?.cancel();
    this.running = undefined;
    this.host.apply(undefined, at);
    this.report(r.scenario.name, r.scenario.phases[r.index]!.name, undefined, at, cause);
  }

  private report(scenario: string, from: string | undefined, to: string | undefined, at: number, cause: PhaseCause): void {
    const what = to === undefined ? `ended${cause === 'end' ? '' : ` (${cause})`}` : from === undefined ? `started at phase ${to}` : `${from} → ${to}${cause === 'time' ? '' : ` (${cause})`}`;
    const message = `scenario ${scenario}: ${what}`;
    this.host.logger.log('info', `${this.host.label}: ${message} at ${formatEmulatorTime(at)}`);
    this.host.event({
      time: at,
      event: 'phase',
      unit: this.host.deviceName(),
      source: scenario,
      message,
      data: { scenario, from: from ?? '', to: to ?? '', cause },
    });
  }

  private find(name: string): CompiledScenario {
    const all = this.host.scenarios();
    const found = all.find((s) => s.name === name);
    if (!found) throw new NotFoundError(`${this.host.label} has no scenario ${name}; scenarios: ${all.map((s) => s.name).join(', ') || 'none'}`);
    return found;
  }

  private phaseIndex(scenario: CompiledScenario, phase: string): number {
    const index = scenario.phases.findIndex((p) => p.name === phase);
    if (index < 0) throw new NotFoundError(`scenario ${scenario.name} has no phase ${phase}; phases: ${scenario.phases.map((p) => p.name).join(', ')}`);
    return index;
  }
}

/** Emulator time for a log line: `t=90.5s`. */
export function formatEmulatorTime(ms: number): string {
  return `t=${Number((ms / 1000).toFixed(3))}s`;
}
