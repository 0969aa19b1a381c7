import type { Route, Schema } from './routes.js';

export const OPENAPI_PATH = '/openapi.json';

/**
 * The OpenAPI 3.1 document of the control channel, written from the route table that fastify
 * serves, so the two cannot disagree: users generate a client in their language from it.
 */
export function openApiDocument(routes: readonly Route[], version: string): Schema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.url.replace(/:(\w+)/g, '{$1}');
    (paths[path] ??= {})[route.method.toLowerCase()] = operation(route);
  }
  paths[OPENAPI_PATH] = { get: { summary: 'This document', tags: ['emulator'], operationId: 'getOpenApi', responses: { 200: { description: 'OpenAPI 3.1', content: { 'application/json': { schema: { type: 'object' } } } }, ...refusals([401, 403]) } } };
  return {
    openapi: '3.1.0',
    info: {
      title: 'modbus-emu control channel',
      version,
      description:
        'Drive the devices of a running modbus-emu (started with --control HOST:PORT): points, tables, reload, journal, clock; the web view at / and its live stream. ' +
        'Started with a token (--control-token or MODBUS_EMU_CONTROL_TOKEN; needed off loopback), every request but GET /health sends "Authorization: Bearer <token>". ' +
        'On a loopback address only requests to localhost, 127.0.0.1 or [::1] are answered; request bodies are application/json.',
    },
    paths,
    // Every operation needs the token when one was given, except those that say `security: []`.
    security: [{ bearerToken: [] }],
    components: {
      schemas: { Error: ERROR },
      securitySchemes: { bearerToken: { type: 'http', scheme: 'bearer', description: 'The token given to modbus-emu with --control-token or MODBUS_EMU_CONTROL_TOKEN (none needed when it was started without one, on loopback).' } },
    },
  };
}

/** What each refusal means, for every operation that may answer it. */
const REFUSALS: Readonly<Record<number, string>> = {
  400: 'the request is malformed: a parameter or body the route does not take, or a value it refuses',
  401: 'the token is missing or wrong (the channel was started with --control-token)',
  403: 'refused from where it comes or for what it asks: a Host that is not loopback on a loopback channel, a page of another origin, a file other than the device\'s own profile, other server settings',
  404: 'no such device, point, unit or fault rule',
  409: 'the state refuses it: a name in use, a device without points or journal, a clock of the other kind',
  415: 'the body is not application/json',
  422: 'the profile or fault rule has problems: every diagnostic, with its code and position',
};

function refusals(statuses: readonly number[]): Record<string, unknown> {
  const reply = (status: number) => ({ description: REFUSALS[status], content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
  return Object.fromEntries(statuses.map((status) => [status, reply(status)]));
}

const ERROR: Schema = {
  type: 'object',
  properties: {
    error: { type: 'string', description: 'the HTTP status text' },
    message: { type: 'string', description: 'what is wrong, in one sentence' },
    diagnostics: { type: 'array', description: 'every problem of a profile (reload)', items: { type: 'object' } },
  },
  required: ['error', 'message'],
};

function operation(route: Route): Record<string, unknown> {
  const parameters = [...parametersOf(route.params, 'path'), ...parametersOf(route.query, 'query')];
  // A public route needs no token; the stream's ticket refusal is a 401 too.
  const open = route.access === 'public';
  const statuses = [400, ...(open ? [] : [401]), 403, ...(route.params ? [404] : []), 409, ...(route.body ? [415] : []), ...(route.refusals ?? [])];
  return {
    summary: route.summary,
    tags: [route.tag],
    operationId: route.id,
    ...(route.access !== undefined && { security: [] }),
    ...(parameters.length > 0 && { parameters }),
    ...(route.body && { requestBody: { required: !isOptional(route.body), content: { 'application/json': { schema: route.body } } } }),
    responses: {
      200: { description: route.summary, content: { [route.produces ?? 'application/json']: { schema: route.response } } },
      ...refusals(statuses),
    },
  };
}

function parametersOf(schema: Schema | undefined, where: 'path' | 'query'): Schema[] {
  if (!schema) return [];
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries(properties).map(([name, s]) => ({ name, in: where, required: where === 'path' || required.has(name), schema: s, ...(typeof s.description === 'string' && { description: s.description }) }));
}

const isOptional = (body: Schema): boolean => Array.isArray(body.anyOf) && (body.anyOf as Schema[]).some((s) => s.type === 'null');
