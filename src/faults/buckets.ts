import { rangeAddress, rangeQuantity, rangesOf } from '../protocol/functions.js';
import type { Request } from '../protocol/request.js';
import type { Rule } from './engine.js';
import { startOf } from './match.js';

/** 16 addresses per page of the address pre-filter. */
const PAGE_SHIFT = 4;

/**
 * The rules one function code and unit id can meet, in order, and a coarse map of the addresses
 * the rules with address conditions care about: a request touching none of those pages can
 * only match the rules without address conditions (`plain`), so only those are tested.
 */
export interface Bucket {
  readonly all: readonly Rule[];
  readonly plain: readonly Rule[];
  /** Pages of `address` / `points` ranges; undefined when no rule has one. */
  readonly spanPages: Uint8Array | undefined;
  /** Pages of `start` addresses of rules without ranges. */
  readonly startPages: Uint8Array | undefined;
}

export function createBucket(rules: readonly Rule[]): Bucket {
  let spanPages: Uint8Array | undefined;
  let startPages: Uint8Array | undefined;
  for (const r of rules) {
    const { spans, starts } = r.matcher;
    if (spans) {
      spanPages ??= new Uint8Array(0x10000 >> PAGE_SHIFT);
      for (const s of spans) spanPages.fill(1, s.from >> PAGE_SHIFT, (s.to >> PAGE_SHIFT) + 1);
    } else if (starts) {
      startPages ??= new Uint8Array(0x10000 >> PAGE_SHIFT);
      for (const a of starts) startPages[a >> PAGE_SHIFT] = 1;
    }
  }
  const plain = rules.filter((r) => !r.matcher.spans && !r.matcher.starts);
  return { all: rules, plain, spanPages, startPages };
}

/** The bucket's rules a request may match: all of them when it touches a page some address condition names. */
export function candidates(b: Bucket, r: Request): readonly Rule[] {
  if (b.spanPages === undefined && b.startPages === undefined) return b.all;
  if (b.startPages !== undefined) {
    const start = startOf(r);
    if (start >= 0 && b.startPages[start >> PAGE_SHIFT]) return b.all;
  }
  if (b.spanPages !== undefined) {
    const ranges = rangesOf(r);
    for (let i = 0; i < ranges.length; i++) if (touches(b.spanPages, rangeAddress(r, ranges[i]!), rangeQuantity(r, ranges[i]!))) return b.all;
  }
  return b.plain;
}

function touches(pages: Uint8Array, address: number, quantity: number): boolean {
  for (let p = address >> PAGE_SHIFT, end = (address + quantity - 1) >> PAGE_SHIFT; p <= end; p++) if (pages[p]) return true;
  return false;
}
