import type { FastifyInstance, FastifyReply } from 'fastify';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Nothing but this origin's own files; no framing, no base or form tricks. */
export const ADMIN_PAGE_CSP = "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

function send(reply: FastifyReply, type: string, body: string | Buffer, cache: string): FastifyReply {
  return reply
    .header('content-type', type)
    .header('content-security-policy', ADMIN_PAGE_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    .header('cache-control', cache)
    .send(body);
}

/**
 * Where the head-office app was built (`vite build --config renderer/headoffice/vite.config.ts`):
 * LT_HEADOFFICE_DIR, or dist/headoffice beside the bundled server (dist/node/server.mjs), or
 * from the source tree (tsx), or under the working directory.
 */
export function headOfficeDir(): string | null {
  const candidates = [
    process.env.LT_HEADOFFICE_DIR,
    fileURLToPath(new URL('../headoffice', import.meta.url)),
    fileURLToPath(new URL('../../../dist/headoffice', import.meta.url)),
    resolve('dist/headoffice'),
  ];
  return candidates.find((d): d is string => !!d && existsSync(join(d, 'index.html'))) ?? null;
}

/**
 * The head-office web UI (renderer/headoffice), a static React app at /admin/. The page itself is
 * public: it holds no data. Everything it shows comes from the admin endpoints with the admin
 * token the user signs in with (kept in sessionStorage, sent as a Bearer header: no cookie, so no
 * CSRF). The old /admin/offers address opens the app's offers.
 */
export function adminPageRoutes(app: FastifyInstance, dir: string | null = headOfficeDir()): void {
  const root = dir === null ? null : resolve(dir);
  const missing = (reply: FastifyReply) =>
    send(
      reply.status(503),
      'text/plain; charset=utf-8',
      'Веб-интерфейс головного офиса не собран: выполните npm run build.\nThe head-office web UI is not built: run npm run build.\n',
      'no-store',
    );
  const index = async (reply: FastifyReply) => {
    if (root === null) return missing(reply);
    return send(reply, TYPES['.html']!, await readFile(join(root, 'index.html')), 'no-store');
  };
  app.get('/admin', async (_req, reply) => reply.redirect('/admin/'));
  app.get('/admin/', async (_req, reply) => index(reply));
  app.get('/admin/offers', async (_req, reply) => reply.redirect('/admin/#offers'));
  app.get('/admin/assets/*', async (req, reply) => {
    if (root === null) return missing(reply);
    const rest = (req.params as { '*': string })['*'];
    const file = resolve(root, 'assets', rest);
    // Only files under assets/, with a known type: no path tricks, no listing.
    const type = TYPES[extname(file)];
    if (!file.startsWith(join(root, 'assets') + sep) || !type || !/^[\w.-]+$/.test(rest) || !existsSync(file)) {
      return reply.status(404).send({ code: 'not_found', message: 'No such file.' });
    }
    // Built file names carry a content hash: they never change under the same name.
    return send(reply, type, await readFile(file), 'public, max-age=31536000, immutable');
  });
}
