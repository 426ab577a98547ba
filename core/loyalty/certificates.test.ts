import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CERTIFICATE_CATEGORY, priceReceipt } from '../engine';
import { demoProgramme, line, member, sale } from '../engine/testkit';
import { receiptPayments } from '../fiscal/receiptPayments';
import { salePositions } from '../fiscal/receiptPositions';
import { applyMove, certificatePart, certificateProductId, certificateRoom, soldCertificateCode, type Certificate, type CertificateMove } from './certificates';

const fresh = (nominal: number): Certificate => ({ code: 'GIFT1000', nominalKopecks: nominal, balanceKopecks: 0, state: 'issued', applied: new Set() });

describe('gift certificates', () => {
  it('is spendable once sold, pays in part, keeps the rest, and refuses more than its balance', () => {
    let c = fresh(100_000);
    const run = (m: CertificateMove) => {
      const r = applyMove(c, m);
      c = r.certificate;
      return r;
    };
    expect(run({ eventId: 'r0', kind: 'redemption', amountKopecks: 1 })).toMatchObject({ ok: false, reason: 'notActive' });
    expect(run({ eventId: 'a', kind: 'activation', amountKopecks: 100_000 }).ok).toBe(true);
    expect(run({ eventId: 'r1', kind: 'redemption', amountKopecks: 60_000 }).ok).toBe(true);
    expect(c.balanceKopecks).toBe(40_000);
    expect(run({ eventId: 'r1', kind: 'redemption', amountKopecks: 60_000 })).toMatchObject({ ok: true, duplicate: true });
    expect(c.balanceKopecks).toBe(40_000);
    expect(run({ eventId: 'r2', kind: 'redemption', amountKopecks: 40_001 })).toMatchObject({ ok: false, reason: 'insufficient' });
    expect(run({ eventId: 'f1', kind: 'refund', amountKopecks: 60_001 })).toMatchObject({ ok: false, reason: 'overRefund' });
    expect(certificatePart(40_000, 125_050)).toEqual({ paid: 40_000, rest: 85_050, balanceAfter: 0 });
    expect(certificatePart(40_000, 12_345)).toEqual({ paid: 12_345, rest: 0, balanceAfter: 27_655 });
  });

  it('never goes below zero nor above its nominal, and a resent move changes nothing (property)', () => {
    const move = fc.record({
      eventId: fc.constantFrom('e1', 'e2', 'e3', 'e4', 'e5', 'e6'),
      kind: fc.constantFrom('activation' as const, 'redemption' as const, 'refund' as const),
      amountKopecks: fc.integer({ min: 0, max: 200_000 }),
    });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 150_000 }), fc.array(move, { maxLength: 40 }), (nominal, moves) => {
        let c = fresh(nominal);
        let redeemed = 0;
        let refunded = 0;
        const seen = new Set<string>();
        for (const m of moves) {
          const r = applyMove(c, m);
          const key = `${m.kind}/${m.eventId}`;
          if (r.ok && !r.duplicate) {
            if (m.kind === 'redemption') redeemed += m.amountKopecks;
            if (m.kind === 'refund') refunded += m.amountKopecks;
          }
          if (seen.has(key)) {
            expect(r.ok && r.duplicate).toBe(true);
            expect(r.certificate).toBe(c);
          }
          if (r.ok) seen.add(key);
          c = r.certificate;
          expect(c.balanceKopecks).toBeGreaterThanOrEqual(0);
          expect(c.balanceKopecks).toBeLessThanOrEqual(nominal);
          if (c.state === 'active') expect(c.balanceKopecks).toBe(nominal - redeemed + refunded);
        }
      }),
    );
  });
});

describe('a certificate sold and paid with on one receipt', () => {
  const receipt = priceReceipt(
    sale({
      customer: member({ availableBonusKopecks: 1_000_000 }),
      lines: [line('g', 'milk', ['dairy'], 50_000), line('c', certificateProductId('GC1234'), [CERTIFICATE_CATEGORY], 300_000)],
      redeem: 'max',
      programme: demoProgramme(),
    }),
  );

  it('earns nothing, takes no bonuses, and only the goods may be paid by a certificate', () => {
    const gc = receipt.lines.find((l) => l.lineId === 'c')!;
    expect(gc.payable).toBe(300_000);
    expect(gc.excluded).toBe(true);
    expect(receipt.totals.redeemed).toBeLessThanOrEqual(50_000);
    expect(soldCertificateCode(gc.productId)).toBe('GC1234');
    expect(certificateRoom(receipt, [])).toBe(50_000 - receipt.totals.redeemed);
    expect(certificateRoom(receipt, [{ amountKopecks: 10_000_000 }])).toBe(0);
  });

  it('goes on the 54-FZ receipt as an advance, and a certificate part as prepaid', () => {
    const positions = salePositions(receipt, (id) => (id === 'milk' ? { name: 'Молоко' } : { name: 'Подарочный сертификат', advance: true }), {
      defaultVat: 'vat22',
      bonuses: 'discount',
    });
    const advance = positions.positions.find((p) => p.lineId === 'c')!;
    expect(advance).toMatchObject({ paymentMethod: 'advance', paymentObject: 'payment', vat: 'vat122', amountKopecks: 300_000 });
    const payments = receiptPayments(positions, 0, 20_000);
    expect(payments[0]).toEqual({ kind: 'prepaid', amountKopecks: 20_000 });
    expect(payments.reduce((s, p) => s + p.amountKopecks, 0)).toBe(positions.totalKopecks);
    expect(() => receiptPayments(positions, positions.moneyKopecks, 1)).toThrow(RangeError);
  });
});
