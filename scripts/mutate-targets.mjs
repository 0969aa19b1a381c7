// npm run mutate [-- NAME ... ] [--force] [--concurrency N]: StrykerJS on each core target
// of the behaviour with the tests that reach it (docs/testing.md, "Mutation testing"), one target
// after the other, each with its own incremental file, then one line per target with its covered
// score against the 85 % target. A manual measurement (about an hour on two cores for all six with
// --concurrency 2), not a test.
//
//   npm run mutate                               every target, incrementally
//   npm run mutate -- store protocol             two of them
//   npm run mutate -- store --force              one, every mutant tested again (figures of record)
//
// `npm run mutate:suite` is plain `stryker run` (stryker.config.mjs): every target judged by the
// whole suite, hours on two cores, with Stryker's own options (--mutate, --testFiles).
//
// Each target's report is kept as reports/mutation/<name>.json (and .html); the scores printed are
// read from it. Giving a target only the tests that reach it keeps its first (dry) run short; the
// score is then a lower bound of the whole suite's (more tests can only kill more).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const TARGET_SCORE = 85;

/** `dir/name.test.ts` for each name (Stryker splits --testFiles at commas, so no {a,b} globs). */
const files = (dir, ...names) => names.map((n) => `${dir}/${n}.test.ts`);

/** Each target: what is mutated, and the test files (globs) that judge it. */
export const TARGETS = {
  generators: {
    mutate: 'src/generators/**/*.ts',
    // Not properties.test.ts (150 seeded devices, 12 s, reaching nearly every mutant: three hours
    // for the folder) nor api.test.ts (sockets).
    tests: [...files('test/generators', 'language', 'semantics', 'limits', 'interplay', 'load-errors', 'step-warning'), 'test/commands/**/*.test.ts'],
  },
  faults: {
    mutate: 'src/faults/**/*.ts',
    tests: [
      'test/faults/**/*.test.ts',
      ...files('test/e2e', 'faults-raw', 'out-of-order'),
      // The RTU framing's fault replies.
      ...files('test/server', 'framing'),
      ...files('test/transports', 'rtu-over-tcp', 'serial-server'),
      ...files('test/compiler', 'out-of-order'),
      ...files('test/profile', 'durations'),
    ],
  },
  'hand-over': {
    mutate: 'src/model/hand-over.ts',
    tests: [
      'test/model/**/*.test.ts',
      ...files('test/device', 'fc8-diagnostics'),
      ...files('test/e2e', 'hand-over', 'reload-api', 'listen-only'),
      ...files('test/generators', 'api', 'semantics'),
      ...files('test/faults', 'runtime', 'triggers'),
      ...files('test/commands', 'semantics'),
    ],
  },
  store: {
    mutate: 'src/model/store.ts',
    tests: [
      ...['compiler', 'model', 'device', 'commands', 'generators'].map((d) => `test/${d}/**/*.test.ts`),
      ...files('test/state', 'read-only', 'allow', 'state-file'),
    ],
  },
  protocol: {
    mutate: 'src/protocol/**/*.ts',
    tests: ['test/protocol/**/*.test.ts'],
  },
  connection: {
    mutate: 'src/server/connection.ts',
    tests: [
      ...files('test/pipeline', 'connection-loop'),
      'test/server/**/*.test.ts',
      ...files('test/e2e', 'faults-raw', 'listen-only', 'api', 'out-of-order', 'core-modbus-serial', 'faults-modbus-serial'),
      // Not serial-pty: the serialport binding aborts the dry run's process; serial-server drives the same loop.
      ...files('test/transports', 'rtu-over-tcp', 'serial-server'),
      ...files('test/tls', 'tls', 'tls-faults'),
      ...files('test/faults', 'runtime', 'triggers'),
      ...files('test/protocol', 'mbap', 'rtu'),
      ...files('test/state', 'allow'),
    ],
  },
};

function parse(argv) {
  const names = [];
  const passOn = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--force') passOn.push(a);
    else if (a === '--concurrency') passOn.push(a, argv[++i] ?? '1');
    else if (a.startsWith('-')) fail(`unknown option ${a} (--force, --concurrency N)`);
    else if (!(a in TARGETS)) fail(`unknown target ${a}: one of ${Object.keys(TARGETS).join(', ')}`);
    else names.push(a);
  }
  return { names: names.length > 0 ? names : Object.keys(TARGETS), passOn };
}

function fail(message) {
  console.error(`npm run mutate: ${message}`);
  process.exit(2);
}

/** Stryker's covered score of a mutation-testing report: (killed + timed out) / (those + survived). */
export function coveredScore(report) {
  const counts = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0 };
  for (const file of Object.values(report.files)) for (const m of file.mutants) if (m.status in counts) counts[m.status]++;
  const detected = counts.Killed + counts.Timeout;
  const covered = detected + counts.Survived;
  return { ...counts, score: covered === 0 ? 100 : (100 * detected) / covered };
}

function main() {
  const { names, passOn } = parse(process.argv.slice(2));
  const reports = join(root, 'reports', 'mutation');
  mkdirSync(join(root, 'reports', 'incremental'), { recursive: true });
  const results = [];
  for (const name of names) {
    const t = TARGETS[name];
    const args = ['stryker', 'run', '--mutate', t.mutate, '--testFiles', t.tests.join(','), '--incrementalFile', `reports/incremental/${name}.json`, ...passOn];
    if (!passOn.includes('--concurrency')) args.push('--concurrency', '1');
    console.log(`\n== ${name}: npx ${args.join(' ')}`);
    const run = spawnSync('npx', args, { cwd: root, stdio: 'inherit' });
    const json = join(reports, 'mutation.json');
    if (run.status !== 0 || !existsSync(json)) {
      results.push({ name, error: `stryker exited with ${run.status ?? run.signal}` });
      continue;
    }
    copyFileSync(json, join(reports, `${name}.json`));
    copyFileSync(join(reports, 'index.html'), join(reports, `${name}.html`));
    results.push({ name, ...coveredScore(JSON.parse(readFileSync(json, 'utf8'))) });
  }
  console.log('\ntarget       score    killed  timed out  survived  no test reaches');
  let below = 0;
  for (const r of results) {
    if (r.error) {
      below++;
      console.log(`${r.name.padEnd(12)} ${r.error}`);
      continue;
    }
    if (r.score < TARGET_SCORE) below++;
    console.log(`${r.name.padEnd(12)} ${r.score.toFixed(1).padStart(5)} %  ${String(r.Killed).padStart(6)}  ${String(r.Timeout).padStart(9)}  ${String(r.Survived).padStart(8)}  ${String(r.NoCoverage).padStart(15)}${r.score < TARGET_SCORE ? '  below the 85 % target' : ''}`);
  }
  process.exitCode = below > 0 ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
