import type { PricedReceipt } from '../../../core/engine';
import { allocate } from '../../../core/money';

/**
 * The receipt the ledger follows: the server's priced lines carrying the bonus totals that
 * were actually posted (the till's, see applySale). Returns price against it, so returning
 * everything gives back exactly what the ledger took and credited for the sale.
 */
export function postedReceipt(server: PricedReceipt, posted: { redeemed: number; accrued: number }): PricedReceipt {
  if (server.totals.redeemed === posted.redeemed && server.totals.accrued === posted.accrued) return server;
  const lines = server.lines;
  // Spent bonuses go over what each eligible line still had to pay, so no line goes below zero.
  const redeemWeights = lines.map((l) => (l.excluded ? 0 : l.net));
  const redeemed = posted.redeemed === 0 ? lines.map(() => 0) : allocate(posted.redeemed, redeemWeights);
  // Earned bonuses follow the server's own split, else eligible net, else evenly.
  let accrueWeights = lines.map((l) => l.accrued);
  if (accrueWeights.every((w) => w === 0)) accrueWeights = lines.map((l) => (l.excluded ? 0 : l.net));
  if (accrueWeights.every((w) => w === 0)) accrueWeights = lines.map(() => 1);
  const accrued = posted.accrued === 0 ? lines.map(() => 0) : allocate(posted.accrued, accrueWeights);
  const newLines = lines.map((l, i) => {
    const r = redeemed[i] ?? 0;
    return { ...l, redeemed: r, payable: l.net - r, accrued: accrued[i] ?? 0 };
  });
  const totals = { ...server.totals, redeemed: 0, payable: 0, accrued: 0 };
  for (const l of newLines) {
    totals.redeemed += l.redeemed;
    totals.payable += l.payable;
    totals.accrued += l.accrued;
  }
  return { ...server, lines: newLines, totals };
}
