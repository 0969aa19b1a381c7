// Turns the records of one `npm run bench` run (raw.jsonl) into a markdown summary. Pure.
//
// Medians over reps. "× ceiling" is a server's rps divided by the ceiling server's rps for the
// same workload (and connection group) in the same rep, which ran right before or after it; the
// per-rep values are listed because the shared machine's speed drifts within minutes.
import { describeGroup } from './options.mjs';

export const CEILING = 'ceiling';

export function median(xs) {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

const fmtInt = (x) => (x == null ? 'n/a' : Math.round(x).toLocaleString('en-US'));
const fmt1 = (x) => (x == null ? 'n/a' : x.toFixed(1));
const fmt2 = (x) => (x == null ? 'n/a' : x.toFixed(2));
const fmtMiB = (kb) => (kb == null ? 'n/a' : (kb / 1024).toFixed(1));

/** Server CPU µs per answered request over the measured phase (all groups of the run). */
export const cpuPerRequest = (lg) => (lg && lg.server_cpu_s != null && lg.reqs > 0 ? (lg.server_cpu_s * 1e6) / lg.reqs : null);

export function summarize(records) {
  const meta = records.find((r) => r.kind === 'meta') ?? {};
  const load = records.filter((r) => r.kind === 'load');
  const rss = records.filter((r) => r.kind === 'rss');
  const servers = meta.servers ?? [...new Set(load.map((r) => r.server))];
  const workloads = meta.workloads ?? [];
  const reps = [...new Set(load.map((r) => r.rep))].sort((a, b) => a - b);
  const run = (server, workload, rep) => load.find((r) => r.server === server && r.workload === workload && r.rep === rep);

  const out = [];
  out.push(`Run ${meta.date ?? '?'}: ${meta.reps} rep(s), ${meta.duration_s} s per workload unless stated, ` +
    `${meta.nproc} CPUs, kernel ${meta.kernel}, node ${meta.node}, ${meta.cc ?? 'cc ?'}; ` +
    `commit ${meta.commit ?? '?'}; profile: ${meta.profile ?? 'in-memory device'}.`);
  out.push('');
  for (const s of meta.targets ?? []) out.push(`- ${s.name}: \`${s.cmd}\``);
  if ((meta.targets ?? []).length) out.push('');
  out.push('Workloads: ' + workloads.map((w) => `${w.name} = ${w.groups.map(describeGroup).join(' + ')}` +
    (w.duration !== meta.duration_s ? ` (${w.duration} s)` : '')).join('; ') + '.');
  out.push('');

  out.push('### Throughput, latency, server CPU (medians over reps)');
  out.push('');
  out.push('| W | group | server | rps | p50 µs | p99 µs | p999 µs | max µs | server CPU µs/request | × ceiling (per rep) | errors |');
  out.push('|---|---|---|---:|---:|---:|---:|---:|---:|---|---:|');
  for (const w of workloads) {
    w.groups.forEach((g, gi) => {
      for (const s of servers) {
        const rs = reps.map((rep) => run(s, w.name, rep)).filter(Boolean);
        if (rs.length === 0) continue;
        const grp = (r) => r.loadgen?.groups?.[gi];
        const pick = (k) => median(rs.map((r) => grp(r)?.[k]));
        const ratios = s === CEILING ? [] : rs.map((r) => {
          const ref = grp(run(CEILING, w.name, r.rep) ?? {});
          return ref && ref.rps > 0 && grp(r) ? grp(r).rps / ref.rps : null;
        });
        const errors = rs.reduce((a, r) => a + (grp(r)?.errors ?? 0), 0);
        const ratio = s === CEILING ? '' : `${fmt2(median(ratios))} (${ratios.map(fmt2).join(', ')})`;
        out.push(`| ${w.name} | ${g.role ?? ''} | ${s} | ${fmtInt(pick('rps'))} | ${fmtInt(pick('p50_us'))} | ${fmtInt(pick('p99_us'))} | ` +
          `${fmtInt(pick('p999_us'))} | ${fmtInt(pick('max_us'))} | ${fmt1(median(rs.map((r) => cpuPerRequest(r.loadgen))))} | ${ratio} | ${errors} |`);
      }
    });
  }
  out.push('');
  out.push('Server CPU is utime + stime of the server process (all threads) over the measured phase, ' +
    'divided by the requests answered in it (in a mixed workload, by both groups\' requests).');
  out.push('');

  const targets = (meta.targets ?? []).map((t) => t.name);
  if (targets.length === 2) {
    const [a, b] = targets;
    out.push(`### ${b} vs ${a} (alternating pairs, one per rep)`);
    out.push('');
    out.push(`| W | ${a} CPU µs/request per rep | ${b} CPU µs/request per rep | ${b} / ${a} CPU (median) | ${a} rps | ${b} rps | ${b} / ${a} rps (median) |`);
    out.push('|---|---|---|---:|---:|---:|---:|');
    for (const w of workloads) {
      const pairs = reps.map((rep) => [run(a, w.name, rep), run(b, w.name, rep)]).filter(([x, y]) => x && y);
      const ca = pairs.map(([x]) => cpuPerRequest(x.loadgen));
      const cb = pairs.map(([, y]) => cpuPerRequest(y.loadgen));
      const cpuRatio = median(pairs.map((_, i) => (ca[i] && cb[i] != null ? cb[i] / ca[i] : null)));
      const rpsRatio = median(pairs.map(([x, y]) => (x.loadgen.rps > 0 ? y.loadgen.rps / x.loadgen.rps : null)));
      out.push(`| ${w.name} | ${ca.map(fmt1).join(', ')} | ${cb.map(fmt1).join(', ')} | ${fmt2(cpuRatio)} | ` +
        `${fmtInt(median(pairs.map(([x]) => x.loadgen.rps)))} | ${fmtInt(median(pairs.map(([, y]) => y.loadgen.rps)))} | ${fmt2(rpsRatio)} |`);
    }
    out.push('');
  }

  if (rss.length) {
    out.push(`### Resident memory (VmRSS), fresh and with ${meta.idle_n} idle connections (medians over reps)`);
    out.push('');
    out.push('| server | fresh MiB | with idle conns MiB | KiB per conn | answered (per rep) |');
    out.push('|---|---:|---:|---:|---|');
    for (const s of servers) {
      const rs = rss.filter((r) => r.server === s);
      if (rs.length === 0) continue;
      const base = median(rs.map((r) => r.rss_fresh_kb));
      const idle = median(rs.map((r) => r.rss_idle_kb));
      const per = base != null && idle != null ? (idle - base) / meta.idle_n : null;
      out.push(`| ${s} | ${fmtMiB(base)} | ${fmtMiB(idle)} | ${fmt1(per)} | ${rs.map((r) => r.idle?.answered ?? 'n/a').join(', ')} |`);
    }
    out.push('');
  }
  const failed = records.filter((r) => r.kind === 'failed');
  if (failed.length) {
    out.push('Problems: ' + failed.map((r) => `${r.server} (rep ${r.rep}): ${r.what}`).join('; ') + '.');
    out.push('');
  }
  return out.join('\n');
}
