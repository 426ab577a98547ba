import { describe, expect, it } from 'vitest';
import { packCustomer, toLocal, unpackCustomer } from './customerRow';
import { customer } from './testCustomers';
import { identifierKeys } from './tillDb';

describe('packed customer row', () => {
  it('round-trips every field, the birthday (month and day) included', () => {
    const c = customer(42, { firstName: 'Вера', birthday: { month: 2, day: 29 }, pending: 1500 });
    const local = toLocal(c, identifierKeys(c));
    expect(unpackCustomer('42', packCustomer(local))).toEqual(local);
    expect(local.birthday).toEqual({ month: 2, day: 29 });
  });

  it('reads a customer without a birthday as having none, and writes no birthday element for them', () => {
    const local = toLocal(customer(7, { birthday: null }), ['card:1']);
    const row = packCustomer(local);
    expect(JSON.parse(row)).toHaveLength(6);
    expect(unpackCustomer('7', row)).toStrictEqual(local);
    expect(unpackCustomer('7', row).birthday).toBeNull();
    // A page from a server that does not send the field at all.
    const { birthday: _omitted, ...old } = customer(8);
    expect(toLocal(old, []).birthday).toBeNull();
  });

  it('still reads rows stored before the birthday existed', () => {
    const old = JSON.stringify(['Anna', '+7 *** ***-00-01', 'gold', 1200, 0, ['card:2700000000015']]);
    expect(unpackCustomer('1', old)).toStrictEqual({
      id: '1',
      firstName: 'Anna',
      maskedPhone: '+7 *** ***-00-01',
      tier: 'gold',
      balance: 1200,
      pending: 0,
      keys: ['card:2700000000015'],
      birthday: null,
    });
  });

  it('reads a damaged birthday element as no birthday rather than a wrong date', () => {
    expect(unpackCustomer('1', JSON.stringify(['A', null, 'base', 0, 0, [], 1399])).birthday).toBeNull();
    expect(unpackCustomer('1', JSON.stringify(['A', null, 'base', 0, 0, [], '0315'])).birthday).toBeNull();
  });

  it('keeps rows one-byte strings with the birthday too', () => {
    const row = packCustomer(toLocal(customer(3, { firstName: 'Ёжик', birthday: { month: 12, day: 31 } }), []));
    expect([...row].every((ch) => ch.charCodeAt(0) < 0x80)).toBe(true);
    expect(row.endsWith(',1231]')).toBe(true);
  });
});
