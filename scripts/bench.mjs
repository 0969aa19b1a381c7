// npm run bench [-- harness options]: measures the built emulator beside the anchor servers with
// the shared benchmark harness (../shared/bench, or $BENCH_DIR). A manual tool: it takes minutes,
// needs gcc and libmodbus-dev, and loads the machine, so it never runs in CI or in the test suite.
//
//   npm run bench -- --quick                 smoke run (1 rep × 2 s)
//   npm run bench -- --reps 4                what the published figures use
//   npm run bench -- --servers fixed-reply,libmodbus,jsmodbus --emu-port 15040
//
// Every other option is passed to run-anchors.sh as is (see its --help).
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const source = resolve(process.env.BENCH_DIR ?? join(root, '..', 'shared', 'bench'));
// Inside the repository but git-ignored; build/, node_modules/ and results/ survive between runs.
const work = join(root, '.bench');

if (process.env.CI) {
  console.error('npm run bench is a manual measurement and does not run in CI.');
  process.exit(1);
}
if (!existsSync(join(source, 'run-anchors.sh'))) {
  console.error(`benchmark harness not found in ${source} (set BENCH_DIR)`);
  process.exit(1);
}

// Options of this script; everything else goes to the harness.
const args = process.argv.slice(2);
const take = (name) => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const [, value] = args.splice(i, 2);
  return value;
};
const emuPort = take('--emu-port') ?? '15030';
const out = resolve(take('--out') ?? join(work, 'results', new Date().toISOString().replace(/[:.]/g, '-')));
if (!args.includes('--servers')) args.push('--servers', 'fixed-reply,libmodbus');

function run(cmd, cmdArgs, cwd) {
  const r = spawnSync(cmd, cmdArgs, { cwd, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`${cmd} ${cmdArgs.join(' ')} failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
}

// Measure what the sources say now, not a stale dist/.
run('npm', ['run', 'build'], root);

mkdirSync(work, { recursive: true });
const generated = new Set(['build', 'node_modules', 'results']);
cpSync(source, work, {
  recursive: true,
  filter: (src) => src === source || !generated.has(src.slice(source.length + 1).split(/[\\/]/)[0]),
});
run('npm', ['install', '--no-audit', '--no-fund'], work);

// The harness runs the target through `bash -c "exec CMD"`, so the path is shell-quoted.
const bin = join(root, 'bin', 'modbus-emu.js').replace(/'/g, `'\\''`);
run(
  './run-anchors.sh',
  [
    ...args,
    '--out', out,
    '--target', `emulator=127.0.0.1:${emuPort}`,
    '--target-cmd', `node '${bin}' --port ${emuPort}`,
  ],
  work,
);
console.log(`\nsummary: ${join(out, 'summary.md')}`);
