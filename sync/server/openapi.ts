import { z } from 'zod';
import { PROTOCOL_VERSION, ApiError } from '../protocol/schemas';
import { ROUTE_DOCS, type Answer, type Auth, type Body } from './openapiRoutes';
import type { RouteEntry } from './routeTable';

/**
 * The OpenAPI 3.1 description of the server, made from the live route table (every route the
 * app registered) and the zod schemas each route parses (openapiRoutes.ts), turned into JSON
 * Schema 2020-12 (OpenAPI 3.1's own dialect) by zod's toJSONSchema. HEAD routes are Fastify's
 * automatic twins of GET ones and are left out.
 */
type Json = Record<string, unknown>;

const SECURITY: Record<Auth, Json[] | undefined> = {
  none: [],
  terminal: [{ terminalToken: [] }],
  manager: [{ terminalToken: [], managerToken: [] }],
  admin: [{ adminToken: [] }],
};

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const out = z.toJSONSchema(schema, { target: 'draft-2020-12', unrepresentable: 'any', io, reused: 'inline' }) as Json;
  delete out.$schema;
  return out;
}

const isZod = (v: Body | Answer): v is z.ZodType => v instanceof z.ZodType;

/** `/a/:id/b/*` -> `/a/{id}/b/{path}` and its path parameters. */
function openApiPath(url: string): { path: string; params: string[] } {
  const params: string[] = [];
  const path = url
    .replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => {
      params.push(name);
      return `{${name}}`;
    })
    .replace(/\*$/, () => {
      params.push('path');
      return '{path}';
    });
  return { path, params };
}

function queryParameters(query: z.ZodObject | undefined): Json[] {
  if (!query) return [];
  const schema = jsonSchema(query, 'input') as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(schema.properties ?? {}).map(([name, s]) => ({ name, in: 'query', required: schema.required?.includes(name) ?? false, schema: s }));
}

export function buildOpenApi(routes: readonly RouteEntry[]): Json {
  const paths: Record<string, Record<string, Json>> = {};
  const error = {
    description: 'Refused: {code, message} (4xx), or a failure (5xx).',
    content: { 'application/json': { schema: jsonSchema(ApiError, 'output') } },
  };
  for (const route of routes) {
    const method = route.method.toLowerCase();
    if (method === 'head') continue;
    const doc = ROUTE_DOCS[`${route.method} ${route.url}`];
    const { path, params } = openApiPath(route.url);
    const op: Json = {
      operationId: `${method}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`,
      summary: doc?.summary ?? 'Undescribed route',
      tags: [doc?.tag ?? 'other'],
      parameters: [...params.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })), ...queryParameters(doc?.query)],
      responses: { '200': { description: 'OK' }, '4XX': error, '5XX': error },
    };
    const security = SECURITY[doc?.auth ?? 'admin'];
    if (security) op.security = security;
    if (doc?.body) {
      op.requestBody = isZod(doc.body)
        ? { required: true, content: { 'application/json': { schema: jsonSchema(doc.body, 'input') } } }
        : {
            required: true,
            description: doc.body.description,
            content: Object.fromEntries(doc.body.upload.map((t) => [t, { schema: { type: 'string', contentMediaType: t } }])),
          };
    }
    if (doc?.response) {
      op.responses = {
        ...(op.responses as Json),
        '200': isZod(doc.response)
          ? { description: 'OK', content: { 'application/json': { schema: jsonSchema(doc.response, 'output') } } }
          : { description: doc.response.description, content: { [doc.response.file]: { schema: { type: 'string', contentMediaType: doc.response.file } } } },
      };
    }
    (paths[path] ??= {})[method] = op;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Loyalty Till server API',
      version: `protocol ${PROTOCOL_VERSION}`,
      description: 'The central server: till sync (enrol, pull, push), store manager screens, head-office administration and data exchange.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    components: {
      securitySchemes: {
        adminToken: { type: 'http', scheme: 'bearer', description: 'LT_ADMIN_TOKEN' },
        terminalToken: { type: 'http', scheme: 'bearer', description: "The till's credential from enrolment" },
        managerToken: { type: 'apiKey', in: 'header', name: 'x-manager-token' },
      },
    },
    paths,
  };
}
