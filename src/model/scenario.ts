import type { DeviceModes, PointOverride } from './modes.js';

/** One phase of a compiled scenario (docs/scenarios.md): what holds while it lasts. */
export interface CompiledPhase {
  readonly name: string;
  readonly description?: string;
  /** Emulator milliseconds; undefined only for the last phase of a scenario that does not loop (it holds). */
  readonly durationMs: number | undefined;
  /** Fault rules as the profile writes them, injected while the phase lasts. */
  readonly faults: readonly object[];
  readonly modes: DeviceModes;
  /** `points:` and `generate:` together: values served instead of the stored ones. */
  readonly overrides: readonly PointOverride[];
}

/** A profile's named scenario, compiled: its phases in order. */
export interface CompiledScenario {
  readonly name: string;
  readonly description?: string;
  readonly loop: boolean;
  readonly phases: readonly CompiledPhase[];
  /** The scenario as written, as canonical text: a reload keeps a running scenario whose text is unchanged. */
  readonly identity: string;
}
