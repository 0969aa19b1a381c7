import type { TlsFaultRule } from '../model/types.js';
import type { TlsFaultPicker } from '../server/tls.js';
import type { RandomSource } from '../time.js';

/**
 * A profile's `server.tls.faults` as the server asks them, once per accepted connection: the
 * first rule whose `when` holds for connection n (counted from 1 on this device; a reload starts
 * again) gives its action. `probability` draws index n of the stream `tls/<name>`, so the same
 * seed picks the same connections. Undefined without rules: the server asks nothing.
 */
export function tlsFaultPicker(rules: readonly TlsFaultRule[] | undefined, random: RandomSource): TlsFaultPicker | undefined {
  if (rules === undefined || rules.length === 0) return undefined;
  let n = 0;
  return () => {
    n++;
    for (const rule of rules) if (holds(rule, n, random)) return rule;
    return undefined;
  };
}

function holds(rule: TlsFaultRule, n: number, random: RandomSource): boolean {
  const w = rule.when;
  if (w === undefined) return true;
  if (w.every !== undefined && n % w.every !== 0) return false;
  if (w.first !== undefined && n > w.first) return false;
  if (w.after !== undefined && n <= w.after) return false;
  return w.probability === undefined || random.at(`tls/${rule.name}`, n) < w.probability;
}
