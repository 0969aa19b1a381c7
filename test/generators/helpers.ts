import { compileProfile } from '../../src/compiler/compile.js';
import type { Environment } from '../../src/environment.js';
import type { CompiledProfile } from '../../src/model/types.js';
import { loadProfileText } from '../../src/profile/load.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { dedent } from '../compiler/helpers.js';
import { testEnv } from '../helpers/env.js';


/** A device from YAML text, through the real loader and compiler, on a manual clock and seed 1. */
export async function device(yaml: string, env: Environment = testEnv()): Promise<{ device: CompiledProfile; clock: ManualClock; env: Environment }> {
  const result = await loadProfileText(dedent(yaml), 'test.yaml');
  if (!result.ok) throw new Error(result.diagnostics.map((d) => `${d.path}: ${d.message} [${d.code}]`).join('\n'));
  const compiled = compileProfile(result.loaded, { env });
  if (!compiled.ok) throw new Error(compiled.diagnostics.map((d) => `${d.path}: ${d.message} [${d.code}]`).join('\n'));
  return { device: compiled.profile, clock: env.clock as ManualClock, env };
}

/** The diagnostics of a profile that must not load: `code line:column message`. */
export async function errors(yaml: string): Promise<string[]> {
  const result = await loadProfileText(dedent(yaml), 'test.yaml');
  const diagnostics = result.ok ? compileResult(result.loaded) : result.diagnostics;
  return diagnostics.map((d) => `${d.code} ${d.location?.line}:${d.location?.column} ${d.message}`);
}

function compileResult(loaded: Parameters<typeof compileProfile>[0]) {
  const compiled = compileProfile(loaded, { env: testEnv() });
  if (compiled.ok) throw new Error('expected the profile to be rejected, but it compiled');
  return compiled.diagnostics;
}
