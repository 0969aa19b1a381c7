import { readdirSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * DESIGN.md "Dependency direction": protocol ← device ← pipeline ← compiler ← runtime ← watch ← cli,
 * the server depends only on protocol and pipeline, and time and chance come in through src/time.ts.
 * The TypeScript parser reads the imports (type-only, re-exports and dynamic ones included) and finds
 * the calls, so comments and strings cannot fool the check.
 */

interface SourceFile {
  /** Repository-relative, forward slashes: `src/device/handler.ts`. */
  readonly path: string;
  readonly text: string;
}

type RuleId = 'protocol-pure' | 'device-pipeline-layer' | 'server-deps' | 'node-net' | 'yaml-ajv' | 'commander' | 'chokidar' | 'time-chance';

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

/** `src/protocol/mbap.ts` → `protocol`; `src/time.ts` → `time.ts`; a package → undefined. */
function area(target: string): string | undefined {
  if (!target.startsWith('src/')) return undefined;
  return target.slice(4).split('/')[0];
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
  ['yaml-ajv', ['yaml', 'ajv', 'ajv-formats'], 'profile'],
  ['commander', ['commander'], 'cli'],
  ['chokidar', ['chokidar'], 'watch'],
];

const LOWER_LAYERS_MUST_NOT_REACH = new Set(['server', 'cli', 'profile', 'compiler', 'runtime', 'watch']);
const SERVER_MAY_IMPORT = (target: string) =>
  ['server', 'protocol', 'pipeline'].includes(area(target) ?? '') ||
  target === 'src/log.ts' ||
  target === 'src/time.ts' ||
  target === 'src/runtime/timers.ts' ||
  isBuiltin(target);

/** Calls to wall-clock time and chance, which must come in through injected Timer / Clock / Rng. */
const FORBIDDEN_CALLS = new Set(['Date.now', 'setTimeout', 'setInterval', 'Math.random']);

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
    if (name && FORBIDDEN_CALLS.has(name)) {
      const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
      found.push(`${name}( at line ${line + 1}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function checkArchitecture(files: readonly SourceFile[]): Violation[] {
  const violations: Violation[] = [];
  for (const file of files) {
    const from = area(file.path);
    const specifiers = ts.preProcessFile(file.text, true, true).importedFiles.map((f) => f.fileName);
    for (const specifier of specifiers) {
      const target = resolve(file.path, specifier);
      const to = area(target);
      const edge = (rule: RuleId) => violations.push({ rule, file: file.path, detail: `imports ${specifier}` });
      if (from === 'protocol' && to !== 'protocol') edge('protocol-pure');
      if ((from === 'device' || from === 'pipeline') && to !== undefined && LOWER_LAYERS_MUST_NOT_REACH.has(to)) edge('device-pipeline-layer');
      if (from === 'server' && !SERVER_MAY_IMPORT(target)) edge('server-deps');
      if (to === undefined) {
        for (const [rule, packages, owner] of OWNED_PACKAGES) {
          if (packages.includes(packageName(specifier)) && from !== owner) edge(rule);
        }
      }
    }
    if (from !== 'runtime') {
      for (const call of forbiddenCalls(file)) violations.push({ rule: 'time-chance', file: file.path, detail: call });
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

describe('architecture: dependency direction (DESIGN.md)', () => {
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

  it.each<[string, SourceFile, RuleId]>([
    // [comment, synthetic file, rule it breaks]
    ['protocol importing a builtin', file('src/protocol/x.ts', "import { Buffer } from 'node:buffer';"), 'protocol-pure'],
    ['protocol importing the pipeline (type only counts too)', file('src/protocol/x.ts', "import type { Outcome } from '../pipeline/types.js';"), 'protocol-pure'],
    ['protocol importing time.ts', file('src/protocol/x.ts', "import type { Clock } from '../time.js';"), 'protocol-pure'],
    ['protocol re-exporting from device', file('src/protocol/x.ts', "export { InMemoryDataSource } from '../device/memory.js';"), 'protocol-pure'],
    ['protocol importing a package dynamically', file('src/protocol/x.ts', "const m = await import('yaml');"), 'protocol-pure'],
    ['device importing the server', file('src/device/x.ts', "import { ModbusTcpServer } from '../server/server.js';"), 'device-pipeline-layer'],
    ['device importing runtime', file('src/device/x.ts', "import { realTimer } from '../runtime/timers.js';"), 'device-pipeline-layer'],
    ['pipeline importing the compiler', file('src/pipeline/x.ts', "import type { CompiledProfile } from '../compiler/types.js';"), 'device-pipeline-layer'],
    ['pipeline importing profile', file('src/pipeline/faults/x.ts', "import { ProfileError } from '../../profile/diagnostics.js';"), 'device-pipeline-layer'],
    ['pipeline importing cli', file('src/pipeline/x.ts', "import { run } from '../cli/run.js';"), 'device-pipeline-layer'],
    ['server importing device', file('src/server/x.ts', "import { createDeviceHandler } from '../device/handler.js';"), 'server-deps'],
    ['server importing the runtime emulator', file('src/server/x.ts', "import { Emulator } from '../runtime/emulator.js';"), 'server-deps'],
    ['server importing a package', file('src/server/x.ts', "import { parse } from 'yaml';"), 'server-deps'],
    ['node:net outside the server', file('src/runtime/x.ts', "import { createServer } from 'node:net';"), 'node-net'],
    ['bare net outside the server', file('src/cli/x.ts', "import net from 'net';"), 'node-net'],
    ['yaml outside profile', file('src/compiler/x.ts', "import { parse } from 'yaml';"), 'yaml-ajv'],
    ['ajv subpath outside profile', file('src/cli/x.ts', "import Ajv from 'ajv/dist/2020.js';"), 'yaml-ajv'],
    ['commander outside cli', file('src/runtime/x.ts', "import { Command } from 'commander';"), 'commander'],
    ['chokidar outside watch', file('src/runtime/x.ts', "import { watch } from 'chokidar';"), 'chokidar'],
    ['Date.now( outside runtime', file('src/device/x.ts', 'export const t = () => Date.now();'), 'time-chance'],
    ['Date.now passed around as a value', file('src/pipeline/x.ts', 'export const now = Date.now;'), 'time-chance'],
    ['setTimeout( outside runtime', file('src/server/x.ts', 'setTimeout(() => {}, 10);'), 'time-chance'],
    ['globalThis.setInterval( outside runtime', file('src/server/x.ts', 'globalThis.setInterval(() => {}, 10);'), 'time-chance'],
    ['Math.random( outside runtime', file('src/pipeline/faults/x.ts', 'export const p = Math.random() < 0.5;'), 'time-chance'],
  ])('%s', (_comment, synthetic, rule) => {
    expect(rulesOf(synthetic)).toContain(rule);
  });

  it.each<[string, SourceFile]>([
    // [comment, synthetic file that must pass]
    ['protocol importing protocol', file('src/protocol/x.ts', "import { Limits } from './constants.js';")],
    ['device importing protocol, pipeline, time and log', file('src/device/x.ts', "import { Limits } from '../protocol/constants.js';\nimport type { Handler } from '../pipeline/types.js';\nimport type { Clock } from '../time.js';\nimport type { Logger } from '../log.js';")],
    ['server importing node:net, protocol, pipeline, log, time and runtime/timers', file('src/server/x.ts', "import { createServer } from 'node:net';\nimport { scanFrame } from '../protocol/mbap.js';\nimport { compose } from '../pipeline/compose.js';\nimport type { Logger } from '../log.js';\nimport type { Timer } from '../time.js';\nimport { realTimer } from '../runtime/timers.js';")],
    ['profile importing yaml and ajv', file('src/profile/x.ts', "import { parseDocument } from 'yaml';\nimport Ajv from 'ajv/dist/2020.js';")],
    ['cli importing commander', file('src/cli/x.ts', "import { Command } from 'commander';")],
    ['watch importing chokidar', file('src/watch/x.ts', "import { watch } from 'chokidar';")],
    ['runtime calling setTimeout and Date.now', file('src/runtime/x.ts', 'setTimeout(() => Date.now(), Math.random());')],
    ['an injected timer and a socket method are not the global setTimeout', file('src/server/x.ts', 'this.host.timer.setTimeout(f, 5);\nsocket.setTimeout(5000, f);')],
    ['a method named setTimeout', file('src/server/x.ts', 'export const t = { setTimeout(fn: () => void, ms: number) { return ms; } };')],
    ['comments and strings mentioning them', file('src/device/x.ts', "// never Date.now() or setTimeout( here\n/* Math.random() */\nconst s = \"import x from 'node:net'; setTimeout(\";")],
  ])('%s passes', (_comment, synthetic) => {
    expect(checkArchitecture([synthetic])).toEqual([]);
  });
});
