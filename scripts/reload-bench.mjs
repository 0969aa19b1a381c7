// node scripts/reload-bench.mjs [--port-base 15600] [--duration 20] [--reloads 20] [--no-build]
//
// Reload under load: the built CLI serves a profile (live reload on, as by default) while the
// bench's C load generator (bench/loadgen.c) runs the W2 shape (16 connections, request/response,
// FC 3) at full rate. One run without edits, then one in which the profile file is rewritten
// `--reloads` times; each edit waits for the CLI's "reloaded" line. Prints failed requests, p99
// and max request latency of both runs, and the edit-to-served latency (write → the line that
// says the new device serves). Profiles: the bundled pump, and a generated 10,000-point profile.
// A manual tool like `npm run bench`: Linux, a C compiler, loopback ports from --port-base only.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
if (args.includes('--help') || args.includes('-h')) {
  console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(0, 9).join('\n'));
  process.exit(0);
}
const portBase = option('--port-base', 15600);
const duration = option('--duration', 20);
const reloads = option('--reloads', 20);
const HOST = '127.0.0.1';

const loadgen = join(root, '.bench', 'build', 'loadgen');
if (!existsSync(loadgen)) {
  mkdirSync(join(root, '.bench', 'build'), { recursive: true });
  const cc = process.env.CC ?? 'cc';
  const r = spawnSync(cc, ['-O2', '-o', loadgen, join(root, 'bench', 'loadgen.c')], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${cc} failed: a C compiler is needed (or run npm run bench once)`);
}
if (!args.includes('--no-build')) spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });

const dir = mkdtempSync(join(tmpdir(), 'modbus-emu-reload-bench-'));
const big = ['version: 1', 'name: big', 'points:'];
for (let i = 0; i < 10_000; i++) big.push(`  p${i}: { type: uint16, address: ${i}, value: ${i % 1000} }`);
const profiles = [
  { name: 'pump (devices/pump.yaml)', text: readFileSync(join(root, 'devices', 'pump.yaml'), 'utf8'), start: 3201, qty: 5 },
  { name: '10,000 points', text: `${big.join('\n')}\n`, start: 0, qty: 100 },
];

function startServer(file, port) {
  const child = spawn(process.execPath, [join(root, 'bin', 'modbus-emu.js'), file, '--host', HOST, '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const state = { stderr: '', reloaded: 0, failed: 0, waiters: new Set() };
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    state.stderr += chunk;
    state.reloaded += (chunk.match(/ reloaded: /g) ?? []).length;
    state.failed += (chunk.match(/ not reloaded/g) ?? []).length;
    for (const w of [...state.waiters]) w();
  });
  const ready = new Promise((resolve, reject) => {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => chunk.includes('listening on') && resolve());
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${state.stderr}`)));
  });
  const until = (test) =>
    new Promise((resolve, reject) => {
      const timeout = setTimeout(() => reject(new Error('no reload within 30 s')), 30_000);
      const check = () => {
        if (!test()) return;
        clearTimeout(timeout);
        state.waiters.delete(check);
        resolve();
      };
      state.waiters.add(check);
      check();
    });
  return { child, state, ready, until };
}

function runLoad(pid, port, seconds, p) {
  return new Promise((resolve, reject) => {
    const child = spawn(loadgen, ['-p', String(pid), HOST, String(port), String(seconds), `16,1,3,${p.start},${p.qty},1`], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`loadgen exit ${code}`))));
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const row = (label, r) => {
  const g = r.groups[0];
  return `| ${label} | ${Math.round(r.rps).toLocaleString('en')} | ${r.errors} | ${(g.p99_us / 1000).toFixed(1)} | ${(g.p999_us / 1000).toFixed(1)} | ${(g.max_us / 1000).toFixed(1)} | ${g.over_100ms} |`;
};

const lines = [];
let port = portBase;
for (const p of profiles) {
  const file = join(dir, 'profile.yaml');
  writeFileSync(file, p.text);
  const server = startServer(file, port);
  await server.ready;
  const baseline = await runLoad(server.child.pid, port, duration, p);
  /** Rewrites the file `count` times, each after the previous one is served; returns edit-to-served times. */
  const edit = async (count, spacingMs) => {
    const latencies = [];
    for (let i = 1; i <= count; i++) {
      const before = server.state.reloaded;
      const t0 = performance.now();
      writeFileSync(file, `${p.text}# edit ${performance.now()}\n`);
      await server.until(() => server.state.reloaded > before);
      latencies.push(performance.now() - t0);
      await sleep(Math.max(0, spacingMs - (performance.now() - t0)));
    }
    return latencies;
  };
  const idle = await edit(10, 300);
  const loaded = runLoad(server.child.pid, port, duration, p);
  await sleep(1000); // the load generator primes its connections first
  const latencies = await edit(reloads, ((duration - 3) * 1000) / reloads);
  const during = await loaded;
  server.child.kill('SIGTERM');
  await new Promise((resolve) => server.child.once('exit', resolve));
  port++;
  lines.push(`### ${p.name}: W2 shape (16 conns, FC 3 ${p.qty} regs), ${duration} s each`, '', '| run | rps | failed requests | p99 ms | p999 ms | max ms | requests over 100 ms |', '|---|---:|---:|---:|---:|---:|---:|');
  lines.push(row('no reload', baseline), row(`${reloads} reloads`, during), '');
  const ms = (xs) => `median ${median(xs).toFixed(0)} ms, max ${Math.max(...xs).toFixed(0)} ms`;
  lines.push(`edit-to-served: ${ms(idle)} without load (${idle.length} edits), ${ms(latencies)} under load (${latencies.length} edits); reload failures ${server.state.failed}`, '');
}
rmSync(dir, { recursive: true, force: true });
console.log(lines.join('\n'));
