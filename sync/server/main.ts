import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ZodError } from 'zod';
import { useNativeArgon2 } from '../../core/argon2Native';
import { buildApp } from './app';
import { readServerConfig } from './config';
import { restrictUmask } from './db/dataDir';
import { writeAdminTokenFile } from './adminTokenFile';
import { openDatabase } from './db/database';
import { migrate } from './db/migrations';
import { seedDemo } from './demoSeed';
import { scheduleLedgerJobs } from './jobs';
import { FEEDBACK_SMS } from './feedbackLinks';
import { COUPON_SMS } from './nextOrderCoupons';
import { scheduleSmsOutboxes } from './sms/smsOutbox';
import { defaultGatewayOf } from './phoneCodes';
import { scheduleRekey } from './lookupSecrets';
import { safeError } from './safeLog';
import { scheduleWebhooks } from './webhooks';

/** Entry point of the central server: `node dist/node/server.mjs`. */
async function main(): Promise<void> {
  // Phone keys (Argon2id) at native speed: registrations and re-keying make one per customer.
  useNativeArgon2();
  let config;
  try {
    config = readServerConfig(process.env);
  } catch (err) {
    if (err instanceof ZodError) {
      console.error(`Server configuration is invalid: ${err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      process.exit(2);
    }
    throw err;
  }
  // The embedded database's files hold personal data: nothing this process creates is readable by others.
  if (config.embedded) restrictUmask();
  let db;
  try {
    db = await openDatabase(config.database);
  } catch (err) {
    console.error(`Cannot open the database (${config.databaseLabel}): ${(err as Error).message}`);
    process.exit(3);
  }
  const applied = await migrate(db);
  if (applied.length > 0) console.log(`Applied migrations: ${applied.join(', ')}`);
  if (config.demo) {
    const started = Date.now();
    const seeded = await seedDemo(db, config.demoCustomers);
    if (seeded.seeded) console.log(`Demo data: 1 chain, 2 stores, ${seeded.customers} customers (${Date.now() - started} ms)`);
  }
  let adminToken = config.adminToken;
  if (!adminToken) {
    // Without a configured admin token, make one for this run only and say so.
    adminToken = randomBytes(24).toString('base64url');
    // Never the token itself on stdout: where it is, and how to choose one.
    const path = await writeAdminTokenFile(adminToken);
    console.log(`No LT_ADMIN_TOKEN set; this run's administrator token is in ${path} (readable by this user only). Set LT_ADMIN_TOKEN to choose one.`);
  }
  const app = await buildApp({
    db,
    adminToken,
    logger: config.log,
    rateLimit: config.rateLimit,
    sourceThrottle: config.sourceThrottle,
    trustProxy: config.trustProxy,
    https: config.tls ? { cert: readFileSync(config.tls.certPath), key: readFileSync(config.tls.keyPath) } : undefined,
  });
  const listened = await app.listen({ host: config.host, port: config.port });
  // Fastify names the scheme from its own https option; the server factory serves HTTPS here.
  const address = config.tls ? listened.replace(/^http:/, 'https:') : listened;
  console.log(`Loyalty Till server listening on ${address} (${config.databaseLabel})`);
  // Jobs are idempotent and lock per customer, so every instance may run them.
  const stopJobs =
    config.jobsIntervalSeconds > 0
      ? scheduleLedgerJobs(db, config.jobsIntervalSeconds * 1000, (err) => app.log.error(safeError(err), 'ledger jobs failed'))
      : async () => undefined;
  // Customers keyed with an older phone secret (a rotation, an upgrade) are re-keyed in the background.
  const stopRekey = scheduleRekey(
    db,
    60_000,
    (err) => app.log.error(safeError(err), 'phone re-keying failed'),
    (chainId, n) => {
      if (n > 0) console.log(`Phone keys of chain ${chainId}: ${n} customers re-keyed with the current secret`);
    },
  );
  // Webhook deliveries are claimed with a lease, so every instance may send them too.
  const stopWebhooks = scheduleWebhooks(db, 10_000, (err) => app.log.error(safeError(err), 'webhooks failed'));
  // Feedback and next-order coupon SMS (issue 16) that failed are retried here too, not only with
  // the next push (each is claimed: any instance may).
  const stopSms = scheduleSmsOutboxes({ db, gatewayOf: defaultGatewayOf, fallback: null }, [FEEDBACK_SMS, COUPON_SMS], 60_000, (err) =>
    app.log.error(safeError(err), 'SMS retries failed'),
  );
  const stop = async () => {
    await stopSms();
    await stopWebhooks();
    await stopRekey();
    await stopJobs();
    await app.close();
    await db.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error('Server failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
