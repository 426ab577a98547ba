import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WedgeDetector, type WedgeVerdict } from './wedgeDetector';

/** Feeds keys the way the hook does: expire first, then the key. */
function typeKeys(d: WedgeDetector, keys: string[], start: number, gap: number): WedgeVerdict[] {
  return keys.flatMap((k, i) => {
    const at = start + i * gap;
    const expired = d.expire(at);
    return expired.kind === 'none' ? [d.feed(k, at)] : [expired, d.feed(k, at)];
  });
}

const BANK_SWIPE = '%B4111111111111111^IVANOV/IVAN^29121010000000000000?;4111111111111111=29121010000000000000?';

describe('keyboard wedge detector', () => {
  it('recognises a fast burst ended by Enter as a scan', () => {
    const d = new WedgeDetector();
    const verdicts = typeKeys(d, [...'2700000000427', 'Enter'], 1000, 8);
    expect(verdicts.at(-1)).toEqual({ kind: 'scan', text: '2700000000427' });
    expect(verdicts[0]).toEqual({ kind: 'buffering', first: true });
  });

  it('leaves human typing alone, however long', () => {
    const d = new WedgeDetector();
    const verdicts = typeKeys(d, [...'89160000042', 'Enter'], 0, 120);
    expect(verdicts.some((v) => v.kind === 'scan')).toBe(false);
  });

  it('does not take a short burst (a cashier tapping keys quickly) for a scan', () => {
    const d = new WedgeDetector();
    expect(typeKeys(d, [...'12', 'Enter'], 0, 10).at(-1)).toEqual({ kind: 'none' });
  });

  it('starts a new scan after a pause, dropping what the person typed before', () => {
    const d = new WedgeDetector();
    typeKeys(d, [...'99'], 0, 200);
    expect(typeKeys(d, [...'4006381333931', 'Enter'], 1000, 5).at(-1)).toEqual({ kind: 'scan', text: '4006381333931' });
  });

  it('never reports a barcode scan when keys arrive slower than the gap, whatever the keys', () => {
    const noSentinel = fc.string({ minLength: 1, maxLength: 1 }).filter((k) => k !== '%' && k !== ';');
    fc.assert(
      fc.property(
        fc.array(fc.oneof(noSentinel, fc.constant('Enter'), fc.constant('Shift')), { maxLength: 60 }),
        fc.integer({ min: 51, max: 1000 }),
        (keys, gap) => {
          const d = new WedgeDetector();
          expect(typeKeys(d, keys, 0, gap).some((v) => v.kind === 'scan')).toBe(false);
        },
      ),
    );
  });

  it('holds a whole card swipe back from the page, even when the reader types slowly', () => {
    const d = new WedgeDetector();
    const verdicts = typeKeys(d, [...BANK_SWIPE, 'Enter'], 0, 200);
    expect(verdicts.slice(0, -1).every((v) => v.kind === 'hold')).toBe(true);
    expect(verdicts.at(-1)).toEqual({ kind: 'scan', text: BANK_SWIPE });
  });

  it('ends a swipe from a reader that sends no Enter once it goes quiet', () => {
    const d = new WedgeDetector();
    typeKeys(d, [...';2700000000455?'], 0, 5);
    expect(d.expire(100)).toEqual({ kind: 'none' });
    expect(d.expire(1000)).toEqual({ kind: 'scan', text: ';2700000000455?' });
    expect(d.expire(2000)).toEqual({ kind: 'none' });
  });

  it('gives a person who typed a sentinel their keys back, and an Enter goes on as usual', () => {
    const d = new WedgeDetector();
    expect(typeKeys(d, [...'%50', 'Enter'], 0, 150).at(-1)).toEqual({ kind: 'release', text: '%50' });
    const d2 = new WedgeDetector();
    typeKeys(d2, [...';ab'], 0, 100);
    expect(d2.expire(5000)).toEqual({ kind: 'release', text: ';ab' });
  });

  it('loses no key: every key is either held and later returned or scanned, or passed to the page', () => {
    const key = fc.oneof(fc.constantFrom('%', ';', '?', '=', '^', '1', '7', 'B', 'a'), fc.constant('Enter'));
    fc.assert(
      fc.property(fc.array(fc.tuple(key, fc.integer({ min: 1, max: 600 })), { maxLength: 80 }), (presses) => {
        const d = new WedgeDetector();
        let at = 0;
        let held = '';
        let accounted = '';
        const settle = (v: WedgeVerdict) => {
          if (v.kind === 'release' || (v.kind === 'scan' && held !== '')) {
            accounted += v.text;
            expect(v.text).toBe(held);
            held = '';
          }
        };
        for (const [k, gap] of presses) {
          at += gap;
          settle(d.expire(at));
          const v = d.feed(k, at);
          if (v.kind === 'hold') held += k;
          else settle(v);
          if (v.kind !== 'hold' && k !== 'Enter' && v.kind !== 'release' && !(v.kind === 'scan')) accounted += k;
        }
        settle(d.expire(at + 10_000));
        expect(held).toBe('');
        expect(accounted).toBe(
          presses
            .map(([k]) => k)
            .filter((k) => k !== 'Enter')
            .join(''),
        );
      }),
    );
  });
});
