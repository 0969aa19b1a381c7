import { resolve } from 'node:path';
import type { Diagnostic, SourceLocation } from './diagnostics.js';
import { READ_CODES } from './load.js';
import { parseYaml } from './parse-yaml.js';
import { fileReader, readText } from './read-text.js';
import { fleetSchema } from './schema.js';
import { schemaDiagnostics } from './schema-diagnostics.js';
import { sortDiagnostics } from './sort.js';
import { SourceMap } from './source-map.js';

/** One entry of a fleet file (schemas/fleet.schema.json), as written. */
export interface FleetEntry {
  readonly profile: string;
  readonly count?: number;
  readonly id?: string;
  readonly host?: string;
  readonly port: number;
  readonly units?: number | readonly number[];
  readonly params?: Readonly<Record<string, number | string>>;
}

export interface FleetFile {
  readonly version: 1;
  readonly seed?: number;
  readonly fleet: readonly FleetEntry[];
}

/** A fleet file that parsed and passed its schema, with the positions of what it says. */
export interface LoadedFleet {
  /** The path as given (messages name it so). */
  readonly file: string;
  readonly fleet: FleetFile;
  /** Position of `node`, or of the value under `key` inside it (as LoadedProfile.locate). */
  locate(node: object, key?: string | number): SourceLocation | undefined;
  /** Position of the key `key` itself under `node` (a parameter's name). */
  locateKey(node: object, key: string | number): SourceLocation | undefined;
  /** Position of character `index` of the string under `key`. */
  locateInside(node: object, key: string | number, index: number): SourceLocation | undefined;
}

export type FleetLoadResult = { readonly ok: true; readonly loaded: LoadedFleet } | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/**
 * Whether a file's text is a fleet file rather than a profile: it has a top-level `fleet:` key,
 * which no profile may have (the profile schema refuses unknown keys), so the test cannot be
 * fooled by a profile. A key at column 0 is a top-level key of a block mapping.
 */
export function isFleetText(text: string): boolean {
  return /^fleet[ \t]*:/m.test(text) || /^\{[^]*\bfleet\s*:/.test(text.trimStart());
}

/** Reads, parses and checks a fleet file against its schema; every problem at once, with file:line:column. */
export async function loadFleetFile(file: string, options: { cwd?: string; maxFileBytes?: number } = {}): Promise<FleetLoadResult> {
  const read = await readText(resolve(options.cwd ?? process.cwd(), file), fileReader(options.maxFileBytes));
  if (!read.ok) return { ok: false, diagnostics: [{ code: READ_CODES[read.problem], message: read.problem === 'missing' ? `cannot find the fleet file "${file}"` : `cannot read the fleet file "${file}": ${read.detail}`, path: '' }] };
  return parseFleetText(read.text, file);
}

/** A fleet file's text; `file` names it in messages. */
export function parseFleetText(text: string, file: string): FleetLoadResult {
  const sourceMap = new SourceMap();
  const parsed = parseYaml(text, file, sourceMap);
  const diagnostics = [...parsed.diagnostics];
  if (parsed.empty) diagnostics.push({ code: 'E_EMPTY', message: 'the fleet file is empty', path: '', location: { file, line: 1, column: 1 } });
  if (parsed.value === undefined || diagnostics.length > 0) return { ok: false, diagnostics: sortDiagnostics(diagnostics, [file]) };
  const schema = fleetSchema();
  if (!schema.validateProfile(parsed.value)) {
    const errors = schemaDiagnostics([...(schema.validateProfile.errors ?? [])], { schema, root: parsed.value, sourceMap, rootLocation: parsed.rootLocation });
    return { ok: false, diagnostics: sortDiagnostics(errors, [file]) };
  }
  return {
    ok: true,
    loaded: {
      file,
      fleet: parsed.value as FleetFile,
      locate: (node, key) => sourceMap.locate(node, key),
      locateKey: (node, key) => sourceMap.locateKey(node, key),
      locateInside: (node, key, index) => sourceMap.locateInside(node, key, index),
    },
  };
}
