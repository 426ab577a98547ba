import { z } from 'zod';
import {
  applyMove,
  CertificateMoveSchema,
  normaliseCertificateCode,
  soldCertificateCode,
  type Certificate,
  type CertificateMove,
  type CertificateState,
} from '../../core/loyalty/certificates';
import type { CertificateView } from '../protocol/certificates';
import type { SaleEvent } from '../protocol/events';
import { guardChangeFeed } from './changeFeed';
import { batchCodes, CodeBatchFields, oneWayOfCodes } from './coupons';
import type { Database, Sql } from './db/database';
import type { ExceptionDraft } from './exceptions';
import { HttpError } from './httpError';
import type { TerminalContext } from './terminals';

/**
 * Gift certificates at the server (core/loyalty/certificates.ts): head office issues codes with
 * a nominal; a till activates one when it sells it, asks its balance, and redeems part or all of
 * it as a payment. Every move carries the till's event id and is applied once under the
 * certificate's row lock, so a resend answers the same and two tills cannot spend one balance twice.
 */

export const IssueCertificatesSchema = z
  .object({
    nominalKopecks: z.number().int().min(100).max(100_000_000),
    ...CodeBatchFields,
    expiresAt: z.string().datetime({ offset: true }).optional(),
  })
  .refine(oneWayOfCodes, { message: 'give either count or codes' });

export { CertificateView } from '../protocol/certificates';

const invalid = (error: z.ZodError) => new HttpError(400, 'invalid_certificate', error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));

export async function issueCertificates(db: Database, chainId: number, body: unknown): Promise<{ codes: string[] }> {
  const parsed = IssueCertificatesSchema.safeParse(body);
  if (!parsed.success) throw invalid(parsed.error);
  const r = parsed.data;
  const codes = batchCodes(r, 12);
  if (codes.some((c) => c === null)) throw new HttpError(400, 'invalid_certificate', 'codes: 4 to 32 Latin letters and digits.');
  const rows = await db.transaction(async (tx) => {
    await guardChangeFeed(tx);
    return tx.query<{ code: string }>(
      `INSERT INTO gift_certificates (chain_id, code, nominal, balance, expires_at)
       SELECT $1, c, $2, 0, $3 FROM unnest($4::text[]) AS x(c) ON CONFLICT (chain_id, code) DO NOTHING RETURNING code`,
      [chainId, r.nominalKopecks, r.expiresAt ?? null, [...new Set(codes as string[])]],
    );
  });
  return { codes: rows.map((x) => x.code) };
}

type Row = { code: string; nominal: string | number; balance: string | number; state: CertificateState; expires_at: Date | string | null };

const view = (r: Row): CertificateView => ({
  code: r.code,
  nominalKopecks: Number(r.nominal),
  balanceKopecks: Number(r.balance),
  state: r.state,
  expiresAt: r.expires_at === null ? null : new Date(r.expires_at).toISOString(),
});

function codeOf(raw: string): string {
  const code = normaliseCertificateCode(raw);
  if (!code) throw new HttpError(400, 'invalid_certificate', 'A certificate code is 4 to 32 Latin letters and digits.');
  return code;
}

/** A till asks a certificate's balance before taking it as a payment. */
export async function certificateOf(db: Database, chainId: number, rawCode: string): Promise<CertificateView> {
  const [row] = await db.query<Row>('SELECT code, nominal, balance, state, expires_at FROM gift_certificates WHERE chain_id = $1 AND code = $2', [
    chainId,
    codeOf(rawCode),
  ]);
  if (!row) throw new HttpError(404, 'certificate_not_found', 'No such gift certificate.');
  return view(row);
}

export type MoveAtServer = { ok: true; view: CertificateView; duplicate: boolean } | { ok: false; reason: string; status: 404 | 409 | 400; message: string };

/**
 * Apply one move inside the caller's transaction, under the certificate's row lock: the till's
 * direct call and the sale's push share this, so a redemption held online and pushed later with
 * the sale is applied once. Refusals are returned, not thrown (the push flags them).
 */
export async function applyCertificateMove(tx: Sql, at: { chainId: number; storeId: number }, code: string, m: CertificateMove): Promise<MoveAtServer> {
  const [row] = await tx.query<Row>('SELECT code, nominal, balance, state, expires_at FROM gift_certificates WHERE chain_id = $1 AND code = $2 FOR UPDATE', [
    at.chainId,
    code,
  ]);
  if (!row) return { ok: false, status: 404, reason: 'certificate_not_found', message: 'No such gift certificate.' };
  const [done] = await tx.query('SELECT 1 FROM certificate_moves WHERE chain_id = $1 AND code = $2 AND event_id = $3 AND kind = $4', [
    at.chainId,
    code,
    m.eventId,
    m.kind,
  ]);
  if (done) return { ok: true, view: view(row), duplicate: true };
  if (m.kind === 'redemption' && row.expires_at !== null && new Date(row.expires_at).getTime() <= Date.now()) {
    return { ok: false, status: 409, reason: 'expired', message: 'The certificate has expired.' };
  }
  const c: Certificate = { code, nominalKopecks: Number(row.nominal), balanceKopecks: Number(row.balance), state: row.state, applied: new Set() };
  if (m.kind === 'activation' && m.amountKopecks !== c.nominalKopecks) {
    return {
      ok: false,
      status: 400,
      reason: 'invalid_certificate',
      message: `The certificate's nominal is ${c.nominalKopecks} kopecks, not ${m.amountKopecks}.`,
    };
  }
  const r = applyMove(c, m);
  if (!r.ok) return { ok: false, status: 409, reason: r.reason, message: `The certificate refused the ${m.kind}: ${r.reason}.` };
  const next = r.certificate;
  await tx.query(
    `UPDATE gift_certificates SET balance = $3, state = $4, change_seq = nextval('change_seq'),
       activated_event = CASE WHEN $5 = 'activation' THEN $6 ELSE activated_event END,
       activated_at = CASE WHEN $5 = 'activation' THEN now() ELSE activated_at END
     WHERE chain_id = $1 AND code = $2`,
    [at.chainId, code, next.balanceKopecks, next.state, m.kind, m.eventId],
  );
  await tx.query(`INSERT INTO certificate_moves (chain_id, code, event_id, kind, amount, receipt_id, store_id) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
    at.chainId,
    code,
    m.eventId,
    m.kind,
    m.amountKopecks,
    m.receiptId ?? null,
    at.storeId,
  ]);
  return { ok: true, view: view({ ...row, balance: next.balanceKopecks, state: next.state }), duplicate: false };
}

/**
 * Apply a till's move (activation at sale, redemption as payment, refund on a return) once.
 * Refusals are 409 with the reason (notActive, alreadyActive, void, insufficient, overRefund, expired).
 */
export async function moveCertificate(
  db: Database,
  terminal: TerminalContext,
  rawCode: string,
  body: unknown,
): Promise<CertificateView & { duplicate: boolean }> {
  const parsed = CertificateMoveSchema.safeParse(body);
  if (!parsed.success) throw invalid(parsed.error);
  const code = codeOf(rawCode);
  return db.transaction(async (tx) => {
    await guardChangeFeed(tx);
    const r = await applyCertificateMove(tx, terminal, code, parsed.data);
    if (!r.ok) throw new HttpError(r.status, r.reason, r.message);
    return { ...r.view, duplicate: r.duplicate };
  });
}

/**
 * A pushed sale's certificates, in its transaction: each one sold is activated (its line's
 * amount is the nominal), each part paid is redeemed under the move id the till held it by (a
 * no-op when that hold reached the server). The money was taken at the till, so a refusal never
 * rejects the sale: it is flagged for head office (certificate_conflict) with the reason.
 */
export async function settleSaleCertificates(tx: Sql, at: { chainId: number; storeId: number }, ev: SaleEvent): Promise<ExceptionDraft[]> {
  const flags: ExceptionDraft[] = [];
  const conflict = (code: string, move: string, reason: string) =>
    flags.push({ kind: 'certificate_conflict', details: { receiptId: ev.sale.receiptId, code, move, reason } });
  for (const line of ev.sale.lines) {
    const code = soldCertificateCode(line.productId);
    if (code === null) continue;
    const amount = Math.round((line.unitPriceKopecks * line.quantityMilli) / 1000);
    const r = await applyCertificateMove(tx, at, code, { eventId: ev.eventId, kind: 'activation', amountKopecks: amount, receiptId: ev.sale.receiptId });
    if (!r.ok) conflict(code, 'activation', r.reason);
  }
  for (const part of ev.payment.certificates ?? []) {
    const r = await applyCertificateMove(tx, at, part.code, {
      eventId: part.moveId,
      kind: 'redemption',
      amountKopecks: part.amountKopecks,
      receiptId: ev.sale.receiptId,
    });
    if (!r.ok) conflict(part.code, 'redemption', r.reason);
  }
  return flags;
}
