import type { FiscalDocument, FiscalReceipt, FiscalRegister, FiscalResult } from './fiscalRegister';

/**
 * Fiscalising a paid receipt exactly once, across crashes and lost answers.
 *
 * The till's part, in order:
 * 1. After payment, before the register is first asked: `startFiscalisation` notes the
 *    number of the last receipt in the fiscal drive; store the PendingFiscalisation with the
 *    draft (durably).
 * 2. `fiscaliseOnce(register, pending)`: when it answers ok, store the document with the
 *    sale; when it fails with outcomeUnknown false, nothing was fiscalised: show the error,
 *    keep the draft, let the cashier fix the cause (paper, shift) and call it again; with
 *    outcomeUnknown true, keep the draft pending and call it again (after a restart too).
 *    Start no other receipt while one is pending.
 *
 * Why it holds: a retry carries the same receiptId, so the register adapter finds its
 * earlier attempt in the driver's queue; and if the driver lost that attempt, the fiscal
 * drive itself is asked: a receipt after the noted one, for the same total, is this one.
 */
export interface PendingFiscalisation {
  kind: 'sell' | 'sellReturn';
  receipt: FiscalReceipt;
  /** Document number of the last receipt in the fiscal drive before this one; 0 when none. */
  lastDocumentBefore: number;
}

export interface Fiscalised {
  document: FiscalDocument;
  /** Found in the fiscal drive after a lost answer, rather than answered directly. */
  recovered: boolean;
}

export async function startFiscalisation(
  register: FiscalRegister,
  kind: PendingFiscalisation['kind'],
  receipt: FiscalReceipt,
): Promise<FiscalResult<PendingFiscalisation>> {
  const last = await register.lastFiscalDocument();
  if (!last.ok) return last;
  return { ok: true, value: { kind, receipt, lastDocumentBefore: last.value?.documentNumber ?? 0 } };
}

function receiptTotal(receipt: FiscalReceipt): number {
  return receipt.positions.reduce((s, p) => s + p.amountKopecks, 0);
}

/** Whether the fiscal drive's last receipt is the pending one. */
export function isPendingReceipt(last: FiscalDocument | null, pending: PendingFiscalisation): boolean {
  return last !== null && last.documentNumber > pending.lastDocumentBefore && last.totalKopecks === receiptTotal(pending.receipt);
}

async function alreadyFiscalised(register: FiscalRegister, pending: PendingFiscalisation): Promise<FiscalResult<FiscalDocument | null>> {
  const last = await register.lastFiscalDocument();
  if (!last.ok) return last;
  return { ok: true, value: isPendingReceipt(last.value, pending) ? last.value : null };
}

export async function fiscaliseOnce(register: FiscalRegister, pending: PendingFiscalisation): Promise<FiscalResult<Fiscalised>> {
  const before = await alreadyFiscalised(register, pending);
  // Cannot even ask: still pending, nothing sent now.
  if (!before.ok) return { ok: false, error: { ...before.error, outcomeUnknown: true } };
  if (before.value) return { ok: true, value: { document: before.value, recovered: true } };

  const sent = pending.kind === 'sell' ? await register.sell(pending.receipt) : await register.sellReturn(pending.receipt);
  if (sent.ok) return { ok: true, value: { document: sent.value, recovered: false } };
  if (!sent.error.outcomeUnknown) return sent;

  const after = await alreadyFiscalised(register, pending);
  if (after.ok && after.value) return { ok: true, value: { document: after.value, recovered: true } };
  // The driver may still hold the task and finish it: the next call will find it either way.
  return sent;
}
