import type { LineCounter } from 'yaml';
import type { SourceLocation } from './diagnostics.js';

/** One parsed file: offsets become line/column only when a location is asked for. */
export interface SourceText {
  readonly file: string;
  readonly lineCounter: LineCounter;
}

export interface Anchor {
  readonly source: SourceText;
  readonly offset: number;
  /** A quoted scalar: its text starts after the opening quote, at `offset + 1`. */
  readonly quoted?: boolean;
}

export interface Member {
  readonly key?: Anchor;
  readonly value?: Anchor;
}

/**
 * One object's positions, kept as numbers rather than objects: a 100,000-point profile has about
 * a million members. `at` holds two offsets per member, in the order members were set: the key's
 * (-1: none) and the value's (-1: none; a quoted scalar's as `-2 - offset`). `keys` names them;
 * an array's members are its indexes and need no names.
 */
interface Entry {
  readonly source: SourceText;
  readonly self: number;
  readonly keys: string[] | undefined;
  readonly at: number[];
  /** Per member, when some member was written in another file than the object (registerMerged). */
  sources?: SourceText[];
  /** Member index by name, built on the first look-up in a large object. */
  index?: Map<string, number>;
}

/** Below this many members a look-up scans; above, it builds the object's index once. */
const SCAN_LIMIT = 16;

export function toLocation(anchor: Anchor): SourceLocation {
  const { line, col } = anchor.source.lineCounter.linePos(anchor.offset);
  // linePos reports line 0 before the first recorded newline.
  return line === 0
    ? { file: anchor.source.file, line: 1, column: anchor.offset + 1 }
    : { file: anchor.source.file, line, column: col };
}

/**
 * Where every object and array of a load came from. Members are kept per key (array items by
 * index) with their own anchors, so an object assembled from two files (a unit plus the device
 * it includes) locates each key in the file that wrote it.
 */
export class SourceMap {
  private readonly entries = new WeakMap<object, Entry>();

  register(node: object, self: Anchor): void {
    this.entries.set(node, { source: self.source, self: self.offset, keys: Array.isArray(node) ? undefined : [], at: [] });
  }

  /**
   * Registers `node` with all its members at once, taking the arrays (see Entry: two offsets per
   * member, a quoted value's as quotedAt(offset)); `keys` is undefined for an array.
   */
  registerAll(node: object, self: Anchor, keys: string[] | undefined, at: number[]): void {
    this.entries.set(node, { source: self.source, self: self.offset, keys, at });
  }

  /** Records a member; each key is set once per object (array items in order). */
  setMember(node: object, key: string | number, member: Member): void {
    const entry = this.entries.get(node);
    if (entry) append(entry, String(key), member);
  }

  member(node: object, key: string | number): Member | undefined {
    const entry = this.entries.get(node);
    if (!entry) return undefined;
    const i = find(entry, String(key));
    return i === -1 ? undefined : memberAt(entry, i);
  }

  /** Position of `node`, or of the value under `key` (falling back to the key, then the node). */
  locate(node: object, key?: string | number): SourceLocation | undefined {
    const entry = this.entries.get(node);
    if (!entry) return undefined;
    const member = key === undefined ? undefined : this.member(node, key);
    return toLocation(member?.value ?? member?.key ?? selfOf(entry));
  }

  /**
   * Position of character `index` of the string under `key` (a generator expression): exact for a
   * plain or quoted scalar on one line (escapes aside).
   */
  locateInside(node: object, key: string | number, index: number): SourceLocation | undefined {
    const value = this.member(node, key)?.value;
    if (!value) return this.locate(node, key);
    return toLocation({ source: value.source, offset: value.offset + (value.quoted ? 1 : 0) + index });
  }

  /** Position of the key itself (for unknown or misnamed keys), falling back to the node. */
  locateKey(node: object, key: string | number): SourceLocation | undefined {
    const entry = this.entries.get(node);
    if (!entry) return undefined;
    const member = this.member(node, key);
    return toLocation(member?.key ?? member?.value ?? selfOf(entry));
  }

  /** Registers `target` at `base`'s position, each of its keys located as in the last source that has it. */
  registerMerged(target: object, base: object, sources: readonly object[]): void {
    const entry = this.entries.get(base);
    if (!entry) return;
    const merged: Entry = { source: entry.source, self: entry.self, keys: [], at: [] };
    const last = new Map<string, Member>();
    for (const source of sources) {
      const from = this.entries.get(source);
      from?.keys?.forEach((key, i) => {
        if (Object.hasOwn(target, key)) last.set(key, memberAt(from, i));
      });
    }
    for (const [key, member] of last) append(merged, key, member);
    this.entries.set(target, merged);
  }
}

/** A quoted value's offset as Entry.at holds it. */
export const quotedAt = (offset: number): number => -2 - offset;

function selfOf(entry: Entry): Anchor {
  return { source: entry.source, offset: entry.self };
}

function append(entry: Entry, key: string, member: Member): void {
  const i = entry.at.length / 2;
  const source = member.key?.source ?? member.value?.source ?? entry.source;
  if (source !== entry.source || entry.sources) {
    entry.sources ??= new Array<SourceText>(i).fill(entry.source);
    entry.sources.push(source);
  }
  entry.keys?.push(key);
  const value = member.value === undefined ? -1 : member.value.quoted ? quotedAt(member.value.offset) : member.value.offset;
  entry.at.push(member.key?.offset ?? -1, value);
  entry.index?.set(key, i);
}

function find(entry: Entry, key: string): number {
  const { keys } = entry;
  if (keys === undefined) {
    const i = Number(key);
    return Number.isInteger(i) && i >= 0 && i < entry.at.length / 2 ? i : -1;
  }
  if (keys.length <= SCAN_LIMIT) return keys.lastIndexOf(key);
  if (!entry.index) {
    const index = new Map<string, number>();
    keys.forEach((k, i) => index.set(k, i));
    entry.index = index;
  }
  return entry.index.get(key) ?? -1;
}

function memberAt(entry: Entry, i: number): Member {
  const source = entry.sources?.[i] ?? entry.source;
  const key = entry.at[2 * i]!;
  const value = entry.at[2 * i + 1]!;
  return {
    key: key === -1 ? undefined : { source, offset: key },
    value: value === -1 ? undefined : value < -1 ? { source, offset: -2 - value, quoted: true } : { source, offset: value },
  };
}
