import { createHash, timingSafeEqual } from 'node:crypto';
import { hostPort } from '../runtime/runtime.js';
import { ControlError } from './errors.js';

/**
 * Who may drive the control channel (docs/security.md): a bearer token when one is given, and on
 * a loopback address only requests that name a loopback host (a web page elsewhere whose name
 * resolves to 127.0.0.1, DNS rebinding, sends its own name as Host); never a request a browser
 * makes for a page of another origin (its Origin header). Content types are fastify's part: only
 * application/json bodies are parsed (server.ts).
 */
export interface GuardOptions {
  /** Requests must carry `Authorization: Bearer <token>`, except GET /health. */
  readonly token?: string;
  /** The channel listens on a loopback address: refuse a Host that is not a loopback name. */
  readonly loopback: boolean;
}

/**
 * Who may call a route once the channel has a token (Route.access): `token` (the default) callers
 * that send it; `public` anyone (GET /health, the web view's files); `ticket` the live stream,
 * which its handler lets in by a single-use ticket instead.
 */
export type Access = 'token' | 'public' | 'ticket';

export interface GuardedRequest {
  readonly access: Access;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** The refusal of a request, or undefined to serve it; `port` is where the channel listens (undefined before it does: tests inject). */
export function checkRequest(request: GuardedRequest, options: GuardOptions, port: number | undefined): ControlError | undefined {
  if (options.loopback && !isLoopbackHost(single(request.headers.host), port)) {
    return new ControlError(403, `the control channel listens on a loopback address and answers only requests to localhost, 127.0.0.1 or [::1]${port === undefined ? '' : ` with port ${port}`} (the Host header)`);
  }
  const origin = single(request.headers.origin);
  if (origin !== undefined && !sameOrigin(origin, single(request.headers.host))) {
    return new ControlError(403, `a request from a web page of another origin (${origin}) is refused: the control channel is for test code and tools, not for browsers elsewhere`);
  }
  if (options.token !== undefined && request.access === 'token' && !sameToken(bearer(single(request.headers.authorization)), options.token)) {
    return new ControlError(401, 'this control channel needs its token: send the header "Authorization: Bearer <token>" with the token given by --control-token or MODBUS_EMU_CONTROL_TOKEN');
  }
  return undefined;
}

/** Whether the channel may listen on `host` without a token: loopback addresses and `localhost` only. */
export function isLoopbackAddress(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || IPV4_LOOPBACK.test(h) || IPV6_LOOPBACK.test(h);
}

// Written out rather than node:net's isIP (the server's package, test/architecture.test.ts).
const IPV4_LOOPBACK = /^127(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const IPV6_LOOPBACK = /^(::1|(0{1,4}:){7}0{0,3}1|::ffff:127(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3})$/;

/** `localhost:8502`, `127.0.0.1:8502`, `[::1]:8502` (any 127.x address); the port must be the channel's when known. */
function isLoopbackHost(host: string | undefined, port: number | undefined): boolean {
  const m = host === undefined ? null : /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host);
  if (!m) return false;
  const name = m[1]!;
  // An IPv6 address only in brackets (RFC 3986), as a Host header writes it.
  if (!isLoopbackAddress(name) || (name.startsWith('[') && !IPV6_LOOPBACK.test(name.slice(1, -1).toLowerCase()))) return false;
  return port === undefined || Number(m[2] ?? 80) === port;
}

/** A browser's request from a page the channel itself served would carry its own origin; tools send none. */
const sameOrigin = (origin: string, host: string | undefined): boolean => host !== undefined && (origin === `http://${host}` || origin === `https://${host}`);

const single = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

function bearer(header: string | undefined): string | undefined {
  const m = header === undefined ? null : /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return m?.[1];
}

/** Compares in constant time: digests of equal length, so neither the length nor a prefix of the token leaks through timing. */
function sameToken(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(token));
}

/** Why a control channel beyond loopback needs a token, and how to give one. */
export function tokenNeeded(host: string, port: number): string {
  return `the control channel on ${hostPort(host, port)} would answer anyone who can reach this machine: give it a token with --control-token TOKEN or the environment variable MODBUS_EMU_CONTROL_TOKEN (clients then send "Authorization: Bearer TOKEN"), or listen on loopback (--control 127.0.0.1:${port})`;
}
