import { dirname, resolve } from 'node:path';
import { tooDeep, type Diagnostic, type DiagnosticCode, type SourceLocation } from './diagnostics.js';
import { resolveIncludes } from './includes.js';
import type { LoadedProfile, LoadResult } from './loaded.js';
import { pruneInvalid } from './prune.js';
import type { ErrorObject } from 'ajv';
import { MAX_PROFILE_DEPTH } from './limits.js';
import { isRecord } from './one-of.js';
import { parseYaml } from './parse-yaml.js';
import { plainCopy } from './plain-copy.js';
import { fileReader, readText, type ReadText } from './read-text.js';
import { profileSchema } from './schema.js';
import { schemaDiagnostics } from './schema-diagnostics.js';
import { SourceMap } from './source-map.js';
import { sortDiagnostics } from './sort.js';
import type { DeviceProfile } from './types.generated.js';

export { getProfileSchema } from './schema.js';

export interface LoadFileOptions {
  /** Folder that relative paths are read from (default: the process's working folder). */
  readonly cwd?: string;
  /** The most bytes read from one file, the profile or an include (default DEFAULT_MAX_FILE_BYTES, 64 MiB). */
  readonly maxFileBytes?: number;
  /**
   * Reads includes only inside this folder, or none with `false` (what the control channel allows a posted profile): an
   * include elsewhere is E_INCLUDE_OUTSIDE, refused before the file system is asked, and an
   * included file with problems is one E_INCLUDE_INVALID that quotes nothing from it.
   */
  readonly includeRoot?: string | false;
}

export interface LoadTextOptions extends LoadFileOptions {
  /** Reads included files by absolute path (default: from disk). */
  readonly readFile?: (path: string) => Promise<string>;
}

export interface LoadObjectOptions extends LoadFileOptions {
  /** What messages call the profile (default `<profile>`). */
  readonly name?: string;
}

/** Reads, parses and validates a profile file and the files it includes. */
export async function loadProfileFile(file: string, options: LoadFileOptions = {}): Promise<LoadResult> {
  const cwd = options.cwd ?? process.cwd();
  const readFile = fileReader(options.maxFileBytes);
  const read = await readText(resolve(cwd, file), readFile);
  if (read.ok) return loadProfileText(read.text, file, { ...options, cwd, readFile });
  return { ok: false, diagnostics: [{ code: READ_CODES[read.problem], message: read.problem === 'missing' ? `cannot find the profile "${file}"` : `cannot read the profile "${file}": ${read.detail}`, path: '' }] };
}

/** A profile's YAML text; `file` names it in messages and anchors its includes. */
export async function loadProfileText(text: string, file: string, options: LoadTextOptions = {}): Promise<LoadResult> {
  const sourceMap = new SourceMap();
  const parsed = parseYaml(text, file, sourceMap);
  const diagnostics = [...parsed.diagnostics];
  if (parsed.empty) {
    diagnostics.push({
      code: 'E_EMPTY',
      message: 'the profile is empty',
      path: '',
      location: { file, line: 1, column: 1 },
    });
  }
  if (parsed.value === undefined) return { ok: false, diagnostics: sortDiagnostics(diagnostics, [file]) };
  return check(parsed.value, {
    file,
    sourceMap,
    diagnostics,
    rootLocation: parsed.rootLocation,
    baseDir: dirname(file),
    cwd: options.cwd ?? process.cwd(),
    readFile: options.readFile ?? fileReader(options.maxFileBytes),
    ...(options.includeRoot !== undefined && { includeRoot: options.includeRoot }),
  });
}

/**
 * A profile given as a JS object (the API's `startEmulator({ profile: {...} })`): same checks,
 * `locate()` returns undefined for its own objects, and includes resolve against `cwd`.
 */
export async function loadProfileObject(value: unknown, options: LoadObjectOptions = {}): Promise<LoadResult> {
  const copy = plainCopy(value);
  if (!copy.ok) return { ok: false, diagnostics: [tooDeep(copy.tooDeep, MAX_PROFILE_DEPTH)] };
  return check(copy.value, {
    file: options.name ?? '<profile>',
    sourceMap: new SourceMap(),
    diagnostics: [],
    baseDir: '',
    cwd: options.cwd ?? process.cwd(),
    fromObject: true,
    readFile: fileReader(options.maxFileBytes),
    ...(options.includeRoot !== undefined && { includeRoot: options.includeRoot }),
  });
}

interface Check {
  readonly file: string;
  readonly sourceMap: SourceMap;
  readonly diagnostics: Diagnostic[];
  readonly rootLocation?: SourceLocation;
  readonly baseDir: string;
  readonly cwd: string;
  /** The profile is an object, not a file: only its includes are files that were read. */
  readonly fromObject?: boolean;
  readonly includeRoot?: string | false;
  readFile(path: string): Promise<string>;
}

/** The code of a file that could not be read, by why. */
export const READ_CODES: Readonly<Record<Exclude<ReadText, { ok: true }>['problem'], DiagnosticCode>> = {
  missing: 'E_FILE_NOT_FOUND',
  unreadable: 'E_FILE_READ',
  notFile: 'E_FILE_TYPE',
  tooLarge: 'E_FILE_TOO_LARGE',
};

async function check(value: unknown, c: Check): Promise<LoadResult> {
  const schema = profileSchema();
  const { sourceMap, diagnostics } = c;
  let errors: ErrorObject[] = [];
  if (!schema.validateProfile(value)) {
    errors = [...(schema.validateProfile.errors ?? [])];
    diagnostics.push(...schemaDiagnostics(errors, { schema, root: value, sourceMap, rootLocation: c.rootLocation }));
  }
  const files = c.fromObject ? [] : [c.file];
  if (isRecord(value)) {
    await resolveIncludes(value, { ...c, schema, noteFile: (file) => files.push(file) });
  }
  const loaded: LoadedProfile = {
    file: c.file,
    files,
    profile: value as DeviceProfile,
    locate: (node, key) => sourceMap.locate(node, key),
    locateKey: (node, key) => sourceMap.locateKey(node, key),
    locateInside: (node, key, index) => sourceMap.locateInside(node, key, index),
  };
  if (diagnostics.length === 0) return { ok: true, loaded };
  // Keep going with what is valid, so semantic problems are reported in the same run.
  let partial: LoadedProfile | undefined;
  if (isRecord(value)) {
    const withdrawn = pruneInvalid(value, errors);
    if (schema.validateProfile(value)) partial = { ...loaded, withdrawn };
  }
  return { ok: false, diagnostics: sortDiagnostics(diagnostics, files), partial, files };
}
