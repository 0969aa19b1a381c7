import { realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { formatPath, type Diagnostic, type DiagnosticCode } from './diagnostics.js';
import { isRecord } from './one-of.js';
import { parseYaml } from './parse-yaml.js';
import type { ProfileSchema } from './schema.js';
import { schemaDiagnostics } from './schema-diagnostics.js';
import type { SourceMap } from './source-map.js';
import { readText } from './read-text.js';

export interface IncludeHost {
  readonly schema: ProfileSchema;
  readonly sourceMap: SourceMap;
  readonly diagnostics: Diagnostic[];
  /** Folder that include paths are relative to, as the user sees it ('' for the working folder). */
  readonly baseDir: string;
  readonly cwd: string;
  readFile(absolutePath: string): Promise<string>;
  /** Includes only inside this folder, quoting nothing from them (LoadFileOptions.includeRoot). */
  readonly includeRoot?: string | false;
  /** Called once per included file, in the order they are met (diagnostics are sorted by it). */
  noteFile(file: string): void;
}

type Included =
  | { readonly kind: 'device'; readonly device: Record<string, unknown> }
  | { readonly kind: 'missing' | 'unreadable' | 'notFile' | 'tooLarge' | 'empty' | 'outside'; readonly detail: string }
  | { readonly kind: 'invalid'; readonly problems?: number };

/** A unit gives its device one way; `include` with any of these is ambiguous. */
const OTHER_SOURCES = ['points', 'blocks', 'use', 'respond'];

/**
 * Replaces every `include` in the profile by the device it names, as LoadedProfile documents.
 * Each file is read, parsed and checked against `Device` once per load however often it is
 * included. Included files cannot include, so there are no cycles.
 */
export async function resolveIncludes(profile: Record<string, unknown>, host: IncludeHost): Promise<void> {
  const cache = new Map<string, Promise<Included>>();
  const include = (
    owner: Record<string, unknown>,
    path: readonly (string | number)[],
  ): Promise<Record<string, unknown> | undefined> => includeAt(owner, path, host, cache);
  const jobs: Promise<void>[] = [];

  const templates = profile.templates;
  if (isRecord(templates)) {
    for (const [name, entry] of Object.entries(templates)) {
      if (!isRecord(entry) || typeof entry.include !== 'string') continue;
      jobs.push(
        include(entry, ['templates', name]).then((device) => {
          if (device) templates[name] = device;
        }),
      );
    }
  }

  const units = profile.units;
  if (Array.isArray(units)) {
    units.forEach((unit: unknown, index) => {
      if (!isRecord(unit) || typeof unit.include !== 'string') return;
      const clash = OTHER_SOURCES.filter((key) => Object.hasOwn(unit, key));
      if (clash.length > 0) {
        host.diagnostics.push({
          code: 'E_UNIT_SOURCE',
          message: `this unit has both "include" and "${clash[0]}"; give the device once: inline, use, include or respond`,
          path: formatPath(['units', index]),
          location: host.sourceMap.locate(unit, 'include'),
        });
      }
      jobs.push(
        include(unit, ['units', index]).then((device) => {
          if (device && clash.length === 0) units[index] = mergeUnit(unit, device, host.sourceMap);
        }),
      );
    });
  }
  await Promise.all(jobs);
}

/** The unit's own fields (unitId, name …) over the device's; positions follow each field. */
function mergeUnit(
  unit: Record<string, unknown>,
  device: Record<string, unknown>,
  sourceMap: SourceMap,
): Record<string, unknown> {
  const { include: _include, ...own } = unit;
  const merged = { ...device, ...own };
  sourceMap.registerMerged(merged, unit, [device, unit]);
  return merged;
}

async function includeAt(
  owner: Record<string, unknown>,
  path: readonly (string | number)[],
  host: IncludeHost,
  cache: Map<string, Promise<Included>>,
): Promise<Record<string, unknown> | undefined> {
  const target = String(owner.include);
  const report = (code: DiagnosticCode, message: string): undefined => {
    host.diagnostics.push({
      code,
      message,
      path: formatPath([...path, 'include']),
      location: host.sourceMap.locate(owner, 'include'),
    });
    return undefined;
  };
  if (target.trim() === '') return report('E_INCLUDE_NOT_FOUND', 'include needs the name of a YAML file');

  const file = isAbsolute(target) ? target : join(host.baseDir, target);
  const absolute = resolve(host.cwd, file);
  let pending = cache.get(absolute);
  if (!pending) {
    host.noteFile(file);
    pending = host.includeRoot === undefined ? loadDevice(file, absolute, host) : loadConfined(file, absolute, host.includeRoot, host);
    cache.set(absolute, pending);
  }
  const included = await pending;
  switch (included.kind) {
    case 'device':
      return included.device;
    case 'missing':
      return report('E_INCLUDE_NOT_FOUND', `cannot find the included file "${file}"`);
    case 'unreadable':
      return report('E_INCLUDE_READ', `cannot read the included file "${file}": ${included.detail}`);
    case 'notFile':
      return report('E_FILE_TYPE', `cannot read the included file "${file}": ${included.detail}`);
    case 'tooLarge':
      return report('E_FILE_TOO_LARGE', `cannot read the included file "${file}": ${included.detail}`);
    case 'outside':
      return report('E_INCLUDE_OUTSIDE', included.detail);
    case 'empty':
      return report('E_EMPTY', `the included file "${file}" is empty`);
    case 'invalid':
      if (included.problems === undefined) return undefined;
      return report('E_INCLUDE_INVALID', `the included file "${file}" is not a valid device (${included.problems} problem${included.problems === 1 ? '' : 's'}): check it where it is, with modbus-emu validate`);
  }
}

/**
 * An include of a profile posted to the control channel: only a file inside `root` (after
 * following links), decided from the path before the file system is asked about anything outside,
 * so the answer tells nothing about files elsewhere; and its problems are counted, not quoted, so
 * nothing of a file that is not a profile travels back.
 */
async function loadConfined(file: string, absolute: string, root: string | false, host: IncludeHost): Promise<Included> {
  const outside: Included = {
    kind: 'outside',
    detail: root === false ? `a profile posted to the control channel may include a file only when the device was loaded from a profile file (in that file's folder)` : `"${file}" is outside the device's profile folder: a profile posted to the control channel may include only files in that folder`,
  };
  if (root === false) return outside;
  const realRoot = await realpath(root).catch(() => resolve(root));
  if (!isInside(resolve(root), absolute) && !isInside(realRoot, absolute)) return outside;
  const real = await realpath(absolute).catch(() => undefined);
  if (real !== undefined && !isInside(realRoot, real)) return outside;
  const own: Diagnostic[] = [];
  const included = await loadDevice(file, absolute, { ...host, diagnostics: own });
  return own.length === 0 ? included : { kind: 'invalid', problems: own.length };
}

const isInside = (folder: string, path: string): boolean => {
  const r = relative(folder, path);
  return r !== '' && !r.startsWith('..') && !isAbsolute(r);
};

async function loadDevice(file: string, absolute: string, host: IncludeHost): Promise<Included> {
  const read = await readText(absolute, host.readFile);
  if (!read.ok) return { kind: read.problem, detail: read.detail };
  const parsed = parseYaml(read.text, file, host.sourceMap);
  host.diagnostics.push(...parsed.diagnostics);
  if (parsed.empty) return { kind: 'empty', detail: '' };
  if (parsed.value === undefined) return { kind: 'invalid' };

  const validate = host.schema.validateDevice;
  const problems = validate(parsed.value)
    ? []
    : schemaDiagnostics([...(validate.errors ?? [])], {
        schema: host.schema,
        root: parsed.value,
        sourceMap: host.sourceMap,
        rootLocation: parsed.rootLocation,
      });
  host.diagnostics.push(...problems);
  const clean = parsed.diagnostics.length === 0 && problems.length === 0;
  return clean && isRecord(parsed.value) ? { kind: 'device', device: parsed.value } : { kind: 'invalid' };
}
