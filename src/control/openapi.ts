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
  paths[OPENAPI_PATH] = { get: { summary: 'This document', tags: ['emulator'], operationId: 'getOpenApi', responses: { 200: { description: 'OpenAPI 3.1', content: { 'application/json': { schema: { type: 'object' } } } } } } };
  return {
    openapi: '3.1.0',
    info: { title: 'modbus-emu control channel', version, description: 'Drive the devices of a running modbus-emu (started with --control HOST:PORT): points, tables, reload, journal, clock; the web view at / and its live stream.' },
    paths,
    components: { schemas: { Error: ERROR } },
  };
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
  const errorReply = { description: 'what is wrong', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  return {
    summary: route.summary,
    tags: [route.tag],
    operationId: route.id,
    ...(parameters.length > 0 && { parameters }),
    ...(route.body && { requestBody: { required: !isOptional(route.body), content: { 'application/json': { schema: route.body } } } }),
    responses: {
      200: { description: route.summary, content: { [route.produces ?? 'application/json']: { schema: route.response } } },
      '4XX': errorReply,
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
