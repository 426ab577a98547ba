import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { ApprovalEvent, SaleFiscal } from '../protocol/events';
import { fiscalDigits, type FoundReceipt } from './receiptSearch';
import { testDatabases } from './testing/databases';
import { demoProduct } from './demoSeed';
import { line, sale, saleReturn } from './testing/events';
import { admin, startTestServer, type TestServer } from './testing/fixtures';

/** Issue 14: fiscal numbers travel with the sale and the return, are kept, and head office finds a receipt by them. */
const fiscal = (documentNumber: number, fiscalSign: string): SaleFiscal => ({
  documentNumber,
  fiscalSign,
  dateTime: '2026-12-07T10:15:00+03:00',
  shiftNumber: 41,
  fnNumber: '7380440800123456',
  registrationNumber: '0001234567012345',
});

describe.each(testDatabases())('fiscal numbers of receipts on $name', ({ open }) => {
  let s: TestServer;
  let sold: ReturnType<typeof sale>;
  let returned: ReturnType<typeof saleReturn>;
  let plain: ReturnType<typeof sale>;
  let noReceipt: ApprovalEvent;
  beforeAll(async () => {
    s = await startTestServer(open, { customers: 10 });
    const till = await s.enrol(1);
    sold = sale({ customerId: '3', available: 0, lines: [line(2), line(5, 2)] });
    sold.event.fiscal = fiscal(1017, '3826512094');
    returned = saleReturn(sold, [{ lineId: sold.event.sale.lines[0]!.lineId, quantityMilli: 1_000 }]);
    returned.event.fiscal = fiscal(1018, '0493817265');
    plain = sale({ customerId: null, lines: [line(7)] });
    // One push: the sale (applied in a run) and the return after it (applied alone), and a sale from a till without a register.
    // A return without a receipt, approved by a manager at the till, fiscalised as a return receipt.
    noReceipt = {
      eventId: randomUUID(),
      occurredAt: new Date().toISOString(),
      type: 'approval',
      action: 'returnNoReceipt',
      managerId: '999999',
      managerName: 'Ирина Петрова',
      before: 0,
      after: 5_000,
      returnId: 'nr-0001',
      lines: [{ productId: demoProduct(2).id, quantityMilli: 2_000, priceKopecks: 2_500 }],
      fiscal: fiscal(1019, '1122334455'),
    };
    const answers = await s.push(till.token, [sold.event, plain.event, returned.event, noReceipt]);
    expect(answers.map((a) => a.status)).toEqual(['applied', 'applied', 'applied', 'applied']);
  });
  afterAll(async () => {
    await s?.close();
  });

  const search = async (q: string): Promise<FoundReceipt[]> => {
    const res = await s.inject({ method: 'GET', url: '/api/v1/admin/chains/1/receipts', query: { q }, headers: admin });
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as { receipts: FoundReceipt[] }).receipts;
  };

  it('keeps the fiscal document of a pushed sale and of its return', async () => {
    const [receipt] = await s.db.query<{ fiscal: SaleFiscal | null }>('SELECT fiscal FROM receipts WHERE event_id = $1', [sold.event.eventId]);
    expect(receipt?.fiscal).toEqual(sold.event.fiscal);
    const [ret] = await s.db.query<{ fiscal: SaleFiscal | null }>('SELECT fiscal FROM receipt_returns WHERE event_id = $1', [returned.event.eventId]);
    expect(ret?.fiscal).toEqual(returned.event.fiscal);
    const [none] = await s.db.query<{ fiscal: SaleFiscal | null }>('SELECT fiscal FROM receipts WHERE event_id = $1', [plain.event.eventId]);
    expect(none?.fiscal).toBeNull();
  });

  it('finds the sale by its fiscal document number or fiscal sign, as typed from the receipt', async () => {
    for (const q of ['1017', 'ФД 1017', 'фд №1017', '01017', '3826512094', 'ФП: 3826512094']) {
      const found = await search(q);
      expect(
        found.map((r) => [r.kind, r.eventId]),
        q,
      ).toEqual([['sale', sold.event.eventId]]);
      expect(found[0]).toMatchObject({ receiptId: sold.event.sale.receiptId, storeId: 1, totalKopecks: sold.event.totals.payable, fiscal: sold.event.fiscal });
    }
  });

  it('finds the return by its own fiscal document, naming the receipt it returns from', async () => {
    for (const q of ['1018', '0493817265']) {
      const found = await search(q);
      expect(found, q).toHaveLength(1);
      expect(found[0]).toMatchObject({
        kind: 'return',
        eventId: returned.event.eventId,
        receiptId: sold.event.sale.receiptId,
        returnId: returned.event.returnId,
        totalKopecks: returned.priced.totals.refund,
        fiscal: returned.event.fiscal,
      });
    }
  });

  it('finds a return without a receipt by its fiscal document or its return number', async () => {
    for (const q of ['ФД 1019', '1122334455', 'nr-0001']) {
      const found = await search(q);
      expect(found, q).toHaveLength(1);
      expect(found[0]).toMatchObject({
        kind: 'return',
        eventId: noReceipt.eventId,
        receiptId: null,
        returnId: 'nr-0001',
        totalKopecks: 5_000,
        fiscal: noReceipt.fiscal,
      });
    }
  });

  it('finds a receipt by its number with its returns; nothing for an unknown number or an empty search', async () => {
    const byNumber = await search(sold.event.sale.receiptId.slice(2, 14));
    expect(byNumber.map((r) => r.kind).sort()).toEqual(['return', 'sale']);
    expect(await search('999999')).toEqual([]);
    expect(await search('4')).toEqual([]); // a document number nobody printed (4 in the fiscal sign is no match)
    expect(await search('')).toEqual([]);
  });

  it('exports the fiscal numbers with the receipts as CSV', async () => {
    const res = await s.inject({ method: 'GET', url: '/api/v1/admin/chains/1/export/receipts', headers: admin });
    const lines = res.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    const header = lines[0]!.split(',');
    const row = lines.find((l) => l.includes(sold.event.eventId))!.split(',');
    const cell = (name: string) => row[header.indexOf(name)];
    expect([cell('fiscal_document_number'), cell('fiscal_sign'), cell('fiscal_drive_number'), cell('fiscal_shift_number'), cell('register_number')]).toEqual([
      '1017',
      '3826512094',
      '7380440800123456',
      '41',
      '0001234567012345',
    ]);
    const bare = lines.find((l) => l.includes(plain.event.eventId))!.split(',');
    expect(bare[header.indexOf('fiscal_document_number')]).toBe('');
  });
});

describe('fiscal numbers as typed', () => {
  it('takes the digits after ФД, ФП, FD, FP or №, and nothing from other text', () => {
    expect(['123', 'ФД 123', 'фп:123', 'FD #123', '№ 123', ' fp 123 '].map(fiscalDigits)).toEqual(['123', '123', '123', '123', '123', '123']);
    expect(['r-123', '12 34', 'ФД', '', '123456789012345678901'].map(fiscalDigits)).toEqual([null, null, null, null, null]);
  });
});
