import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The dependency table (docs/architecture.md): each area of src/ may import only the areas listed
 * for it, and the leaves (time.ts, log.ts, environment.ts, suggest.ts, cidr.ts, chance.ts, errors.ts) that anything but the protocol may use:
 *
 *   protocol ← pipeline ← device ← model ← generators, faults ← compiler ← runtime ← watch ← cli
 *   profile (parse and validate) ← compiler; server ← runtime; the server sees protocol and pipeline only
 *   runtime ← control (the HTTP control channel) ← cli
 *
 * Packages belong to one area each (node:net to the server, yaml, js-yaml and ajv to profile, commander to
 * the CLI, chokidar to watch, jsep to generators, fastify to control); real time and chance are
 * read only in runtime/; one module builds the server; the library's main entry never reaches the
 * CLI (it may reach watch: `startEmulator({ watch: true })`). The TypeScript parser reads the
 * imports (type-only, re-exports and dynamic ones included) and finds the calls, so comments and
 * strings cannot fool the check.
 */

type Area = 'protocol' | 'pipeline' | 'device' | 'model' | 'generators' | 'profile' | 'faults' | 'compiler' | 'server' | 'runtime' | 'watch' | 'control' | 'cli';

const MAY_IMPORT: Readonly<Record<Area, readonly Area[]>> = {
  protocol: [],
  pipeline: ['protocol'],
  device: ['protocol', 'pipeline'],
  model: ['protocol', 'pipeline', 'device'],
  generators: ['protocol', 'pipeline', 'device', 'model'],
  profile: [],
  // Fault rules: the engine and one module per action; profile for the rule types only.
  faults: ['protocol', 'pipeline', 'device', 'model', 'profile'],
  compiler: ['protocol', 'pipeline', 'device', 'model', 'generators', 'profile', 'faults'],
  server: ['protocol', 'pipeline'],
  runtime: ['protocol', 'pipeline', 'device', 'model', 'generators', 'profile', 'faults', 'compiler', 'server'],
  watch: ['runtime', 'profile'],
  control: ['runtime', 'profile'],
  cli: ['runtime', 'profile', 'watch', 'control'],
};
const AREAS = Object.keys(MAY_IMPORT) as Area[];

/** Leaf modules: what each may import; everyone but the protocol may import them. */
const LEAVES: Readonly<Record<string, readonly string[]>> = {
  'src/time.ts': [],
  'src/log.ts': [],
  'src/environment.ts': ['src/time.ts', 'src/log.ts'],
  'src/suggest.ts': [],
  'src/cidr.ts': [],
  'src/chance.ts': ['src/time.ts'],
  'src/errors.ts': [],
};
/**
 * The package's entries re-export the library: the public API (`modbus-emu`) and the unstable one
 * (`modbus-emu/internal`); the CLI is reached through bin/ only.
 */
const ENTRIES: readonly string[] = ['src/index.ts', 'src/internal.ts'];
/** The only module that constructs the server: the runtime. */
const SERVER_OWNER = 'src/runtime/runtime.ts';

interface SourceFile {
  /** Repository-relative, forward slashes: `src/device/handler.ts`. */
  readonly path: string;
  readonly text: string;
}

type RuleId = 'dependency-table' | 'unknown-module' | 'node-net' | 'yaml-ajv' | 'commander' | 'chokidar' | 'jsep' | 'fastify' | 'serialport' | 'time-chance' | 'one-server' | 'entry-without-cli' | 'unit-internals';

interface Violation {
  readonly rule: RuleId;
  readonly file: string;
  readonly detail: string;
}

/** An import target: a `src/...` path for relative imports, else the bare specifier. */
function resolve(from: string, specifier: string): string {
  if (!specifier.startsWith('.')) return specifier;
  return posix.join(posix.dirname(from), specifier).replace(/\.js$/, '.ts');
}

/** `src/protocol/mbap.ts` → `protocol`; a leaf or the entry → its path; a package → undefined. */
function area(target: string): string | undefined {
  if (!target.startsWith('src/')) return undefined;
  const rest = target.slice(4);
  return rest.includes('/') ? rest.split('/')[0] : target;
}

const isArea = (name: string | undefined): name is Area => name !== undefined && (AREAS as string[]).includes(name);

/** Why `from` may not import `target` (a src/ path), or undefined when it may. */
function forbiddenEdge(from: string, target: string): string | undefined {
  const a = area(from)!;
  const b = area(target)!;
  if (a === b) return undefined;
  if (b in LEAVES) return a === 'protocol' ? 'the protocol imports nothing outside itself' : undefined;
  if (a in LEAVES) return LEAVES[a]!.includes(target) ? undefined : `${a} is a leaf`;
  if (ENTRIES.includes(b)) return `nothing imports the package entry ${b}`;
  if (ENTRIES.includes(a)) return isArea(b) && b !== 'cli' && b !== 'control' ? undefined : 'the entry exports the library, not the CLI';
  if (!isArea(a) || !isArea(b)) return `${isArea(a) ? b : a} is not in the dependency table`;
  return MAY_IMPORT[a].includes(b) ? undefined : `${a} may import ${MAY_IMPORT[a].join(', ') || 'nothing outside itself'}`;
}

/** `ajv/dist/2020` → `ajv`; `@scope/pkg/x` → `@scope/pkg`; `node:net` → `node:net`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

const isBuiltin = (specifier: string) => specifier.startsWith('node:');

/** Packages (or builtins) only one area may import. */
const OWNED_PACKAGES: readonly [RuleId, readonly string[], string][] = [
  ['node-net', ['node:net', 'net'], 'server'],
  ['yaml-ajv', ['yaml', 'js-yaml', 'ajv', 'ajv-formats'], 'profile'],
  ['commander', ['commander'], 'cli'],
  ['chokidar', ['chokidar'], 'watch'],
  ['jsep', ['jsep'], 'generators'],
  ['fastify', ['fastify', '@fastify/swagger'], 'control'],
  ['serialport', ['serialport'], 'runtime'],
];

/** Real time and chance, which must come in through the injected Timer, Clock and RandomSource. */
const FORBIDDEN_CALLS = new Set(['Date.now', 'Date', 'setTimeout', 'setInterval', 'setImmediate', 'Math.random', 'performance.now', 'process.hrtime', 'hrtime.bigint', 'crypto.randomInt', 'randomInt', 'crypto.getRandomValues', 'getRandomValues', 'randomBytes']);

function calleeName(callee: ts.Expression): string | undefined {
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression)) {
    const owner = callee.expression.text;
    // `globalThis.setTimeout(` is the global; `timer.setTimeout(` is an injected one
    return owner === 'globalThis' || owner === 'global' ? callee.name.text : `${owner}.${callee.name.text}`;
  }
  return undefined;
}

function forbiddenCalls(file: SourceFile): string[] {
  const source = ts.createSourceFile(file.path, file.text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    let name: string | undefined;
    if (ts.isCallExpression(node)) name = calleeName(node.expression);
    // `const now = Date.now` smuggles the clock out without a call
    else if (ts.isPropertyAccessExpression(node) && !ts.isCallExpression(node.parent)) name = calleeName(node);
    // `new Date()` reads the wall clock as surely as Date.now()
    if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'Date') name = 'new Date';
    if (name && (FORBIDDEN_CALLS.has(name) || name === 'new Date')) {
      const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
      found.push(`${name}( at line ${line + 1}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function importsOf(file: SourceFile): string[] {
  return ts.preProcessFile(file.text, true, true).importedFiles.map((f) => f.fileName);
}

function checkArchitecture(files: readonly SourceFile[]): Violation[] {
  const violations: Violation[] = [];
  for (const file of files) {
    const from = area(file.path);
    for (const specifier of importsOf(file)) {
      const target = resolve(file.path, specifier);
      const to = area(target);
      const edge = (rule: RuleId, why?: string) => violations.push({ rule, file: file.path, detail: `imports ${specifier}${why ? `: ${why}` : ''}` });
      if (to !== undefined) {
        const why = forbiddenEdge(file.path, target);
        if (why) edge(!isArea(from) && !(file.path in LEAVES) && !ENTRIES.includes(file.path) ? 'unknown-module' : 'dependency-table', why);
        continue;
      }
      if (from === 'protocol' || (file.path in LEAVES)) edge('dependency-table', `${from} imports no package`);
      else if (from === 'server' && !(isBuiltin(specifier) || packageName(specifier) === 'node:net')) edge('dependency-table', 'the server imports only node: builtins');
      for (const [rule, packages, owner] of OWNED_PACKAGES) {
        if (packages.includes(packageName(specifier)) && from !== owner) edge(rule);
      }
    }
    if (from !== 'runtime') {
      for (const call of forbiddenCalls(file)) violations.push({ rule: 'time-chance', file: file.path, detail: call });
    }
    if (file.path !== SERVER_OWNER && constructsServer(file)) violations.push({ rule: 'one-server', file: file.path, detail: `constructs a server (only ${SERVER_OWNER} does)` });
    if (!UNIT_INTERNALS_USERS.includes(from ?? '') && importsUnitInternals(file)) violations.push({ rule: 'unit-internals', file: file.path, detail: 'imports unitInternals: a unit\'s layout and storage are the model\'s (the compiled profile offers what others need, e.g. injectFault)' });
  }
  violations.push(...entryReachesCli(files));
  return violations;
}

function constructsServer(file: SourceFile): boolean {
  const source = ts.createSourceFile(file.path, file.text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  let found = false;
  const visit = (node: ts.Node): void => {
    if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && (node.expression.text === 'ModbusTcpServer' || node.expression.text === 'ModbusSerialServer')) found = true;
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/**
 * Who may read a unit's layout and storage behind its API (model/unit.ts `unitInternals`): the
 * model itself, and the fault actions, which snapshot storage on the request path (`stale`). The
 * compiler and the runtime go through the compiled profile (`injectFault`, `takeOver`, `reset`).
 */
const UNIT_INTERNALS_USERS: readonly string[] = ['model', 'faults'];

/** Imports (or re-exports) `unitInternals` from model/unit.ts. */
function importsUnitInternals(file: SourceFile): boolean {
  const source = ts.createSourceFile(file.path, file.text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  return source.statements.some((st) => {
    const specifier = (ts.isImportDeclaration(st) || ts.isExportDeclaration(st)) && st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier) ? st.moduleSpecifier.text : undefined;
    if (!specifier || resolve(file.path, specifier) !== 'src/model/unit.ts') return false;
    return /\bunitInternals\b/.test(st.getText(source));
  });
}

/** Everything a package entry loads, followed through src/: no CLI or control-channel module, no commander or fastify. */
function entryReachesCli(files: readonly SourceFile[]): Violation[] {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const violations: Violation[] = [];
  for (const entry of ENTRIES.filter((e) => byPath.has(e))) {
    const seen = new Set<string>([entry]);
    const queue = [entry];
    while (queue.length > 0) {
      const path = queue.shift()!;
      for (const specifier of importsOf(byPath.get(path)!)) {
        const target = resolve(path, specifier);
        if (['commander', 'fastify'].includes(packageName(specifier)) || area(target) === 'cli' || area(target) === 'control') {
          violations.push({ rule: 'entry-without-cli', file: path, detail: `${entry} loads ${specifier} through ${path}` });
        }
        if (byPath.has(target) && !seen.has(target)) {
          seen.add(target);
          queue.push(target);
        }
      }
    }
  }
  return violations;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function sourceFiles(): SourceFile[] {
  return (readdirSync(posix.join(ROOT, 'src'), { recursive: true }) as string[])
    .map((p) => p.split('\\').join('/'))
    .filter((p) => p.endsWith('.ts') && !p.endsWith('.d.ts'))
    .map((p) => ({ path: `src/${p}`, text: readFileSync(posix.join(ROOT, 'src', p), 'utf8') }));
}

describe('architecture: dependency direction (docs/architecture.md)', () => {
  const files = sourceFiles();

  it('reads the real sources (not an empty list)', () => {
    const paths = files.map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['src/protocol/request.ts', 'src/device/handler.ts', 'src/server/connection.ts', 'src/time.ts']));
  });

  it('src/ has no forbidden edge and no wall-clock time or chance outside src/runtime', () => {
    expect(checkArchitecture(files)).toEqual([]);
  });
});

describe('architecture: every rule fails when violated', () => {
  const file = (path: string, text: string): SourceFile => ({ path, text });
  const rulesOf = (...files: SourceFile[]) => checkArchitecture(files).map((v) => v.rule);
  const imports = (from: string, target: string, type = false): SourceFile =>
    file(from, `import ${type ? 'type ' : ''}{ x } from '${posix.relative(posix.dirname(from), target).replace(/^(?!\.)/, './').replace(/\.ts$/, '.js')}';`);

  // Every edge the table forbids, one case per pair of areas: a file in `a` importing one in `b`.
  const forbidden: [string, string][] = [];
  for (const a of AREAS) for (const b of AREAS) if (a !== b && !MAY_IMPORT[a].includes(b)) forbidden.push([a, b]);

  it.each(forbidden)('%s importing %s breaks the dependency table', (a, b) => {
    expect(rulesOf(imports(`src/${a}/x.ts`, `src/${b}/y.ts`, true))).toContain('dependency-table');
  });

  it.each(AREAS.flatMap((a) => MAY_IMPORT[a].map((b) => [a, b] as const)))('%s importing %s is allowed', (a, b) => {
    expect(checkArchitecture([imports(`src/${a}/x.ts`, `src/${b}/y.ts`)])).toEqual([]);
  });

  it.each<[string, SourceFile, RuleId]>([
    // [comment, synthetic file, rule it breaks]
    ['protocol importing a builtin', file('src/protocol/x.ts', "import { Buffer } from 'node:buffer';"), 'dependency-table'],
    ['protocol importing time.ts', file('src/protocol/x.ts', "import type { Clock } from '../time.js';"), 'dependency-table'],
    ['protocol re-exporting from device', file('src/protocol/x.ts', "export { InMemoryDataSource } from '../device/memory.js';"), 'dependency-table'],
    ['protocol importing a package dynamically', file('src/protocol/x.ts', "const m = await import('yaml');"), 'dependency-table'],
    ['a leaf importing an area', file('src/time.ts', "import type { Exchange } from './pipeline/types.js';"), 'dependency-table'],
    ['a leaf importing a package', file('src/log.ts', "import { Command } from 'commander';"), 'dependency-table'],
    ['an area importing the public entry', file('src/runtime/x.ts', "import { startEmulator } from '../index.js';"), 'dependency-table'],
    ['the entry re-exporting the CLI', file('src/index.ts', "export { run } from './cli/run.js';"), 'dependency-table'],
    ['a folder missing from the table', file('src/extra/x.ts', "import { Limits } from '../protocol/constants.js';"), 'unknown-module'],
    ['the server importing the runtime timers', file('src/server/x.ts', "import { realTimer } from '../runtime/timers.js';"), 'dependency-table'],
    ['the server importing a package', file('src/server/x.ts', "import { parse } from 'yaml';"), 'dependency-table'],
    ['node:net outside the server', file('src/runtime/x.ts', "import { createServer } from 'node:net';"), 'node-net'],
    ['bare net outside the server', file('src/cli/x.ts', "import net from 'net';"), 'node-net'],
    ['yaml outside profile', file('src/compiler/x.ts', "import { parse } from 'yaml';"), 'yaml-ajv'],
    ['ajv subpath outside profile', file('src/cli/x.ts', "import Ajv from 'ajv/dist/2020.js';"), 'yaml-ajv'],
    ['commander outside cli', file('src/runtime/x.ts', "import { Command } from 'commander';"), 'commander'],
    ['chokidar outside watch', file('src/runtime/x.ts', "import { watch } from 'chokidar';"), 'chokidar'],
    ['jsep outside generators', file('src/compiler/x.ts', "import jsep from 'jsep';"), 'jsep'],
    ['fastify outside control', file('src/cli/x.ts', "import Fastify from 'fastify';"), 'fastify'],
    ['serialport outside runtime', file('src/cli/x.ts', "const { SerialPort } = await import('serialport');"), 'serialport'],
    ['the entry re-exporting the control channel', file('src/index.ts', "export { startControl } from './control/server.js';"), 'dependency-table'],
    ['the unstable entry re-exporting the CLI', file('src/internal.ts', "export { serve } from './cli/serve.js';"), 'dependency-table'],
    ['an area importing the unstable entry', file('src/compiler/x.ts', "import { Runtime } from '../internal.js';"), 'dependency-table'],
    ['Date.now( outside runtime', file('src/device/x.ts', 'export const t = () => Date.now();'), 'time-chance'],
    ['Date.now passed around as a value', file('src/pipeline/x.ts', 'export const now = Date.now;'), 'time-chance'],
    ['new Date() outside runtime', file('src/model/x.ts', 'export const today = new Date();'), 'time-chance'],
    ['performance.now( outside runtime', file('src/server/x.ts', 'export const t = performance.now();'), 'time-chance'],
    ['process.hrtime( outside runtime', file('src/compiler/x.ts', 'export const t = process.hrtime();'), 'time-chance'],
    ['process.hrtime.bigint( outside runtime', file('src/compiler/x.ts', 'export const t = process.hrtime.bigint();'), 'time-chance'],
    ['setImmediate( outside runtime', file('src/server/x.ts', 'setImmediate(() => {});'), 'time-chance'],
    ['setTimeout( outside runtime', file('src/server/x.ts', 'setTimeout(() => {}, 10);'), 'time-chance'],
    ['globalThis.setInterval( outside runtime', file('src/server/x.ts', 'globalThis.setInterval(() => {}, 10);'), 'time-chance'],
    ['Math.random( outside runtime', file('src/pipeline/faults/x.ts', 'export const p = Math.random() < 0.5;'), 'time-chance'],
    ['crypto.randomInt( outside runtime', file('src/model/x.ts', "import crypto from 'node:crypto';\nexport const n = crypto.randomInt(10);"), 'time-chance'],
    ['a second module constructing the server', file('src/runtime/other.ts', 'const s = new ModbusTcpServer({ handler, timer });'), 'one-server'],
    ['the compiler reaching into a unit through unitInternals', file('src/compiler/x.ts', "import { unitInternals } from '../model/unit.js';"), 'unit-internals'],
    ['the runtime re-exporting unitInternals', file('src/runtime/x.ts', "export { unitInternals as internals } from '../model/unit.js';"), 'unit-internals'],
  ])('%s', (_comment, synthetic, rule) => {
    expect(rulesOf(synthetic)).toContain(rule);
  });

  it.each(ENTRIES)('the entry %s may not reach the CLI or commander through another module', (path) => {
    const entry = file(path, "export { createEmulator } from './runtime/emulator.js';");
    const emulator = file('src/runtime/emulator.ts', "import { Command } from 'commander';");
    expect(rulesOf(entry, emulator)).toContain('entry-without-cli');
  });

  it('the public entry may not reach the control channel or fastify through another module', () => {
    const entry = file('src/index.ts', "export { startEmulator } from './watch/emulator.js';");
    const watch = file('src/watch/emulator.ts', "import { startControl } from '../control/server.js';");
    const control = file('src/control/server.ts', "import Fastify from 'fastify';");
    expect(checkArchitecture([entry, watch, control]).filter((v) => v.rule === 'entry-without-cli').map((v) => v.file)).toEqual(['src/watch/emulator.ts', 'src/control/server.ts']);
  });

  it.each<[string, SourceFile]>([
    // [comment, synthetic file that must pass]
    ['protocol importing protocol', file('src/protocol/x.ts', "import { Limits } from './constants.js';")],
    ['device importing protocol, pipeline, time and log', file('src/device/x.ts', "import { Limits } from '../protocol/constants.js';\nimport type { Handler } from '../pipeline/types.js';\nimport type { Clock } from '../time.js';\nimport type { Logger } from '../log.js';")],
    ['server importing node:net, protocol, pipeline, log and time', file('src/server/x.ts', "import { createServer } from 'node:net';\nimport { scanFrame } from '../protocol/mbap.js';\nimport { compose } from '../pipeline/compose.js';\nimport type { Logger } from '../log.js';\nimport type { Timer } from '../time.js';")],
    ['model importing the environment leaf', file('src/model/x.ts', "import type { Environment } from '../environment.js';")],
    ['the runtime constructing the server', file('src/runtime/runtime.ts', 'const s = new ModbusTcpServer({ handler, timer });')],
    ['the model using unitInternals', file('src/model/hand-over.ts', "import { unitInternals } from './unit.js';")],
    ['the compiler creating units', file('src/compiler/x.ts', "import { createUnit } from '../model/unit.js';")],
    ['profile importing yaml and ajv', file('src/profile/x.ts', "import { parseDocument } from 'yaml';\nimport Ajv from 'ajv/dist/2020.js';")],
    ['cli importing commander', file('src/cli/x.ts', "import { Command } from 'commander';")],
    ['watch importing chokidar', file('src/watch/x.ts', "import { watch } from 'chokidar';")],
    ['generators importing jsep and the suggest leaf', file('src/generators/x.ts', "import jsep from 'jsep';\nimport { suggest } from '../suggest.js';")],
    ['control importing fastify', file('src/control/x.ts', "import Fastify from 'fastify';")],
    ['the entry re-exporting watch (startEmulator with watch: true)', file('src/index.ts', "export { startEmulator } from './watch/emulator.js';")],
    ['runtime reading real time and chance', file('src/runtime/x.ts', 'setTimeout(() => Date.now(), Math.random());\nsetImmediate(() => performance.now());\nnew Date();')],
    ['an injected timer and a socket method are not the global setTimeout', file('src/server/x.ts', 'this.host.timer.setTimeout(f, 5);\nsocket.setTimeout(5000, f);')],
    ['a method named setTimeout', file('src/server/x.ts', 'export const t = { setTimeout(fn: () => void, ms: number) { return ms; } };')],
    ['instanceof Date reads no clock', file('src/profile/x.ts', 'export const isDate = (v: unknown) => v instanceof Date;')],
    ['comments and strings mentioning them', file('src/device/x.ts', "// never Date.now() or setTimeout( here\n/* Math.random() */\nconst s = \"import x from 'node:net'; setTimeout(\";")],
  ])('%s passes', (_comment, synthetic) => {
    expect(checkArchitecture([synthetic])).toEqual([]);
  });
});

/**
 * docs/architecture.md states the rules above in two tables and a list of modules; they must be
 * the rules this test enforces and the folders src/ has, so the page cannot drift from the code.
 */
describe('architecture: docs/architecture.md says what this test checks', () => {
  const page = readFileSync(posix.join(ROOT, 'docs/architecture.md'), 'utf8');
  /** The rows of the Markdown table whose header row starts with `| first |`, as lists of `code` names per cell. */
  const table = (first: string): string[][][] => {
    const start = page.indexOf(`\n| ${first} |`);
    expect(start, `docs/architecture.md has a table headed "${first}"`).toBeGreaterThanOrEqual(0);
    const rows = page.slice(start + 1).split('\n');
    const end = rows.findIndex((l) => !l.startsWith('|'));
    return rows.slice(2, end).map((row) => row.split('|').slice(1, -1).map((cell) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!)));
  };

  it('the layering table is MAY_IMPORT, row for row', () => {
    const rows = table('area').map(([[name], allowed]) => [name!, allowed!] as const);
    expect(Object.fromEntries(rows)).toEqual(MAY_IMPORT);
    expect(rows.map(([name]) => name)).toEqual(AREAS);
  });

  it('the package table is the packages each area owns', () => {
    const rows = table('package').flatMap(([packages, [owner]]) => packages!.map((p) => [p, owner!] as const));
    // Every package the page names belongs to the area it says, and every owned group is named.
    const ownerOf = new Map(OWNED_PACKAGES.flatMap(([, packages, owner]) => packages.map((p) => [p, owner] as const)));
    expect(rows.filter(([p, owner]) => ownerOf.get(p) !== owner)).toEqual([]);
    expect(OWNED_PACKAGES.filter(([, packages]) => !rows.some(([p]) => packages.includes(p))).map(([rule]) => rule)).toEqual([]);
  });

  it('the module table has a row for every area and leaf, and each row names files that exist', () => {
    const named = table('module').flatMap(([modules]) => modules!);
    const folders = readdirSync(posix.join(ROOT, 'src'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => `src/${d.name}/`);
    expect(named).toEqual(expect.arrayContaining([...folders, ...Object.keys(LEAVES), ...ENTRIES]));
    expect(named.filter((m) => !existsSync(posix.join(ROOT, m)))).toEqual([]);
  });

  it('the page names the one module that constructs the server', () => {
    expect(page).toContain(`only \`${SERVER_OWNER}\` constructs the server`);
  });
});
