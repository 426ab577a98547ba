import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AtolSimulator } from '../testing/atolSimulator';
import { stableUuid } from './atolWebClient';
import { AtolFiscalDocumentResult, AtolRequestResults, AtolTask } from './atolWebSchemas';

/** A sale task in the shape of the vendor's documentation examples. */
const DOC_SELL = {
  type: 'sell',
  taxationType: 'osn',
  electronically: false,
  ignoreNonFiscalPrintErrors: false,
  operator: { name: 'Иванов', vatin: '123654789507' },
  clientInfo: { emailOrPhone: '+79161234567' },
  items: [
    {
      type: 'position',
      name: 'Бананы',
      price: 73.15,
      quantity: 1.0,
      amount: 73.15,
      infoDiscountAmount: 0.0,
      department: 1,
      measurementUnit: 'piece',
      paymentMethod: 'fullPayment',
      paymentObject: 'commodity',
      tax: { type: 'vat10' },
    },
    { type: 'text', text: '--------------------------------', alignment: 'left', font: 4, doubleWidth: false, doubleHeight: false },
  ],
  payments: [{ type: 'cash', sum: 100.0 }],
  total: 73.15,
};

describe('ATOL JSON task schemas', () => {
  it('accept a documented sale task and the marking and status tasks', () => {
    expect(AtolTask.safeParse(DOC_SELL).success).toBe(true);
    for (const task of [
      { type: 'openShift', operator: { name: 'Иванов' } },
      { type: 'cashIn', cashSum: 1000.5 },
      { type: 'getLastFiscalParams', forReceipt: true },
      {
        type: 'beginMarkingCodeValidation',
        params: { imc: 'MDEwNDYwNzQyODY3OTA5MDIxNmVKSWpvV0g1NERkVQ==', imcType: 'auto', itemEstimatedStatus: 'itemPieceSold', imcModeProcessing: 0 },
      },
      { type: 'nonFiscal', items: [{ type: 'text', text: 'Слип' }] },
    ]) {
      expect(AtolTask.safeParse(task).success, JSON.stringify(task)).toBe(true);
    }
  });

  it('refuse what the register would misread: misspelt fields, sub-kopeck money, unknown rates and tasks', () => {
    const position = DOC_SELL.items[0];
    const variants = [
      { ...DOC_SELL, items: [{ ...position, paymentMetod: 'fullPayment' }] },
      { ...DOC_SELL, items: [{ ...position, price: 73.155 }] },
      { ...DOC_SELL, items: [{ ...position, quantity: 1.2345 }] },
      { ...DOC_SELL, items: [{ ...position, tax: { type: 'vat18x' } }] },
      { ...DOC_SELL, payments: [] },
      { ...DOC_SELL, items: [{ ...position, imcParams: { imc: 'raw code with spaces', itemEstimatedStatus: 'itemPieceSold' } }] },
      { type: 'sellBack' },
    ];
    for (const v of variants) expect(AtolTask.safeParse(v).success, JSON.stringify(v)).toBe(false);
  });

  it('read both error shapes of a task result, and fiscal parameters with the sign as text or number', () => {
    const flat = AtolRequestResults.parse({ results: [{ status: 'error', errorCode: 44, errorDescription: 'Нет бумаги', result: null }] });
    const nested = AtolRequestResults.parse({ results: [{ status: 'error', error: { code: 44, description: 'Нет бумаги' } }] });
    expect(flat.results[0]).toEqual({ status: 'error', errorCode: 44, errorDescription: 'Нет бумаги', result: null });
    expect(nested.results[0]).toEqual(flat.results[0]);
    const params = {
      fiscalDocumentDateTime: '2018-03-06T13:52:00+03:00',
      fiscalDocumentNumber: 71,
      fiscalReceiptNumber: 1,
      fnNumber: '9999078900000961',
      registrationNumber: '0000000001002292',
      shiftNumber: 12,
      total: 390.75,
      fnsUrl: 'www.nalog.gov.ru',
    };
    expect(
      AtolFiscalDocumentResult.parse({ fiscalParams: { ...params, fiscalDocumentSign: '1494325660' }, warnings: null }).fiscalParams.fiscalDocumentSign,
    ).toBe('1494325660');
    expect(AtolFiscalDocumentResult.parse({ fiscalParams: { ...params, fiscalDocumentSign: 1494325660 } }).fiscalParams.fiscalDocumentSign).toBe('1494325660');
  });

  it('stable request ids are UUID-shaped, one per receipt and attempt', () => {
    const a = stableUuid('sell:r-1/0');
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(stableUuid('sell:r-1/0')).toBe(a);
    expect(stableUuid('sell:r-1/1')).not.toBe(a);
  });
});

describe('ATOL web server simulator, over HTTP', () => {
  let sim: AtolSimulator;
  const post = (path: string, body: unknown) =>
    fetch(`${sim.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const results = async (uuid: string) =>
    (await (await fetch(`${sim.url}/api/v2/requests/${uuid}`)).json()) as {
      results: { status: string; errorCode: number; errorDescription: string; result: unknown }[];
    };
  const settled = async (uuid: string) => {
    for (;;) {
      const r = await results(uuid);
      if (r.results.every((x) => !['wait', 'inProgress'].includes(x.status))) return r;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  };

  beforeEach(async () => {
    sim = await AtolSimulator.start();
  });
  afterEach(async () => {
    await sim.close();
  });

  it('runs a task posted with a uuid and answers its result; a uuid it holds is refused with 409', async () => {
    expect((await post('/api/v2/requests', { uuid: 'u-1', request: [{ type: 'getShiftStatus' }] })).status).toBe(201);
    const r = await settled('u-1');
    expect(r.results[0]).toMatchObject({ status: 'ready', errorCode: 0, result: { shiftStatus: { state: 'closed', number: 0 } } });
    expect((await post('/api/v2/requests', { uuid: 'u-1', request: [{ type: 'getShiftStatus' }] })).status).toBe(409);
    // The vendor also takes a single task object.
    expect((await post('/api/v2/requests', { uuid: 'u-2', request: { type: 'getDeviceStatus' } })).status).toBe(201);
    expect((await settled('u-2')).results[0]?.status).toBe('ready');
    expect((await fetch(`${sim.url}/api/v2/requests/nope`)).status).toBe(404);
  });

  it('refuses an invalid task as the driver does (error 501), lists it, and interrupts the rest of the request', async () => {
    await post('/api/v2/requests', { uuid: 'bad', request: [{ ...DOC_SELL, items: [{ ...DOC_SELL.items[0], price: '73.15' }] }, { type: 'reportX' }] });
    const r = await settled('bad');
    expect(r.results[0]).toMatchObject({ status: 'error', errorCode: 501 });
    expect(r.results[0]?.errorDescription).toMatch(/items\.0\.price/);
    expect(r.results[1]).toMatchObject({ status: 'interrupted', errorCode: 502 });
    expect(sim.state().invalidTasks).toEqual([expect.objectContaining({ uuid: 'bad', type: 'sell' })]);
    expect((await post('/api/v2/requests', '{"uuid": ')).status).toBe(400);
  });

  it('withdraws a task still waiting in the queue; not one already running', async () => {
    await post('/sim/faults', { holdTasks: true });
    await post('/api/v2/requests', { uuid: 'first', request: [{ type: 'reportX' }] });
    await post('/api/v2/requests', { uuid: 'second', request: [{ type: 'reportX' }] });
    expect((await results('first')).results[0]?.status).toBe('inProgress');
    expect((await fetch(`${sim.url}/api/v2/requests/first`, { method: 'DELETE' })).status).toBe(405);
    expect((await fetch(`${sim.url}/api/v2/requests/second`, { method: 'DELETE' })).status).toBe(200);
    await post('/sim/faults', { holdTasks: false });
    expect((await settled('first')).results[0]?.status).toBe('ready');
    expect((await results('second')).results[0]?.status).toBe('canceled');
  });

  it('is driven over its control endpoints: faults, clock, state, reset', async () => {
    expect((await post('/sim/faults', { paperOut: 'yes' })).status).toBe(400);
    expect(((await (await post('/sim/faults', { paperOut: true })).json()) as { paperOut: boolean }).paperOut).toBe(true);
    await post('/api/v2/requests', { uuid: 'o', request: [{ type: 'openShift' }] });
    expect((await settled('o')).results[0]).toMatchObject({ status: 'error', errorCode: 44, errorDescription: 'Нет бумаги' });
    await post('/sim/faults', { paperOut: false });
    await post('/api/v2/requests', { uuid: 'o2', request: [{ type: 'openShift' }] });
    expect((await settled('o2')).results[0]?.status).toBe('ready');
    await post('/sim/clock', { advanceMs: 24 * 60 * 60 * 1000 });
    const state = (await (await fetch(`${sim.url}/sim/state`)).json()) as { shift: string; documents: unknown[] };
    expect(state.shift).toBe('expired');
    expect(state.documents).toHaveLength(1);
    await post('/sim/reset', {});
    expect(sim.state().documents).toHaveLength(0);
  });
});
