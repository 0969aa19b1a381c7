import type { Runtime } from '../runtime/runtime.js';

/**
 * `--scenario NAME` (every served device that declares it) and `--scenario DEVICE:NAME` (the one
 * device whose id or name is DEVICE), resolved against the runtimes before any listens: which
 * runtime starts which scenario, or the sentence that says why not.
 */
export function scenarioStarts(flags: readonly string[], runtimes: readonly Runtime[], ids: readonly string[]): { starts: [Runtime, string][] } | { error: string } {
  const starts: [Runtime, string][] = [];
  for (const flag of flags) {
    const colon = flag.indexOf(':');
    const device = colon < 0 ? undefined : flag.slice(0, colon);
    const name = colon < 0 ? flag : flag.slice(colon + 1);
    const chosen = runtimes.filter((r, i) => device === undefined || ids[i] === device || r.device.name === device);
    if (chosen.length === 0) return { error: `--scenario ${flag}: no device ${device}; devices: ${ids.join(', ')}` };
    const declaring = chosen.filter((r) => r.scenarios.list().some((s) => s.name === name));
    if (declaring.length === 0) {
      const known = [...new Set(chosen.flatMap((r) => r.scenarios.list().map((s) => s.name)))];
      return { error: `--scenario ${flag}: ${device === undefined ? 'no device declares' : `${device} does not declare`} a scenario ${name}; ${known.length ? `scenarios: ${known.join(', ')}` : 'it has no scenarios'}` };
    }
    for (const r of declaring) {
      const i = starts.findIndex(([other]) => other === r);
      if (i >= 0) return { error: `--scenario ${flag}: ${r.label} runs ${starts[i]![1]} already: one scenario per device` };
      starts.push([r, name]);
    }
  }
  return { starts };
}
