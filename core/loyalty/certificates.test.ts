import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyMove, certificatePart, type Certificate, type CertificateMove } from './certificates';

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
