import { describe, expect, it } from 'vitest';
import { parseProgramme } from '../../../core/engine';
import { DEMO_PROGRAMME } from '../../../core/engine/testkit';
import { withFiscalBonuses } from './programmeSettings';

describe("head office's choice of bonuses on the fiscal receipt", () => {
  const parsed = parseProgramme(DEMO_PROGRAMME);
  if (!parsed.ok) throw new Error('demo programme invalid');
  const programme = parsed.value;

  it('publishes the choice under the next version, the rest of the programme unchanged, and valid', () => {
    const next = withFiscalBonuses(programme, 'otherPayment');
    expect(next).toEqual({ ...programme, version: programme.version + 1, fiscalBonuses: 'otherPayment' });
    expect(parseProgramme(next)).toEqual({ ok: true, value: next });
  });

  it('takes the choice back: the tills follow their device config again', () => {
    const back = withFiscalBonuses(withFiscalBonuses(programme, 'discount'), '');
    expect(back).not.toHaveProperty('fiscalBonuses');
    expect(back.version).toBe(programme.version + 2);
  });
});
