import { z } from 'zod';
import { receiptCopyLines } from '../../../core/fiscal/receiptCopy';
import { PRINT_TEXT_WIDTH, type FiscalRequest } from '../../protocol/fiscal';
import type { ReceiptRecord } from '../records';
import { receiptsSince } from '../returns';
import type { TillDb } from '../tillDb';
import { fiscalCall, type FiscalStepDeps } from './fiscalStep';

/** Lines per printText request (the host's bound); a longer copy goes in several, in order. */
const PRINT_CHUNK = 200;

export interface ReceiptCopyDeps {
  request: FiscalStepDeps['request'];
  db: TillDb;
  storeName?: string | undefined;
  tillName?: string | undefined;
  /** Characters per line of the register's paper; at most 48. */
  width?: number;
}

/**
 * Prints a non-fiscal copy of a receipt of the journal on the register (F4 screen, Ctrl+P). No
 * fiscal document is made, so it may be printed as often as asked. Answers an error code the
 * screen words as the fiscal errors are: 'notFound', 'notConfigured', 'paperOut'...
 */
export async function printReceiptCopy(deps: ReceiptCopyDeps, receiptId: string): Promise<{ ok: true } | { ok: false; error: string }> {
  const record = await deps.db.journal.get(receiptId);
  if (!record) return { ok: false, error: 'notFound' };
  const ids = [...new Set(record.event.sale.lines.map((l) => l.productId))];
  const names = new Map((await deps.db.products.bulkGet(ids)).flatMap((p) => (p ? [[p.id, p.name] as const] : [])));
  const lines = receiptCopyLines(record, {
    names: (id) => names.get(id),
    storeName: deps.storeName,
    tillName: deps.tillName,
    width: Math.min(deps.width ?? PRINT_TEXT_WIDTH, PRINT_TEXT_WIDTH),
  });
  for (let i = 0; i < lines.length; i += PRINT_CHUNK) {
    const req: FiscalRequest = { op: 'fiscal', action: 'printText', lines: lines.slice(i, i + PRINT_CHUNK) };
    const r = await fiscalCall(deps, req, z.null());
    if (!r.ok) return r;
  }
  return { ok: true };
}

/** This till's receipts of the day (since local midnight), newest first: what the F4 screen lists. */
export function shiftReceipts(db: TillDb, now: number): Promise<ReceiptRecord[]> {
  const midnight = new Date(now);
  midnight.setHours(0, 0, 0, 0);
  return receiptsSince(db, midnight.getTime());
}

/** The receipt the arrow keys select next on the F4 screen; null selected means the newest. */
export function moveSelection(receipts: readonly { receiptId: string }[], selected: string | null, step: 1 | -1): string | null {
  if (receipts.length === 0) return null;
  const at = Math.max(
    0,
    receipts.findIndex((r) => r.receiptId === selected),
  );
  return receipts[Math.min(receipts.length - 1, Math.max(0, at + step))]!.receiptId;
}
