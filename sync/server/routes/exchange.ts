import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { applyCatalogue } from '../exchange/applyCatalogue';
import { IMPORT_LIMITS, ImportError, type CatalogueBatch } from '../exchange/catalogueBatch';
import { CommerceMlQuery, parseCommerceMl } from '../exchange/commerceMl';
import { CSV_KINDS, ImportPreviewQuery, parseCsvCatalogue } from '../exchange/csvCatalogue';
import { EXPORT_KINDS, exportCsv, ExportQuery } from '../exchange/csvExport';
import { acceptUploads, RawUpload } from '../exchange/rawUpload';
import { HttpError } from '../httpError';
import { buildOpenApi } from '../openapi';
import { routesOf } from '../routeTable';
import { createWebhook, disableWebhook, enqueueWebhooks, listWebhooks, sendDueWebhooks, WebhookConfig } from '../webhooks';
import type { RouteDeps } from './deps';

export const ChainParams = z.object({ chainId: z.coerce.number().int().positive().max(2_147_483_647) });
export const CsvImportParams = ChainParams.extend({ kind: z.enum(CSV_KINDS) });
export const ExportParams = ChainParams.extend({ kind: z.enum(EXPORT_KINDS) });
export const WebhookParams = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });

function upload(body: unknown): Uint8Array {
  if (!(body instanceof RawUpload)) {
    throw new HttpError(415, 'upload_expected', 'Send the file itself as the body, with Content-Type application/xml (CommerceML) or text/csv.');
  }
  return body.bytes;
}

function read(parse: () => CatalogueBatch): CatalogueBatch {
  try {
    return parse();
  } catch (e) {
    if (e instanceof ImportError) throw new HttpError(422, e.code, e.message);
    throw e;
  }
}

/** Head office's data exchange: catalogue imports (CommerceML 2, CSV), exports, webhooks. */
export function exchangeRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { db, guards } = deps;
  const admin = { preHandler: guards.requireAdmin };
  void app.register(async (scope) => {
    acceptUploads(scope, IMPORT_LIMITS.maxBytes);
    const uploadRoute = { ...admin, bodyLimit: IMPORT_LIMITS.maxBytes };

    scope.post('/api/v1/admin/chains/:chainId/import/commerceml', uploadRoute, async (req) => {
      const { chainId } = ChainParams.parse(req.params);
      const { priceType, preview } = CommerceMlQuery.parse(req.query);
      const batch = read(() => parseCommerceMl(upload(req.body), priceType === undefined ? {} : { priceType }));
      return applyCatalogue(db, chainId, batch, { preview: preview === 'true' });
    });

    scope.post('/api/v1/admin/chains/:chainId/import/csv/:kind', uploadRoute, async (req) => {
      const { chainId, kind } = CsvImportParams.parse(req.params);
      const { preview } = ImportPreviewQuery.parse(req.query);
      return applyCatalogue(
        db,
        chainId,
        read(() => parseCsvCatalogue(upload(req.body), kind)),
        { preview: preview === 'true' },
      );
    });
  });

  app.get('/api/v1/admin/chains/:chainId/imports', admin, async (req) => {
    const { chainId } = ChainParams.parse(req.params);
    const rows = await db.query<{ id: string; source: string; report: unknown; created_at: Date }>(
      'SELECT id::text, source, report, created_at FROM exchange_imports WHERE chain_id = $1 ORDER BY id DESC LIMIT 50',
      [chainId],
    );
    return { imports: rows.map((r) => ({ id: r.id, source: r.source, at: new Date(r.created_at).toISOString(), report: r.report })) };
  });

  app.get('/api/v1/admin/chains/:chainId/export/:kind', admin, async (req, reply) => {
    const { chainId, kind } = ExportParams.parse(req.params);
    const q = ExportQuery.parse(req.query);
    if (kind === 'customers' && q.channel === undefined) {
      throw new HttpError(400, 'channel_required', 'The customers export is per marketing channel: add ?channel=sms, email, push or messenger.');
    }
    const [chain] = await db.query('SELECT 1 FROM chains WHERE id = $1', [chainId]);
    if (!chain) throw new HttpError(404, 'chain_not_found', `No chain ${chainId}.`);
    const name = `${kind}${kind === 'customers' ? `-${q.channel}` : ''}-chain${chainId}.csv`;
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}"`)
      .header('cache-control', 'no-store')
      .send(exportCsv(db, chainId, kind, q));
  });

  app.get('/api/v1/admin/chains/:chainId/webhooks', admin, async (req) => {
    const { chainId } = ChainParams.parse(req.params);
    return { webhooks: await listWebhooks(db, chainId) };
  });

  app.post('/api/v1/admin/chains/:chainId/webhooks', admin, async (req) => {
    const { chainId } = ChainParams.parse(req.params);
    return createWebhook(db, chainId, WebhookConfig.parse(req.body));
  });

  app.post('/api/v1/admin/webhooks/:id/disable', admin, async (req) => {
    const { id } = WebhookParams.parse(req.params);
    if (!(await disableWebhook(db, id))) throw new HttpError(404, 'webhook_not_found', `No active webhook ${id}.`);
    return { disabled: id };
  });

  // Queue and send now, without waiting for the server's timer (IT checking a new endpoint; tests).
  app.post('/api/v1/admin/webhooks/run', admin, async () => {
    const queued = await enqueueWebhooks(db);
    return { queued, ...(await sendDueWebhooks(db, { fetch })) };
  });

  // The API's description, made from the route table of this very app (so it lists every route).
  app.get('/api/v1/admin/openapi.json', admin, async () => buildOpenApi(routesOf(app)));
}
