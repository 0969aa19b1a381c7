import { formatDiagnostic } from '../profile/diagnostics.js';
import { loadDevice } from '../runtime/load-device.js';
import { resolveProfileArgument, withBundledHint } from './bundled.js';
import { isFleetFile, openFleet } from './fleet.js';
import type { CliIo } from './io.js';
import { compileLoaded } from '../runtime/load-device.js';
import { createEnvironment } from '../runtime/environment.js';

/**
 * `modbus-emu validate <files...>`: checks every file completely (parse, schema, semantics), prints
 * every problem with file:line:column, and returns 1 when any file has one — fit for a CI job over a
 * repository of fixtures. Warnings print as `warning: …` lines and leave the exit code 0.
 */
export async function validate(files: readonly string[], io: CliIo, maxFileBytes?: number): Promise<number> {
  let problems = 0;
  let bad = 0;
  for (const file of files) {
    // SIGINT/SIGTERM stop the run between files (reading a file never blocks: read-text.ts).
    if (io.signal?.aborted) {
      io.stderr(`stopped: ${bad} of the files checked so far had problems\n`);
      return 1;
    }
    if (isFleetFile(file, io.cwd)) {
      const found = await validateFleet(file, io, maxFileBytes);
      if (found > 0) {
        bad++;
        problems += found;
      }
      continue;
    }
    const result = await loadDevice(resolveProfileArgument(file, io.cwd), { cwd: io.cwd, ...(maxFileBytes !== undefined && { maxFileBytes }) });
    if (result.ok) {
      // Warnings (a fault rule that can never match) are printed but do not fail the file.
      for (const w of result.warnings) io.stdout(`warning: ${formatDiagnostic(w)}\n`);
      io.stdout(`ok ${file}${result.warnings.length ? ` (${result.warnings.length} warning${result.warnings.length === 1 ? '' : 's'})` : ''}\n`);
      continue;
    }
    bad++;
    problems += result.diagnostics.length;
    for (const d of result.diagnostics) io.stdout(`${formatDiagnostic(withBundledHint(d))}\n`);
  }
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  io.stderr(
    bad === 0
      ? `${plural(files.length, 'profile')} valid\n`
      : `${plural(problems, 'problem')} in ${plural(bad, 'file')} (${plural(files.length, 'profile')} checked)\n`,
  );
  return bad === 0 ? 0 : 1;
}

/**
 * A fleet file: its schema, ids, ports, parameters and templates, then each profile it names,
 * compiled once with its defaults (the checks do not depend on parameter values). Prints like a
 * profile's check; returns the number of problems.
 */
async function validateFleet(file: string, io: CliIo, maxFileBytes: number | undefined): Promise<number> {
  let problems = 0;
  const print = (line: string): void => {
    problems++;
    io.stdout(`${line}\n`);
  };
  const fleet = await openFleet(file, io, { seed: 0, ...(maxFileBytes !== undefined && { maxFileBytes }) }, print);
  if (!fleet) return problems;
  let warnings = 0;
  for (const loaded of fleet.profiles.values()) {
    const result = compileLoaded(loaded, createEnvironment({ seed: 0 }));
    if (result.ok) {
      warnings += result.warnings.length;
      for (const w of result.warnings) io.stdout(`warning: ${formatDiagnostic(w)}\n`);
    } else for (const d of result.diagnostics) print(formatDiagnostic(d));
  }
  if (problems === 0) io.stdout(`ok ${file} (fleet: ${fleet.instances.length} devices, ${fleet.profiles.size} profile${fleet.profiles.size === 1 ? '' : 's'}${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''})\n`);
  return problems;
}
