// The package as a user gets it (run by .ci/run): `npm pack`, then in a scratch folder
// `npm install --engine-strict <tarball>` (every package of the tree must accept this Node, as
// `engines` promises), `npx modbus-emu --version`, `npx modbus-emu --list-devices`, and a bundled
// device by name: `npx modbus-emu pump --port 0`, one register read over Modbus TCP, then
// SIGTERM and a graceful shutdown; then what the container image (Dockerfile) runs: its ENTRYPOINT +
// CMD from that install, which has production dependencies only, and its HEALTHCHECK command.
// Prints one line per check ("ok ..." / "FAILED ...") and the plain line "N passed, N failed";
// exits 1 when a check failed.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const scratch = mkdtempSync(join(tmpdir(), 'modbus-emu-packed-'));
const run = (command, args, cwd, timeout = 300_000) => promisify(execFile)(command, args, { cwd, timeout, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
const results = [];

async function check(name, body) {
  try {
    await body();
    results.push(true);
    console.log(`ok ${name}`);
  } catch (error) {
    results.push(false);
    console.log(`FAILED ${name}: ${error.stderr || error.message}`);
  }
}

/** FC 3 of one register at `address` from 127.0.0.1:`port`: its value, or a rejection after 2 s. */
function readRegister(port, address) {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const timer = setTimeout(() => (socket.destroy(), reject(new Error(`no reply to FC 3 at ${address} within 2 s`))), 2000);
    socket.on('error', (error) => (clearTimeout(timer), reject(error)));
    socket.on('connect', () => socket.write(Uint8Array.of(0, 1, 0, 0, 0, 6, 1, 3, address >> 8, address & 0xff, 0, 1)));
    socket.on('data', (reply) => {
      clearTimeout(timer);
      socket.destroy();
      if (reply.length === 11 && reply[7] === 3) resolve(reply.readUInt16BE(9));
      else reject(new Error(`unexpected reply ${reply.toString('hex')}`));
    });
  });
}

/**
 * Starts `npx modbus-emu pump --port 0` in a process group of its own, reads the pump's status
 * word, then sends SIGTERM to the group (npx exits on it without waiting for its child, so the
 * emulator gets it directly) and waits until every process of it has closed its output: the
 * emulator must say it is shutting down and leave nothing running.
 */
async function serveBundledPump() {
  const child = spawn('npx', ['--no-install', 'modbus-emu', 'pump', '--port', '0'], { cwd: scratch, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (t) => (stderr += t));
  // 'close': stdout and stderr ended, so npx and the emulator, which share them, have both exited.
  const closed = new Promise((resolve) => child.on('close', resolve));
  try {
    const port = await new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`no "listening on" line within 20 s; stderr:\n${stderr}`)), 20_000);
      child.stdout.setEncoding('utf8').on('data', (t) => {
        out += t;
        const m = /^listening on \S+:(\d+) pump$/m.exec(out);
        if (m) (clearTimeout(timer), resolve(Number(m[1])));
      });
      void closed.then(() => (clearTimeout(timer), reject(new Error(`ended before listening; stderr:\n${stderr}`))));
    });
    const status = await readRegister(port, 3201);
    if (status !== 0x0637) throw new Error(`statusWord (3201) read ${status}, not 0x0637`);
  } finally {
    process.kill(-child.pid, 'SIGTERM');
  }
  await endedAfterSigterm(child, closed, () => stderr);
  if (!/^shutting down$/m.test(stderr)) throw new Error(`no graceful shutdown on SIGTERM; stderr:\n${stderr}`);
}

/**
 * A dependency's devDependencies are never installed, so the scratch folder holds what
 * `npm install --omit=dev` of the tarball (the image's install) holds: none of our devDependencies.
 */
async function productionOnly() {
  const { devDependencies } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const present = Object.keys(devDependencies).filter((name) => existsSync(join(scratch, 'node_modules', name, 'package.json')));
  if (present.length > 0) throw new Error(`devDependencies installed: ${present.join(', ')}`);
}

/** A loopback port that was free a moment ago. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The JSON array of a Dockerfile instruction (`CMD [...]`, `HEALTHCHECK ... CMD [...]`). */
function instruction(dockerfile, pattern) {
  const line = dockerfile.split('\n').find((l) => pattern.test(l));
  if (!line) throw new Error(`no ${pattern} in the Dockerfile`);
  return JSON.parse(line.slice(line.indexOf('[')));
}

/**
 * What the image runs, without a Docker engine: ENTRYPOINT + CMD from the scratch install (the
 * image's fixed ports 5020 and 8502 swapped for free ones), then the HEALTHCHECK's command against
 * it, then a Modbus read, then SIGTERM.
 */
async function serveImageCommand() {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
  const [modbusPort, controlPort] = [await freePort(), await freePort()];
  const ports = (arg) => arg.replace(/^5020$/, String(modbusPort)).replace(/:8502\b/, `:${controlPort}`);
  const command = [...instruction(dockerfile, /^ENTRYPOINT /), ...instruction(dockerfile, /^CMD /).map(ports)];
  const health = instruction(dockerfile, /^HEALTHCHECK /).map((arg) => arg.replace(':8502/', `:${controlPort}/`));
  if (health.join(' ') === instruction(dockerfile, /^HEALTHCHECK /).join(' ')) throw new Error('the HEALTHCHECK does not ask port 8502');
  const child = spawn('npx', ['--no-install', ...command], { cwd: scratch, stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, NODE_ENV: 'production' } });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (t) => (stderr += t));
  const closed = new Promise((resolve) => child.on('close', resolve));
  try {
    await new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`no "listening on" line within 20 s; stderr:\n${stderr}`)), 20_000);
      child.stdout.setEncoding('utf8').on('data', (t) => {
        out += t;
        if (/^listening on /m.test(out)) (clearTimeout(timer), resolve());
      });
      void closed.then(() => (clearTimeout(timer), reject(new Error(`ended before listening; stderr:\n${stderr}`))));
    });
    await run(health[0], health.slice(1), scratch, 10_000).catch((error) => {
      throw new Error(`the HEALTHCHECK command failed: ${error.message}`);
    });
    const status = await readRegister(modbusPort, 3201);
    if (status !== 0x0637) throw new Error(`statusWord (3201) read ${status}, not 0x0637`);
  } finally {
    process.kill(-child.pid, 'SIGTERM');
  }
  await endedAfterSigterm(child, closed, () => stderr);
}

/** After the SIGTERM: the process group ends within 10 s, or is killed and the check fails. */
async function endedAfterSigterm(child, closed, stderrNow) {
  const ended = await Promise.race([closed.then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), 10_000))]);
  if (!ended) {
    process.kill(-child.pid, 'SIGKILL');
    throw new Error(`still running 10 s after SIGTERM; stderr:\n${stderrNow()}`);
  }
}

let tarball;
await check('npm pack', async () => {
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', scratch], root);
  tarball = join(scratch, JSON.parse(stdout)[0].filename);
});
await check(`npm install --engine-strict of the tarball on Node ${process.versions.node}, no EBADENGINE`, async () => {
  writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'scratch', private: true }));
  const { stdout, stderr } = await run('npm', ['install', '--engine-strict', '--no-audit', '--no-fund', tarball], scratch);
  if (/EBADENGINE/.test(stdout + stderr)) throw new Error(stdout + stderr);
});
await check('npx modbus-emu --version prints the package version', async () => {
  const { stdout } = await run('npx', ['--no-install', 'modbus-emu', '--version'], scratch, 60_000);
  if (stdout.trim() !== version) throw new Error(`printed ${JSON.stringify(stdout)}, not ${version}`);
});
await check('npx modbus-emu --list-devices names the bundled pump', async () => {
  const { stdout } = await run('npx', ['--no-install', 'modbus-emu', '--list-devices'], scratch, 60_000);
  if (!/^pump\s/m.test(stdout)) throw new Error(`no pump in:\n${stdout}`);
});
await check('npx modbus-emu pump serves the bundled pump by name (statusWord 0x0637), and shuts down on SIGTERM', serveBundledPump);
await check('the scratch install holds production dependencies only (what the Dockerfile installs)', productionOnly);
await check("the Dockerfile's ENTRYPOINT + CMD serve the pump, and its HEALTHCHECK command passes against the control channel", serveImageCommand);

rmSync(scratch, { recursive: true, force: true });
const passed = results.filter(Boolean).length;
console.log(`${passed} passed, ${results.length - passed} failed`);
process.exit(passed === results.length ? 0 : 1);
