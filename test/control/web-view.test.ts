import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { ControlledDevice } from '../../src/control/context.js';
import type { EventSink } from '../../src/control/replies.js';
import { startControl } from '../../src/control/server.js';
import { JOURNAL_PER_UPDATE, STREAM_INTERVAL_MS, deviceStream } from '../../src/control/stream.js';
import { StreamTickets, TICKET_TTL_MS } from '../../src/control/tickets.js';
import { MAX_STREAMS, VIEW_ROUTES } from '../../src/control/view-routes.js';
import { silentLogger } from '../../src/log.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { Journal } from '../../src/runtime/journal.js';
import { loadDevice } from '../../src/runtime/load-device.js';
import type { RequestRecord } from '../../src/runtime/request-record.js';
import { Runtime, type CompiledProfile } from '../../src/runtime/runtime.js';
import { ManualTimer } from '../../src/runtime/timers.js';
import { testEnv } from '../helpers/env.js';
import { fetchJson, fetchWithin } from '../helpers/within.js';

/**
 * The web view's server side: the single-use stream tickets, the sampled live stream (its rate,
 * its coalescing, what a stalled client costs), and the routes that serve the page and the stream.
 * The page itself is tested in a browser (test/web/browser.test.ts).
 */
const PUMP = fileURLToPath(new URL('../../devices/pump.yaml', import.meta.url));

async function pump(journal?: number): Promise<{ runtime: Runtime; clock: ManualClock; device: ControlledDevice }> {
  const clock = new ManualClock();
  const env = { ...testEnv(), clock };
  const loaded = await loadDevice(PUMP, { env });
  if (!loaded.ok) throw new Error('devices/pump.yaml does not load');
  const runtime = new Runtime({ device: loaded.profile, env, port: 0, ...(journal && { journal }) });
  onTestFinished(() => runtime.close());
  return { runtime, clock, device: { id: 'pump', runtime } };
}

/** A sink that keeps what the stream sent; `stalled` is set by the test. */
function recordingSink() {
  const events: { event: string; data: Record<string, unknown> }[] = [];
  const sink: EventSink & { stalled: boolean; ended: boolean } = {
    stalled: false,
    ended: false,
    send: (event, data) => (events.push({ event, data: data as Record<string, unknown> }), true),
    comment: () => true,
    end: () => void (sink.ended = true),
  };
  const take = () => events.splice(0).map((e) => e.event);
  return { sink, events, take };
}

const record = (seq: number): RequestRecord => ({ seq, time: 0, wallTime: 0, connection: { id: 1, address: '127.0.0.1', port: 1 }, transactionId: seq, unitId: 1, functionCode: 3, function: 'readHoldingRegisters', address: 8502, quantity: 1, outcome: 'response' });

describe('stream tickets', () => {
  it('let a stream in once, until they expire', () => {
    const timer = new ManualTimer();
    const tickets = new StreamTickets(timer);
    const { ticket, expiresInMs } = tickets.issue();
    expect(expiresInMs).toBe(TICKET_TTL_MS);
    expect(ticket).toMatch(/^[0-9a-f-]{36}$/);
    expect(tickets.redeem(ticket)).toBe(true);
    expect(tickets.redeem(ticket)).toBe(false);
    expect(tickets.redeem('not-a-ticket')).toBe(false);
    expect(tickets.redeem(undefined)).toBe(false);
    const late = tickets.issue().ticket;
    timer.advance(TICKET_TTL_MS);
    expect(tickets.redeem(late)).toBe(false);
  });

  it('are unguessable and bounded: a caller that only asks pushes the oldest out', () => {
    const tickets = new StreamTickets(new ManualTimer());
    const issued = Array.from({ length: 65 }, () => tickets.issue().ticket);
    expect(new Set(issued).size).toBe(65);
    expect(tickets.redeem(issued[0])).toBe(false);
    expect(tickets.redeem(issued[1])).toBe(true);
    expect(tickets.redeem(issued[64])).toBe(true);
  });
});

describe('Journal.after', () => {
  it('gives the records after a sequence number, oldest first, at most the newest `limit`', () => {
    const journal = new Journal(5);
    for (let seq = 1; seq <= 8; seq++) journal.add(record(seq));
    const seqs = (records: { seq: number }[]) => records.map((r) => r.seq);
    expect(seqs(journal.after(0, 10))).toEqual([4, 5, 6, 7, 8]);
    expect(seqs(journal.after(6, 10))).toEqual([7, 8]);
    expect(seqs(journal.after(0, 2))).toEqual([7, 8]);
    expect(journal.after(8, 10)).toEqual([]);
  });
});

describe('what the page marks on a point', () => {
  it('points say whether a generator computes them and whether a rule checks client writes', async () => {
    const { runtime } = await pump();
    const points = (runtime.device as CompiledProfile).units[0]!.points;
    const flags = (name: string) => ({ generated: points.get(name)!.generated, writeRule: points.get(name)!.writeRule });
    expect(flags('lineVoltage')).toEqual({ generated: true, writeRule: undefined });
    expect(flags('frequencyReference')).toEqual({ generated: undefined, writeRule: true });
    expect(flags('controlWord.enableOperation')).toEqual({ generated: undefined, writeRule: undefined });
    expect(flags('statusWord.fault')).toEqual({ generated: true, writeRule: undefined });
  });

  it("fault rules say which tables and addresses their match reaches", async () => {
    const { runtime } = await pump();
    runtime.inject({ name: 'reads', match: { function: [3, 4], address: { from: 8501, to: 8502 } }, do: { exception: 6 } });
    runtime.inject({ name: 'voltage', match: { points: ['lineVoltage'] }, do: { exception: 4 } });
    runtime.inject({ name: 'all', do: { delay: 10 } });
    const rules = (runtime.device as CompiledProfile).faults.rules();
    expect(rules.map(({ name, tables, spans }) => ({ name, tables, spans }))).toEqual([
      { name: 'reads', tables: ['holdingRegisters', 'inputRegisters'], spans: [{ from: 8501, to: 8502 }] },
      { name: 'voltage', tables: null, spans: [{ table: 'holdingRegisters', from: 3207, to: 3207 }] },
      { name: 'all', tables: null, spans: null },
    ]);
  });
});

describe('the live stream of a device', () => {
  it('starts with every value, then sends what changed, at most once per interval', async () => {
    const { device, clock } = await pump();
    const timer = new ManualTimer();
    const { sink, events, take } = recordingSink();
    const stop = deviceStream(device, clock, timer).open(sink);
    expect(take()).toEqual(['hello', 'values', 'faults', 'machines']);
    timer.advance(STREAM_INTERVAL_MS);
    expect(take()).toEqual([]); // nothing moved: nothing sent
    clock.advance(60_000);
    timer.advance(STREAM_INTERVAL_MS - 1);
    expect(take()).toEqual([]);
    timer.advance(1);
    expect(events.map((e) => e.event)).toEqual(['values']);
    const { time, units } = events[0]!.data as { time: number; units: { unit: number; values: Record<string, [unknown, number[]]> }[] };
    expect(time).toBe(60_000);
    const changed = Object.keys(units[0]!.values);
    expect(changed).toContain('lineVoltage');
    expect(changed).not.toContain('frequencyReference'); // a setpoint does not move by itself
    const [value, raw] = units[0]!.values.lineVoltage!;
    expect(value).toBe((device.runtime.device as CompiledProfile).units[0]!.read('lineVoltage'));
    expect(raw).toHaveLength(1);
    stop();
    expect(timer.size).toBe(0);
  });

  it('queues nothing for a stalled client: the next update carries the latest values and says what the journal left out', async () => {
    const { device, clock, runtime } = await pump(1000);
    const timer = new ManualTimer();
    const { sink, events, take } = recordingSink();
    deviceStream(device, clock, timer).open(sink);
    runtime.journal!.add(record(1));
    timer.advance(STREAM_INTERVAL_MS);
    take();
    sink.stalled = true;
    for (let seq = 2; seq <= 251; seq++) runtime.journal!.add(record(seq));
    for (let i = 0; i < 50; i++) {
      clock.advance(1000);
      timer.advance(STREAM_INTERVAL_MS);
    }
    expect(events).toEqual([]);
    sink.stalled = false;
    timer.advance(STREAM_INTERVAL_MS);
    expect(events.map((e) => e.event)).toEqual(['values', 'journal']);
    expect(events[0]!.data.time).toBe(50_000);
    const journal = events[1]!.data as { records: RequestRecord[]; skipped: number };
    expect(journal.records.map((r) => r.seq)).toEqual(Array.from({ length: JOURNAL_PER_UPDATE }, (_, i) => 152 + i));
    expect(journal.skipped).toBe(250 - JOURNAL_PER_UPDATE);
  });

  it("sends the machines' states when one moved, and their transitions in the journal as events", async () => {
    const { device, clock, runtime } = await pump(1000);
    const timer = new ManualTimer();
    const { sink, events } = recordingSink();
    deviceStream(device, clock, timer).open(sink);
    const machines = () => events.filter((e) => e.event === 'machines').map((e) => (e.data as { units: { unit: number; machines: { name: string; state: string; states: string[] }[] }[] }).units);
    const [first] = machines();
    expect(first).toEqual([{ unit: 0, machines: [expect.objectContaining({ name: 'drive', state: 'operationEnabled', since: 0, states: ['switchOnDisabled', 'readyToSwitchOn', 'switchedOn', 'operationEnabled', 'fault'] })] }]);
    events.length = 0;
    timer.advance(STREAM_INTERVAL_MS);
    expect(machines()).toEqual([]); // no state moved: nothing sent
    clock.advance(1000);
    (runtime.device as CompiledProfile).units[0]!.forceState('drive', 'fault');
    events.length = 0;
    timer.advance(STREAM_INTERVAL_MS);
    expect(machines()).toEqual([[{ unit: 0, machines: [expect.objectContaining({ name: 'drive', state: 'fault', since: 1000 })] }]]);
    const journal = events.find((e) => e.event === 'journal')!.data as { records: { kind?: string; source?: string; data?: { to: string } }[]; skipped: number };
    expect(journal.records.map((r) => [r.kind, r.source, r.data?.to])).toEqual([['event', 'drive', 'fault']]);
  });

  it('tells the page when the device was replaced (a reload) and ends when the runtime closes', async () => {
    const { device, clock, runtime } = await pump();
    const timer = new ManualTimer();
    const { sink, take } = recordingSink();
    deviceStream(device, clock, timer).open(sink);
    take();
    const result = await runtime.reload();
    expect(result.ok).toBe(true);
    expect(take()).toContain('device');
    await runtime.close();
    expect(sink.ended).toBe(true);
    expect(timer.size).toBe(0);
  });
});

describe('the web view routes', () => {
  async function channel() {
    const { device, clock } = await pump(100);
    await device.runtime.listen();
    const timer = new ManualTimer();
    const server = await startControl({ host: '127.0.0.1', port: 0, devices: [device], clock, timer, logger: silentLogger, version: '0' });
    onTestFinished(() => server.close());
    const ticket = async () => (await fetchJson<{ ticket: string }>(`${server.url}/stream-tickets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).ticket;
    return { server, timer, ticket };
  }

  /** Reads the stream until `text` arrived, within about a second. */
  async function readUntil(body: ReadableStream<Uint8Array>, text: string): Promise<string> {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let seen = '';
    const timeout = AbortSignal.timeout(1000);
    while (!seen.includes(text)) {
      const chunk = await Promise.race([reader.read(), new Promise<never>((_, reject) => timeout.addEventListener('abort', () => reject(new Error(`the stream did not send "${text}" within 1 s; it sent: ${seen.slice(0, 200)}`))))]);
      if (chunk.done) throw new Error(`the stream ended before "${text}"`);
      seen += decoder.decode(chunk.value);
    }
    reader.releaseLock();
    return seen;
  }

  it('serve the page and its files with a strict content security policy', async () => {
    const { server } = await channel();
    const page = await fetchWithin(`${server.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(await page.text()).toContain('<script src="/web/app.js" defer></script>');
    for (const [path, type] of [['/web/app.js', 'text/javascript'], ['/web/style.css', 'text/css'], ['/web/uplot.js', 'text/javascript'], ['/web/uplot.css', 'text/css']]) {
      const res = await fetchWithin(`${server.url}${path}`);
      expect([path, res.status, res.headers.get('content-type')?.split(';')[0]]).toEqual([path, 200, type]);
    }
    // Only those fixed paths: nothing from the URL names a file.
    expect((await fetchWithin(`${server.url}/web/..%2Fpackage.json`)).status).toBe(404);
    expect((await fetchWithin(`${server.url}/web/index.html`)).status).toBe(404);
  });

  it('open the stream only with a fresh ticket, once', async () => {
    const { server, ticket } = await channel();
    expect((await fetchWithin(`${server.url}/devices/pump/events`)).status).toBe(400);
    const refused = await fetchWithin(`${server.url}/devices/pump/events?ticket=guess`);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: 'Unauthorized', message: expect.stringContaining('POST /stream-tickets') });
    const t = await ticket();
    const stream = await fetchWithin(`${server.url}/devices/pump/events?ticket=${t}`);
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const first = await readUntil(stream.body!, 'event: faults');
    expect(first).toMatch(/^event: hello\ndata: \{"device":"pump"/);
    expect(first).toContain('event: values\ndata: {"time":0,"units":[{"unit":0,"values":{');
    expect((await fetchWithin(`${server.url}/devices/pump/events?ticket=${t}`)).status).toBe(401);
    expect((await fetchWithin(`${server.url}/devices/nope/events?ticket=${await ticket()}`)).status).toBe(404);
    await stream.body!.cancel();
  });

  it(`refuse a stream beyond ${MAX_STREAMS} at once, and close with streams open`, async () => {
    const { server, ticket } = await channel();
    const open = await Promise.all(Array.from({ length: MAX_STREAMS }, async () => fetchWithin(`${server.url}/devices/pump/events?ticket=${await ticket()}`)));
    expect(open.map((r) => r.status)).toEqual(Array.from({ length: MAX_STREAMS }, () => 200));
    const busy = await fetchWithin(`${server.url}/devices/pump/events?ticket=${await ticket()}`);
    expect(busy.status).toBe(503);
    await busy.body?.cancel();
    await server.close(); // would wait forever for the open streams if close() did not end them
    for (const r of open) await expect(readUntil(r.body!, 'never sent')).rejects.toThrow(/ended/);
  });

  it('are in the OpenAPI document: the stream as text/event-stream; the files public, the stream by ticket', async () => {
    const { server } = await channel();
    const doc = await fetchJson<{ paths: Record<string, Record<string, { responses: Record<string, { content: Record<string, unknown> }> }>> }>(`${server.url}/openapi.json`);
    expect(Object.keys(doc.paths['/devices/{device}/events']!.get!.responses['200']!.content)).toEqual(['text/event-stream']);
    expect(Object.keys(doc.paths['/']!.get!.responses['200']!.content)).toEqual(['text/html']);
    expect(Object.keys(doc.paths['/stream-tickets']!.post!.responses['200']!.content)).toEqual(['application/json']);
    expect(VIEW_ROUTES.filter((r) => r.access === 'public').map((r) => r.url)).toEqual(['/', '/web/app.js', '/web/style.css', '/web/uplot.js', '/web/uplot.css']);
    expect(VIEW_ROUTES.filter((r) => r.access === 'ticket').map((r) => r.url)).toEqual(['/devices/:device/events']);
  });
});
