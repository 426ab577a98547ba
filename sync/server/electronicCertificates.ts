import type { FastifyBaseLogger } from 'fastify';
import { isValidE164 } from '../../core/phone';
import { soldCertificateCode } from '../../core/loyalty/certificates';
import { ElectronicCertificateRequest, type CertificateView } from '../protocol/certificates';
import { certificateOf } from './certificates';
import { guardChangeFeed } from './changeFeed';
import { batchCodes } from './coupons';
import type { Database } from './db/database';
import { HttpError } from './httpError';
import { gatewayForChain, type PhoneCodeDeps } from './phoneCodes';
import type { TerminalContext } from './terminals';

/**
 * Electronic gift certificates (issue 16): sold to a phone instead of on plastic. The till asks
 * for a code when the cashier sells one (online only); the server keeps the phone beside the
 * still unsold certificate, and once a sale's push has activated it sends the code by SMS and
 * forgets the phone. `sms_sent_at` is claimed by a conditional UPDATE, so a repeated push (or two
 * server instances) sends the SMS once; a send that fails gives the claim back for the next push.
 */

export type CertificateSmsDeps = Pick<PhoneCodeDeps, 'db' | 'gatewayOf' | 'fallback'>;

export async function issueElectronicCertificate(db: Database, terminal: TerminalContext, body: unknown): Promise<CertificateView> {
  const parsed = ElectronicCertificateRequest.safeParse(body);
  if (!parsed.success || !isValidE164(parsed.data.phone)) {
    throw new HttpError(400, 'invalid_certificate', 'An electronic certificate needs a nominal (kopecks) and a valid phone in E.164.');
  }
  const { nominalKopecks, phone } = parsed.data;
  // Twelve random characters: a clash is all but impossible, and a clash is simply retried.
  for (let attempt = 0; attempt < 3; attempt++) {
    const code = batchCodes({ count: 1, prefix: 'EC' }, 12)[0]!;
    const rows = await db.transaction(async (tx) => {
      await guardChangeFeed(tx);
      return tx.query<{ code: string }>(
        `INSERT INTO gift_certificates (chain_id, code, nominal, balance, electronic, phone_e164)
         VALUES ($1, $2, $3, 0, true, $4) ON CONFLICT (chain_id, code) DO NOTHING RETURNING code`,
        [terminal.chainId, code, nominalKopecks, phone],
      );
    });
    if (rows[0]) return certificateOf(db, terminal.chainId, rows[0].code);
  }
  throw new HttpError(503, 'certificate_code_clash', 'No free certificate code was found; try again.');
}

/** Whether a pushed event sells a certificate (only then can an electronic one have become active). */
export function sellsCertificate(raw: unknown): boolean {
  // Only a cue to look for certificates due their SMS (that query decides): read without a second
  // schema parse of every sale, which cost the push a few per cent of its CPU.
  const lines = (raw as { type?: unknown; sale?: { lines?: unknown } } | null)?.type === 'sale' ? (raw as { sale?: { lines?: unknown } }).sale?.lines : null;
  return (
    Array.isArray(lines) &&
    lines.some(
      (l) => typeof (l as { productId?: unknown } | null)?.productId === 'string' && soldCertificateCode((l as { productId: string }).productId) !== null,
    )
  );
}

const rubles = (kopecks: number) => (kopecks % 100 === 0 ? String(kopecks / 100) : (kopecks / 100).toFixed(2).replace('.', ','));

export function certificateSmsText(code: string, nominalKopecks: number): string {
  return `Подарочный сертификат на ${rubles(nominalKopecks)} ₽. Код ${code} — назовите его или покажите на кассе при оплате.`;
}

/**
 * Send the code of every electronic certificate of the chain that is active and not yet sent,
 * once each, and forget its phone. A failure is logged without the phone and retried by the next
 * push that sells a certificate. Returns how many went.
 */
export async function sendActivatedCertificateCodes(deps: CertificateSmsDeps, chainId: number, log?: FastifyBaseLogger): Promise<number> {
  const due = await deps.db.query<{ code: string }>(
    `SELECT code FROM gift_certificates WHERE chain_id = $1 AND electronic AND sms_sent_at IS NULL AND state = 'active' AND phone_e164 IS NOT NULL`,
    [chainId],
  );
  let sent = 0;
  for (const { code } of due) {
    // The claim and the phone it clears in one statement: only one caller gets the phone back.
    const [claimed] = await deps.db.query<{ phone: string; nominal: string | number }>(
      `UPDATE gift_certificates g SET sms_sent_at = now(), phone_e164 = NULL
       FROM gift_certificates o
       WHERE g.chain_id = $1 AND g.code = $2 AND g.sms_sent_at IS NULL AND g.phone_e164 IS NOT NULL
         AND o.chain_id = g.chain_id AND o.code = g.code
       RETURNING o.phone_e164 AS phone, o.nominal`,
      [chainId, code],
    );
    if (!claimed) continue;
    try {
      const gateway = await gatewayForChain(deps, chainId);
      await gateway.send({ to: claimed.phone, text: certificateSmsText(code, Number(claimed.nominal)) });
      sent++;
    } catch (err) {
      await deps.db.query('UPDATE gift_certificates SET sms_sent_at = NULL, phone_e164 = $3 WHERE chain_id = $1 AND code = $2', [chainId, code, claimed.phone]);
      log?.warn({ chainId, code, err: err instanceof Error ? err.message : String(err) }, 'certificate SMS not sent; retried on the next push');
    }
  }
  return sent;
}

/**
 * How long the server keeps the phone of an electronic certificate whose sale never arrived
 * (the customer walked away after the code was asked for, or the till sold something else).
 * Long enough for a till that lost the network right after the sale to push it (such a sale
 * still sends its SMS), short enough that an abandoned request is not kept for ever.
 */
export const ABANDONED_CERTIFICATE_PHONE_DAYS = 30;

/**
 * Forget the phone of every electronic certificate issued more than
 * ABANDONED_CERTIFICATE_PHONE_DAYS ago and still unsold (minimal personal data). The code stays
 * valid for a late sale; only its SMS cannot go then. Returns how many phones were forgotten.
 */
export async function forgetAbandonedCertificatePhones(db: Database, now = new Date()): Promise<number> {
  const rows = await db.query(
    `UPDATE gift_certificates SET phone_e164 = NULL
     WHERE electronic AND state = 'issued' AND phone_e164 IS NOT NULL AND created_at < $1::timestamptz - make_interval(days => $2::int)
     RETURNING 1`,
    [now.toISOString(), ABANDONED_CERTIFICATE_PHONE_DAYS],
  );
  return rows.length;
}
