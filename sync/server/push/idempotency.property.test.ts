import fc from 'fast-check';
import { gtinCheckDigit } from '../../../core/luhn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TillEvent } from '../../protocol/events';
import type { EnrolResponse } from '../../protocol/schemas';
import type { Sql } from '../db/database';
import { verifyLedger } from '../ledger';
import { testDatabases } from '../testing/databases';
import { cardLink, consentChange, line, registration, sale, saleReturn } from '../testing/events';
import { startTestServer, type TestServer } from '../testing/fixtures';

/**
 * Push idempotency as a property: whatever the order, chunking and duplication of a batch's
 * delivery (with the till resending what came back "retry later"), the ledger ends the same.
 * Each run uses fresh customers (registrations in the batch), so runs share one database; the
 * reference is the same batch, renamed, delivered once in order.
 */
const RUNS = Number(process.env.LT_PROPERTY_RUNS ?? 12);
let phoneSeq = 0;

/** A batch for three new customers: registrations, sales that spend from the welcome bonus, returns, cards, consents. */
function makeBatch(seed: number): TillEvent[] {
  const phone = () => `+7995${String(++phoneSeq).padStart(3, '0')}${String(seed % 10_000).padStart(4, '0')}`;
  const regs = [0, 1, 2].map(() => registration({ phone: phone(), welcome: 20_000 }));
  const events: TillEvent[] = [...regs];
  regs.forEach((r, i) => {
    const a = sale({ customerId: r.customerId, available: 20_000, lines: [line(1 + i, 2), line(8 + i, 3)], redeem: 2_000 + i * 500 });
    const b = sale({ customerId: r.customerId, available: 15_000, lines: [line(20 + i, 5)], redeem: 1_000 });
    events.push(a.event, b.event);
    events.push(saleReturn(a, [{ lineId: `l${1 + i}`, quantityMilli: 1000 }]).event);
    events.push(consentChange(r.customerId, 'email', i % 2 === 0));
    // A loyalty card as the till reads one: EAN-13 with its GS1 check digit (the server refuses Luhn-valid numbers that are not).
    // Six digits of the seed whatever it is (1,000,000 made a 14-digit number, not an EAN-13).
    const body = `27${String(seed % 1_000_000).padStart(6, '0')}${String(phoneSeq % 1000).padStart(3, '0')}${i}`;
    events.push(cardLink(r.customerId, 'card', `${body}${gtinCheckDigit(body)}`));
  });
  return events;
}

/** The ledger of the batch's customers, named by position in the batch rather than by id. */
async function ledgerOf(db: Sql, batch: readonly TillEvent[]): Promise<unknown> {
  const events = new Map(batch.map((e, i) => [e.eventId, i]));
  const regs = batch.filter((e): e is Extract<TillEvent, { type: 'registration' }> => e.type === 'registration').map((e) => e.customerId);
  const rows = await db.query<{ alias: string; event_id: string | null; kind: string; bucket: string; amount: number }>(
    `SELECT a.alias::text AS alias, l.event_id::text AS event_id, l.kind, l.bucket, sum(l.amount)::bigint AS amount
     FROM customer_aliases a JOIN ledger l ON l.customer_id = a.customer_id
     WHERE a.alias = ANY($1::uuid[]) GROUP BY 1, 2, 3, 4`,
    [regs],
  );
  const balances = await db.query<{ alias: string; balance: number; pending: number; debt: number; cards: string }>(
    `SELECT a.alias::text AS alias, b.balance, b.pending, b.debt,
            (SELECT count(*) FROM identifiers i WHERE i.customer_id = a.customer_id AND i.kind = 'card')::int AS cards
     FROM customer_aliases a JOIN balances b ON b.customer_id = a.customer_id WHERE a.alias = ANY($1::uuid[])`,
    [regs],
  );
  const who = (alias: string) => regs.indexOf(alias);
  return {
    ledger: rows.map((r) => `${who(r.alias)} ${r.event_id ? events.get(r.event_id) : '-'} ${r.kind} ${r.bucket} ${Number(r.amount)}`).sort(),
    balances: balances.map((b) => `${who(b.alias)} ${Number(b.balance)} ${Number(b.pending)} ${Number(b.debt)} ${b.cards}`).sort(),
  };
}

describe.each(testDatabases())('push idempotency on $name', ({ name, open }) => {
  let s: TestServer;
  let till: EnrolResponse;
  beforeAll(async () => {
    s = await startTestServer(open, { customers: 10 });
    till = await s.enrol(1);
  });
  afterAll(async () => {
    expect(await verifyLedger(s.db)).toEqual([]);
    await s?.close();
  });

  /** Deliver like a till's outbox: chunks as given, then resend whatever was "retry later" until settled. */
  async function deliver(chunks: readonly (readonly TillEvent[])[], all: readonly TillEvent[]): Promise<void> {
    const settled = new Set<string>();
    const note = (rs: Awaited<ReturnType<TestServer['push']>>) => {
      for (const r of rs) if (!(r.status === 'rejected' && r.retryable)) settled.add(r.eventId);
    };
    for (const c of chunks) if (c.length > 0) note(await s.push(till.token, c));
    for (let round = 0; round < 10 && settled.size < all.length; round++) {
      note(
        await s.push(
          till.token,
          all.filter((e) => !settled.has(e.eventId)),
        ),
      );
    }
    expect(settled.size).toBe(all.length);
  }

  it('yields the same ledger for any duplication, order and chunking of a batch', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.array(fc.nat(), { minLength: 0, maxLength: 12 }),
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 8 }),
        fc.infiniteStream(fc.double({ min: 0, max: 1, noNaN: true })),
        async (seed, dupPicks, chunkSizes, noise) => {
          const reference = makeBatch(seed);
          await deliver([reference], reference);
          const expected = await ledgerOf(s.db, reference);

          const batch = makeBatch(seed);
          // Same events under new ids: duplicates of random events, everything shuffled, then chunked.
          const sent = [...batch, ...dupPicks.map((k) => batch[k % batch.length]!)];
          const it = noise[Symbol.iterator]();
          const keyed = sent.map((e) => ({ e, k: it.next().value as number }));
          keyed.sort((a, b) => a.k - b.k);
          const chunks: TillEvent[][] = [];
          for (let i = 0, c = 0; i < keyed.length; c++) {
            const size = chunkSizes[c % chunkSizes.length]!;
            chunks.push(keyed.slice(i, i + size).map((x) => x.e));
            i += size;
          }
          await deliver(chunks, batch);
          // And once more, everything, as a till that lost its acknowledgements would.
          await deliver([batch], batch);
          expect(await ledgerOf(s.db, batch)).toEqual(expected);
        },
      ),
      { numRuns: name === 'pglite' ? RUNS : Math.ceil(RUNS / 2), endOnFailure: true },
    );
  });
});
