import { LineCounter, parseDocument } from 'yaml';
import type { YAMLError } from 'yaml';
import type { Diagnostic, SourceLocation } from './diagnostics.js';
import { readPlainYaml } from './fast-yaml.js';
import { toLocation, type SourceMap, type SourceText } from './source-map.js';
import { YamlToJs } from './yaml-to-js.js';

export interface ParsedYaml {
  /** The document as plain values; undefined when it could not be read as YAML or is empty. */
  readonly value: unknown;
  readonly empty: boolean;
  /** Where the document's top node starts (for problems with the whole document). */
  readonly rootLocation?: SourceLocation;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Parses one file: with the fast reader when the file is in its plain subset (a large profile
 * usually is), else with `yaml`'s Document, which also reports every syntax problem.
 */
export function parseYaml(text: string, file: string, sourceMap: SourceMap): ParsedYaml {
  return readPlainYaml(text, file, sourceMap) ?? parseYamlDocument(text, file, sourceMap);
}

/**
 * Parses one file with `yaml`. Syntax errors stop here: whatever the parser recovered would only produce
 * schema errors that are echoes of the syntax error. Duplicate keys leave a well-formed
 * document, so the converter reports them (it can name them) and loading goes on.
 */
export function parseYamlDocument(text: string, file: string, sourceMap: SourceMap): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    version: '1.2',
    schema: 'core',
    merge: true,
    // yaml's own check compares each key with every earlier key of its map, which made a profile
    // with 45,000 points take 45 s; YamlToJs finds duplicates in one pass and names them.
    uniqueKeys: false,
    prettyErrors: false,
  });
  const source: SourceText = { file, lineCounter };
  const syntax = doc.errors.map((e) => yamlDiagnostic(e, source));
  // A profile is data, so anything YAML had to guess at is a mistake. Tags it could not resolve
  // are reported by the converter, once, as the value the schema expected (see non-plain.ts).
  const warnings = doc.warnings.filter((e) => e.code !== 'TAG_RESOLVE_FAILED').map((e) => yamlDiagnostic(e, source));
  if (syntax.length > 0) return { value: undefined, empty: false, diagnostics: [...syntax, ...warnings] };
  if (doc.contents === null) return { value: undefined, empty: true, diagnostics: warnings };

  const diagnostics: Diagnostic[] = [...warnings];
  const value = new YamlToJs(doc, source, sourceMap, diagnostics).convert(doc.contents, []);
  const rootLocation = toLocation({ source, offset: doc.contents.range[0] });
  return { value, empty: false, rootLocation, diagnostics };
}

function yamlDiagnostic(error: YAMLError, source: SourceText): Diagnostic {
  const location = toLocation({ source, offset: error.pos[0] });
  if (error.code === 'MULTIPLE_DOCS') {
    return {
      code: 'E_MULTIPLE_DOCUMENTS',
      message: 'a profile is one YAML document; this file has several (remove the extra "---")',
      path: '',
      location,
    };
  }
  return { code: 'E_YAML_SYNTAX', message: sentence(error.message), path: '', location };
}

/** yaml's messages start with a capital and may carry a trailing context block. */
function sentence(message: string): string {
  const first = message.split('\n')[0].trim().replace(/[.:]$/, '');
  return first.charAt(0).toLowerCase() + first.slice(1);
}
