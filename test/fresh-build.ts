import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/*
 * Vitest global setup: the few tests that run the built program (`--workers` forks dist/, as users
 * run it) must not test a stale build. `npm ci` builds dist/ (prepare); after an edit of src/ this
 * rebuilds once before the suite, and costs a directory walk when dist/ is current.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function builtAt(): number {
  try {
    return statSync(join(ROOT, 'dist', 'index.js')).mtimeMs;
  } catch {
    return 0;
  }
}

export default function setup(): void {
  if (newestMtime(join(ROOT, 'src')) <= builtAt()) return;
  process.stderr.write('dist/ is older than src/: building it for the tests that run the built program\n');
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
}
