import { hashPinArgon2, isLegacyPinHash, verifyPin } from '../../core/pinHash';
import { isValidE164 } from '../../core/phone';
import type { CashierInfo, CashierList, CreateCashierRequest } from '../protocol/cashiers';
import type { Database, Sql } from './db/database';
import { HttpError } from './httpError';

/**
 * A store's cashiers. Each signs in at a till with a personnel number and a PIN; the till
 * checks the PIN itself against the hash it pulled (GET /api/v1/pull/cashiers), so a shift
 * can start with the server away. Personnel numbers are unique among a store's active cashiers.
 */
type CashierRow = { id: number; store_id: number; personnel_no: string; name: string; created_at: Date; revoked_at: Date | null };

function info(r: CashierRow): CashierInfo {
  return {
    cashierId: String(r.id),
    storeId: r.store_id,
    personnelNo: r.personnel_no,
    name: r.name,
    createdAt: new Date(r.created_at).toISOString(),
    revokedAt: r.revoked_at === null ? null : new Date(r.revoked_at).toISOString(),
  };
}

export async function createCashier(db: Database, storeId: number, req: CreateCashierRequest): Promise<CashierInfo> {
  if (req.phone !== undefined && !isValidE164(req.phone)) {
    throw new HttpError(400, 'phone_invalid', 'The phone is not a valid number.', [{ path: 'phone', message: 'not a valid phone number' }]);
  }
  const pinHash = await hashPinArgon2(req.pin);
  return db.transaction(async (tx) => {
    const store = await tx.query('SELECT id FROM stores WHERE id = $1 FOR UPDATE', [storeId]);
    if (store.length === 0) throw new HttpError(404, 'store_not_found', `Store ${storeId} does not exist.`);
    const taken = await tx.query('SELECT id FROM cashiers WHERE store_id = $1 AND personnel_no = $2 AND revoked_at IS NULL', [storeId, req.personnelNo]);
    if (taken.length > 0) {
      throw new HttpError(409, 'personnel_no_taken', 'Another active cashier of this store has this personnel number.', [
        { path: 'personnelNo', message: 'already used in this store' },
      ]);
    }
    const [row] = await tx.query<CashierRow>(
      `INSERT INTO cashiers (store_id, personnel_no, name, pin_hash, card_number, phone_e164) VALUES ($1, $2, $3, $4, $5, $6)
       RETURNING id, store_id, personnel_no, name, created_at, revoked_at`,
      [storeId, req.personnelNo, req.name, pinHash, req.card ?? null, req.phone ?? null],
    );
    return info(row!);
  });
}

/**
 * A till's cashier signed in against an older PBKDF2 hash: with the PIN they typed, the server
 * checks it against that hash and stores an Argon2id one (issue 13); the store's tills get it at
 * their next pull. A hash already Argon2id is left alone. A wrong PIN is a 403 (the caller counts
 * it as a failed credential). Only a cashier of the terminal's own store.
 */
export async function upgradeCashierPin(db: Database, storeId: number, cashierId: string, pin: string): Promise<{ upgraded: boolean }> {
  const [row] = await db.query<{ pin_hash: string }>('SELECT pin_hash FROM cashiers WHERE id = $1 AND store_id = $2 AND revoked_at IS NULL', [
    cashierId,
    storeId,
  ]);
  if (!row) throw new HttpError(404, 'cashier_not_found', 'No active cashier of this store has this id.');
  if (!isLegacyPinHash(row.pin_hash)) return { upgraded: false };
  if (!(await verifyPin(pin, row.pin_hash))) throw new HttpError(403, 'pin_rejected', 'The PIN does not match this cashier.');
  const fresh = await hashPinArgon2(pin);
  // Only if nobody changed it meanwhile.
  const done = await db.query('UPDATE cashiers SET pin_hash = $1 WHERE id = $2 AND pin_hash = $3 RETURNING id', [fresh, cashierId, row.pin_hash]);
  return { upgraded: done.length > 0 };
}

export async function listCashiers(db: Sql, storeId: number): Promise<CashierInfo[]> {
  const rows = await db.query<CashierRow>('SELECT id, store_id, personnel_no, name, created_at, revoked_at FROM cashiers WHERE store_id = $1 ORDER BY id', [
    storeId,
  ]);
  return rows.map(info);
}

/** The cashier can no longer sign in once the tills have pulled the list again (every 30 s online). */
export async function revokeCashier(db: Sql, cashierId: string): Promise<boolean> {
  const rows = await db.query('UPDATE cashiers SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING id', [cashierId]);
  return rows.length > 0;
}

/**
 * The cashier's own loyalty account, in SQL over `ca` (cashiers): the customer holding the card
 * they linked, else the one with their phone in the store's chain.
 */
const OWN_ACCOUNT = `COALESCE(
  (SELECT i.customer_id FROM identifiers i WHERE i.kind = 'card' AND i.key = ca.card_number LIMIT 1),
  (SELECT c.id FROM customers c JOIN stores st ON st.chain_id = c.chain_id
    WHERE st.id = ca.store_id AND ca.phone_e164 IS NOT NULL AND c.phone_e164 = ca.phone_e164 ORDER BY c.id LIMIT 1))`;

/** What a till of the store pulls: its active cashiers with their PIN hashes and their own loyalty account. */
export async function storeCashiers(db: Sql, storeId: number): Promise<CashierList> {
  const rows = await db.query<{ id: number; personnel_no: string; name: string; pin_hash: string; card_number: string | null; own: number | string | null }>(
    `SELECT ca.id, ca.personnel_no, ca.name, ca.pin_hash, ca.card_number, ${OWN_ACCOUNT} AS own
     FROM cashiers ca WHERE ca.store_id = $1 AND ca.revoked_at IS NULL ORDER BY ca.personnel_no, ca.id`,
    [storeId],
  );
  return {
    storeId,
    cashiers: rows.map((r) => ({
      cashierId: String(r.id),
      personnelNo: r.personnel_no,
      name: r.name,
      pinHash: r.pin_hash,
      card: r.card_number,
      customerId: r.own === null ? null : String(r.own),
    })),
  };
}

/**
 * The cashier an event names, if they are (or were: a shift may outlast a revocation) a cashier
 * of the terminal's store; otherwise null, and the event still counts, under "no cashier".
 */
/**
 * Whether the sale's customer is the cashier who rang it up: the customer holds the loyalty card
 * the cashier linked at creation, or has the cashier's phone (issue 13). Head office sees such
 * sales as exceptions.
 */
export async function cashierIsCustomer(tx: Sql, cashierId: number, customerId: number): Promise<boolean> {
  const rows = await tx.query(`SELECT 1 FROM cashiers ca WHERE ca.id = $1 AND ${cashierOwnsCustomerSql('$2')}`, [cashierId, customerId]);
  return rows.length > 0;
}

/** The condition, on a cashier row `ca`, that the customer `customerExpr` is that cashier (shared with the batched push). */
export function cashierOwnsCustomerSql(customerExpr: string): string {
  return `(EXISTS (SELECT 1 FROM identifiers i WHERE i.kind = 'card' AND i.key = ca.card_number AND i.customer_id = ${customerExpr})
       OR EXISTS (SELECT 1 FROM customers c WHERE c.id = ${customerExpr} AND ca.phone_e164 IS NOT NULL AND c.phone_e164 = ca.phone_e164))`;
}

export async function eventCashier(tx: Sql, storeId: number, cashierId: string | undefined): Promise<number | null> {
  if (cashierId === undefined) return null;
  const [row] = await tx.query<{ id: number }>('SELECT id FROM cashiers WHERE id = $1 AND store_id = $2', [cashierId, storeId]);
  return row ? Number(row.id) : null;
}
