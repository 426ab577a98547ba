import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CERTIFICATE_CATEGORY } from '../../core/engine';
import { certificateProductId } from '../../core/loyalty/certificates';
import type { SaleEvent } from '../protocol/events';
import { testDatabases } from './testing/databases';
import { line, sale } from './testing/events';
import { admin, startTestServer, type TestServer } from './testing/fixtures';

/**
 * Issue 16: a gift certificate's balance never goes below zero, whatever two tills push at
 * once. Each till sells goods paid in part by the same certificate; some parts were held at the
 * server online first (the till's normal path), some not (a hold whose answer was lost); sales
 * are pushed concurrently from both tills, some twice. The server redeems each part once, or
 * refuses it whole and flags the sale (certificate_conflict); nothing else moves the balance.
 */
describe.each(testDatabases())('gift certificate under concurrent pushes ($name)', (engine) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(engine.open, { customers: 3 });
  }, 120_000);
  afterAll(() => s.close());

  const issue = async (nominal: number): Promise<string> => {
    const res = await s.inject({ method: 'POST', url: '/api/v1/admin/chains/1/certificates', headers: admin, payload: { nominalKopecks: nominal, count: 1 } });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ codes: string[] }>().codes[0]!;
  };

  /** A sale of demo goods whose `part` is paid by the certificate, the rest by card. */
  const paidWith = (code: string, part: number, storeId: number): SaleEvent => {
    const { event } = sale({ customerId: null, storeId, lines: [line(3, 40, storeId)] });
    const amount = Math.min(part, event.totals.payable);
    return {
      ...event,
      payment: { method: 'card', amountKopecks: event.totals.payable - amount, certificates: [{ code, amountKopecks: amount, moveId: randomUUID() }] },
    };
  };

  it('never below zero; every part redeemed once or flagged', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1_000, max: 50_000 }),
        fc.array(fc.record({ till: fc.integer({ min: 0, max: 1 }), part: fc.integer({ min: 1, max: 30_000 }), held: fc.boolean(), twice: fc.boolean() }), {
          minLength: 1,
          maxLength: 8,
        }),
        async (nominal, payments) => {
          const code = await issue(nominal);
          const tills = [await s.enrol(1), await s.enrol(2)];
          // Sold at the first till: the sale's certificate line activates it.
          const sold = sale({
            customerId: null,
            lines: [
              {
                lineId: 'gc',
                productId: certificateProductId(code),
                categories: [CERTIFICATE_CATEGORY],
                unitPriceKopecks: nominal,
                quantityMilli: 1000,
                weighed: false,
              },
            ],
          }).event;
          expect(sold.totals.accrued).toBe(0);
          const [activated] = await s.push(tills[0]!.token, [sold]);
          expect(activated?.status).toBe('applied');

          const events = payments.map((p) => ({ p, ev: paidWith(code, p.part, p.till + 1) }));
          // The till's online hold, before the money (only some reach the server).
          await Promise.all(
            events
              .filter((e) => e.p.held)
              .map(({ p, ev }) =>
                s.inject({
                  method: 'POST',
                  url: `/api/v1/certificates/${code}/moves`,
                  headers: { authorization: `Bearer ${tills[p.till]!.token}` },
                  payload: { eventId: ev.payment.certificates![0]!.moveId, kind: 'redemption', amountKopecks: ev.payment.certificates![0]!.amountKopecks },
                }),
              ),
          );
          const batches = [0, 1].map((t) => events.filter((e) => e.p.till === t).flatMap(({ p, ev }) => (p.twice ? [ev, ev] : [ev])));
          const answers = await Promise.all(batches.map((b, t) => (b.length ? s.push(tills[t]!.token, b) : Promise.resolve([]))));
          for (const a of answers.flat()) expect(a.status === 'applied' || a.status === 'duplicate', JSON.stringify(a)).toBe(true);

          const [row] = await s.db.query<{ balance: string }>('SELECT balance::text AS balance FROM gift_certificates WHERE code = $1', [code]);
          const moves = await s.db.query<{ event_id: string; amount: string }>(
            `SELECT event_id, amount::text AS amount FROM certificate_moves WHERE code = $1 AND kind = 'redemption'`,
            [code],
          );
          const redeemed = moves.reduce((sum, m) => sum + Number(m.amount), 0);
          expect(Number(row!.balance)).toBeGreaterThanOrEqual(0);
          expect(Number(row!.balance)).toBe(nominal - redeemed);
          expect(new Set(moves.map((m) => m.event_id)).size).toBe(moves.length);
          // Every part is either redeemed (once) or flagged for head office: none lost silently.
          const flagged = await s.db.query<{ n: string }>(
            `SELECT count(DISTINCT details->>'receiptId')::text AS n FROM exceptions WHERE kind = 'certificate_conflict' AND details->>'code' = $1`,
            [code],
          );
          expect(moves.length + Number(flagged[0]!.n)).toBe(events.length);
        },
      ),
      { numRuns: engine.name === 'pglite' ? 12 : 6, endOnFailure: true },
    );
  }, 240_000);
});
