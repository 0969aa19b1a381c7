import { fastify, type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import { hostPort } from '../runtime/runtime.js';
import type { Logger } from '../log.js';
import type { ControlContext } from './context.js';
import { ControlError } from './errors.js';
import { OPENAPI_PATH, openApiDocument } from './openapi.js';
import { EventStream, RawReply, type EventSink } from './replies.js';
import { ROUTES, type Route } from './routes.js';
import { describeValidation } from './validation.js';
import { VIEW_ROUTES } from './view-routes.js';

export interface ControlOptions extends ControlContext {
  host: string;
  /** 0 picks a free port. */
  port: number;
  logger: Logger;
  /** The package version, for the OpenAPI document. */
  version: string;
  /** Default: every route of the table and the web view's (tests pass their own). */
  routes?: readonly Route[];
}

export interface ControlServer {
  /** `http://127.0.0.1:8502` */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * The HTTP control channel: JSON over HTTP for test suites in any language, one server for every
 * device of the process, routes from the route table (routes.ts), the OpenAPI document at
 * /openapi.json. A bad request is a 4xx with `{ error, message }`; nothing a client sends crashes it.
 */
export async function startControl(options: ControlOptions): Promise<ControlServer> {
  const app = buildControl(options);
  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address() as { address: string; port: number };
  return { url: `http://${hostPort(address.address, address.port)}`, host: address.address, port: address.port, close: () => app.close() };
}

/** The fastify app without listening (tests use `inject`). */
export function buildControl(options: Omit<ControlOptions, 'host' | 'port'>): FastifyInstance {
  const routes = options.routes ?? [...ROUTES, ...VIEW_ROUTES];
  // Unknown keys are mistakes to report, not to drop silently (fastify's default removes them).
  // `verbose`: each validation error carries the data and schema it judged, for describeValidation.
  const app = fastify({ logger: false, exposeHeadRoutes: false, ajv: { customOptions: { removeAdditional: false, coerceTypes: true, allErrors: false, verbose: true } } });
  acceptEmptyJson(app);
  const context: ControlContext = { devices: options.devices, clock: options.clock, ...(options.timer && { timer: options.timer }) };
  const document = openApiDocument(routes, options.version);
  const served: { method: string; url: string }[] = [];
  servedRoutes.set(app, served);
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) served.push({ method, url: r.url });
  });
  for (const route of routes) {
    app.route({
      method: route.method,
      url: route.url,
      schema: { ...(route.params && { params: route.params }), ...(route.query && { querystring: route.query }), ...(route.body && { body: route.body }) },
      config: { access: route.access ?? 'token' },
      handler: async (request, reply) => {
        const result: unknown = await route.handler({ params: request.params as Record<string, string>, query: (request.query ?? {}) as Record<string, unknown>, body: request.body }, context);
        if (result instanceof RawReply) return reply.type(result.type).headers(result.headers).send(result.body);
        if (result instanceof EventStream) return openStream(reply, result, streams);
        return result;
      },
    });
  }
  // Open streams never end by themselves: close() ends them, or the server would wait for them.
  const streams = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of [...streams]) end();
  });
  app.get(OPENAPI_PATH, async () => document);
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ error: 'Not Found', message: `no route ${request.method} ${request.url} (GET ${OPENAPI_PATH} lists them)` });
  });
  app.setErrorHandler((error: FastifyError & { diagnostics?: unknown }, request, reply) => {
    if (error instanceof ControlError) {
      void reply.code(error.statusCode).send({ error: statusText(error.statusCode), message: error.message, ...(error.diagnostics !== undefined && { diagnostics: error.diagnostics }) });
      return;
    }
    if (error.validation) {
      void reply.code(400).send({ error: 'Bad Request', message: describeValidation(error.validation, error.validationContext === 'querystring' ? 'query' : (error.validationContext ?? 'request')) });
      return;
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      void reply.code(status).send({ error: statusText(status), message: error.message });
      return;
    }
    options.logger.log('error', `control: ${request.method} ${request.url} failed: ${error.stack ?? error.message}`);
    void reply.code(500).send({ error: 'Internal Server Error', message: error.message });
  });
  return app;
}

/**
 * A JSON content type with no body is no body (fastify's parser refuses it with a 400): clients
 * and HTTP libraries send `Content-Type: application/json` on every call, also on a
 * `POST /devices/pump/reset` that needs no body. A route that needs one still says so.
 */
function acceptEmptyJson(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') done(null, undefined);
    else parse(request, body as string, done);
  });
}

/** Takes the reply over for a text/event-stream response; `streams` holds what ends it. */
function openStream(reply: FastifyReply, stream: EventStream, streams: Set<() => void>): FastifyReply {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', connection: 'keep-alive' });
  const sink: EventSink = {
    send: (event, data) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`),
    comment: (text) => res.write(`: ${text}\n\n`),
    get stalled() {
      return res.writableNeedDrain;
    },
    end: () => res.end(),
  };
  const stop = stream.open(sink);
  const end = (): void => {
    stop();
    res.end();
  };
  streams.add(end);
  res.on('close', () => {
    streams.delete(end);
    stop();
  });
  return reply;
}

const servedRoutes = new WeakMap<FastifyInstance, readonly { method: string; url: string }[]>();
/** Every method and URL the app serves (what the OpenAPI document must list). */
export const routesOf = (app: FastifyInstance): readonly { method: string; url: string }[] => servedRoutes.get(app) ?? [];

function statusText(status: number): string {
  return ({ 400: 'Bad Request', 401: 'Unauthorized', 503: 'Service Unavailable', 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 422: 'Unprocessable Entity' } as Record<number, string>)[status] ?? 'Error';
}
