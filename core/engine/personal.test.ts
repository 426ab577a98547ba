import { describe, expect, it } from 'vitest';
import { personalOffers } from './personal';
import { demoProgramme, member, offers, SPEND, WEDNESDAY_NOON } from './testkit';

const programme = demoProgramme();
const store = { id: 'msk-001', regionId: 'msk' };
const list = offers([
  { id: 'everyone', name: { ru: 'Всем', en: 'Everyone' }, effect: { type: 'extraAccrual', basisPoints: 100 } },
  { id: 'mine', name: { ru: 'Лично вам', en: 'Just for you' }, audience: { customerIds: ['c-1', 'c-2'] }, effect: { type: 'extraAccrual', basisPoints: 500 } },
  { id: 'not-mine', name: { ru: 'Другим', en: 'Others' }, audience: { customerIds: ['c-9'] }, effect: { type: 'extraAccrual', basisPoints: 500 } },
  {
    id: 'mine-elsewhere',
    name: { ru: 'В Казани', en: 'In Kazan' },
    scope: { kind: 'stores', storeIds: ['kzn-1'] },
    audience: { customerIds: ['c-1'] },
    effect: { type: 'percentDiscount', basisPoints: 500 },
  },
  {
    id: 'mine-ended',
    name: { ru: 'Была', en: 'Was' },
    validity: { to: '2025-03-11' },
    audience: { customerIds: ['c-1'] },
    effect: { type: 'percentDiscount', basisPoints: 500 },
  },
  {
    id: 'mine-gold',
    name: { ru: 'Золото', en: 'Gold' },
    audience: { customerIds: ['c-1'], tiers: ['gold'] },
    effect: { type: 'percentDiscount', basisPoints: 500 },
  },
  {
    id: 'birthday',
    name: { ru: 'С днём рождения', en: 'Happy birthday' },
    priority: 10,
    audience: { birthday: { daysBefore: 3, daysAfter: 3 } },
    effect: { type: 'accrualMultiplier', percent: 200 },
  },
  { id: 'welcome-mine', name: { ru: 'Привет', en: 'Hello' }, audience: { customerIds: ['c-1'] }, effect: { type: 'welcome', amountKopecks: 100 } },
]);
const at = WEDNESDAY_NOON; // 12 March 2025
const ids = (customer: ReturnType<typeof member>) => personalOffers(programme, list, { customer, store, at }).map((o) => o.id);

describe('personalOffers', () => {
  it("lists sale offers naming the customer that run here and now, not general, other people's, ended, out-of-scope or welcome ones", () => {
    expect(ids(member())).toEqual(['mine']);
    expect(ids(member({ id: 'c-9' }))).toEqual(['not-mine']);
    expect(ids(member({ id: 'c-5' }))).toEqual([]);
  });

  it('applies the other audience criteria of a personal offer too', () => {
    expect(ids(member({ rollingSpendKopecks: SPEND.gold }))).toEqual(['mine', 'mine-gold']);
  });

  it('lists a birthday offer inside the window only, first by priority', () => {
    expect(ids(member({ birthday: { month: 3, day: 14 } }))).toEqual(['birthday', 'mine']);
    expect(ids(member({ birthday: { month: 3, day: 9 } }))).toEqual(['birthday', 'mine']);
    expect(ids(member({ birthday: { month: 3, day: 16 } }))).toEqual(['mine']);
    expect(ids(member({ birthday: null }))).toEqual(['mine']);
  });
});
