import { EVENT_ID, SCALAR_STYLE, getScalarValue, parseEvents, type Event, type ScalarEvent } from 'js-yaml';
import { LineCounter } from 'yaml';
import { jsonNumber } from './non-finite.js';
import type { ParsedYaml } from './parse-yaml.js';
import { quotedAt, toLocation, type Anchor, type SourceMap, type SourceText } from './source-map.js';

/**
 * The fast reader for large profiles: js-yaml's event stream (plain offsets, no node objects)
 * turned straight into plain values and SourceMap positions. `yaml`'s Document costs about 100 µs
 * and 8 KB per point; this costs about a tenth. It reads the plain subset that large profiles are
 * written in (maps, lists, scalars; one document, no tags, anchors, aliases, merge keys, duplicate
 * keys or directives) and gives up on anything else by returning undefined, so that parse-yaml.ts
 * reads the file again with `yaml`, which reports what is wrong where, or converts what this one
 * does not (see yaml-to-js.ts). Scalars resolve as in `yaml`'s core schema (YAML 1.2), positions
 * are the ones `yaml` gives (the equivalence is tested on every bundled profile).
 */
export function readPlainYaml(text: string, file: string, sourceMap: SourceMap): ParsedYaml | undefined {
  // A lone carriage return is a line break to one reader and not to the other: leave it to `yaml`.
  if (/\r(?!\n)/.test(text)) return undefined;
  let events: (Event | undefined)[];
  try {
    events = parseEvents(text, { maxDepth: MAX_FAST_DEPTH });
  } catch {
    return undefined;
  }
  const source: SourceText = { file, lineCounter: lineCounterOf(text) };
  const reader = new EventReader(text, source, sourceMap);
  return reader.read(events) ? reader.result() : undefined;
}

/**
 * Deeper documents are left to `yaml`, whose reading bounds the depth of a profile and reports a
 * document past it with its position; profiles nest a handful of levels.
 */
const MAX_FAST_DEPTH = 32;

function lineCounterOf(text: string): LineCounter {
  const counter = new LineCounter();
  counter.addNewLine(0);
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) counter.addNewLine(i + 1);
  return counter;
}

interface Members {
  /** Where the container starts. */
  readonly self: number;
  /** Its members' positions, as SourceMap.registerAll takes them. */
  readonly at: number[];
}

interface MapFrame extends Members {
  readonly map: Record<string, unknown>;
  readonly keys: string[];
  /** The key read and waiting for its value, and where it was written. */
  key: string | undefined;
  keyAt: number;
}

interface SeqFrame extends Members {
  readonly seq: unknown[];
}

type Frame = MapFrame | SeqFrame;

/** Thrown inside the reader when the text leaves the plain subset; never escapes readPlainYaml. */
const OUTSIDE_SUBSET = Symbol('outside the plain subset');

class EventReader {
  private readonly stack: Frame[] = [];
  private root: unknown;
  private rootAt = -1;
  private documents = 0;

  constructor(
    private readonly text: string,
    private readonly source: SourceText,
    private readonly sourceMap: SourceMap,
  ) {}

  /** Whether the whole stream was in the subset. */
  read(events: (Event | undefined)[]): boolean {
    try {
      // Each event is dropped once read, so that the collector can reclaim the stream while the
      // values are being built (the stream is the larger of the two).
      for (let i = 0; i < events.length; i++) {
        const event = events[i]!;
        events[i] = undefined;
        this.step(event);
      }
    } catch (error) {
      if (error === OUTSIDE_SUBSET) return false;
      throw error;
    }
    return this.documents === 1 && this.rootAt !== -1;
  }

  result(): ParsedYaml {
    return {
      value: this.root,
      empty: false,
      rootLocation: toLocation(this.anchor(this.rootAt)),
      diagnostics: [],
    };
  }

  private step(event: Event): void {
    switch (event.type) {
      case EVENT_ID.DOCUMENT:
        if (++this.documents > 1 || event.directives.length > 0) throw OUTSIDE_SUBSET;
        return;
      case EVENT_ID.MAPPING:
      case EVENT_ID.SEQUENCE: {
        if (event.anchorStart !== -1 || event.tagStart !== -1) throw OUTSIDE_SUBSET;
        const container: Record<string, unknown> | unknown[] = event.type === EVENT_ID.MAPPING ? {} : [];
        this.place(container, event.start, false);
        const self = event.start;
        this.stack.push(Array.isArray(container) ? { seq: container, self, at: [] } : { map: container, self, keys: [], at: [], key: undefined, keyAt: -1 });
        return;
      }
      case EVENT_ID.SCALAR:
        this.scalar(event);
        return;
      case EVENT_ID.POP: {
        // The document's own end pops nothing of ours.
        const done = this.stack.pop();
        // Copies sized to fit: a large profile keeps about a million of these offsets.
        if (done) this.sourceMap.registerAll('seq' in done ? done.seq : done.map, this.anchor(done.self), 'seq' in done ? undefined : done.keys.slice(), done.at.slice());
        return;
      }
      default:
        // An alias: `yaml` shares the node it names (see yaml-to-js.ts).
        throw OUTSIDE_SUBSET;
    }
  }

  private scalar(event: ScalarEvent): void {
    if (event.anchorStart !== -1 || event.tagStart !== -1) throw OUTSIDE_SUBSET;
    const top = this.stack[this.stack.length - 1];
    const empty = event.valueStart === -1;
    const text = empty ? '' : getScalarValue(this.text, event);
    const plain = event.style === SCALAR_STYLE.PLAIN;
    if (top !== undefined && 'map' in top && top.key === undefined) {
      // A key: a number keeps the text it was written as (`0x80:` is the name "0x80").
      if (empty || (plain && text === '<<')) throw OUTSIDE_SUBSET;
      const value = plain ? resolvePlain(text) : text;
      const key = value === null ? '' : typeof value === 'number' ? text : String(value);
      if (Object.hasOwn(top.map, key)) throw OUTSIDE_SUBSET;
      top.key = key;
      top.keyAt = this.startOf(event);
      return;
    }
    const value = plain ? resolvePlain(text) : text;
    const inMap = top !== undefined && 'map' in top;
    // In a list an empty item is still a node of its own for `yaml`, at an offset this reader does not know.
    if (empty && !inMap) throw OUTSIDE_SUBSET;
    const at = empty ? -1 : this.startOf(event);
    // An empty value has no text of its own: a map locates it at its key. A quoted string's
    // text starts after its quote (generator expressions locate characters in a map's values).
    const quoted = event.style === SCALAR_STYLE.SINGLE_QUOTED || event.style === SCALAR_STYLE.DOUBLE_QUOTED;
    this.place(typeof value === 'number' ? jsonNumber(value) : value, at, quoted && inMap);
  }

  /** Where `yaml`'s node starts: at the opening quote or block indicator, not at the text. */
  private startOf(event: ScalarEvent): number {
    switch (event.style) {
      case SCALAR_STYLE.PLAIN:
        return event.valueStart;
      case SCALAR_STYLE.SINGLE_QUOTED:
      case SCALAR_STYLE.DOUBLE_QUOTED:
        return event.valueStart - 1;
      default:
        throw OUTSIDE_SUBSET;
    }
  }

  /** Puts a value into the open container; `at` is -1 for an empty value. */
  private place(value: unknown, at: number, quoted: boolean): void {
    const top = this.stack[this.stack.length - 1];
    if (top === undefined) {
      if (typeof value !== 'object' || value === null) throw OUTSIDE_SUBSET;
      this.root = value;
      this.rootAt = at;
      return;
    }
    const valueAt = quoted ? quotedAt(at) : at;
    if ('seq' in top) {
      top.at.push(-1, valueAt);
      top.seq.push(value);
      return;
    }
    const key = top.key;
    if (key === undefined) throw OUTSIDE_SUBSET; // a map or list as a key
    // Plain assignment would treat a `__proto__` key as the prototype.
    Object.defineProperty(top.map, key, { value, enumerable: true, writable: true, configurable: true });
    top.keys.push(key);
    top.at.push(top.keyAt, valueAt);
    top.key = undefined;
  }

  private anchor(offset: number): Anchor {
    return { source: this.source, offset };
  }
}

/**
 * A plain scalar as `yaml`'s core schema reads it (its tags' own patterns, in its order): null,
 * booleans, integers (decimal, 0o octal, 0x hex), floats and .inf/.nan; anything else is text.
 */
function resolvePlain(text: string): unknown {
  if (NULL.test(text)) return null;
  if (BOOL.test(text)) return text[0] === 't' || text[0] === 'T';
  if (INT_OCT.test(text)) return parseInt(text.substring(2), 8);
  if (INT.test(text)) return parseInt(text, 10);
  if (INT_HEX.test(text)) return parseInt(text.substring(2), 16);
  if (FLOAT_NAN.test(text)) return text.slice(-3).toLowerCase() === 'nan' ? NaN : text[0] === '-' ? -Infinity : Infinity;
  if (FLOAT_EXP.test(text) || FLOAT.test(text)) return parseFloat(text);
  return text;
}

const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;
