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
  /** Where a scalar's text starts, when not at `offset` (after the opening quote). */
  readonly content?: number;
}

export interface Member {
  readonly key?: Anchor;
  readonly value?: Anchor;
}

interface Entry {
  readonly self: Anchor;
  readonly members: Map<string, Member>;
}

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
    this.entries.set(node, { self, members: new Map() });
  }

  setMember(node: object, key: string | number, member: Member): void {
    this.entries.get(node)?.members.set(String(key), member);
  }

  member(node: object, key: string | number): Member | undefined {
    return this.entries.get(node)?.members.get(String(key));
  }

  /** Position of `node`, or of the value under `key` (falling back to the key, then the node). */
  locate(node: object, key?: string | number): SourceLocation | undefined {
    const entry = this.entries.get(node);
    if (!entry) return undefined;
    const member = key === undefined ? undefined : entry.members.get(String(key));
    return toLocation(member?.value ?? member?.key ?? entry.self);
  }

  /**
   * Position of character `index` of the string under `key` (a generator expression): exact for a
   * plain or quoted scalar on one line (escapes aside).
   */
  locateInside(node: object, key: string | number, index: number): SourceLocation | undefined {
    const value = this.entries.get(node)?.members.get(String(key))?.value;
    if (!value) return this.locate(node, key);
    return toLocation({ source: value.source, offset: (value.content ?? value.offset) + index });
  }

  /** Position of the key itself (for unknown or misnamed keys), falling back to the node. */
  locateKey(node: object, key: string | number): SourceLocation | undefined {
    const entry = this.entries.get(node);
    if (!entry) return undefined;
    const member = entry.members.get(String(key));
    return toLocation(member?.key ?? member?.value ?? entry.self);
  }

  /** Registers `target` at `base`'s position, each of its keys located as in the last source that has it. */
  registerMerged(target: object, base: object, sources: readonly object[]): void {
    const entry = this.entries.get(base);
    if (!entry) return;
    const members = new Map<string, Member>();
    for (const source of sources) {
      for (const [key, member] of this.entries.get(source)?.members ?? []) {
        if (Object.hasOwn(target, key)) members.set(key, member);
      }
    }
    this.entries.set(target, { self: entry.self, members });
  }
}
