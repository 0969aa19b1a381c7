// node scripts/parked-requests.mjs [--clients N] [--cmd 'node OTHER/bin/modbus-emu.js']
//
// What requests parked behind a long injected delay cost once their clients are gone. Starts the
// built emulator on 127.0.0.1 (port 0) with a profile whose one fault rule delays every request
// by 10 minutes, then N clients (default 20,000), 20 at a time, each connect, send one read and
// disconnect without waiting for the reply. Prints the emulator's RSS (VmRSS, Linux /proc) before,
// right after the last client, and 2 s and 5 s later. At most about a minute. `--cmd` runs another
// build the same way; the server is stopped by its PID. Needs the build (npm run build).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : args[i + 1];
};
const clients = Number(option('--clients', '20000'));
const command = option('--cmd', `node ${root}bin/modbus-emu.js`);
const READ = Buffer.from('000100000006010300000001', 'hex');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const dir = mkdtempSync(join(tmpdir(), 'modbus-emu-parked-'));
const profile = join(dir, 'parked.yaml');
writeFileSync(
  profile,
  'version: 1\npoints:\n  p: { type: uint16, address: 0 }\nfaults:\n  - name: slow\n    do: { delay: 10m }\n',
);
const server = spawn('sh', ['-c', `exec ${command} ${profile} --host 127.0.0.1 --port 0 --no-watch --ready-json --idle-timeout 0`], {
  stdio: ['ignore', 'pipe', 'pipe'],
});
let stderr = '';
server.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
const rssMiB = () => {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))?.[1];
  return `${(Number(kb) / 1024).toFixed(0)} MiB`;
};

try {
  const port = await new Promise((resolve, reject) => {
    let out = '';
    const timeout = setTimeout(() => reject(new Error(`the emulator did not start in 20 s:\n${stderr}`)), 20_000);
    server.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) {
        clearTimeout(timeout);
        resolve(JSON.parse(out.split('\n')[0]).port);
      }
    });
    server.once('exit', (code) => reject(new Error(`the emulator exited (${code}):\n${stderr}`)));
  });

  /** Connects, sends one read once connected, and goes once the bytes are handed to the kernel. */
  const park = () =>
    new Promise((resolve) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.on('error', () => {});
      socket.on('close', resolve);
      socket.on('connect', () => socket.write(READ, () => setTimeout(() => socket.destroy(), 5)));
    });

  await Promise.all(Array.from({ length: 20 }, park));
  await sleep(1000);
  const before = rssMiB();
  const start = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 20 }, async () => {
      while (next < clients) {
        next++;
        await park();
      }
    }),
  );
  const seconds = ((performance.now() - start) / 1000).toFixed(1);
  const after = rssMiB();
  await sleep(2000);
  const after2 = rssMiB();
  await sleep(3000);
  console.log(`${clients} clients parked a request and left (${seconds} s): RSS ${before} before, ${after} after, ${after2} 2 s later, ${rssMiB()} 5 s later`);
} finally {
  server.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
