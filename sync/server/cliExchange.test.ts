import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cliCommands';
import { testDatabases } from './testing/databases';
import { ADMIN, startTestServer, type TestServer } from './testing/fixtures';

const sample = (name: string): string => new URL(`./exchange/testing/${name}`, import.meta.url).pathname;

describe('server:cli lists, import, export and openapi', () => {
  let s: TestServer;
  let url: string;
  const dir = mkdtempSync(join(tmpdir(), 'lt-cli-'));
  beforeAll(async () => {
    s = await startTestServer(testDatabases()[0]!.open, { customers: 5 });
    url = await s.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await s?.close();
  });

  async function cli(args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(args, { LT_SERVER_URL: url, LT_ADMIN_TOKEN: ADMIN }, { out: (l) => out.push(l), err: (l) => err.push(l), fetch });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('imports the sample CommerceML catalogue and says what changed and what was refused', async () => {
    const first = await cli(['import', 'commerceml', sample('import.xml')]);
    expect(first.code).toBe(0);
    expect(first.out).toContain('products: 4 created, 0 updated, 0 deleted, 1 unchanged');
    expect(first.out).toContain('refused: 2');
    expect(first.out).toMatch(/product 6f1a0c1e-1111-4111-8111-000000000006: .*check digit.*\(invalid_barcode\)/);
    const again = await cli(['import', 'commerceml', sample('import.xml')]);
    expect(again.out).toContain('products: 0 created, 0 updated, 0 deleted, 5 unchanged');
    const csv = join(dir, 'stores.csv');
    writeFileSync(csv, 'id;name\nshop-1;Магазин №1\n');
    expect((await cli(['import', 'csv', 'stores', csv])).out).toContain('stores: 1 created');
    expect(await cli(['import', 'xls', csv])).toMatchObject({ code: 2 });
  });

  it('lists stores, tills, cashiers and rejected events as tab-separated lines', async () => {
    const stores = await cli(['stores']);
    expect(stores.code).toBe(0);
    expect(stores.out.split('\n')[0]).toBe('id\tname\tregion\ttime zone\ttills');
    expect(stores.out).toContain('Магазин №1');
    const till = await s.enrol(1);
    const tills = await cli(['tills', '--search', till.terminalId.slice(0, 8)]);
    expect(tills.out).toContain(till.terminalId);
    await cli(['cashier', 'create', '--store', '1', '--number', '0042', '--name', 'Ольга', '--pin', '4321']);
    expect((await cli(['cashiers', '--search', 'Ольга'])).out).toMatch(/\t0042\tОльга\t1 /);
    await s.push(till.token, [{ eventId: crypto.randomUUID(), occurredAt: new Date().toISOString(), type: 'sale', nonsense: true }]);
    const rejected = await cli(['rejected']);
    expect(rejected.out.split('\n')[0]).toBe('received\tevent id\ttype\tcode\ttill\tstore\tmessage');
    expect(rejected.out.split('\n').length).toBeGreaterThan(1);
    expect((await cli(['stores', '--search', 'нет такого магазина'])).out).toContain('No stores');
  });

  it('exports the ledger to a file and receipts to the terminal', async () => {
    const file = join(dir, 'ledger.csv');
    expect((await cli(['export', 'ledger', '--out', file])).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toMatch(/^\uFEFFentry_id,customer_id,kind/);
    const receipts = await cli(['export', 'receipts', '--semicolon']);
    expect(receipts.out).toMatch(/^\uFEFFreceipt_id;event_id/);
    expect(await cli(['export', 'customers'])).toMatchObject({ code: 2 });
  });

  it('writes the OpenAPI description without a server', async () => {
    const file = join(dir, 'openapi.json');
    const res = await runCli(['openapi', '--out', file], {}, { out: () => undefined, err: () => undefined, fetch });
    expect(res).toBe(0);
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths).toHaveProperty('/api/v1/push');
  });
});
