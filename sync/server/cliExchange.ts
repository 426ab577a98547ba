import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ApiError } from '../protocol/schemas';
import { CSV_KINDS } from './exchange/csvCatalogue';
import { EXPORT_KINDS, MARKETING_CHANNELS } from './exchange/csvExport';

/**
 * `server:cli import ...` and `server:cli export ...`: files to and from a running server's
 * exchange endpoints (routes/exchange.ts). Exports stream straight to the file.
 */
export interface ExchangeIo {
  out(line: string): void;
  err(line: string): void;
  fetch: typeof fetch;
}
export interface Server {
  base: string;
  token: string;
}

const Report = z.object({
  categories: z.record(z.string(), z.number()),
  products: z.record(z.string(), z.number()),
  stores: z.record(z.string(), z.number()),
  prices: z.record(z.string(), z.number()),
  refused: z.array(z.object({ kind: z.string(), id: z.string().nullable(), code: z.string(), message: z.string(), line: z.number().optional() })),
  refusedTotal: z.number(),
});

async function failure(res: Response, io: ExchangeIo): Promise<number> {
  const err = ApiError.safeParse(await res.json().catch(() => null));
  io.err(err.success ? `${err.data.message} (${err.data.code})` : `The server answered ${res.status}.`);
  return 1;
}

async function send(server: Server, io: ExchangeIo, path: string, init: RequestInit): Promise<Response | null> {
  try {
    return await io.fetch(`${server.base}${path}`, {
      ...init,
      headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${server.token}` },
    });
  } catch (e) {
    io.err(`Cannot reach the server at ${server.base}: ${(e as Error).message}`);
    return null;
  }
}

export async function importCommand(args: readonly string[], io: ExchangeIo, server: Server): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { chain: { type: 'string' }, 'price-type': { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const [format, ...rest] = positionals;
  const chain = z.coerce.number().int().positive().default(1).safeParse(values.chain);
  const csvKind = z.enum(CSV_KINDS).safeParse(rest[0]);
  const file = format === 'csv' ? rest[1] : rest[0];
  if (!chain.success || !file || (format !== 'commerceml' && format !== 'csv') || (format === 'csv' && !csvKind.success)) {
    io.err(`import needs: commerceml <file.xml> [--price-type <name>] | csv <${CSV_KINDS.join('|')}> <file.csv>, and optionally --chain <id>.`);
    return 2;
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    io.err(`Cannot read ${file}: ${(e as Error).message}`);
    return 2;
  }
  const path =
    format === 'csv'
      ? `/api/v1/admin/chains/${chain.data}/import/csv/${csvKind.data}`
      : `/api/v1/admin/chains/${chain.data}/import/commerceml${values['price-type'] ? `?${new URLSearchParams({ priceType: values['price-type'] })}` : ''}`;
  const res = await send(server, io, path, {
    method: 'POST',
    headers: { 'content-type': format === 'csv' ? 'text/csv' : 'application/xml' },
    body: new Uint8Array(bytes),
  });
  if (!res) return 1;
  if (!res.ok) return failure(res, io);
  const report = Report.parse(await res.json());
  for (const kind of ['stores', 'categories', 'products', 'prices'] as const) {
    const c = report[kind];
    io.out(`${kind}: ${c.created} created, ${c.updated} updated, ${c.deleted} deleted, ${c.unchanged} unchanged`);
  }
  io.out(`refused: ${report.refusedTotal}`);
  for (const r of report.refused) io.out(`  ${r.line ? `line ${r.line} ` : ''}${r.kind} ${r.id ?? '-'}: ${r.message} (${r.code})`);
  return 0;
}

export async function exportCommand(args: readonly string[], io: ExchangeIo, server: Server): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      chain: { type: 'string' },
      channel: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      out: { type: 'string' },
      semicolon: { type: 'boolean' },
    },
    allowPositionals: true,
    strict: true,
  });
  const parsed = z
    .object({
      kind: z.enum(EXPORT_KINDS),
      chain: z.coerce.number().int().positive().default(1),
      channel: z.enum(MARKETING_CHANNELS).optional(),
      from: z.iso.datetime({ offset: true }).optional(),
      to: z.iso.datetime({ offset: true }).optional(),
    })
    .safeParse({ kind: positionals[0], ...values });
  if (!parsed.success || positionals.length !== 1 || (parsed.data.kind === 'customers' && !parsed.data.channel)) {
    io.err(
      `export needs: <${EXPORT_KINDS.join('|')}> [--chain <id>] [--from <ISO time>] [--to <ISO time>] [--out <file>] [--semicolon]; customers also --channel <${MARKETING_CHANNELS.join('|')}>.`,
    );
    return 2;
  }
  const { kind, chain, channel, from, to } = parsed.data;
  const query = new URLSearchParams({
    ...(channel ? { channel } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(values.semicolon ? { separator: 'semicolon' } : {}),
  });
  const res = await send(server, io, `/api/v1/admin/chains/${chain}/export/${kind}?${query}`, { method: 'GET' });
  if (!res) return 1;
  if (!res.ok || !res.body) return failure(res, io);
  const source = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
  if (values.out) {
    await pipeline(source, createWriteStream(values.out, { mode: 0o600 }));
    io.err(`Written to ${values.out}.`);
  } else {
    let rest = '';
    await pipeline(
      source,
      new Writable({
        write(chunk: Buffer, _enc, done) {
          const lines = (rest + chunk.toString('utf8')).split('\r\n');
          rest = lines.pop() ?? '';
          for (const l of lines) io.out(l);
          done();
        },
      }),
    );
    if (rest) io.out(rest);
  }
  return 0;
}

/** `server:cli openapi [--out <file>]`: the API description, made here from the route table (no server needed). */
export async function openApiCommand(args: readonly string[], io: Pick<ExchangeIo, 'out' | 'err'>): Promise<number> {
  const { values } = parseArgs({ args: [...args], options: { out: { type: 'string' } }, strict: true });
  const [{ buildApp }, { buildOpenApi }, { routesOf }] = await Promise.all([import('./app'), import('./openapi'), import('./routeTable')]);
  // Registering routes reads no data: a database that refuses every query is enough.
  const refuse = async (): Promise<never> => {
    throw new Error('no database in openapi generation');
  };
  const db = { kind: 'pglite' as const, query: refuse, exec: refuse, transaction: refuse, close: async () => undefined };
  const app = await buildApp({ db, adminToken: 'x'.repeat(32) });
  await app.ready();
  const text = `${JSON.stringify(buildOpenApi(routesOf(app)), null, 2)}\n`;
  await app.close();
  if (values.out) {
    writeFileSync(values.out, text);
    io.err(`Written to ${values.out}.`);
  } else io.out(text.trimEnd());
  return 0;
}
