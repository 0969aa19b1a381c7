// npm run bench [-- options]: measures the built emulator beside the fixed-reply ceiling server
// with the project's own C load generator (bench/*.c, built here with the system C compiler: a
// Node load generator would be the bottleneck on a 2-core machine). A manual tool: it takes
// minutes and loads the machine, so it never runs in CI or in the test suite.
//
//   npm run bench -- --quick                        smoke run (1 rep × 2 s)
//   npm run bench -- --reps 4                       what the published figures use
//   npm run bench -- --workload mixed --reps 3      fairness: 1 conn 1,024 deep + 16 req/resp
//   npm run bench -- --target-cmd-b 'node ../before/bin/modbus-emu.js' --reps 5
//
// `npm run bench -- --help` lists every option (bench/options.mjs). Servers listen on 127.0.0.1
// only; every process started here is stopped by its PID.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { availableParallelism, release } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { BenchUsageError, USAGE, parseBenchArgs } from '../bench/options.mjs';
import { CEILING, cpuPerRequest, summarize } from '../bench/report.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const benchSrc = join(root, 'bench');
// Inside the repository but git-ignored (.bench/).
const work = join(root, '.bench');
const buildDir = join(work, 'build');
const HOST = '127.0.0.1';
const LIFETIME_S = 3600; // C servers exit by themselves after this, whatever happens to this script

function fail(message) {
  console.error(`npm run bench: ${message}`);
  process.exit(1);
}

if (process.env.CI) fail('a manual measurement; it does not run in CI.');

let opts;
try {
  opts = parseBenchArgs(process.argv.slice(2), process.env);
} catch (e) {
  if (!(e instanceof BenchUsageError)) throw e;
  console.error(`npm run bench: ${e.message}`);
  process.exit(2);
}
if (opts.help) {
  console.log(USAGE);
  process.exit(0);
}

// ---------------------------------------------------------------- build

/** The bench's one prerequisite outside the repository: a C compiler. */
function findCompiler() {
  const candidates = process.env.CC ? [process.env.CC] : ['cc', 'gcc', 'clang'];
  for (const cc of candidates) {
    const r = spawnSync(cc, ['--version'], { encoding: 'utf8' });
    if (r.status === 0) return { cc, version: r.stdout.split('\n')[0].trim() };
  }
  fail(`no C compiler found (tried ${candidates.join(', ')}). The benchmark builds its load generator ` +
    'from bench/*.c: install gcc (Debian/Ubuntu: apt-get install gcc) or set CC.');
}

function runOrFail(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, stdio: 'inherit' });
  if (r.status !== 0) fail(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

const compiler = findCompiler();
mkdirSync(buildDir, { recursive: true });
for (const tool of ['loadgen', 'fixed-reply', 'idle-conns']) {
  runOrFail(compiler.cc, ['-O2', '-Wall', '-Wextra', '-o', join(buildDir, tool), join(benchSrc, `${tool}.c`)], root);
}
const tool = (name) => join(buildDir, name);

// Measure what the sources say now, not a stale dist/.
if (opts.build) runOrFail('npm', ['run', 'build'], root);

// ---------------------------------------------------------------- servers

const profile = opts.profile === undefined ? undefined : resolve(opts.profile);
if (profile && !existsSync(profile)) fail(`profile ${opts.profile} not found`);
const quote = (s) => `'${s.replace(/'/g, `'\\''`)}'`;

/** A target command gets the profile and the address appended, unless it places {port} itself. */
function targetCommand(cmd, port) {
  if (cmd.includes('{port}')) return cmd.replaceAll('{port}', String(port)).replaceAll('{profile}', profile ? quote(profile) : '');
  return `${cmd}${profile ? ` ${quote(profile)}` : ''} --host ${HOST} --port ${port}`;
}

const servers = [{ name: CEILING, port: opts.portBase, argv: [tool('fixed-reply'), String(opts.portBase), String(LIFETIME_S)] }];
const targets = [
  { name: opts.targetCmdB ? 'A' : opts.targetCmd ? 'target' : 'emulator', cmd: opts.targetCmd ?? `node ${quote(join(root, 'bin', 'modbus-emu.js'))}` },
  ...(opts.targetCmdB ? [{ name: 'B', cmd: opts.targetCmdB }] : []),
];
targets.forEach((t, i) => {
  const port = opts.portBase + 1 + i;
  // exec: the PID we track (CPU, RSS, stop) is the server's own.
  servers.push({ name: t.name, port, argv: ['/bin/sh', '-c', `exec ${targetCommand(t.cmd, port)}`], cmd: targetCommand(t.cmd, port) });
});
if (opts.peers.length) addPeers();

/** Peers of the shared harness (optional): copied into .bench/peers and built there. */
function addPeers() {
  const dir = resolve(opts.peersDir ?? join(root, '..', 'shared', 'bench'));
  if (!existsSync(join(dir, 'fixed-reply.c')) && !existsSync(join(dir, 'libmodbus-server.c'))) {
    fail(`--peers needs the shared harness: ${dir} has no peer servers (set --peers-dir or BENCH_DIR)`);
  }
  const peers = join(work, 'peers');
  const generated = new Set(['build', 'node_modules', 'results']);
  cpSync(dir, peers, { recursive: true, filter: (src) => src === dir || !generated.has(src.slice(dir.length + 1).split(/[\\/]/)[0]) });
  opts.peers.forEach((name, i) => {
    const port = opts.portBase + 3 + i;
    let argv;
    if (name === 'libmodbus') {
      const pc = spawnSync('pkg-config', ['--cflags', '--libs', 'libmodbus'], { encoding: 'utf8' });
      if (pc.status !== 0) fail('--peers libmodbus needs libmodbus-dev and pkg-config');
      runOrFail(compiler.cc, ['-O2', '-o', tool('libmodbus-server'), join(peers, 'libmodbus-server.c'), ...pc.stdout.trim().split(/\s+/)], root);
      argv = [tool('libmodbus-server'), String(port), String(LIFETIME_S)];
    } else if (name === 'pymodbus') {
      if (spawnSync('/usr/bin/python3', ['-c', 'import pymodbus']).status !== 0) fail('--peers pymodbus needs python3-pymodbus');
      argv = ['/usr/bin/python3', join(peers, 'pymodbus-server.py'), String(port), String(LIFETIME_S)];
    } else {
      // modbus-serial is one of our devDependencies and resolves from here; jsmodbus needs the
      // harness's own package.json installed.
      try {
        createRequire(join(peers, 'peer.js')).resolve(name);
      } catch {
        runOrFail('npm', ['install', '--no-audit', '--no-fund'], peers);
      }
      argv = ['node', join(peers, `${name}-server.js`), String(port), String(LIFETIME_S)];
    }
    servers.push({ name, port, argv });
  });
}

// ---------------------------------------------------------------- processes

const children = new Set();
function stopAll() {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
}
process.on('exit', stopAll);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => { stopAll(); process.exit(130); });

function start(argv, logFile) {
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.exited = new Promise((res) => child.once('exit', () => { children.delete(child); res(); }));
  if (logFile) {
    const log = createWriteStream(logFile, { flags: 'a' });
    child.stdout.pipe(log);
    child.stderr.pipe(log);
  }
  return child;
}

async function stop(child) {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    const killed = await Promise.race([child.exited.then(() => true), sleep(5000, false)]);
    if (!killed) child.kill('SIGKILL');
  }
  await child.exited;
}

/** Runs a tool to completion; its stdout, parsed as one JSON line. */
async function runJson(argv) {
  const child = start(argv);
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { err += d; });
  await child.exited;
  const line = out.trim().split('\n')[0];
  if (!line) throw new Error(`${argv[0]} printed nothing (exit ${child.exitCode}): ${err.trim()}`);
  return JSON.parse(line);
}

function canConnect(port) {
  return new Promise((res) => {
    const socket = connect({ host: HOST, port });
    socket.once('connect', () => { socket.destroy(); res(true); });
    socket.once('error', () => res(false));
  });
}

/** Up when its port accepts a connection (the emulator binds only after its profile loaded). */
async function startServer(server, out) {
  const logFile = join(out, `server-${server.name}.log`);
  appendFileSync(logFile, `# ${server.argv.join(' ')}\n`);
  const child = start(server.argv, logFile);
  for (let i = 0; i < 150; i++) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    if (await canConnect(server.port)) return child;
    await sleep(100);
  }
  await stop(child);
  const tail = readFileSync(logFile, 'utf8').trim().split('\n').slice(-5).join('\n');
  fail(`${server.name} did not start on ${HOST}:${server.port}. Port taken? (--port-base) Its log:\n${tail}`);
}

const rssKb = (pid) => {
  try {
    return Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  } catch {
    return null;
  }
};

async function measureRss(server, child, unit) {
  const fresh = rssKb(child.pid);
  const holder = start([tool('idle-conns'), HOST, String(server.port), String(opts.idle), '120', String(unit)]);
  let line = '';
  holder.stdout.on('data', (d) => { line += d; });
  for (let i = 0; i < 600 && !line.includes('\n') && holder.exitCode === null; i++) await sleep(100);
  await sleep(1000); // let the server settle with every connection open
  const idle = rssKb(child.pid);
  await stop(holder);
  await sleep(1000); // let the server close the idle sockets
  return { rss_fresh_kb: fresh, rss_idle_kb: idle, idle: line ? JSON.parse(line.split('\n')[0]) : null };
}

// ---------------------------------------------------------------- run

const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const out = resolve(opts.out ?? join(work, 'results', stamp));
mkdirSync(out, { recursive: true });
const rawFile = join(out, 'raw.jsonl');
writeFileSync(rawFile, '');
const records = [];
const record = (r) => { records.push(r); appendFileSync(rawFile, `${JSON.stringify(r)}\n`); };
const git = spawnSync('git', ['describe', '--always', '--dirty'], { cwd: root, encoding: 'utf8' }).stdout?.trim();

record({
  kind: 'meta',
  date: new Date().toISOString(),
  reps: opts.reps,
  duration_s: opts.duration,
  idle_n: opts.idle,
  nproc: availableParallelism(),
  kernel: release(),
  node: process.version,
  cc: compiler.version,
  commit: git || undefined,
  profile: opts.profile,
  servers: servers.map((s) => s.name),
  targets: servers.filter((s) => s.cmd).map((s) => ({ name: s.name, cmd: s.cmd })),
  workloads: opts.workloads,
});
const log = (text) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${text}`);
log(`results in ${out}; servers: ${servers.map((s) => `${s.name} :${s.port}`).join(', ')}; ` +
  `${opts.reps} rep(s) × ${opts.workloads.length} workload(s)`);

for (let rep = 1; rep <= opts.reps; rep++) {
  // Every server is started fresh for the rep and stays up through it; each workload runs on
  // every server back to back, in the reverse order on even reps, so drift cancels in the ratios.
  const running = new Map();
  for (const s of servers) running.set(s.name, await startServer(s, out));
  if (opts.idle > 0) {
    for (const s of servers) {
      const r = await measureRss(s, running.get(s.name), opts.workloads[0].groups[0].unit);
      record({ kind: 'rss', rep, server: s.name, ...r });
      log(`rep ${rep} ${s.name}: RSS ${r.rss_fresh_kb} kB fresh, ${r.rss_idle_kb} kB with ${opts.idle} idle conns (${r.idle?.answered ?? '?'} answered)`);
    }
  }
  const order = rep % 2 === 1 ? servers : [...servers].reverse();
  for (const w of opts.workloads) {
    for (const s of order) {
      const child = running.get(s.name);
      const groups = w.groups.map((g) => [g.conns, g.depth, g.fc, g.start, g.qty, g.unit].join(','));
      let lg;
      try {
        lg = await runJson([tool('loadgen'), '-p', String(child.pid), HOST, String(s.port), String(w.duration), ...groups]);
      } catch (e) {
        record({ kind: 'failed', rep, server: s.name, workload: w.name, what: String(e.message ?? e) });
        log(`rep ${rep} ${w.name} ${s.name}: FAILED ${e.message ?? e}`);
        continue;
      }
      const alive = child.exitCode === null && child.signalCode === null;
      record({ kind: 'load', rep, server: s.name, workload: w.name, loadgen: lg, server_alive_after: alive });
      const cpu = cpuPerRequest(lg);
      log(`rep ${rep} ${w.name} ${s.name}: ${Math.round(lg.rps)} rps, ` +
        lg.groups.map((g) => `p99 ${g.p99_us} µs`).join(' / ') +
        `, server CPU ${cpu == null ? '?' : cpu.toFixed(1)} µs/req, ${lg.errors} errors`);
      if (!alive) {
        record({ kind: 'failed', rep, server: s.name, workload: w.name, what: 'server exited; restarted' });
        running.set(s.name, await startServer(s, out));
      }
      await sleep(300);
    }
  }
  for (const child of running.values()) await stop(child);
}

const summary = summarize(records);
writeFileSync(join(out, 'summary.md'), `${summary}\n`);
console.log(summary);
console.log(`\nraw: ${rawFile}\nsummary: ${join(out, 'summary.md')}`);
