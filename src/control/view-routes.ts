import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { realTimer } from '../runtime/timers.js';
import type { Timer } from '../time.js';
import type { ControlContext } from './context.js';
import { ControlError } from './errors.js';
import { EventStream, RawReply } from './replies.js';
import { device, type Route, type Schema } from './routes.js';
import { MAX_STREAMS, deviceStream } from './stream.js';

export { MAX_STREAMS };
import { StreamTickets, TICKET_TTL_MS } from './tickets.js';

/** The page's files ship in the package's `web/` folder; uPlot comes from its installed package. */
const WEB = new URL('../../web/', import.meta.url);
const require = createRequire(import.meta.url);

/**
 * The web view's files: fixed URL → fixed file, read once. Nothing from the request names a file.
 * The page allows only its own origin (scripts, styles, fetch and the stream), no framing.
 */
const ASSETS: readonly { id: string; url: string; file: () => string; type: string; summary: string }[] = [
  { id: 'getWebView', url: '/', file: () => fileURLToPath(new URL('index.html', WEB)), type: 'text/html; charset=utf-8', summary: 'The web view: points, plots, writes, fault rules, journal and clock of every device' },
  { id: 'getWebViewScript', url: '/web/app.js', file: () => fileURLToPath(new URL('app.js', WEB)), type: 'text/javascript; charset=utf-8', summary: "The web view's script" },
  { id: 'getWebViewStyle', url: '/web/style.css', file: () => fileURLToPath(new URL('style.css', WEB)), type: 'text/css; charset=utf-8', summary: "The web view's style sheet" },
  { id: 'getChartScript', url: '/web/uplot.js', file: () => require.resolve('uplot/dist/uPlot.iife.min.js'), type: 'text/javascript; charset=utf-8', summary: 'uPlot, the chart library of the web view (MIT)' },
  { id: 'getChartStyle', url: '/web/uplot.css', file: () => require.resolve('uplot/dist/uPlot.min.css'), type: 'text/css; charset=utf-8', summary: "uPlot's style sheet" },
];

const PAGE_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

const cache = new Map<string, Buffer>();
function asset(url: string, file: () => string, type: string): RawReply {
  let body = cache.get(url);
  if (!body) cache.set(url, (body = readFileSync(file())));
  return new RawReply(type, body, PAGE_HEADERS);
}

interface ViewState {
  readonly tickets: StreamTickets;
  streams: number;
}
const states = new WeakMap<ControlContext, ViewState>();
function stateOf(c: ControlContext): ViewState {
  let s = states.get(c);
  if (!s) states.set(c, (s = { tickets: new StreamTickets(timerOf(c)), streams: 0 }));
  return s;
}
const timerOf = (c: ControlContext): Timer => c.timer ?? realTimer;

const object = (properties: Record<string, Schema>, required: string[] = []): Schema => ({ type: 'object', properties, required, additionalProperties: false });

/**
 * The web view's routes: its files (`access: 'public'`: they hold no device data, and the page
 * must load before it can ask for a token), a ticket for the live stream (the channel's own
 * rules, token included, apply), and the stream itself (`access: 'ticket'`: `EventSource` cannot
 * send an Authorization header, so the single-use ticket in its query stands for it).
 */
export const VIEW_ROUTES: readonly Route[] = [
  ...ASSETS.map(
    (a): Route => ({
      id: a.id,
      method: 'GET',
      url: a.url,
      summary: a.summary,
      tag: 'web view',
      access: 'public',
      produces: a.type.split(';')[0]!,
      response: { type: 'string' },
      handler: () => asset(a.url, a.file, a.type),
    }),
  ),
  {
    id: 'createStreamTicket',
    method: 'POST',
    url: '/stream-tickets',
    summary: `A single-use ticket for GET /devices/{device}/events, valid for ${TICKET_TTL_MS / 1000} s (EventSource cannot send an Authorization header)`,
    tag: 'web view',
    body: { anyOf: [{ type: 'null' }, object({})] },
    response: object({ ticket: { type: 'string' }, expiresInMs: { type: 'integer' } }),
    handler: (_r, c) => stateOf(c).tickets.issue(),
  },
  {
    id: 'streamDevice',
    method: 'GET',
    url: '/devices/:device/events',
    summary:
      'Server-sent events of one device, at most 10 updates a second: values (changed points, [value, raw words]), journal (new records, requests and events, skipped), faults (rules and counters), machines (state machines, when one moved), device (reloaded), reloadError; a client that does not read gets nothing queued',
    tag: 'web view',
    access: 'ticket',
    produces: 'text/event-stream',
    params: object({ device: { type: 'string' } }, ['device']),
    query: object({ ticket: { type: 'string', description: 'from POST /stream-tickets (single use)' } }, ['ticket']),
    response: { type: 'string', description: 'text/event-stream: `event: values` / `journal` / `faults` / `machines` / `device` / `reloadError` lines with JSON `data:`' },
    handler: (r, c) => {
      const state = stateOf(c);
      if (!state.tickets.redeem(r.query.ticket)) throw new ControlError(401, 'the stream ticket is unknown, used or expired: get one with POST /stream-tickets');
      const d = device(c, r.params.device!);
      if (state.streams >= MAX_STREAMS) throw new ControlError(503, `${MAX_STREAMS} live streams are open already: close a page first`);
      const stream = deviceStream(d, c.clock, timerOf(c));
      return new EventStream((sink) => {
        state.streams++;
        const stop = stream.open(sink);
        return () => {
          state.streams--;
          stop();
        };
      });
    },
  },
];
