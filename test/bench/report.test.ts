import { describe, expect, it } from 'vitest';

// A variable specifier: the bench's modules are plain JS without type declarations.
const modulePath = new URL('../../bench/report.mjs', import.meta.url).href;
const { summarize, median } = (await import(modulePath)) as {
  summarize(records: object[]): string;
  median(xs: (number | null)[]): number | null;
};

const group = { conns: 16, depth: 1, fc: 3, start: 0, qty: 100, unit: 1 };
const meta = {
  kind: 'meta',
  date: '2026-11-30T10:00:00Z',
  reps: 2,
  duration_s: 5,
  idle_n: 1000,
  servers: ['ceiling', 'A', 'B'],
  targets: [{ name: 'A', cmd: 'node a' }, { name: 'B', cmd: 'node b' }],
  workloads: [{ name: 'W2', duration: 5, groups: [{ role: undefined, ...group }] }],
};
/** One loadgen result: `rps` over 1 s, the server using `cpuS` seconds of CPU. */
const load = (rep: number, server: string, rps: number, cpuS: number) => ({
  kind: 'load',
  rep,
  server,
  workload: 'W2',
  loadgen: { reqs: rps, rps, server_cpu_s: cpuS, errors: 0, groups: [{ ...group, reqs: rps, rps, p50_us: 100, p99_us: 900, p999_us: 2000, max_us: 5000, errors: 0 }] },
});
const line = (text: string, start: string) => text.split('\n').find((l) => l.startsWith(start));

describe('bench summary', () => {
  const text = summarize([
    meta,
    load(1, 'ceiling', 100_000, 0.2), load(1, 'A', 50_000, 0.5), load(1, 'B', 40_000, 0.6),
    load(2, 'B', 30_000, 0.3), load(2, 'A', 60_000, 0.3), load(2, 'ceiling', 120_000, 0.24),
    { kind: 'rss', rep: 1, server: 'A', rss_fresh_kb: 1024 * 50, rss_idle_kb: 1024 * 58, idle: { answered: 1000 } },
  ]);

  it('divides each rep by the ceiling run of the same rep and takes the median of the ratios', () => {
    // A: 50,000 / 100,000 and 60,000 / 120,000; CPU 0.5 s / 50,000 = 10 µs and 0.3 s / 60,000 = 5 µs
    expect(line(text, '| W2 |  | A |')).toBe('| W2 |  | A | 55,000 | 100 | 900 | 2,000 | 5,000 | 7.5 | 0.50 (0.50, 0.50) | 0 |');
    expect(line(text, '| W2 |  | B |')).toBe('| W2 |  | B | 35,000 | 100 | 900 | 2,000 | 5,000 | 12.5 | 0.33 (0.40, 0.25) | 0 |');
  });

  it('pairs B with A per rep for "before vs after"', () => {
    // B's CPU per request: 15 µs and 10 µs, against A's 10 and 5: ratios 1.5 and 2
    expect(line(text, '| W2 | 10.0, 5.0 |')).toBe('| W2 | 10.0, 5.0 | 15.0, 10.0 | 1.75 | 55,000 | 35,000 | 0.65 |');
  });

  it('reports RSS fresh and with the idle connections', () => {
    expect(line(text, '| A | 50.0 |')).toBe('| A | 50.0 | 58.0 | 8.2 | 1000 |');
  });

  it('takes the median of the numbers only', () => {
    expect(median([3, null, 1, 2])).toBe(2);
    expect(median([4, 1])).toBe(2.5);
    expect(median([null])).toBeNull();
  });
});
