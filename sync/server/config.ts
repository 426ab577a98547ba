import { resolve } from 'node:path';
import { z } from 'zod';
import type { DatabaseConfig } from './db/database';

const Env = z.object({
  DATABASE_URL: z.string().url().optional(),
  LT_DATA_DIR: z.string().optional(),
  LT_ADMIN_TOKEN: z.string().min(24, 'LT_ADMIN_TOKEN must be at least 24 characters').optional(),
  LT_DEMO: z.enum(['0', '1']).optional(),
  LT_DEMO_CUSTOMERS: z.coerce.number().int().min(1).max(5_000_000).default(10_000),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  LT_LOG: z.enum(['0', '1']).default('1'),
  /** How often the ledger jobs (activation, expiry) run; 0 turns them off on this instance. */
  LT_JOBS_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(60),
  LT_DB_POOL: z.coerce.number().int().min(1).max(200).default(10),
  LT_RATE_BURST: z.coerce.number().int().min(1).max(1_000_000).default(120),
  LT_RATE_PER_SECOND: z.coerce.number().min(0.01).max(1_000_000).default(30),
  /** Failed credentials per source address: how many at once, then how many per second. */
  LT_AUTH_FAILURE_BURST: z.coerce.number().int().min(1).max(1_000_000).default(30),
  LT_AUTH_FAILURE_PER_SECOND: z.coerce.number().min(0.001).max(1_000_000).default(0.1),
  /** Proxies trusted to name the client in X-Forwarded-For: comma-separated addresses or CIDRs. */
  LT_TRUST_PROXY: z
    .string()
    .regex(/^[0-9A-Fa-f.:/]+(,[0-9A-Fa-f.:/]+)*$/, 'comma-separated addresses or CIDRs')
    .optional(),
  /** HTTPS: the certificate and its key (PEM files); both or neither. */
  LT_TLS_CERT: z.string().min(1).optional(),
  LT_TLS_KEY: z.string().min(1).optional(),
});

export interface ServerConfig {
  database: DatabaseConfig;
  databaseLabel: string;
  adminToken: string | null;
  demo: boolean;
  demoCustomers: number;
  host: string;
  port: number;
  log: boolean;
  jobsIntervalSeconds: number;
  rateLimit: { burst: number; perSecond: number };
  sourceThrottle: { burst: number; perSecond: number };
  trustProxy: string[] | undefined;
  /** The embedded PGlite (its files are the server's alone: umask and modes set at start). */
  embedded: boolean;
  /** Serve HTTPS with these PEM files (absolute paths); null: plain HTTP. */
  tls: { certPath: string; keyPath: string } | null;
}

/** Read the server's settings from the environment; with none, an embedded PGlite under ./data. */
export function readServerConfig(env: NodeJS.ProcessEnv, cwd = process.cwd()): ServerConfig {
  // An empty variable means unset, as in most shells' habits (FOO= cmd).
  const e = Env.refine((v) => (v.LT_TLS_CERT === undefined) === (v.LT_TLS_KEY === undefined), {
    path: ['LT_TLS_KEY'],
    message: 'LT_TLS_CERT and LT_TLS_KEY go together',
  }).parse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  const dataDir = resolve(cwd, e.LT_DATA_DIR ?? 'data/server');
  return {
    database: e.DATABASE_URL ? { url: e.DATABASE_URL, poolSize: e.LT_DB_POOL } : { dataDir },
    databaseLabel: e.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${dataDir}`,
    adminToken: e.LT_ADMIN_TOKEN ?? null,
    demo: e.LT_DEMO === '1',
    demoCustomers: e.LT_DEMO_CUSTOMERS,
    host: e.HOST,
    port: e.PORT,
    log: e.LT_LOG === '1',
    jobsIntervalSeconds: e.LT_JOBS_INTERVAL_SECONDS,
    rateLimit: { burst: e.LT_RATE_BURST, perSecond: e.LT_RATE_PER_SECOND },
    sourceThrottle: { burst: e.LT_AUTH_FAILURE_BURST, perSecond: e.LT_AUTH_FAILURE_PER_SECOND },
    trustProxy: e.LT_TRUST_PROXY?.split(','),
    embedded: !e.DATABASE_URL,
    tls: e.LT_TLS_CERT && e.LT_TLS_KEY ? { certPath: resolve(cwd, e.LT_TLS_CERT), keyPath: resolve(cwd, e.LT_TLS_KEY) } : null,
  };
}
