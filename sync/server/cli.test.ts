import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cliCommands';
import { testDatabases } from './testing/databases';
import { ADMIN, startTestServer, type TestServer } from './testing/fixtures';

describe('server:cli', () => {
  let s: TestServer;
  let url: string;
  beforeAll(async () => {
    s = await startTestServer(testDatabases()[0]!.open, { customers: 5 });
    url = await s.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await s?.close();
  });

  async function cli(args: string[], env: Record<string, string> = { LT_SERVER_URL: url, LT_ADMIN_TOKEN: ADMIN }) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(args, env, { out: (l) => out.push(l), err: (l) => err.push(l), fetch });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('makes an enrolment code a till can use once, and revokes the terminal', async () => {
    const made = await cli(['enrolment-code', '--store', '2', '--ttl', '5']);
    expect(made.code).toBe(0);
    const code = /: ([A-Z0-9]{5}-[A-Z0-9]{5})$/m.exec(made.out)?.[1];
    expect(code).toBeDefined();
    const enrolled = await s.inject({ method: 'POST', url: '/api/v1/enrol', payload: { code, deviceName: 'cli till' } });
    expect(enrolled.json()).toMatchObject({ storeId: 2 });
    const revoked = await cli(['revoke', enrolled.json().terminalId]);
    expect(revoked).toMatchObject({ code: 0 });
    expect(revoked.out).toContain('revoked');
    expect(await cli(['revoke', enrolled.json().terminalId])).toMatchObject({ code: 1, err: expect.stringContaining('terminal_not_found') });
    expect(await cli(['jobs'])).toMatchObject({ code: 0 });
  });

  it('creates, lists and revokes a cashier of a store', async () => {
    const made = await cli(['cashier', 'create', '--store', '1', '--number', '301', '--name', 'Пётр'], {
      LT_SERVER_URL: url,
      LT_ADMIN_TOKEN: ADMIN,
      LT_CASHIER_PIN: '8642',
    });
    expect(made, made.err).toMatchObject({ code: 0 });
    const id = /^Cashier (\d+) /.exec(made.out)?.[1];
    expect(id).toBeDefined();
    expect((await cli(['cashier', 'list', '--store', '1'])).out).toMatch(new RegExp(`^${id}\t301\tПётр\tactive$`, 'm'));
    expect(await cli(['cashier', 'create', '--store', '1', '--number', '301', '--name', 'X', '--pin', '1111'])).toMatchObject({
      code: 1,
      err: expect.stringContaining('personnel_no_taken'),
    });
    expect(await cli(['cashier', 'create', '--store', '1', '--number', 'abc', '--name', 'X', '--pin', '1111'])).toMatchObject({ code: 2 });
    expect(await cli(['cashier', 'revoke', id!])).toMatchObject({ code: 0 });
    expect((await cli(['cashier', 'list', '--store', '1'])).out).toMatch(/\trevoked /);
  });

  it('creates, lists and revokes a store manager whose PIN then unlocks a till of that store', async () => {
    const made = await cli(['manager', 'create', '--store', '1', '--name', 'Анна Кузнецова', '--pin', '4826']);
    expect(made.err).toBe('');
    expect(made.code).toBe(0);
    const id = /^Manager (\d+) "Анна Кузнецова" created for store 1\.$/m.exec(made.out)?.[1];
    expect(id).toBeDefined();
    // Without --pin the PIN comes from LT_MANAGER_PIN, out of the shell's history.
    const fromEnv = await cli(['manager', 'create', '--store', '1', '--name', 'Пётр'], { LT_SERVER_URL: url, LT_ADMIN_TOKEN: ADMIN, LT_MANAGER_PIN: '602913' });
    expect(fromEnv.code).toBe(0);
    const t = (
      await s.inject({ method: 'POST', url: '/api/v1/admin/enrolment-codes', headers: { authorization: `Bearer ${ADMIN}` }, payload: { storeId: 1 } })
    ).json();
    const till = (await s.inject({ method: 'POST', url: '/api/v1/enrol', payload: { code: t.code, deviceName: 'cli manager till' } })).json();
    for (const pin of ['4826', '602913']) {
      const session = await s.inject({ method: 'POST', url: '/api/v1/manager/session', headers: { authorization: `Bearer ${till.token}` }, payload: { pin } });
      expect(session.statusCode, pin).toBe(200);
    }
    const listed = await cli(['manager', 'list', '--store', '1']);
    expect(listed.out).toContain(`${id}\tАнна Кузнецова\tactive`);
    expect(listed.out).not.toContain('4826');
    expect(await cli(['manager', 'revoke', id!])).toMatchObject({ code: 0, out: expect.stringContaining('revoked') });
    expect((await cli(['manager', 'list', '--store', '1'])).out).toMatch(new RegExp(`${id}\tАнна Кузнецова\trevoked `));
    expect(await cli(['manager', 'revoke', id!])).toMatchObject({ code: 1, err: expect.stringContaining('manager_not_found') });

    expect(await cli(['manager', 'create', '--store', '1', '--name', 'X', '--pin', '12'])).toMatchObject({ code: 2, err: expect.stringContaining('--pin') });
    expect(await cli(['manager', 'create', '--store', '1', '--pin', '1234'])).toMatchObject({ code: 2, err: expect.stringContaining('--name') });
    expect(await cli(['manager', 'create', '--store', '1', '--name', 'X'])).toMatchObject({ code: 2, err: expect.stringContaining('--pin') });
    expect(await cli(['manager', 'create', '--store', '1', '--name', 'Дубль', '--pin', '4826'])).toMatchObject({ code: 0 }); // free again after revocation
    expect(await cli(['manager', 'create', '--store', '1', '--name', 'Дубль 2', '--pin', '4826'])).toMatchObject({
      code: 1,
      err: expect.stringContaining('pin_taken'),
    });
    expect(await cli(['manager', 'create', '--store', '77', '--name', 'X', '--pin', '1234'])).toMatchObject({
      code: 1,
      err: expect.stringContaining('store_not_found'),
    });
    expect(await cli(['manager', 'revoke', 'abc'])).toMatchObject({ code: 2 });
    expect(await cli(['manager', 'list'])).toMatchObject({ code: 2 });
    expect(await cli(['manager'])).toMatchObject({ code: 2, err: expect.stringContaining('create, list or revoke') });
  });

  it('explains bad usage, a missing token and an unreachable server', async () => {
    expect(await cli(['enrolment-code'])).toMatchObject({ code: 2, err: expect.stringContaining('--store') });
    expect(await cli(['enrolment-code', '--store', 'x'])).toMatchObject({ code: 2 });
    expect(await cli(['enrolment-code', '--store', '1', '--bogus'])).toMatchObject({ code: 2 });
    expect(await cli(['enrolment-code', '--store', '77'])).toMatchObject({ code: 1, err: expect.stringContaining('store_not_found') });
    expect(await cli(['revoke', 'not-a-uuid'])).toMatchObject({ code: 2 });
    expect(await cli(['fly'])).toMatchObject({ code: 2, err: expect.stringContaining('Unknown command') });
    expect(await cli(['revoke', crypto.randomUUID()], { LT_SERVER_URL: url })).toMatchObject({ code: 2, err: expect.stringContaining('LT_ADMIN_TOKEN') });
    expect(await cli(['jobs'], { LT_SERVER_URL: url, LT_ADMIN_TOKEN: 'x'.repeat(30) })).toMatchObject({ code: 1, err: expect.stringContaining('admin_only') });
    expect(await cli(['jobs'], { LT_SERVER_URL: 'http://127.0.0.1:1', LT_ADMIN_TOKEN: ADMIN })).toMatchObject({
      code: 1,
      err: expect.stringContaining('Cannot reach'),
    });
    expect((await cli([])).out).toContain('Usage');
  });

  it('runs as a command', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'sync/server/cli.ts', 'enrolment-code', '--store', '1'], {
      env: { ...process.env, LT_SERVER_URL: url, LT_ADMIN_TOKEN: ADMIN },
    });
    expect(stdout).toMatch(/Enrolment code for store 1: [A-Z0-9]{5}-[A-Z0-9]{5}/);
  });
});
