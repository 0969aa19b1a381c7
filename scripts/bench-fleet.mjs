// npm run bench:fleet [-- options]: serves many instances of one profile from one modbus-emu
// process (the built CLI, as a user runs it) and reports peak RSS, the time until every listener
// is up, memory per device, and the throughput of a client polling the devices round-robin.
// A manual measurement (docs/performance.md, "Fleets"), not a test; needs the build (npm run build).
//
//   npm run bench:fleet -- --devices 1000               1,000 instances on ports 20000..20999
//   npm run bench:fleet -- --devices 10000              10,000 on ports 20000..29999
//   npm run bench:fleet -- --units 50000                50,000 as unit ids 1..247 behind 203 ports
//   npm run bench:fleet -- --devices 1000 --workers 2   the same over 2 worker processes (CPU and RSS summed over them)
//
// Options: --devices N | --units N; --profile FILE (default devices/meter-sdm630.yaml);
// --base-port P (default 20000: every port stays below 32768, Linux's ephemeral range);
// --poll N devices polled round-robin (default 1000); --clients C concurrent requests (default 4);
// --seconds S of polling (default 3); --workers N (passed on); --target-cmd 'node bin/modbus-emu.js'.
//
// The server's open-file soft limit is raised to the hard limit (`ulimit -n`) where the shell
// allows: 10,000 listeners and their clients need more than the usual 1,024. Every process started
// here is stopped by its PID.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const UNITS_PER_GATEWAY = 247;
const HOST = '127.0.0.1';


async function main() {
  const profile = resolve(root, opts.profile);
  const baseline = await measureStart([profile], 1, 0);
  await stop(baseline.child);
  const { files, targets, listeners } = opts.units > 0 ? gateways(profile) : { files: Array(opts.devices).fill(profile), targets: ports(opts.devices), listeners: opts.devices };
  const devices = opts.units > 0 ? opts.units : opts.devices;
  const run = await measureStart(files, listeners, devices);
  try {
    const polled = spread(targets, Math.min(opts.poll, targets.length));
    const cpuBefore = cpuMs(run.child.pid);
    const poll = await pollRoundRobin(polled, opts.clients, opts.seconds * 1000);
    const cpu = cpuMs(run.child.pid) - cpuBefore;
    const peak = peakRssKiB(run.child.pid);
    const perDevice = (peak - baseline.peakKiB) / devices;
    console.log(`modbus-emu ${opts.targetCmd}: ${devices.toLocaleString('en')} devices${opts.units > 0 ? ` as unit ids behind ${listeners} ports` : ' on their own ports'}${opts.workers ? `, --workers ${opts.workers}` : ''}`);
    console.log(`  open-file limit of the server: ${run.limit}`);
    console.log(`  all listening after       ${(run.ms / 1000).toFixed(1)} s`);
    console.log(`  peak RSS                  ${mib(peak)} (one device alone: ${mib(baseline.peakKiB)})`);
    console.log(`  memory per device         ${perDevice.toFixed(1)} KiB ((peak − one device alone) ÷ ${devices})`);
    console.log(`  polling ${polled.length} devices round-robin, ${opts.clients} requests in flight, ${opts.seconds} s: ${Math.round(poll.count / (poll.ms / 1000)).toLocaleString('en')} requests/s (${poll.errors} errors)`);
    console.log(`  server CPU per request    ${poll.count ? ((cpu * 1000) / poll.count).toFixed(1) : '-'} µs (all its threads and processes in the pid's tree: ${opts.workers ? 'children included' : 'one process'})`);
    console.log(`| ${devices.toLocaleString('en')} | ${opts.units > 0 ? `unit ids, ${listeners} ports` : 'own ports'} | ${(run.ms / 1000).toFixed(1)} s | ${mib(peak)} | ${perDevice.toFixed(0)} KiB | ${Math.round(poll.count / (poll.ms / 1000)).toLocaleString('en')} | ${poll.count ? ((cpu * 1000) / poll.count).toFixed(0) : '-'} µs |`);
  } finally {
    await stop(run.child);
  }
}

/** Starts the CLI on `files` (consecutive ports from --base-port) and waits for `listeners` ready lines. */
async function measureStart(files, listeners, devices) {
  const [cmd, ...cmdArgs] = opts.targetCmd.split(' ');
  // Relative paths keep the command line short (10,000 absolute paths come close to ARG_MAX).
  const args = [...cmdArgs.map((a) => (a.endsWith('.js') ? resolve(root, a) : a)), '--no-watch', '--ready-json', '--port', String(opts.basePort), '--log-time', 'none', ...(opts.workers ? ['--workers', String(opts.workers)] : []), ...files.map((f) => relativeTo(work, f))];
  const started = performance.now();
  // `ulimit -n` up to the hard limit where allowed; exec keeps the PID the server's.
  const child = spawn('sh', ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"', 'sh', cmd, ...args], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => {
    if (stderr.length < 20_000) stderr += d;
  });
  let seen = 0;
  let buffered = '';
  const ms = await new Promise((done, fail) => {
    child.on('exit', (code) => fail(new Error(`modbus-emu exited (${code}) before ${listeners} listeners were up (${seen} were):\n${stderr.slice(-4000)}`)));
    child.stdout.on('data', (d) => {
      buffered += d;
      const lines = buffered.split('\n');
      buffered = lines.pop();
      seen += lines.filter((l) => l.startsWith('{')).length;
      if (seen >= listeners) done(performance.now() - started);
    });
  });
  child.removeAllListeners('exit');
  const limit = /^Max open files\s+(\S+)/m.exec(readFileSync(`/proc/${child.pid}/limits`, 'utf8'))?.[1];
  return { child, ms, limit, peakKiB: peakRssKiB(child.pid), devices };
}

function stop(child) {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.on('exit', done);
    child.kill('SIGTERM');
  });
}

/**
 * Gateways of 247 units each (the last one fewer), every unit an instance of `profile`, one port
 * each: the full ones are one file served many times, so they share one compiled layout.
 */
function gateways(profile) {
  const definition = deviceDefinition(profile);
  const gateway = (count) => {
    const file = join(work, `gateway-${count}.yaml`);
    writeFileSync(file, `version: 1\nname: gateway\ntemplates:\n  device: { include: ${JSON.stringify(definition)} }\nunits:\n  - unitId: ["1-${count}"]\n    name: unit\n    use: device\n`);
    return file;
  };
  const files = [];
  const targets = [];
  for (let first = 0, g = 0; first < opts.units; first += UNITS_PER_GATEWAY, g++) {
    const count = Math.min(UNITS_PER_GATEWAY, opts.units - first);
    files.push(g === 0 || count < UNITS_PER_GATEWAY ? gateway(count) : files[0]);
    for (let u = 1; u <= count; u++) targets.push({ port: opts.basePort + g, unit: u });
  }
  return { files, targets, listeners: files.length };
}

/** The profile as a device definition (what a template includes): without the profile-only keys. */
function deviceDefinition(profile) {
  const file = join(work, 'device.yaml');
  const text = readFileSync(profile, 'utf8').replace(/^(version|name|description):.*$/gm, '');
  writeFileSync(file, text);
  return file;
}

/** `n` targets spread evenly over `all`. */
function spread(all, n) {
  return Array.from({ length: n }, (_, i) => all[Math.floor((i * all.length) / n)]);
}

/**
 * `clients` loops, each with its own connections, each sending one FC 4 read (2 registers from
 * address 0) at a time to its targets in turn, for `ms`. Returns the replies counted.
 */
async function pollRoundRobin(targets, clients, ms) {
  const groups = Array.from({ length: clients }, (_, c) => targets.filter((_, i) => i % clients === c)).filter((g) => g.length > 0);
  const sockets = new Map();
  const open = (port) => {
    const s = connect({ host: HOST, port });
    s.setNoDelay(true);
    return new Promise((ok, fail) => {
      s.once('connect', () => ok(s));
      s.once('error', fail);
    });
  };
  // Each client its own connection per port (gateway ports are shared by many targets).
  const conns = await Promise.all(groups.map(async (group, c) => Promise.all(group.map(async (t) => {
    const key = `${c}:${t.port}`;
    if (!sockets.has(key)) sockets.set(key, open(t.port));
    return { socket: await sockets.get(key), unit: t.unit };
  }))));
  let count = 0;
  let errors = 0;
  const started = performance.now();
  const end = started + ms;
  await Promise.all(conns.map(async (group) => {
    let tid = 0;
    for (let i = 0; performance.now() < end; i = (i + 1) % group.length) {
      const { socket, unit } = group[i];
      tid = (tid + 1) & 0xffff;
      const frame = Buffer.from([tid >> 8, tid & 0xff, 0, 0, 0, 6, unit, 4, 0, 0, 0, 2]);
      const reply = await exchange(socket, frame);
      if (reply.length === 13 && reply[7] === 4) count++;
      else errors++;
    }
  }));
  const elapsed = performance.now() - started;
  for (const s of sockets.values()) (await s).destroy();
  return { count, errors, ms: elapsed };
}

function exchange(socket, frame) {
  return new Promise((done, fail) => {
    let got = Buffer.alloc(0);
    const timer = setTimeout(() => fail(new Error(`no reply within 5 s from port ${socket.remotePort}`)), 5000);
    const onData = (d) => {
      got = Buffer.concat([got, d]);
      if (got.length >= 6 && got.length >= 6 + got.readUInt16BE(4)) {
        clearTimeout(timer);
        socket.off('data', onData);
        done(got);
      }
    };
    socket.on('data', onData);
    socket.write(frame);
  });
}

/** The process and its descendants still running (--workers' processes), from /proc's children lists. */
function tree(pid) {
  const children = readdirSync(`/proc/${pid}/task`).flatMap((tid) => {
    try {
      return readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
    } catch {
      return [];
    }
  });
  return [pid, ...children.flatMap(tree)];
}

/** Peak resident set (VmHWM) of the process and its workers, summed (each process's own peak), in KiB. */
function peakRssKiB(pid) {
  return tree(pid).reduce((sum, p) => sum + Number(/^VmHWM:\s+(\d+)/m.exec(readFileSync(`/proc/${p}/status`, 'utf8'))[1]), 0);
}

/** User + system CPU of the process, its reaped children and its live workers, in ms (clock ticks of 10 ms). */
function cpuMs(pid) {
  return tree(pid).reduce((sum, p) => {
    const fields = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime, stime, cutime, cstime are fields 14..17 of stat (11..14 after the command name).
    return sum + (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * 10;
  }, 0);
}

const ports = (n) => Array.from({ length: n }, (_, i) => ({ port: opts.basePort + i, unit: 1 }));
const mib = (kib) => `${(kib / 1024).toFixed(0)} MiB`;

function relativeTo(dir, file) {
  return file.startsWith(`${dir}/`) ? file.slice(dir.length + 1) : file;
}

function parseArgs(argv) {
  const o = { devices: 0, units: 0, profile: 'devices/meter-sdm630.yaml', basePort: 20000, poll: 1000, clients: 4, seconds: 3, workers: 0, targetCmd: 'node bin/modbus-emu.js' };
  const names = { '--devices': 'devices', '--units': 'units', '--profile': 'profile', '--base-port': 'basePort', '--poll': 'poll', '--clients': 'clients', '--seconds': 'seconds', '--workers': 'workers', '--target-cmd': 'targetCmd' };
  for (let i = 0; i < argv.length; i += 2) {
    const key = names[argv[i]];
    if (!key || argv[i + 1] === undefined) {
      console.error(`npm run bench:fleet: unknown option or missing value: ${argv[i]} (see the comment at the top of scripts/bench-fleet.mjs)`);
      process.exit(2);
    }
    o[key] = typeof o[key] === 'number' ? Number(argv[i + 1]) : argv[i + 1];
  }
  if (o.devices === 0 && o.units === 0) o.devices = 1000;
  const listeners = o.units > 0 ? Math.ceil(o.units / UNITS_PER_GATEWAY) : o.devices;
  if (o.basePort + listeners > 65536) {
    console.error(`npm run bench:fleet: ${listeners} ports from ${o.basePort} run past 65535`);
    process.exit(2);
  }
  if (o.basePort + listeners > 32768) console.error(`warning: ports up to ${o.basePort + listeners - 1} reach Linux's ephemeral range (32768 and up): a client's own port may take one`);
  return o;
}

const opts = parseArgs(process.argv.slice(2));
const work = mkdtempSync(join(tmpdir(), 'modbus-emu-bench-fleet-'));
try {
  await main();
} finally {
  rmSync(work, { recursive: true, force: true });
}
