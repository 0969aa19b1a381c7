// node scripts/step-budget.mjs [--dist OTHER/dist]: what one read costs when `every` is far too
// fine for the time scale. Compiles a one-point device (`prev + 0.001 * sin(t)` every 1 ms) under
// --time-scale 1000000 in this process and reads the point as fast as it can for 2 s: each read
// finds a million steps due and computes as many as the step budget allows. In-process, no
// sockets. `--dist` measures another build the same way. Needs the build (npm run build).
import { fileURLToPath, pathToFileURL } from 'node:url';

const i = process.argv.indexOf('--dist');
const dist = i === -1 ? fileURLToPath(new URL('../dist/', import.meta.url)) : `${process.argv[i + 1]}/`;
const load = (module) => import(pathToFileURL(`${dist}${module}`).href);
const { loadProfileText } = await load('profile/load.js');
const { compileProfile } = await load('compiler/compile.js');
const { createEnvironment } = await load('runtime/environment.js');
const { silentLogger } = await load('log.js');

const yaml = 'version: 1\npoints:\n  level: { type: float32, address: 0, generate: { expression: "prev + 0.001 * sin(t)", every: 0.001 } }\n';
const loaded = await loadProfileText(yaml, 'step-budget.yaml');
if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
const compiled = compileProfile(loaded.loaded, { env: createEnvironment({ timeScale: 1_000_000, logger: silentLogger }) });
if (!compiled.ok) throw new Error(JSON.stringify(compiled.diagnostics));
const unit = compiled.profile.units[0];
unit.read('level');
let reads = 0;
const end = performance.now() + 2000;
while (performance.now() < end) {
  unit.read('level');
  reads++;
}
console.log(`${(reads / 2).toFixed(0)} reads per second (${(2000 / reads).toFixed(2)} ms per read)`);
