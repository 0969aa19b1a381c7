import { formatDiagnostic } from '../profile/diagnostics.js';
import { loadDevice } from '../runtime/load-device.js';
import { resolveProfileArgument, withBundledHint } from './bundled.js';
import type { CliIo } from './io.js';

/**
 * `modbus-emu validate <files...>`: checks every file completely (parse, schema, semantics), prints
 * every problem with file:line:column, and returns 1 when any file has one — fit for a CI job over a
 * repository of fixtures. Warnings print as `warning: …` lines and leave the exit code 0.
 */
export async function validate(files: readonly string[], io: CliIo): Promise<number> {
  let problems = 0;
  let bad = 0;
  for (const file of files) {
    const result = await loadDevice(resolveProfileArgument(file, io.cwd), { cwd: io.cwd });
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
