import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app';
import type { Database } from './db/database';
import { ROUTE_DOCS } from './openapiRoutes';
import { routesOf } from './routeTable';
import { testDatabases } from './testing/databases';

const ADMIN = 'admin-token-for-tests-0123456789';

describe('OpenAPI description', () => {
  let db: Database;
  let app: FastifyInstance;
  let doc: {
    openapi: string;
    paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: Record<string, unknown> }> }; security?: unknown[] }>>;
  };
  beforeAll(async () => {
    db = await testDatabases()[0]!.open();
    app = await buildApp({ db, adminToken: ADMIN });
    const res = await app.inject({ method: 'GET', url: '/api/v1/admin/openapi.json', headers: { authorization: `Bearer ${ADMIN}` } });
    expect(res.statusCode).toBe(200);
    doc = res.json();
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('is OpenAPI 3.1 and lists every route the server registered, each described', () => {
    expect(doc.openapi).toBe('3.1.0');
    const routes = routesOf(app).filter((r) => r.method !== 'HEAD');
    expect(routes.length).toBeGreaterThan(40);
    const missing = routes.filter((r) => {
      const path = r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/\*$/, '{path}');
      return doc.paths[path]?.[r.method.toLowerCase()] === undefined;
    });
    expect(missing).toEqual([]);
    const undescribed = routes.filter((r) => ROUTE_DOCS[`${r.method} ${r.url}`] === undefined).map((r) => `${r.method} ${r.url}`);
    expect(undescribed, 'add these routes to openapiRoutes.ts').toEqual([]);
  });

  it('carries the request schemas the routes parse, e.g. the push batch and the webhook settings', () => {
    const push = doc.paths['/api/v1/push']?.post?.requestBody?.content['application/json']?.schema as { properties?: Record<string, unknown> };
    expect(Object.keys(push.properties ?? {})).toContain('events');
    const hook = doc.paths['/api/v1/admin/chains/{chainId}/webhooks']?.post?.requestBody?.content['application/json']?.schema as { required?: string[] };
    expect(hook.required).toEqual(expect.arrayContaining(['url', 'secret', 'events']));
    expect(doc.paths['/api/v1/admin/chains/{chainId}/import/commerceml']?.post?.requestBody?.content).toHaveProperty('application/xml');
    expect(doc.paths['/api/v1/admin/enrolment-codes']?.post?.security).toEqual([{ adminToken: [] }]);
  });

  it('is served to the administrator only', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/v1/admin/openapi.json' })).statusCode).toBe(401);
  });
});
