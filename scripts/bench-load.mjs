// npm run bench:load [-- sizes...]: how long loading a large profile takes, and its peak memory.
// For each size (default 5000 50000 100000 points) it writes a profile into a temporary folder
// and loads, validates and compiles it in a child process of its own, so that each size's peak
// RSS is its own; then, in another child, reads the same file with js-yaml's plain `load` (no
// positions, no validation), the yardstick for the ratio column. Needs the build (npm run build).
// A manual measurement, not a test.
//
//   npm run bench:load                      5k, 50k and 100k points
//   npm run bench:load -- 20000 45581       other sizes
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

if (process.argv[2] === '--child') {
  await child(process.argv[3]);
} else if (process.argv[2] === '--js-yaml') {
  await jsYamlChild(process.argv[3]);
} else {
  parent(process.argv.slice(2).map(Number));
}

function parent(requested) {
  const sizes = requested.length > 0 ? requested : [5000, 50000, 100000];
  const dir = mkdtempSync(join(tmpdir(), 'modbus-emu-bench-load-'));
  try {
    // Wall time suffers when other processes share the cores; CPU time (all threads, the garbage
    // collector's included) is the steadier figure for comparing sizes.
    console.log('| points | file | load + validate | compile | total | CPU | CPU ms per 1,000 points | peak RSS | js-yaml `load` | total ÷ js-yaml |');
    console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const size of sizes) {
      const file = join(dir, `profile-${size}.yaml`);
      writeFileSync(file, profileText(size));
      const r = measure('--child', file, size);
      const y = measure('--js-yaml', file, size);
      const total = r.loadMs + r.compileMs;
      console.log(
        `| ${size.toLocaleString('en')} | ${(statSync(file).size / 1e6).toFixed(1)} MB | ${seconds(r.loadMs)} | ` +
          `${seconds(r.compileMs)} | ${seconds(total)} | ${seconds(r.cpuMs)} | ${((r.cpuMs / size) * 1000).toFixed(0)} | ` +
          `${(r.maxRssKb / 1024).toFixed(0)} MiB | ${seconds(y.loadMs)} | ${(total / y.loadMs).toFixed(1)}× |`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function measure(mode, file, size) {
  const run = spawnSync(process.execPath, [fileURLToPath(import.meta.url), mode, file], { encoding: 'utf8', cwd: root });
  if (run.status !== 0) throw new Error(`the run ${mode} with ${size} points failed:\n${run.stderr}`);
  return JSON.parse(run.stdout);
}

/** js-yaml's plain `load` of the same file: the time a fast YAML reader needs, nothing else. */
async function jsYamlChild(file) {
  const { load } = await import('js-yaml');
  const { readFile } = await import('node:fs/promises');
  const start = performance.now();
  load(await readFile(file, 'utf8'));
  process.stdout.write(JSON.stringify({ loadMs: performance.now() - start }));
}

async function child(file) {
  const { loadProfileFile } = await import('../dist/profile/index.js');
  const { compileProfile } = await import('../dist/compiler/compile.js');
  const { createEnvironment } = await import('../dist/runtime/environment.js');
  const cpuAtStart = process.cpuUsage();
  const start = performance.now();
  const loaded = await loadProfileFile(file);
  const loadedAt = performance.now();
  if (!loaded.ok) throw new Error(`the generated profile is invalid: ${JSON.stringify(loaded.diagnostics.slice(0, 3))}`);
  const compiled = compileProfile(loaded.loaded, { env: createEnvironment() });
  const compiledAt = performance.now();
  if (!compiled.ok) throw new Error(`the generated profile does not compile: ${JSON.stringify(compiled.diagnostics.slice(0, 3))}`);
  const cpu = process.cpuUsage(cpuAtStart);
  const result = {
    loadMs: loadedAt - start,
    compileMs: compiledAt - loadedAt,
    cpuMs: (cpu.user + cpu.system) / 1000,
    maxRssKb: process.resourceUsage().maxRSS,
  };
  process.stdout.write(JSON.stringify(result));
}

/**
 * A realistic single device: per 5 points an int16 and a uint16 holding register, a float32 input
 * register, a coil and a discrete input, with scales, units, limits, enums and descriptions, so
 * 100,000 points fit the four tables (40,000 holding and input registers, 20,000 bits each).
 */
function profileText(size) {
  const lines = ['version: 1', `name: bench-${size}`, 'points:'];
  const address = { holding: 0, input: 0, coil: 0, discreteInput: 0 };
  for (let i = 0; i < size; i++) {
    const name = `p${String(i).padStart(6, '0')}`;
    switch (i % 5) {
      case 0:
        lines.push(`  ${name}: { type: int16, address: ${address.holding++}, scale: 0.1, unit: °C, min: -40, max: 120, value: 21.5, description: Temperature ${i} }`);
        break;
      case 1:
        lines.push(`  ${name}: { type: uint16, address: ${address.holding++}, enum: { "0": OFF, "1": ON }, value: ON }`);
        break;
      case 2:
        lines.push(`  ${name}: { type: float32, table: input, address: ${address.input}, unit: V, value: 230.4 }`);
        address.input += 2;
        break;
      case 3:
        lines.push(`  ${name}: { type: bool, address: ${address.coil++}, value: true }`);
        break;
      default:
        lines.push(`  ${name}: { type: bool, table: discreteInput, address: ${address.discreteInput++} }`);
    }
  }
  return lines.join('\n') + '\n';
}

function seconds(ms) {
  return `${(ms / 1000).toFixed(2)} s`;
}
