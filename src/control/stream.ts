import { formatDiagnostic } from '../profile/diagnostics.js';
import type { JournalRecord } from '../runtime/journal.js';
import type { CompiledProfile, ReloadFailure } from '../runtime/runtime.js';
import type { Clock, Timer, TimerHandle } from '../time.js';
import type { ControlledDevice } from './context.js';
import { EventStream } from './replies.js';
import { channelFaultRules } from './vocabulary.js';

/** Live streams open at once per control channel: each samples every point, so they are few. */
export const MAX_STREAMS = 16;
/** At most this many updates a second per client: values are coalesced in between. */
export const STREAM_INTERVAL_MS = 100;
/** Journal records sent per update at most; a burst beyond it is reported as `skipped`. */
export const JOURNAL_PER_UPDATE = 100;
/** Point reads (value and raw words) per second per stream: a large device is sampled less often. */
const READS_PER_SECOND = 20_000;
/** An idle stream sends a comment this often, so proxies and browsers keep it open. */
const KEEP_ALIVE_MS = 15_000;

/** One point's state as the page shows it: engineering value and raw words. */
type Sample = [value: number | boolean | string, raw: number[]];

/**
 * The live stream of one device for the web view (text/event-stream). It samples on its own timer
 * (never per Modbus request): values and raw words of every point, sent when they changed; new
 * journal records since the last update; the fault rules' counters when they moved. A client
 * that does not read (a stalled tab) is skipped until its socket drains, so nothing queues: the
 * next update carries the latest values, and the journal resumes from where it stopped, reporting
 * the records it had to leave out. Events:
 *
 *   values   { time, units: [{ unit, values: { name: [value, raw] } }] }   (changed points only; when time moved)
 *   journal  { records, skipped }       requests and events (state machine transitions: `kind: 'event'`)
 *   faults   { rules: [{ name, injected, matched, fired }] }
 *   machines { units: [{ unit, machines: [{ name, state, value, since, states }] }] }   (when a state changed; units with machines only)
 *   device   { reason: 'reload' }       the device was replaced: fetch its points again
 *   reloadError { message, diagnostics } a reload failed; the device served so far goes on
 */
export function deviceStream(d: ControlledDevice, clock: Clock, timer: Timer): EventStream {
  return new EventStream((sink) => {
    const { runtime } = d;
    const sent = new Map<string, string>();
    let faultsSent = '';
    let machinesSent = '';
    let lastSeq = 0;
    let lastTime = Number.NaN;
    let idleSince = timer.now();
    let handle: TimerHandle | undefined;
    let stopped = false;

    const send = (event: string, data: unknown): void => {
      sink.send(event, data);
      idleSince = timer.now();
    };
    const onSwap = (): void => {
      sent.clear();
      faultsSent = '';
      machinesSent = '';
      send('device', { reason: 'reload' });
    };
    const onReloadError = (result: ReloadFailure): void => {
      send('reloadError', { message: result.error?.message ?? `the profile has ${result.diagnostics.length} problem(s): the device served so far goes on`, diagnostics: result.diagnostics.map(formatDiagnostic) });
    };
    const stop = (): void => {
      if (stopped) return;
      stopped = true;
      handle?.cancel();
      runtime.off('swap', onSwap);
      runtime.off('reloadError', onReloadError);
      runtime.off('close', end);
    };
    const end = (): void => {
      stop();
      sink.end();
    };

    const update = (): void => {
      const device = runtime.device as Partial<CompiledProfile>;
      sendValues(device.units ?? []);
      sendJournal();
      const rules = channelFaultRules(device.faults?.rules() ?? []);
      const text = JSON.stringify(rules);
      if (text !== faultsSent) {
        faultsSent = text;
        send('faults', { rules });
      }
      sendMachines(device.units ?? []);
    };
    // A handful of machines per device, compared as text like the rules: sent only when one moved.
    const sendMachines = (served: CompiledProfile['units']): void => {
      const units = served.map((u, unit) => ({ unit, machines: u.machines() })).filter((u) => u.machines.length > 0);
      const text = JSON.stringify(units);
      if (text === machinesSent) return;
      machinesSent = text;
      send('machines', { units });
    };
    const sendValues = (served: CompiledProfile['units']): void => {
      const units: { unit: number; values: Record<string, Sample> }[] = [];
      served.forEach((u, i) => {
        const values: Record<string, Sample> = {};
        let changed = false;
        for (const p of u.points.values()) {
          const v = u.read(p.name);
          const sample: Sample = [typeof v === 'bigint' ? v.toString() : v, u.readTable(p.table, p.address, p.size)];
          const key = `${i}\0${p.name}`;
          const text = JSON.stringify(sample);
          if (sent.get(key) === text) continue;
          sent.set(key, text);
          values[p.name] = sample;
          changed = true;
        }
        if (changed) units.push({ unit: i, values });
      });
      // Sent when time moved even if no value did: the page's clock and plots follow emulator time.
      const time = clock.now();
      if (units.length > 0 || time !== lastTime) send('values', { time, units });
      lastTime = time;
    };
    const sendJournal = (): void => {
      const journal = runtime.journal;
      if (!journal) return;
      const records: JournalRecord[] = journal.after(lastSeq, JOURNAL_PER_UPDATE);
      if (records.length === 0) return;
      const newest = records[records.length - 1]!.seq;
      // Sequence numbers count every recorded request, so the gap is what this update left out.
      const skipped = lastSeq === 0 ? 0 : newest - lastSeq - records.length;
      lastSeq = newest;
      send('journal', { records, skipped });
    };

    const pointCount = (): number => ((runtime.device as Partial<CompiledProfile>).units ?? []).reduce((n, u) => n + u.points.size, 0);
    const tick = (): void => {
      if (stopped) return;
      try {
        // A stalled client gets nothing new (values stay coalesced in `sent`, the journal waits at lastSeq).
        if (!sink.stalled) {
          update();
          if (timer.now() - idleSince >= KEEP_ALIVE_MS) {
            sink.comment('keep-alive');
            idleSince = timer.now();
          }
        }
      } catch (error) {
        send('error', { message: (error as Error).message });
        end();
        return;
      }
      handle = timer.setTimeout(tick, Math.max(STREAM_INTERVAL_MS, Math.ceil((pointCount() * 2 * 1000) / READS_PER_SECOND)));
    };

    // Each open stream listens to the runtime: up to MAX_STREAMS of them is expected, not a leak.
    const max = runtime.getMaxListeners();
    if (max !== 0 && max < MAX_STREAMS + 10) runtime.setMaxListeners(MAX_STREAMS + 10);
    runtime.on('swap', onSwap);
    runtime.on('reloadError', onReloadError);
    runtime.on('close', end);
    send('hello', { device: d.id, time: clock.now(), journal: runtime.journal !== undefined, intervalMs: STREAM_INTERVAL_MS });
    tick();
    return stop;
  });
}
