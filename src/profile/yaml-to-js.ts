import { isAlias, isMap, isScalar, isSeq } from 'yaml';
import type { Document, Node, YAMLMap, YAMLSeq } from 'yaml';
import { formatPath, type Diagnostic, type DiagnosticCode } from './diagnostics.js';
import { jsonNumber } from './non-finite.js';
import { nonPlainTag, notPlain } from './non-plain.js';
import { toLocation, type Anchor, type SourceMap, type SourceText } from './source-map.js';

type Segment = string | number;

/** Names for the maps whose keys are names the user chose, so a duplicate is worded as such. */
const NAMED_MAPS: Readonly<Record<string, string>> = {
  points: 'point name',
  templates: 'template name',
  bits: 'bit name',
};

/**
 * Turns a parsed YAML document into plain JS values, registering every object and array in the
 * SourceMap. Done by hand rather than with `toJS()` so that each value keeps its position, merge
 * keys keep the positions of the map they came from, and duplicate keys are named in context.
 */
export class YamlToJs {
  private readonly memo = new Map<Node, unknown>();

  constructor(
    private readonly doc: Document.Parsed,
    private readonly source: SourceText,
    private readonly sourceMap: SourceMap,
    private readonly diagnostics: Diagnostic[],
  ) {}

  convert(node: unknown, path: readonly Segment[]): unknown {
    if (isAlias(node)) return this.convert(node.resolve(this.doc), path);
    const nonPlain = this.nonPlain(node);
    if (nonPlain !== undefined) return notPlain(nonPlain);
    if (isScalar(node)) return typeof node.value === 'number' ? jsonNumber(node.value) : node.value;
    if (isMap(node)) return this.memo.get(node) ?? this.convertMap(node, path);
    if (isSeq(node)) return this.memo.get(node) ?? this.convertSeq(node, path);
    return null;
  }

  /** `!!binary`, `!!set`, an unknown tag...: see non-plain.ts. */
  private nonPlain(node: unknown): string | undefined {
    if (!isScalar(node) && !isMap(node) && !isSeq(node)) return undefined;
    const value = isScalar(node) ? node.value : undefined;
    return nonPlainTag(node.tag, value);
  }

  private anchor(offset: number): Anchor {
    return { source: this.source, offset };
  }

  private anchorOf(node: unknown): Anchor | undefined {
    const range = (node as Node | null)?.range;
    return range ? this.anchor(range[0]) : undefined;
  }

  private convertSeq(node: YAMLSeq, path: readonly Segment[]): unknown[] {
    const array: unknown[] = [];
    this.memo.set(node, array);
    this.sourceMap.register(array, this.anchor(node.range?.[0] ?? 0));
    node.items.forEach((item, index) => {
      array.push(this.convert(item, [...path, index]));
      this.sourceMap.setMember(array, index, { value: this.anchorOf(item) });
    });
    return array;
  }

  private convertMap(node: YAMLMap, path: readonly Segment[]): Record<string, unknown> {
    const object: Record<string, unknown> = {};
    this.memo.set(node, object);
    this.sourceMap.register(object, this.anchor(node.range?.[0] ?? 0));
    const merges: unknown[] = [];
    for (const pair of node.items) {
      if (isMergeKey(pair.key)) {
        merges.push(pair.value);
        continue;
      }
      const key = this.keyOf(pair.key);
      if (key === undefined) continue;
      const keyAnchor = this.anchorOf(pair.key);
      if (Object.hasOwn(object, key)) {
        this.duplicate(object, key, path, keyAnchor);
        continue;
      }
      define(object, key, this.convert(pair.value, [...path, key]));
      this.sourceMap.setMember(object, key, { key: keyAnchor, value: this.valueAnchor(pair.value) });
    }
    for (const merge of merges) this.applyMerge(object, merge, path);
    return object;
  }

  /** An empty value (`key:`) has no text of its own: point at the key instead. */
  private valueAnchor(node: unknown): Anchor | undefined {
    if (isScalar(node) && node.value === null && node.range && node.range[0] === node.range[1]) return undefined;
    // A quoted string's text starts after its quote (generator expressions locate characters in it).
    if (isScalar(node) && node.range && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE')) return { ...this.anchorOf(node)!, quoted: true };
    return this.anchorOf(node);
  }

  private keyOf(node: unknown): string | undefined {
    const resolved = isAlias(node) ? node.resolve(this.doc) : node;
    if (resolved === null || resolved === undefined) return '';
    const nonPlain = this.nonPlain(resolved);
    if (nonPlain !== undefined) {
      this.report('E_YAML_KEY', `a key must be a plain value, not ${nonPlain}`, [], this.anchorOf(node));
      return undefined;
    }
    if (isScalar(resolved)) {
      if (resolved.value === null) return '';
      // A number as a key is a name (`0x80:` under privateObjects, `4:` under enum): keep it as written.
      if (typeof resolved.value === 'number' && resolved.source !== undefined) return resolved.source;
      return String(resolved.value);
    }
    this.report('E_YAML_KEY', 'a key must be a plain value, not a list or a map', [], this.anchorOf(node));
    return undefined;
  }

  private duplicate(object: object, key: string, path: readonly Segment[], at: Anchor | undefined): void {
    const parent = path[path.length - 1];
    const what = (typeof parent === 'string' && NAMED_MAPS[parent]) || 'key';
    const first = this.sourceMap.member(object, key)?.key;
    const where = first ? ` (first defined on line ${toLocation(first).line})` : '';
    this.report('E_DUPLICATE_KEY', `duplicate ${what} "${key}"${where}`, [...path, key], at);
  }

  /** `<<: *base` or `<<: [*a, *b]`: keys written in the map win, then earlier sources win. */
  private applyMerge(object: Record<string, unknown>, value: unknown, path: readonly Segment[]): void {
    const resolved = isAlias(value) ? value.resolve(this.doc) : value;
    const sources = isSeq(resolved) ? resolved.items : [resolved];
    for (const item of sources) {
      const source = this.convert(item, path);
      if (typeof source !== 'object' || source === null || Array.isArray(source)) {
        this.report('E_YAML_MERGE', 'a merge key (<<) takes a map or a list of maps', path, this.anchorOf(item));
        continue;
      }
      for (const [key, member] of Object.entries(source)) {
        if (Object.hasOwn(object, key)) continue;
        define(object, key, member);
        const position = this.sourceMap.member(source, key);
        if (position) this.sourceMap.setMember(object, key, position);
      }
    }
  }

  private report(code: DiagnosticCode, message: string, path: readonly Segment[], at: Anchor | undefined): void {
    this.diagnostics.push({ code, message, path: formatPath(path), location: at && toLocation(at) });
  }
}

function isMergeKey(node: unknown): boolean {
  return isScalar(node) && typeof node.value === 'symbol';
}

/** Plain assignment would treat a `__proto__` key as the prototype. */
function define(object: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}
