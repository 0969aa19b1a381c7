// node scripts/state-kill-loop.mjs [--kills 100] [--seed 1] [--points 500]: the state file
// survives SIGKILL (docs/state-and-access.md). Run by CI on the built package (dist/).
//
// A child process serves a device of --points points with a state file and saves it back to back:
// each round writes one number k into every point (one synchronous step, as one client write is),
// prints "saving k", saves (temp file, fsync, rename, folder fsync), prints "saved k". The parent
// kills it with SIGKILL at a seeded random moment, then checks that the file parses and holds one
// whole round, the last one confirmed or the one after it, never a mix of two, and that the next
// child starts from exactly what the file held. It goes on until --kills kills landed while a save
// was under way ("saving" was the child's last word), then checks once that SIGTERM to the real
// CLI saves what a client wrote. Exits 1 with what went wrong, else prints a one-line summary.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom } from './fuzz-lib.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i < 0 ? fallback : args[i + 1];
};

if (args[0] === '--child') await child(args[1], Number(args[2]));
else await parent();

/** The child: serve, then save rounds back to back until killed. */
async function child(file, points) {
  const { startEmulator, silentLogger } = await import(join(root, 'dist/index.js'));
  const profile = { version: 1, name: 'kill', points: Object.fromEntries(Array.from({ length: points }, (_, i) => [`p${i}`, { type: 'uint16', address: i }])) };
  const emulator = await startEmulator({ profile, stateFile: file, logger: silentLogger, journal: false });
  let k = emulator.read('p0');
  process.stdout.write(`start ${k}\n`);
  for (;;) {
    k = (k + 1) & 0xffff;
    for (let i = 0; i < points; i++) emulator.write(`p${i}`, k);
    process.stdout.write(`saving ${k}\n`);
    await emulator.runtime.saveState();
    process.stdout.write(`saved ${k}\n`);
  }
}

async function parent() {
  const kills = Number(option('--kills', '100'));
  const points = Number(option('--points', '500'));
  // The kill moments are a function of --seed.
  const { next: random } = seededRandom(Number(option('--seed', '1')));
  if (!existsSync(join(root, 'dist/index.js'))) fail('dist/ is missing: run npm run build first');
  const dir = mkdtempSync(join(tmpdir(), 'modbus-emu-kill-'));
  const file = join(dir, 'state.json');
  let expected = 0; // what the file holds, as far as the parent knows
  let duringSave = 0;
  let runs = 0;
  try {
    while (duringSave < kills) {
      if (++runs > kills * 5) fail(`only ${duringSave} of ${runs - 1} kills landed during a save`);
      const lines = await runChild(file, points, 5 + random() * 60);
      const start = lines.find((l) => l.startsWith('start '));
      if (start && Number(start.slice(6)) !== expected) fail(`run ${runs}: the child started from ${start.slice(6)}, the file held ${expected}`);
      const confirmed = Math.max(start ? Number(start.slice(6)) : expected, ...lines.filter((l) => l.startsWith('saved ')).map((l) => Number(l.slice(6))));
      const last = lines.at(-1) ?? '';
      if (last.startsWith('saving ')) duringSave++;
      const held = readRound(file, points, runs);
      // Whole rounds only: the last confirmed one, or the one under way when the kill came.
      if (held !== confirmed && held !== ((confirmed + 1) & 0xffff)) fail(`run ${runs}: the file holds round ${held}, but ${confirmed} was confirmed (last word: ${last})`);
      expected = held;
    }
    await sigtermSaves(dir);
    console.log(`state-kill-loop: ${runs} SIGKILLs (${duringSave} during a save) with ${points} points, seed ${option('--seed', '1')}: the file always held one whole save; SIGTERM saved the last write`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Starts a child, kills it `delayMs` after its "start" line, resolves with every line it printed. */
function runChild(file, points, delayMs) {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [fileURLToPath(import.meta.url), '--child', file, String(points)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let timer;
    proc.stdout.setEncoding('utf8').on('data', (text) => {
      out += text;
      if (!timer && out.includes('start ')) timer = setTimeout(() => proc.kill('SIGKILL'), delayMs);
    });
    const guard = setTimeout(() => proc.kill('SIGKILL'), 20_000);
    proc.on('close', () => {
      clearTimeout(guard);
      resolve(out.split('\n').filter(Boolean));
    });
  });
}

/** The round every point of the file holds (0 for a file with nothing written); fails on a mix or a broken file. */
function readRound(file, points, run) {
  if (!existsSync(file)) return 0;
  let doc;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    fail(`run ${run}: the state file does not parse: ${error.message}`);
  }
  const saved = doc.units?.kill?.points ?? {};
  const values = new Set(Array.from({ length: points }, (_, i) => saved[`p${i}`]?.words[0] ?? 0));
  if (values.size !== 1) fail(`run ${run}: the state file mixes rounds ${[...values].slice(0, 5).join(', ')}`);
  return [...values][0];
}

/** The real CLI, SIGTERM after a client write: the write is in the file. */
async function sigtermSaves(dir) {
  writeFileSync(join(dir, 'p.yaml'), 'version: 1\npoints:\n  mode: { type: uint16, address: 11, value: 1 }\n');
  const proc = spawn(process.execPath, [join(root, 'bin/modbus-emu.js'), 'p.yaml', '--port', '0', '--state', 'term.json', '--no-watch'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.setEncoding('utf8').on('data', (t) => (stderr += t));
  const port = await new Promise((resolve, reject) => {
    let out = '';
    const timeout = setTimeout(() => reject(new Error(`the CLI did not print its ready line within 10 s: ${stderr}`)), 10_000);
    proc.stdout.setEncoding('utf8').on('data', (t) => {
      out += t;
      const m = /listening on \S+:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timeout);
        resolve(Number(m[1]));
      }
    });
  });
  // FC 6: register 11 = 0x1234; wait for the echo, then SIGTERM at once (well within the save delay).
  await new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' }, () => socket.write(Buffer.from('000100000006' + '01' + '06' + '000b' + '1234', 'hex')));
    const timeout = setTimeout(() => reject(new Error('no reply to the FC 6 write within 1 s')), 1000);
    socket.once('data', () => {
      clearTimeout(timeout);
      socket.destroy();
      resolve();
    });
    socket.on('error', reject);
  });
  proc.kill('SIGTERM');
  const code = await new Promise((resolve) => proc.on('close', resolve));
  const words = JSON.parse(readFileSync(join(dir, 'term.json'), 'utf8')).units?.p?.points?.mode?.words;
  if (code !== 0 || words?.[0] !== 0x1234) fail(`SIGTERM: exit ${code}, mode saved as ${JSON.stringify(words)} (expected [4660]); stderr: ${stderr}`);
}

function fail(message) {
  console.error(`state-kill-loop: ${message}`);
  process.exit(1);
}
