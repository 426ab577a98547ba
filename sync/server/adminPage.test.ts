import Fastify from 'fastify';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { adminPageRoutes } from './routes/adminPage';

/** A built head-office app as vite leaves it: index.html and hashed assets. */
function fakeBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lt-headoffice-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><html lang="ru"><script type="module" src="/admin/assets/index-abc.js"></script></html>');
  writeFileSync(join(dir, 'assets', 'index-abc.js'), 'console.log(1)');
  writeFileSync(join(dir, 'assets', 'index-abc.css'), 'body{}');
  writeFileSync(join(dir, 'secret.txt'), 'not served');
  return dir;
}

async function appWith(dir: string | null) {
  const app = Fastify();
  adminPageRoutes(app, dir);
  await app.ready();
  return app;
}

describe('head-office web UI', () => {
  it('serves the app at /admin/ under a same-origin-only CSP, and its assets by name', async () => {
    const app = await appWith(fakeBuild());
    const res = await app.inject({ method: 'GET', url: '/admin/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(res.headers['content-security-policy']);
    expect(csp.split(';').map((d) => d.trim())).toContain("default-src 'self'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(res.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer' });
    expect(res.body).toContain('/admin/assets/index-abc.js');

    const js = await app.inject({ method: 'GET', url: '/admin/assets/index-abc.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toContain('immutable');
    expect((await app.inject({ method: 'GET', url: '/admin/assets/index-abc.css' })).headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('serves nothing outside assets/: no traversal, no unknown types, no listing', async () => {
    const app = await appWith(fakeBuild());
    for (const url of ['/admin/assets/../secret.txt', '/admin/assets/%2e%2e/secret.txt', '/admin/assets/', '/admin/assets/nothing.js', '/admin/secret.txt']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.body).not.toContain('not served');
    }
  });

  it('sends the old offers address and /admin to the app', async () => {
    const app = await appWith(fakeBuild());
    expect((await app.inject({ method: 'GET', url: '/admin/offers' })).headers.location).toBe('/admin/#offers');
    expect((await app.inject({ method: 'GET', url: '/admin' })).headers.location).toBe('/admin/');
  });

  it('says in Russian and English that the UI is not built, when it is not', async () => {
    const res = await (await appWith(null)).inject({ method: 'GET', url: '/admin/' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('не собран');
    expect(res.body).toContain('npm run build');
  });
});
