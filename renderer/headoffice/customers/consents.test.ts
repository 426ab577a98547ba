import { describe, expect, it } from 'vitest';
import type { ConsentHistoryItem } from '../../../sync/protocol/consents';
import { confirmKey, consentHistoryRows, consentRows } from './consents';

const item = (over: Partial<ConsentHistoryItem>): ConsentHistoryItem => ({
  id: '1',
  purpose: 'marketing',
  channel: 'sms',
  granted: true,
  textVersion: 'v1',
  givenAt: '2026-12-01T10:00:00.000Z',
  recordedAt: '2026-12-01T10:00:01.000Z',
  source: 'till',
  terminalId: null,
  eventId: null,
  ...over,
});

describe("head office: a customer's consents", () => {
  it('lists personal data first, then marketing by channel, each with its withdrawal request', () => {
    const rows = consentRows([item({ id: 'e', channel: 'email' }), item({ id: 'p', purpose: 'personal_data', channel: null }), item({ id: 's' })]);
    expect(rows.map((r) => r.item.id)).toEqual(['p', 'e', 's']);
    expect(rows.map((r) => r.request)).toEqual([
      { purpose: 'personal_data' },
      { purpose: 'marketing', channel: 'email' },
      { purpose: 'marketing', channel: 'sms' },
    ]);
  });

  it('offers to withdraw only a consent that is granted now', () => {
    const rows = consentRows([item({ granted: false }), item({ id: 'p', purpose: 'personal_data', channel: null })]);
    expect(rows.map((r) => [r.item.id, r.withdrawable])).toEqual([
      ['p', true],
      ['1', false],
    ]);
  });

  it('warns more strongly before withdrawing personal-data consent', () => {
    const [pd, sms] = consentRows([item({ purpose: 'personal_data', channel: null }), item({})]);
    expect(confirmKey(pd!)).toBe('ho.customers.confirmPersonalData');
    expect(confirmKey(sms!)).toBe('ho.customers.confirmMarketing');
  });
});

describe("head office: a customer's consent history", () => {
  it('lists every decision newest first, a withdrawal above the consent it ended', () => {
    const given = item({ id: '1', recordedAt: '2026-12-01T10:00:01.000Z' });
    const withdrawn = item({ id: '7', granted: false, source: 'head_office', givenAt: null, recordedAt: '2026-12-03T09:00:00.000Z' });
    const pd = item({ id: '2', purpose: 'personal_data', channel: null, recordedAt: '2026-12-01T10:00:01.000Z' });
    expect(consentHistoryRows([given, pd, withdrawn]).map((i) => i.id)).toEqual(['7', '2', '1']);
  });
});
