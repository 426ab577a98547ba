import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CardReturnRequest, MergeRequest, mergeCustomers, returnCard } from '../exceptionsActions';
import { chainFeedback } from '../feedbackScores';
import { offerUptake, RangeQuery, rangeFigures } from '../figuresRange';
import { HttpError } from '../httpError';
import { ReceiptSearchQuery, searchReceipts } from '../receiptSearch';
import type { RouteDeps } from './deps';

const ChainParams = z.object({ chainId: z.coerce.number().int().positive().max(2_147_483_647) });
const Search = z.object({
  q: z.string().trim().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
/** `%text%` for ILIKE, with the pattern characters taken literally. */
const like = (q: string | undefined) => (q ? `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null);
const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/**
 * What the head-office web UI reads beyond the offers: the programme and catalogue (for the
 * offer editor's sample basket), figures over a date range net of returns, per-offer uptake,
 * searchable lists (stores, tills, cashiers, managers, rejected events) and the exceptions
 * report's actions (merge customers, give a card back). Lists carry names and ids, never a
 * customer's personal data.
 */
export function adminHeadOfficeRoutes(app: FastifyInstance, { db, guards, rules }: RouteDeps): void {
  const admin = { preHandler: guards.requireAdmin };

  app.get('/api/v1/admin/chains/:chainId/programme', admin, async (req) => {
    const { chainId } = ChainParams.parse(req.params);
    const found = await rules.get(db, chainId);
    if (!found) throw new HttpError(404, 'no_programme', `Chain ${chainId} has no programme.`);
    return { programme: found.programme };
  });

  app.get('/api/v1/admin/chains/:chainId/catalogue', admin, async (req) => {
    const { chainId } = ChainParams.parse(req.params);
    const { q, limit } = Search.parse(req.query);
    const categories = await db.query<{ id: string; name: string; parent_id: string | null }>(
      'SELECT id, name, parent_id FROM categories WHERE chain_id = $1 ORDER BY name, id',
      [chainId],
    );
    const products = await db.query<{
      id: string;
      name: string;
      ean: string | null;
      category_id: string;
      weighed: boolean;
      vat: string | null;
      marked: boolean;
      price: string | null;
    }>(
      `SELECT p.id, p.name, p.ean, p.category_id, p.weighed, p.vat, p.marked,
              (SELECT min(sp.price_kopecks) FROM store_prices sp WHERE sp.chain_id = p.chain_id AND sp.product_id = p.id AND NOT sp.deleted) AS price
       FROM products p WHERE p.chain_id = $1 AND ($2::text IS NULL OR p.name ILIKE $2 OR p.id ILIKE $2 OR p.ean ILIKE $2)
       ORDER BY p.name, p.id LIMIT $3`,
      [chainId, like(q), limit],
    );
    const parent = new Map(categories.map((c) => [c.id, c.parent_id]));
    // A product's category and its ancestors, as the till sends them to the engine.
    const chain = (id: string) => {
      const out: string[] = [];
      for (let c: string | null | undefined = id; c && out.length < 50 && !out.includes(c); c = parent.get(c)) out.push(c);
      return out;
    };
    return {
      categories: categories.map((c) => ({ id: c.id, name: c.name, parentId: c.parent_id })),
      products: products.map((p) => ({
        id: p.id,
        name: p.name,
        ean: p.ean,
        categories: chain(p.category_id),
        weighed: p.weighed,
        priceKopecks: p.price === null ? null : Number(p.price),
        vat: p.vat,
        marked: p.marked,
      })),
    };
  });

  app.get('/api/v1/admin/chains/:chainId/figures', admin, async (req) => {
    const { chainId } = ChainParams.parse(req.params);
    return rangeFigures(db, chainId, RangeQuery.parse(req.query));
  });

  app.get('/api/v1/admin/chains/:chainId/feedback', admin, async (req) => {
    const { chainId } = ChainParams.parse(req.params);
    return chainFeedback(db, chainId, RangeQuery.parse(req.query));
  });

  app.get('/api/v1/admin/chains/:chainId/offer-uptake', admin, async (req) => {
    const { chainId } = ChainParams.parse(req.params);
    const q = RangeQuery.parse(req.query);
    return { from: q.from, to: q.to, rows: await offerUptake(db, chainId, q) };
  });

  app.get('/api/v1/admin/chains/:chainId/regions', admin, async (req) => {
    const { chainId } = ChainParams.parse(req.params);
    const rows = await db.query<{ id: number; name: string }>('SELECT id, name FROM regions WHERE chain_id = $1 ORDER BY id', [chainId]);
    return { regions: rows.map((r) => ({ id: Number(r.id), name: r.name })) };
  });

  app.get('/api/v1/admin/chains/:chainId/stores', admin, async (req) => {
    const { chainId } = ChainParams.parse(req.params);
    const { q, limit } = Search.parse(req.query);
    const rows = await db.query<{ id: number; name: string; region_id: number | null; region: string | null; time_zone: string; tills: number }>(
      `SELECT s.id, s.name, s.region_id, r.name AS region, s.time_zone,
              (SELECT count(*)::int FROM terminals t WHERE t.store_id = s.id AND t.revoked_at IS NULL) AS tills
       FROM stores s LEFT JOIN regions r ON r.id = s.region_id
       WHERE s.chain_id = $1 AND ($2::text IS NULL OR s.name ILIKE $2 OR r.name ILIKE $2 OR s.id::text = $3)
       ORDER BY s.id LIMIT $4`,
      [chainId, like(q), q ?? null, limit],
    );
    return {
      stores: rows.map((s) => ({
        id: Number(s.id),
        name: s.name,
        regionId: s.region_id === null ? null : Number(s.region_id),
        region: s.region,
        timeZone: s.time_zone,
        tills: Number(s.tills),
      })),
    };
  });

  app.get('/api/v1/admin/chains/:chainId/terminals', admin, async (req) => {
    const { chainId } = ChainParams.parse(req.params);
    const { q, limit } = Search.parse(req.query);
    // Last seen: the till's last heartbeat or the last event the server received from it, whichever is later.
    const rows = await db.query<{
      id: string;
      name: string;
      store_id: number;
      store: string;
      enrolled_at: Date;
      revoked_at: Date | null;
      last_seen: Date | null;
      reported_at: Date | null;
      app_version: string | null;
      unsent_events: number | null;
      rejected: number;
    }>(
      `SELECT t.id::text, t.name, t.store_id, s.name AS store, t.enrolled_at, t.revoked_at, t.reported_at, t.app_version, t.unsent_events,
              greatest(t.reported_at, (SELECT max(r.received_at) FROM receipts r WHERE r.terminal_id = t.id)) AS last_seen,
              (SELECT count(*)::int FROM exceptions x WHERE x.terminal_id = t.id AND x.kind = 'rejected_event') AS rejected
       FROM terminals t JOIN stores s ON s.id = t.store_id
       WHERE s.chain_id = $1 AND ($2::text IS NULL OR t.name ILIKE $2 OR s.name ILIKE $2 OR t.id::text ILIKE $2)
       ORDER BY s.id, t.enrolled_at, t.id LIMIT $3`,
      [chainId, like(q), limit],
    );
    return {
      terminals: rows.map((t) => ({
        id: t.id,
        name: t.name,
        storeId: Number(t.store_id),
        store: t.store,
        enrolledAt: iso(t.enrolled_at),
        revokedAt: iso(t.revoked_at),
        lastSeen: iso(t.last_seen),
        rejected: Number(t.rejected),
        // As the till last reported them (its heartbeat); null before its first report.
        reportedAt: iso(t.reported_at),
        version: t.app_version,
        unsent: t.unsent_events === null ? null : Number(t.unsent_events),
      })),
    };
  });

  app.get('/api/v1/admin/chains/:chainId/cashiers', admin, async (req) => {
    const { chainId } = ChainParams.parse(req.params);
    const { q, limit } = Search.parse(req.query);
    const rows = await db.query<{ id: string; personnel_no: string; name: string; store_id: number; store: string; created_at: Date; revoked_at: Date | null }>(
      `SELECT c.id::text, c.personnel_no, c.name, c.store_id, s.name AS store, c.created_at, c.revoked_at
       FROM cashiers c JOIN stores s ON s.id = c.store_id
       WHERE s.chain_id = $1 AND ($2::text IS NULL OR c.name ILIKE $2 OR c.personnel_no ILIKE $2 OR s.name ILIKE $2)
       ORDER BY s.id, c.personnel_no, c.id LIMIT $3`,
      [chainId, like(q), limit],
    );
    return {
      cashiers: rows.map((c) => ({
        id: c.id,
        personnelNo: c.personnel_no,
        name: c.name,
        storeId: Number(c.store_id),
        store: c.store,
        createdAt: iso(c.created_at),
        revokedAt: iso(c.revoked_at),
      })),
    };
  });

  app.get('/api/v1/admin/chains/:chainId/managers', admin, async (req) => {
    const { chainId } = ChainParams.parse(req.params);
    const { q, limit } = Search.parse(req.query);
    const rows = await db.query<{ id: string; name: string; store_id: number; store: string; has_card: boolean; created_at: Date; revoked_at: Date | null }>(
      `SELECT m.id::text, m.name, m.store_id, s.name AS store, m.card_hash IS NOT NULL AS has_card, m.created_at, m.revoked_at
       FROM managers m JOIN stores s ON s.id = m.store_id
       WHERE s.chain_id = $1 AND ($2::text IS NULL OR m.name ILIKE $2 OR s.name ILIKE $2)
       ORDER BY s.id, m.name, m.id LIMIT $3`,
      [chainId, like(q), limit],
    );
    return {
      managers: rows.map((m) => ({
        id: m.id,
        name: m.name,
        storeId: Number(m.store_id),
        store: m.store,
        hasCard: m.has_card,
        createdAt: iso(m.created_at),
        revokedAt: iso(m.revoked_at),
      })),
    };
  });

  app.get('/api/v1/admin/chains/:chainId/rejected', admin, async (req) => {
    const { chainId } = ChainParams.parse(req.params);
    const { q, limit } = Search.parse(req.query);
    const rows = await db.query<{
      event_id: string;
      type: string;
      code: string | null;
      message: string | null;
      terminal: string | null;
      store: string | null;
      received_at: Date;
    }>(
      `SELECT e.event_id::text, e.type, e.result->>'code' AS code, e.result->>'message' AS message, t.name AS terminal, s.name AS store, e.received_at
       FROM applied_events e JOIN stores s ON s.id = e.store_id LEFT JOIN terminals t ON t.id = e.terminal_id
       WHERE e.status = 'rejected' AND s.chain_id = $1
         AND ($2::text IS NULL OR e.type ILIKE $2 OR e.result->>'code' ILIKE $2 OR t.name ILIKE $2 OR s.name ILIKE $2 OR e.event_id::text ILIKE $2)
       ORDER BY e.received_at DESC LIMIT $3`,
      [chainId, like(q), limit],
    );
    return {
      events: rows.map((r) => ({
        eventId: r.event_id,
        type: r.type,
        code: r.code,
        message: r.message,
        terminal: r.terminal,
        store: r.store,
        receivedAt: iso(r.received_at),
      })),
    };
  });

  // A sale or return by its fiscal document number (ФД), fiscal sign (ФП) or receipt number (receiptSearch.ts).
  app.get('/api/v1/admin/chains/:chainId/receipts', admin, async (req) => {
    const { chainId } = ChainParams.parse(req.params);
    return { receipts: await searchReceipts(db, chainId, ReceiptSearchQuery.parse(req.query)) };
  });

  // Who an exception names: enough to decide a merge (first name, balance, cards), nothing more.
  app.get('/api/v1/admin/customers/:customerId', admin, async (req) => {
    const { customerId } = z.object({ customerId: z.string().regex(/^[1-9]\d{0,17}$/) }).parse(req.params);
    const [c] = await db.query<{ id: string; first_name: string; balance: string; pending: string; cards: string[] | null; store_id: number | null }>(
      `SELECT c.id::text, c.first_name, COALESCE(b.balance, 0) AS balance, COALESCE(b.pending, 0) AS pending, c.store_id,
              (SELECT array_agg('…' || right(i.key, 4) ORDER BY i.key) FROM identifiers i WHERE i.customer_id = c.id AND i.kind = 'card') AS cards
       FROM customers c LEFT JOIN balances b ON b.customer_id = c.id WHERE c.id = $1`,
      [customerId],
    );
    if (!c) throw new HttpError(404, 'customer_not_found', `No customer ${customerId}.`);
    return {
      id: c.id,
      firstName: c.first_name,
      balance: Number(c.balance),
      pending: Number(c.pending),
      storeId: c.store_id === null ? null : Number(c.store_id),
      cards: c.cards ?? [],
    };
  });

  app.post('/api/v1/admin/customers/merge', admin, async (req) => {
    const result = await mergeCustomers(db, rules, MergeRequest.parse(req.body));
    if (result.status === 'rejected') throw new HttpError(result.retryable ? 409 : 422, result.code, result.message);
    return result;
  });

  app.post('/api/v1/admin/cards/return', admin, async (req) => {
    const result = await returnCard(db, CardReturnRequest.parse(req.body));
    if (result.status === 'rejected') throw new HttpError(result.retryable ? 409 : 422, result.code, result.message);
    return result;
  });
}
