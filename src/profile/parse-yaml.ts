import { LineCounter, parseDocument } from 'yaml';
import type { YAMLError } from 'yaml';
import type { Diagnostic, SourceLocation } from './diagnostics.js';
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
 * Parses one file. Syntax errors stop here: whatever the parser recovered would only produce
 * schema errors that are echoes of the syntax error. Duplicate keys leave a well-formed
 * document, so those are reported (by the converter, which can name them) and loading goes on.
 */
export function parseYaml(text: string, file: string, sourceMap: SourceMap): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    version: '1.2',
    schema: 'core',
    merge: true,
    // The converter reports duplicates itself, naming them in context; yaml's own check compares
    // every key of a map with every other (10,000 points took 1.8 s to parse, now 0.1 s).
    uniqueKeys: false,
    prettyErrors: false,
  });
  const source: SourceText = { file, lineCounter };
  const syntax = doc.errors.filter((e) => e.code !== 'DUPLICATE_KEY').map((e) => yamlDiagnostic(e, source));
  // Unresolved tags and the like: a profile is data, so anything YAML had to guess at is a mistake.
  const warnings = doc.warnings.map((e) => yamlDiagnostic(e, source));
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
