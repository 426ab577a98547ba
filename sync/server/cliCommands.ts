import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ManagerCard, ManagerInfo, ManagerPin } from '../protocol/manager';
import { CashierInfo, CashierPin, PersonnelNo } from '../protocol/cashiers';
import { ApiError, EnrolmentCode } from '../protocol/schemas';
import { exportCommand, importCommand, openApiCommand } from './cliExchange';
import { LIST_NAMES, listCommand, type ListName } from './cliLists';

/**
 * The administrator's command line, talking to a running server's admin HTTP API
 * (LT_SERVER_URL, LT_ADMIN_TOKEN). `serve` is handled by cli.ts. Returns the exit code.
 */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  fetch: typeof fetch;
}

export const USAGE = `Usage:
  server:cli serve                                   run the server (see docs/server.md for its settings)
  server:cli enrolment-code --store <id> [--ttl <minutes>]
                                                     a one-time code to enrol a till for a store (default 30 minutes)
  server:cli revoke <terminalId>                     revoke a terminal's credential
  server:cli jobs                                    run the ledger jobs now (activation, expiry)
  server:cli phone-secret --chain <id> [--rotate] [--memory-kib <n>]
                                                     the chain's phone-key secret version and re-keying progress;
                                                     --rotate makes a new secret (customers are re-keyed in the background)
  server:cli manager create --store <id> --name <name> [--pin <4-8 digits>] [--card <digits>]
                                                     a store manager who unlocks manager screens on the store's tills
                                                     (without --pin, the PIN is read from LT_MANAGER_PIN: keeps it out of shell history)
  server:cli manager list --store <id>               the store's managers (never their PINs)
  server:cli manager revoke <managerId>              the manager's PIN and card stop working, open sessions end
  server:cli cashier create --store <id> --number <personnel no> --name <name> [--pin <4-8 digits>]
                                                     a cashier who signs in at the store's tills (or LT_CASHIER_PIN)
  server:cli cashier list --store <id>               the store's cashiers (never their PINs)
  server:cli cashier revoke <cashierId>              the cashier can no longer sign in (tills learn it on their next pull)
  server:cli stores|tills|cashiers|rejected [--chain <id>] [--search <text>] [--limit <n>]
                                                     the chain's stores, tills (last seen, version, unsent events), cashiers or rejected till events
  server:cli import commerceml <import.xml|offers.xml> [--chain <id>] [--price-type <name>]
  server:cli import csv <products|prices|stores> <file.csv> [--chain <id>]
                                                     import the catalogue, prices or stores (docs/exchange.md); prints what changed and what was refused
  server:cli export <receipts|customers|ledger> [--chain <id>] [--channel <sms|email|push|messenger>] [--from <time>] [--to <time>] [--out <file>] [--semicolon]
                                                     CSV export (customers: only those reachable on --channel with consent)
  server:cli openapi [--out <file>]                  the OpenAPI 3.1 description of the server API (needs no server)
Environment: LT_SERVER_URL (default http://127.0.0.1:8787), LT_ADMIN_TOKEN (required).`;

const Env = z.object({
  LT_SERVER_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:8787'),
  LT_ADMIN_TOKEN: z.string().min(24, 'LT_ADMIN_TOKEN must be set (at least 24 characters)'),
});

export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help') {
    io.out(USAGE);
    return command ? 0 : 2;
  }
  if (command === 'openapi') return await openApiCommand(rest, io);
  const settings = Env.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!settings.success) {
    io.err(settings.error.issues.map((i) => `${String(i.path[0] ?? 'env')}: ${i.message}`).join('\n'));
    return 2;
  }
  const base = settings.data.LT_SERVER_URL.replace(/\/+$/, '');
  const call = async (method: string, path: string, body?: unknown): Promise<{ ok: true; body: unknown } | { ok: false }> => {
    let res: Response;
    try {
      res = await io.fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${settings.data.LT_ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      io.err(`Cannot reach the server at ${base}: ${(e as Error).message}`);
      return { ok: false };
    }
    const parsed: unknown = await res.json().catch(() => null);
    if (!res.ok) {
      const err = ApiError.safeParse(parsed);
      io.err(err.success ? `${err.data.message} (${err.data.code})` : `The server answered ${res.status}.`);
      return { ok: false };
    }
    return { ok: true, body: parsed };
  };

  try {
    switch (command) {
      case 'enrolment-code': {
        const { values } = parseArgs({ args: [...rest], options: { store: { type: 'string' }, ttl: { type: 'string' } }, strict: true });
        const args = z
          .object({ store: z.coerce.number().int().positive(), ttl: z.coerce.number().int().min(1).max(1440).default(30) })
          .safeParse({ store: values.store, ttl: values.ttl });
        if (!args.success) {
          io.err(`enrolment-code needs --store <id> and optionally --ttl <minutes, 1-1440>.\n${USAGE}`);
          return 2;
        }
        const res = await call('POST', '/api/v1/admin/enrolment-codes', { storeId: args.data.store, ttlMinutes: args.data.ttl });
        if (!res.ok) return 1;
        const code = EnrolmentCode.parse(res.body);
        io.out(`Enrolment code for store ${code.storeId}: ${code.code}`);
        io.out(`Valid until ${code.expiresAt}; it works once.`);
        return 0;
      }
      case 'revoke': {
        const id = z.uuid().safeParse(rest[0]);
        if (!id.success || rest.length !== 1) {
          io.err(`revoke needs one terminal id (a uuid).\n${USAGE}`);
          return 2;
        }
        const res = await call('POST', `/api/v1/admin/terminals/${id.data}/revoke`);
        if (!res.ok) return 1;
        io.out(`Terminal ${id.data} revoked: it must be enrolled again to sync.`);
        return 0;
      }
      case 'jobs': {
        const res = await call('POST', '/api/v1/admin/jobs/run');
        if (!res.ok) return 1;
        io.out(JSON.stringify(res.body));
        return 0;
      }
      case 'phone-secret': {
        const { values } = parseArgs({
          args: [...rest],
          options: { chain: { type: 'string' }, rotate: { type: 'boolean' }, 'memory-kib': { type: 'string' } },
          strict: true,
        });
        const args = z
          .object({ chain: z.coerce.number().int().positive(), memoryKiB: z.coerce.number().int().min(8).optional() })
          .safeParse({ chain: values.chain, memoryKiB: values['memory-kib'] });
        if (!args.success) {
          io.err(`phone-secret needs --chain <id>.\n${USAGE}`);
          return 2;
        }
        const path = `/api/v1/admin/chains/${args.data.chain}/phone-secrets`;
        const res = values.rotate
          ? await call('POST', `${path}/rotate`, args.data.memoryKiB ? { memoryKiB: args.data.memoryKiB } : {})
          : await call('GET', path);
        if (!res.ok) return 1;
        const p = res.body as { current: { version: number; memoryKiB: number; iterations: number }; older: number[]; customersToRekey: number };
        io.out(
          `Chain ${args.data.chain}: phone keys with secret version ${p.current.version} (Argon2id ${p.current.memoryKiB} KiB, ${p.current.iterations} pass)`,
        );
        io.out(
          p.older.length > 0
            ? `Re-keying: ${p.customersToRekey} customers left; tills also hash with versions ${p.older.join(', ')} until it is done.`
            : 'Every customer has a key of this version.',
        );
        return 0;
      }
      case 'manager':
        return await managerCommand(rest, env, io, call);
      case 'cashier':
        return await cashierCommand(rest, env, io, call);
      case 'import':
      case 'export': {
        const server = { base, token: settings.data.LT_ADMIN_TOKEN };
        return command === 'import' ? await importCommand(rest, io, server) : await exportCommand(rest, io, server);
      }
      default:
        if ((LIST_NAMES as string[]).includes(command)) return await listCommand(command as ListName, rest, io, call);
        io.err(`Unknown command "${command}".\n${USAGE}`);
        return 2;
    }
  } catch (e) {
    io.err((e as Error).message);
    return 2;
  }
}

type Call = (method: string, path: string, body?: unknown) => Promise<{ ok: true; body: unknown } | { ok: false }>;

async function managerCommand(args: readonly string[], env: NodeJS.ProcessEnv, io: CliIo, call: Call): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'create': {
      const { values } = parseArgs({
        args: [...rest],
        options: { store: { type: 'string' }, name: { type: 'string' }, pin: { type: 'string' }, card: { type: 'string' } },
        strict: true,
      });
      const parsed = z
        .object({
          store: z.coerce.number().int().positive(),
          name: z.string().trim().min(1, 'give --name').max(100),
          pin: ManagerPin,
          card: ManagerCard.optional(),
        })
        .safeParse({ store: values.store, name: values.name ?? '', pin: values.pin ?? env.LT_MANAGER_PIN ?? '', card: values.card });
      if (!parsed.success) {
        io.err(`${parsed.error.issues.map((i) => `--${String(i.path[0])}: ${i.message}`).join('\n')}\n${USAGE}`);
        return 2;
      }
      const { store, ...body } = parsed.data;
      const res = await call('POST', `/api/v1/admin/stores/${store}/managers`, body);
      if (!res.ok) return 1;
      const m = ManagerInfo.parse(res.body);
      io.out(`Manager ${m.managerId} "${m.name}" created for store ${m.storeId}${m.hasCard ? ' (with a card)' : ''}.`);
      io.out("They unlock manager screens on the store's tills with their PIN.");
      return 0;
    }
    case 'list': {
      const { values } = parseArgs({ args: [...rest], options: { store: { type: 'string' } }, strict: true });
      const store = z.coerce.number().int().positive().safeParse(values.store);
      if (!store.success) {
        io.err(`manager list needs --store <id>.\n${USAGE}`);
        return 2;
      }
      const res = await call('GET', `/api/v1/admin/stores/${store.data}/managers`);
      if (!res.ok) return 1;
      const { managers } = z.object({ managers: z.array(ManagerInfo) }).parse(res.body);
      if (managers.length === 0) io.out(`Store ${store.data} has no managers.`);
      for (const m of managers) io.out(`${m.managerId}\t${m.name}\t${m.revokedAt ? `revoked ${m.revokedAt}` : 'active'}${m.hasCard ? '\tcard' : ''}`);
      return 0;
    }
    case 'revoke': {
      const id = z
        .string()
        .regex(/^[1-9]\d{0,17}$/)
        .safeParse(rest[0]);
      if (!id.success || rest.length !== 1) {
        io.err(`manager revoke needs one manager id.\n${USAGE}`);
        return 2;
      }
      const res = await call('POST', `/api/v1/admin/managers/${id.data}/revoke`);
      if (!res.ok) return 1;
      io.out(`Manager ${id.data} revoked: their PIN and card no longer work.`);
      return 0;
    }
    default:
      io.err(`manager needs create, list or revoke.\n${USAGE}`);
      return 2;
  }
}

async function cashierCommand(args: readonly string[], env: NodeJS.ProcessEnv, io: CliIo, call: Call): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'create': {
      const { values } = parseArgs({
        args: [...rest],
        options: { store: { type: 'string' }, number: { type: 'string' }, name: { type: 'string' }, pin: { type: 'string' } },
        strict: true,
      });
      const parsed = z
        .object({ store: z.coerce.number().int().positive(), number: PersonnelNo, name: z.string().trim().min(1, 'give --name').max(100), pin: CashierPin })
        .safeParse({ store: values.store, number: values.number ?? '', name: values.name ?? '', pin: values.pin ?? env.LT_CASHIER_PIN ?? '' });
      if (!parsed.success) {
        io.err(`${parsed.error.issues.map((i) => `--${String(i.path[0])}: ${i.message}`).join('\n')}\n${USAGE}`);
        return 2;
      }
      const { store, number, name, pin } = parsed.data;
      const res = await call('POST', `/api/v1/admin/stores/${store}/cashiers`, { personnelNo: number, name, pin });
      if (!res.ok) return 1;
      const c = CashierInfo.parse(res.body);
      io.out(`Cashier ${c.cashierId} "${c.name}" (personnel number ${c.personnelNo}) created for store ${c.storeId}.`);
      return 0;
    }
    case 'list': {
      const { values } = parseArgs({ args: [...rest], options: { store: { type: 'string' } }, strict: true });
      const store = z.coerce.number().int().positive().safeParse(values.store);
      if (!store.success) {
        io.err(`cashier list needs --store <id>.\n${USAGE}`);
        return 2;
      }
      const res = await call('GET', `/api/v1/admin/stores/${store.data}/cashiers`);
      if (!res.ok) return 1;
      const { cashiers } = z.object({ cashiers: z.array(CashierInfo) }).parse(res.body);
      if (cashiers.length === 0) io.out(`Store ${store.data} has no cashiers.`);
      for (const c of cashiers) io.out(`${c.cashierId}\t${c.personnelNo}\t${c.name}\t${c.revokedAt ? `revoked ${c.revokedAt}` : 'active'}`);
      return 0;
    }
    case 'revoke': {
      const id = z
        .string()
        .regex(/^[1-9]\d{0,17}$/)
        .safeParse(rest[0]);
      if (!id.success || rest.length !== 1) {
        io.err(`cashier revoke needs one cashier id.\n${USAGE}`);
        return 2;
      }
      const res = await call('POST', `/api/v1/admin/cashiers/${id.data}/revoke`);
      if (!res.ok) return 1;
      io.out(`Cashier ${id.data} revoked: the store's tills stop accepting their sign-in on their next pull.`);
      return 0;
    }
    default:
      io.err(`cashier needs create, list or revoke.\n${USAGE}`);
      return 2;
  }
}
