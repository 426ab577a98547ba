import type { Database } from './db/database';
import { forgetAbandonedCertificatePhones } from './electronicCertificates';
import { payReferrals } from './referrals';
import { RulesCache } from './rules';
import { refreshPlannerStatistics } from './jobsStatistics';
import { CustomerBook } from './ledger';
import { lockCustomerById } from './push/customerRef';
import { runSegmentsJob } from './segments';

/**
 * Scheduled ledger jobs. Each brings due customers' books up to `now`, one customer per
 * transaction under the customer's row lock, re-reading the lots inside it: running a job
 * twice, or on two instances at once, changes nothing the second time.
 */
export interface JobResult {
  customers: number;
}

const BATCH = 500;

async function settleDue(db: Database, now: Date, dueSql: string, step: (book: CustomerBook) => void): Promise<JobResult> {
  const nowMs = now.getTime();
  let customers = 0;
  let after = 0;
  for (;;) {
    // Walk customer ids upward so a customer whose lot cannot change (a lock lost to a race,
    // a lot with nothing left) is not picked again in this run.
    const due = await db.query<{ customer_id: number }>(
      `SELECT DISTINCT customer_id FROM lots WHERE ${dueSql} AND customer_id > $2 ORDER BY customer_id LIMIT ${BATCH}`,
      [now, after],
    );
    if (due.length === 0) return { customers };
    for (const { customer_id } of due) {
      const id = Number(customer_id);
      after = id;
      const changed = await db.transaction(async (tx) => {
        if (!(await lockCustomerById(tx, id))) return false;
        const book = await CustomerBook.open(tx, id, nowMs);
        step(book);
        if (!book.changed) return false;
        await book.flush(tx, { eventId: null, terminalId: null, receiptId: null }, {});
        return true;
      });
      if (changed) customers++;
    }
  }
}

/** Accruals whose return window has passed become spendable (and pay off any debt first). */
export function activatePending(db: Database, now = new Date()): Promise<JobResult> {
  return settleDue(db, now, 'NOT activated AND available_at <= $1', (book) => {
    book.activateDue();
    book.settleDebt();
  });
}

/** Lots past their expiry date are written off, soonest-expiring first. */
export function expireLots(db: Database, now = new Date()): Promise<JobResult> {
  return settleDue(db, now, 'remaining > 0 AND expires_at <= $1', (book) => {
    book.activateDue();
    book.expireDue();
    book.settleDebt();
  });
}

/** The ledger jobs, then fresh planner statistics for the tables that grew (jobsStatistics.ts). */
export async function runLedgerJobs(
  db: Database,
  now = new Date(),
): Promise<{
  activated: JobResult;
  expired: JobResult;
  referrals: { paid: number };
  certificatePhonesForgotten: number;
  statistics: { analyzed: string[] };
}> {
  const activated = await activatePending(db, now);
  const expired = await expireLots(db, now);
  const referrals = await payReferrals(db, new RulesCache(), now);
  const certificatePhonesForgotten = await forgetAbandonedCertificatePhones(db, now);
  const statistics = await refreshPlannerStatistics(db);
  return { activated, expired, referrals, certificatePhonesForgotten, statistics };
}

/** Run the jobs every `intervalMs`, never two runs at once in this process. Returns a stopper. */
export function scheduleLedgerJobs(db: Database, intervalMs: number, onError: (err: unknown) => void): () => Promise<void> {
  let running: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = runLedgerJobs(db)
      .then(() => runSegmentsJob(db))
      .catch(onError)
      .finally(() => {
        running = null;
      });
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
