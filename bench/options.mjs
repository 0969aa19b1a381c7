// Command-line options of `npm run bench` (scripts/bench.mjs). Pure: argv in, a plan or a
// BenchUsageError out, so the parsing is unit-tested (test/bench/options.test.ts).

export class BenchUsageError extends Error {
  name = 'BenchUsageError';
}

/** The standard workloads; their shapes (and names) are the ones of the published table. */
export const STANDARD_WORKLOADS = {
  W1: { conns: 1, depth: 1, fc: 3, start: 0, qty: 10 },
  W2: { conns: 16, depth: 1, fc: 3, start: 0, qty: 100 },
  W3: { conns: 16, depth: 8, fc: 3, start: 0, qty: 100 },
  W4: { conns: 256, depth: 1, fc: 3, start: 0, qty: 100 },
  W5: { conns: 16, depth: 1, fc: 16, start: 0, qty: 50 },
};

/** `mixed`: one connection pipelining `depth` deep beside `conns` request/response connections. */
const MIXED_DEFAULTS = { conns: 16, depth: 1024, fc: 3, start: 0, qty: 100 };

// Modbus limits per function code (Modbus Application Protocol V1.1b3, 6.1-6.4 and 6.12).
const MAX_QTY = { 1: 2000, 2: 2000, 3: 125, 4: 125, 16: 123 };

const KEYS = {
  fc: [1, 16],
  start: [0, 65535],
  qty: [1, 2000],
  conns: [1, 60000],
  depth: [1, 1024],
  unit: [0, 255],
  duration: [1, 3600],
};

function integer(text, what, [lo, hi]) {
  if (!/^(\d+|0x[0-9a-f]+)$/i.test(text)) throw new BenchUsageError(`${what}: "${text}" is not a whole number`);
  const value = Number(text);
  if (value < lo || value > hi) throw new BenchUsageError(`${what}: ${value} is outside ${lo}..${hi}`);
  return value;
}

/**
 * `--workload SPEC`: `[W1..W5|mixed,]key=value,...` with keys fc, start, qty, conns, depth,
 * duration, unit and name. Without a preset the defaults are fc=3 start=0 qty=100 conns=1 depth=1
 * unit=1. `mixed` has one connection `depth` deep (default 1,024) and `conns` (default 16)
 * request/response connections, all with the same request.
 */
export function parseWorkload(spec, index = 1) {
  const parts = spec.split(',').map((p) => p.trim());
  if (parts.some((p) => p === '')) throw new BenchUsageError(`--workload "${spec}": empty item`);
  let preset;
  if (!parts[0].includes('=')) {
    const word = parts.shift();
    const upper = word.toUpperCase();
    if (upper === 'MIXED') preset = 'mixed';
    else if (upper in STANDARD_WORKLOADS) preset = upper;
    else {
      const known = [...Object.keys(STANDARD_WORKLOADS), 'mixed'].join(', ');
      throw new BenchUsageError(`--workload "${spec}": unknown preset "${word}" (presets: ${known}; or key=value items)`);
    }
  }
  const given = {};
  let name;
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq < 0) throw new BenchUsageError(`--workload "${spec}": "${part}" is not key=value`);
    const key = part.slice(0, eq).trim();
    const text = part.slice(eq + 1).trim();
    if (key in given || (key === 'name' && name !== undefined)) {
      throw new BenchUsageError(`--workload "${spec}": ${key} is given twice`);
    }
    if (key === 'name') {
      if (!/^[\w.-]{1,40}$/.test(text)) throw new BenchUsageError(`--workload "${spec}": name must be 1-40 letters, digits, . _ -`);
      name = text;
    } else if (key in KEYS) {
      given[key] = integer(text, `--workload "${spec}": ${key}`, KEYS[key]);
    } else {
      throw new BenchUsageError(`--workload "${spec}": unknown key "${key}" (keys: ${[...Object.keys(KEYS), 'name'].join(', ')})`);
    }
  }
  const base = preset === 'mixed' ? MIXED_DEFAULTS : preset ? STANDARD_WORKLOADS[preset] : { conns: 1, depth: 1, fc: 3, start: 0, qty: 100 };
  const shape = { ...base, unit: 1, ...given };
  if (!(shape.fc in MAX_QTY)) throw new BenchUsageError(`--workload "${spec}": fc must be one of 1, 2, 3, 4, 16`);
  if (shape.qty > MAX_QTY[shape.fc]) {
    throw new BenchUsageError(`--workload "${spec}": qty ${shape.qty} is above FC ${shape.fc}'s maximum of ${MAX_QTY[shape.fc]}`);
  }
  if (shape.start + shape.qty > 65536) throw new BenchUsageError(`--workload "${spec}": start + qty is past address 65535`);

  const request = { fc: shape.fc, start: shape.start, qty: shape.qty, unit: shape.unit };
  const groups =
    preset === 'mixed'
      ? [
          { role: 'pipelined', conns: 1, depth: shape.depth, ...request },
          { role: 'req/resp', conns: shape.conns, depth: 1, ...request },
        ]
      : [{ role: undefined, conns: shape.conns, depth: shape.depth, ...request }];
  const modified = Object.keys(given).some((k) => k !== 'duration');
  const defaultName = preset === 'mixed' ? 'MIXED' : preset && !modified ? preset : `X${index}`;
  return { name: name ?? defaultName, duration: given.duration, groups };
}

/** "16 conn × 8 pipelined, FC3 read 100 at 0" */
export function describeGroup(g) {
  const what = g.fc === 16 ? `FC16 write ${g.qty}` : `FC${g.fc} read ${g.qty}`;
  const unit = g.unit === 1 ? '' : `, unit ${g.unit}`;
  const depth = g.depth > 1 ? ` × ${g.depth} pipelined` : '';
  return `${g.conns} conn${depth}, ${what} at ${g.start}${unit}`;
}

const USAGE = `usage: npm run bench -- [options]

Builds bench/*.c with the system C compiler (CC, else cc, gcc or clang) and the emulator
(npm run build), then measures the emulator beside the fixed-reply ceiling server on 127.0.0.1,
in alternating order per rep.

  --reps N              repetitions (default 2)
  --duration S          seconds per workload run (default 5)
  --quick               1 rep × 2 s
  --workload SPEC       repeatable; default W1..W5. SPEC = [W1..W5|mixed,]key=value,...
                        keys: fc start qty conns depth duration unit name
                        e.g. fc=4,start=100,qty=125,conns=16,depth=1,duration=5
                             mixed,depth=1024,conns=16   (1 conn 1,024 deep + 16 req/resp)
  --profile FILE        serve this profile (default: the in-memory device, every table zero)
  --idle N              idle connections for the RSS figure (default 1000; 0 skips it)
  --port-base P         ports P.. (default 15100): ceiling P, emulator P+1, B P+2, peers P+3..
  --target-cmd CMD      the server under test (default: node bin/modbus-emu.js of this checkout)
  --target-cmd-b CMD    a second server measured in the same alternating pairs ("before vs
                        after"), e.g. 'node /other/checkout/bin/modbus-emu.js'
                        A command gets "[PROFILE] --host 127.0.0.1 --port PORT" appended, unless
                        it contains {port} (then {port} and {profile} are substituted).
  --peers LIST          also run peer servers of the shared harness: libmodbus, pymodbus,
                        modbus-serial, jsmodbus (optional; needs --peers-dir or BENCH_DIR)
  --peers-dir DIR       the shared harness folder (default: $BENCH_DIR, else ../shared/bench)
  --no-build            do not run npm run build first
  --out DIR             results folder (default .bench/results/<timestamp>)
  -h, --help            this text`;

export const PEERS = ['libmodbus', 'pymodbus', 'modbus-serial', 'jsmodbus'];

/** argv (after `node scripts/bench.mjs`) → the run's plan. */
export function parseBenchArgs(argv, env = {}) {
  const o = {
    help: false,
    reps: 2,
    duration: 5,
    workloads: [],
    profile: undefined,
    idle: 1000,
    portBase: 15100,
    targetCmd: undefined,
    targetCmdB: undefined,
    peers: [],
    peersDir: env.BENCH_DIR || undefined,
    build: true,
    out: undefined,
  };
  let quick = false;
  const seen = new Set();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      if (inline !== undefined) return inline;
      const next = argv[++i];
      if (next === undefined) throw new BenchUsageError(`${flag} needs a value`);
      return next;
    };
    if (flag !== '--workload' && seen.has(flag)) throw new BenchUsageError(`${flag} is given twice`);
    seen.add(flag);
    switch (flag) {
      case '-h':
      case '--help': o.help = true; break;
      case '--reps': o.reps = integer(value(), '--reps', [1, 100]); break;
      case '--duration': o.duration = integer(value(), '--duration', [1, 3600]); break;
      case '--quick': quick = true; break;
      case '--workload': o.workloads.push(parseWorkload(value(), o.workloads.length + 1)); break;
      case '--profile': o.profile = value(); break;
      case '--idle': o.idle = integer(value(), '--idle', [0, 60000]); break;
      case '--port-base': o.portBase = integer(value(), '--port-base', [1024, 65000]); break;
      case '--target-cmd': o.targetCmd = value(); break;
      case '--target-cmd-b': o.targetCmdB = value(); break;
      case '--peers': {
        o.peers = value().split(',').map((p) => p.trim()).filter(Boolean);
        const unknown = o.peers.filter((p) => !PEERS.includes(p));
        if (unknown.length) throw new BenchUsageError(`--peers: unknown ${unknown.join(', ')} (known: ${PEERS.join(', ')})`);
        break;
      }
      case '--peers-dir': o.peersDir = value(); break;
      case '--no-build': o.build = false; break;
      case '--out': o.out = value(); break;
      default:
        throw new BenchUsageError(`unknown option ${arg} (see --help)`);
    }
  }
  if (quick) {
    if (seen.has('--reps') || seen.has('--duration')) throw new BenchUsageError('--quick sets --reps 1 --duration 2; give one or the other');
    o.reps = 1;
    o.duration = 2;
  }
  if (o.workloads.length === 0) {
    o.workloads = Object.keys(STANDARD_WORKLOADS).map((name, i) => parseWorkload(name, i + 1));
  }
  const names = o.workloads.map((w) => w.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw new BenchUsageError(`two workloads are named ${twice}: give one of them name=...`);
  for (const w of o.workloads) w.duration ??= o.duration;
  return o;
}

export { USAGE };
