// node scripts/lockout.mjs [--burst] [--attempts N] [--cmd 'node OTHER/bin/modbus-emu.js']
//
// Whether a well-behaved client gets through to a full device. Starts the built emulator on
// 127.0.0.1 (port 0, devices/pump.yaml) and measures, from this process, over loopback only:
//
// - default: `--max-connections 10 --idle-timeout 3` and the default `refuse` policy, while ten
//   tricklers (started 300 ms apart) each send one byte a second and reconnect 50 ms after every
//   close; after 4 s, N attempts (default 100), 100 ms apart, by a client that connects and
//   sends one read: served when its reply comes within 2 s. At most about N × 2.1 s + 4 s.
// - `--burst`: under `ulimit -n 1024` and `--when-full closeLeastRecentlyActive`, 2,000 clients
//   connect at once, each sending one read as soon as it is connected: how many got their reply,
//   and how many were reset before it. At most about 15 s.
//
// `--cmd` runs another build (the code before a change) the same way. Every process and socket
// started here is closed by this script, the server by its PID. Needs the build (npm run build).
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : args[i + 1];
};
const burst = args.includes('--burst');
const attempts = Number(option('--attempts', '100'));
const command = option('--cmd', `node ${root}bin/modbus-emu.js`);
const READ = Buffer.from('000100000006010300000001', 'hex');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const serverArgs = burst
  ? ['--when-full', 'closeLeastRecentlyActive']
  : ['--max-connections', '10', '--idle-timeout', '3'];
const line = `${burst ? 'ulimit -n 1024 && ' : ''}exec ${command} ${root}devices/pump.yaml --host 127.0.0.1 --port 0 --no-watch --ready-json ${serverArgs.join(' ')}`;
const server = spawn('sh', ['-c', line], { stdio: ['ignore', 'pipe', 'pipe'] });
let stderr = '';
server.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
const port = await new Promise((resolve, reject) => {
  let out = '';
  const timeout = setTimeout(() => reject(new Error(`the emulator did not start in 20 s:\n${stderr}`)), 20_000);
  server.stdout.on('data', (d) => {
    out += d;
    const first = out.split('\n')[0];
    if (out.includes('\n')) {
      clearTimeout(timeout);
      resolve(JSON.parse(first).port);
    }
  });
  server.once('exit', (code) => reject(new Error(`the emulator exited (${code}):\n${stderr}`)));
});

/**
 * One client: connects, sends one read; resolves with 'served', 'reset', 'closed' or 'timeout'.
 * A served client stays connected when `stay` holds its socket (closed by the caller).
 */
function attempt(limitMs, stay) {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let done = false;
    const finish = (result) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (result === 'served' && stay) stay.add(socket);
      else socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish('timeout'), limitMs);
    let reply = Buffer.alloc(0);
    socket.on('connect', () => socket.write(READ));
    // Any whole reply counts (an exception too): the MBAP header says how long it is.
    socket.on('data', (d) => {
      reply = Buffer.concat([reply, d]);
      if (reply.length >= 6 && reply.length >= 6 + reply.readUInt16BE(4)) finish('served');
    });
    socket.on('error', (e) => finish(e.code === 'ECONNRESET' ? 'reset' : 'closed'));
    socket.on('close', () => finish('closed'));
  });
}

try {
  if (burst) await runBurst();
  else await runTricklers();
} finally {
  server.kill('SIGTERM');
}

async function runTricklers() {
  let stopping = false;
  const sockets = new Set();
  const trickle = async () => {
    while (!stopping) {
      await new Promise((resolve) => {
        const socket = connect({ host: '127.0.0.1', port });
        sockets.add(socket);
        let sent = 0;
        const tick = setInterval(() => socket.write(READ.subarray(sent % 12, (sent++ % 12) + 1)), 1000);
        socket.on('error', () => {});
        socket.on('close', () => {
          clearInterval(tick);
          sockets.delete(socket);
          resolve();
        });
      });
      await sleep(50);
    }
  };
  const tricklers = [];
  for (let i = 0; i < 10; i++) {
    tricklers.push(trickle());
    await sleep(300);
  }
  await sleep(1000);
  const results = { served: 0, reset: 0, closed: 0, timeout: 0 };
  const start = performance.now();
  for (let i = 0; i < attempts; i++) {
    results[await attempt(2000)]++;
    await sleep(100);
  }
  const seconds = ((performance.now() - start) / 1000).toFixed(1);
  console.log(`${results.served} of ${attempts} attempts served within 2 s (refused: ${results.closed + results.reset}, no reply in 2 s: ${results.timeout}; ${seconds} s)`);
  stopping = true;
  for (const s of sockets) s.destroy();
  await Promise.all(tricklers);
}

async function runBurst() {
  const results = { served: 0, reset: 0, closed: 0, timeout: 0 };
  // Served clients stay connected, so later ones find the device full and someone is evicted.
  const stay = new Set();
  const all = await Promise.all(Array.from({ length: 2000 }, () => attempt(10_000, stay)));
  for (const s of stay) s.destroy();
  for (const r of all) results[r]++;
  console.log(`2000 clients at once: ${results.served} served, ${results.reset} reset and ${results.closed} closed before their reply, ${results.timeout} without a reply in 10 s`);
}
