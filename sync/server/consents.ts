import type { ConsentHistory, ConsentHistoryItem, ConsentText, PutConsentTextRequest, WithdrawConsentRequest } from '../protocol/consents';
import type { Database, Sql } from './db/database';
import { HttpError } from './httpError';

/**
 * Consents (152-FZ) for head office: a customer's whole history, and the consent texts a chain
 * has published. Records are written by push (push/applyConsent.ts) and never changed: the
 * table refuses UPDATE and DELETE (migration 5).
 */

type ConsentRow = {
  id: number;
  purpose: ConsentHistoryItem['purpose'];
  channel: ConsentHistoryItem['channel'];
  granted: boolean;
  text_version: string;
  given_at: Date | null;
  recorded_at: Date;
  source: string;
  terminal_id: string | null;
  event_id: string | null;
};

const iso = (d: Date | string): string => new Date(d).toISOString();

function item(r: ConsentRow): ConsentHistoryItem {
  return {
    id: String(r.id),
    purpose: r.purpose,
    channel: r.channel,
    granted: r.granted,
    textVersion: r.text_version,
    givenAt: r.given_at === null ? null : iso(r.given_at),
    recordedAt: iso(r.recorded_at),
    source: r.source,
    terminalId: r.terminal_id,
    eventId: r.event_id,
  };
}

export async function consentHistory(db: Sql, customerId: string): Promise<ConsentHistory> {
  const [customer] = await db.query<{ id: number }>('SELECT id FROM customers WHERE id = $1', [customerId]);
  if (!customer) throw new HttpError(404, 'customer_not_found', `No customer ${customerId}.`);
  const rows = await db.query<ConsentRow>(
    `SELECT id, purpose, channel, granted, text_version, given_at, recorded_at, source, terminal_id::text, event_id::text
     FROM consents WHERE customer_id = $1 ORDER BY COALESCE(given_at, recorded_at), id`,
    [customerId],
  );
  const items = rows.map(item);
  // The decision in force: the latest given per purpose and channel (ties: the later record).
  const latest = new Map<string, ConsentHistoryItem>();
  for (const i of items) latest.set(`${i.purpose}/${i.channel ?? ''}`, i);
  return { customerId: String(customer.id), items, current: [...latest.values()] };
}

/**
 * A customer has withdrawn personal-data consent: their contact data leaves the server (name,
 * phone, e-mail, birthday; identifiers, so no till finds them by card, phone or bank card) and
 * every till drops them from its cache (pulled as deleted). The ledger and receipts stay, under
 * the bare customer id, as accounting law requires. Idempotent.
 */
export async function eraseWithdrawnCustomer(tx: Sql, customerId: number | string): Promise<void> {
  await tx.query(
    `UPDATE customers SET first_name = '', last_name = NULL, phone_e164 = NULL, email = NULL, birthday = NULL,
            withdrawn_at = COALESCE(withdrawn_at, now()), change_seq = nextval('change_seq')
     WHERE id = $1`,
    [customerId],
  );
  await tx.query('DELETE FROM identifiers WHERE customer_id = $1', [customerId]);
}

/**
 * Head office records a customer's withdrawal (152-FZ): a new consent record, granted = false,
 * source 'head_office', naming the text version of the decision it ends. Withdrawing
 * personal-data consent also ends every marketing consent in force and erases the customer's
 * contact data (eraseWithdrawnCustomer). Withdrawing what is already withdrawn records nothing.
 */
export async function withdrawConsent(db: Database, customerId: string, req: WithdrawConsentRequest): Promise<ConsentHistory> {
  await db.transaction(async (tx) => {
    const [customer] = await tx.query<{ id: number }>('SELECT id FROM customers WHERE id = $1 FOR UPDATE', [customerId]);
    if (!customer) throw new HttpError(404, 'customer_not_found', `No customer ${customerId}.`);
    const history = await consentHistory(tx, customerId);
    const inForce = history.current.filter((c) => c.granted);
    const records: { purpose: ConsentHistoryItem['purpose']; channel: string | null; version: string }[] = inForce
      .filter((c) => c.purpose === 'marketing' && (req.purpose === 'personal_data' || c.channel === req.channel))
      .map((c) => ({ purpose: c.purpose, channel: c.channel, version: c.textVersion }));
    if (req.purpose === 'personal_data') {
      const pd = history.current.find((c) => c.purpose === 'personal_data');
      // Recorded even when no grant is on file (a customer from before consents were kept).
      if (!pd || pd.granted) records.push({ purpose: 'personal_data', channel: null, version: pd?.textVersion ?? 'unknown' });
    }
    for (const r of records) {
      await tx.query(
        `INSERT INTO consents (customer_id, purpose, channel, granted, text_version, source, given_at) VALUES ($1, $2, $3, false, $4, 'head_office', now())`,
        [customerId, r.purpose, r.channel, r.version],
      );
    }
    if (req.purpose === 'personal_data') await eraseWithdrawnCustomer(tx, customerId);
  });
  return consentHistory(db, customerId);
}

export async function listConsentTexts(db: Sql, chainId: number): Promise<ConsentText[]> {
  await requireChain(db, chainId);
  const rows = await db.query<{ purpose: ConsentText['purpose']; version: string; published_at: Date }>(
    'SELECT purpose, version, published_at FROM consent_texts WHERE chain_id = $1 ORDER BY purpose, published_at, version',
    [chainId],
  );
  return rows.map((r) => ({ purpose: r.purpose, version: r.version, publishedAt: iso(r.published_at) }));
}

/**
 * Publish a consent text version. Published versions are fixed: the same request again is a
 * no-op; another date for a known version is a conflict.
 */
export async function putConsentText(
  db: Database,
  chainId: number,
  version: string,
  req: PutConsentTextRequest,
): Promise<{ text: ConsentText; created: boolean }> {
  await requireChain(db, chainId);
  const [made] = await db.query<{ published_at: Date }>(
    `INSERT INTO consent_texts (chain_id, purpose, version, published_at) VALUES ($1, $2, $3, COALESCE($4::timestamptz, now()))
     ON CONFLICT DO NOTHING RETURNING published_at`,
    [chainId, req.purpose, version, req.publishedAt ?? null],
  );
  if (made) return { text: { purpose: req.purpose, version, publishedAt: iso(made.published_at) }, created: true };
  const [known] = await db.query<{ published_at: Date }>('SELECT published_at FROM consent_texts WHERE chain_id = $1 AND purpose = $2 AND version = $3', [
    chainId,
    req.purpose,
    version,
  ]);
  const text = { purpose: req.purpose, version, publishedAt: iso(known!.published_at) };
  if (req.publishedAt !== undefined && Date.parse(req.publishedAt) !== Date.parse(text.publishedAt)) {
    throw new HttpError(409, 'consent_text_exists', `Version "${version}" is already published (${text.publishedAt}); publish a new version instead.`);
  }
  return { text, created: false };
}

async function requireChain(db: Sql, chainId: number): Promise<void> {
  const [chain] = await db.query('SELECT id FROM chains WHERE id = $1', [chainId]);
  if (!chain) throw new HttpError(404, 'chain_not_found', `Chain ${chainId} does not exist.`);
}
