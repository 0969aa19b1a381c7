// npm run fuzz [-- options]: a long live-socket fuzz run against the built emulator (a separate
// process), reporting frames, connections, duration, throughput, the server's RSS before and after,
// malformed replies, crashes and how a parallel well-behaved client fared. A manual tool (the CI
// suite runs a bounded version in test/server/fuzz.test.ts); it builds first.
//
//   npm run fuzz -- --frames 600000              what the figures in docs/reliability.md use
//
// Connections are opened until --frames frames are planned (a noise connection's blob counts as
// one), each drawing from its own seeded PRNG, so a seed and --frames give the same frames
// whatever the timing.
//   npm run fuzz -- --frames 100000 --seed 7 --port 15250 --concurrency 32 [profile.yaml]
// The probe ending each connection and the parallel client wait --reply-timeout ms (default 1000)
// for a reply: a profile that drops replies on purpose (devices/fault-noisy-link.yaml) gives
// timeouts, counted in the report, not a run that never ends.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { connectionRandom, DEFAULT_REPLY_TIMEOUT_MS, fuzzConnection, healthyClient, planConnection } from './fuzz-lib.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const take = (name, fallback) => {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const [, value] = args.splice(i, 2);
  return value;
};
const frames = Number(take('--frames', '100000'));
const seed = Number(take('--seed', '20261130'));
const port = take('--port', '0');
const concurrency = Number(take('--concurrency', '16'));
const replyTimeoutMs = Number(take('--reply-timeout', String(DEFAULT_REPLY_TIMEOUT_MS)));
const profiles = args;

if (spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' }).status !== 0) process.exit(1);

const server = spawn(process.execPath, ['bin/modbus-emu.js', '--port', port, ...profiles], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
let logLines = 0;
let stderrTail = '';
server.stderr.setEncoding('utf8').on('data', (text) => {
  logLines += text.split('\n').length - 1;
  stderrTail = (stderrTail + text).slice(-2000);
});
let crashed = false;
const exited = new Promise((resolve) => server.on('exit', (code, signal) => resolve({ code, signal })));
exited.then(() => (crashed = true));
const boundPort = await new Promise((resolve, reject) => {
  let out = '';
  server.stdout.setEncoding('utf8').on('data', (text) => {
    out += text;
    const m = /listening on \S+:(\d+)/.exec(out);
    if (m) resolve(Number(m[1]));
  });
  exited.then(() => reject(new Error(`the emulator exited before listening:\n${stderrTail}`)));
});

/** The server's resident set, from /proc (Linux); null elsewhere. */
function rssMiB() {
  try {
    const kib = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))[1]);
    return kib / 1024;
  } catch {
    return null;
  }
}

const rssBefore = rssMiB();
const started = performance.now();
let done = false;
const healthy = healthyClient(boundPort, () => done || crashed, { replyTimeoutMs });
const totals = { frames: 0, replies: 0, malformed: 0, timeouts: 0, connections: 0 };
let planned = 0;
const problems = new Map();
let peakRss = rssBefore ?? 0;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    // Connections are planned in index order, so a seed and --frames always give the same run.
    while (planned < frames && !crashed) {
      const r = connectionRandom(seed, totals.connections++);
      const plan = planConnection(r);
      planned += plan.frames;
      const result = await fuzzConnection(boundPort, r, plan, { replyTimeoutMs }).catch((error) => ({
        frames: 0, replies: 0, malformed: 0, timeouts: 0, problems: [`connect: ${error.code ?? error.message}`],
      }));
      totals.timeouts += result.timeouts;
      totals.frames += result.frames;
      totals.replies += result.replies;
      totals.malformed += result.malformed;
      for (const p of result.problems) problems.set(p, (problems.get(p) ?? 0) + 1);
      if (totals.connections % 1000 === 0) peakRss = Math.max(peakRss, rssMiB() ?? 0);
    }
  }),
);
done = true;
const served = await healthy;
const seconds = (performance.now() - started) / 1000;
// Let the server finish closing what the attackers left, then measure.
await new Promise((resolve) => setTimeout(resolve, 2000));
const rssAfter = rssMiB();
const crashedDuringRun = crashed;
server.kill('SIGTERM');
const exit = await exited;

const mib = (v) => (v === null ? 'n/a' : `${v.toFixed(1)} MiB`);
console.log(`
fuzz run: seed ${seed}, ${concurrency} attackers at a time${profiles.length ? `, ${profiles.join(' ')}` : ', in-memory device'}
  frames            ${totals.frames.toLocaleString('en-US')} (${totals.replies.toLocaleString('en-US')} replies)
  connections       ${totals.connections.toLocaleString('en-US')}
  duration          ${seconds.toFixed(1)} s
  throughput        ${Math.round(totals.frames / seconds).toLocaleString('en-US')} frames/s
  server RSS        ${mib(rssBefore)} before, ${mib(peakRss)} peak, ${mib(rssAfter)} after
  malformed replies ${totals.malformed}
  crashes           ${crashedDuringRun ? `1 (exit ${exit.code ?? exit.signal})` : 0}
  parallel client   ${served.ok.toLocaleString('en-US')} of ${(served.ok + served.bad).toLocaleString('en-US')} replies right
  reply timeouts    ${totals.timeouts.toLocaleString('en-US')} probes, ${served.timeouts.toLocaleString('en-US')} parallel-client requests (${replyTimeoutMs} ms each)
  log lines         ${logLines.toLocaleString('en-US')}`);
for (const [p, n] of [...problems].slice(0, 10)) console.log(`  problem ×${n}: ${p}`);
process.exit(!crashedDuringRun && totals.malformed === 0 && served.bad === 0 && problems.size === 0 ? 0 : 1);
