import type { Database } from './database';
import { MIGRATION_014_SEGMENTS } from './migration014Segments';
import { MIGRATION_015_DESK_APPROVALS } from './migration015DeskApprovals';
import { MIGRATION_013_LOOKUP_SECRETS } from './migration013LookupSecrets';
import { MIGRATION_008_EXCHANGE } from './migration008Exchange';
import { MIGRATION_016_PHONE_CODES } from './migration016PhoneCodes';
import { MIGRATION_017_COUPONS } from './migration017Coupons';
import { MIGRATION_018_TILL_REPORTS } from './migration018TillReports';
import { MIGRATION_019_CONSENT_WITHDRAWAL } from './migration019ConsentWithdrawal';
import { MIGRATION_020_GIFTS_REFERRALS } from './migration020GiftsReferrals';
import { MIGRATION_022_FEEDBACK } from './migration022Feedback';
import { MIGRATION_021_CASHIER_CARDS } from './migration021CashierCards';
import { MIGRATION_023_CUSTOMER_SNAPSHOTS } from './migration023CustomerSnapshots';
import { MIGRATION_024_CASHIER_PHONES } from './migration024CashierPhones';
import { MIGRATION_025_ELECTRONIC_CERTIFICATES } from './migration025ElectronicCertificates';
import { MIGRATION_026_FEEDBACK_LINKS } from './migration026FeedbackLinks';
import { MIGRATION_027_RECEIPT_FISCAL } from './migration027ReceiptFiscal';
import { MIGRATION_028_NEXT_ORDER_COUPON_SMS } from './migration028NextOrderCouponSms';
import { MIGRATION_029_LZ4_RECEIPTS } from './migration029Lz4Receipts';
import { MIGRATION_030_OPEN_LOTS_SPEND_INDEX } from './migration030OpenLotsSpendIndex';

/**
 * Schema migrations, one SQL text each, applied in order on start. The same SQL runs on
 * PGlite and PostgreSQL. Never edit a migration that has shipped; add a new one.
 */
export const MIGRATIONS: readonly { id: number; name: string; sql: string }[] = [
  {
    id: 1,
    name: 'core schema',
    sql: `
CREATE SEQUENCE change_seq;

CREATE TABLE chains (
  id serial PRIMARY KEY,
  name text NOT NULL,
  card_prefix text NOT NULL DEFAULT '27',
  lookup_secret text NOT NULL
);

CREATE TABLE regions (
  id serial PRIMARY KEY,
  chain_id int NOT NULL REFERENCES chains(id),
  name text NOT NULL
);

CREATE TABLE stores (
  id serial PRIMARY KEY,
  chain_id int NOT NULL REFERENCES chains(id),
  region_id int REFERENCES regions(id),
  name text NOT NULL,
  time_zone text NOT NULL DEFAULT 'Europe/Moscow'
);

CREATE TABLE terminals (
  id uuid PRIMARY KEY,
  store_id int NOT NULL REFERENCES stores(id),
  name text NOT NULL,
  token_hash text NOT NULL UNIQUE,
  enrolled_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);

CREATE TABLE enrolment_codes (
  code_hash text PRIMARY KEY,
  store_id int NOT NULL REFERENCES stores(id),
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  terminal_id uuid
);

CREATE TABLE customers (
  id bigserial PRIMARY KEY,
  chain_id int NOT NULL REFERENCES chains(id),
  first_name text NOT NULL,
  last_name text,
  phone_e164 text,
  email text,
  birthday date,
  tier text NOT NULL DEFAULT 'base',
  created_at timestamptz NOT NULL DEFAULT now(),
  -- Bumped on any change a till must see (identifiers, balance, display fields).
  change_seq bigint NOT NULL DEFAULT nextval('change_seq')
);
CREATE INDEX customers_pull ON customers (chain_id, change_seq);

-- kind: card | phone | bank. Phone and bank keys are keyed hashes, never the raw value.
CREATE TABLE identifiers (
  chain_id int NOT NULL REFERENCES chains(id),
  kind text NOT NULL CHECK (kind IN ('card', 'phone', 'bank')),
  key text NOT NULL,
  customer_id bigint NOT NULL REFERENCES customers(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (chain_id, kind, key)
);
CREATE INDEX identifiers_customer ON identifiers (customer_id);

CREATE TABLE consents (
  id bigserial PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers(id),
  purpose text NOT NULL,
  channel text,
  granted boolean NOT NULL,
  text_version text NOT NULL,
  source text NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now()
);

-- Append-only. Balances are derived from it; the balances table is a cache kept in the same transaction.
CREATE TABLE ledger (
  id bigserial PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers(id),
  kind text NOT NULL CHECK (kind IN ('accrual', 'redemption', 'expiry', 'return', 'adjustment', 'welcome')),
  amount bigint NOT NULL,
  active_from timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz,
  receipt_id text,
  event_id uuid,
  reason text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ledger_customer ON ledger (customer_id);

CREATE TABLE balances (
  customer_id bigint PRIMARY KEY REFERENCES customers(id),
  balance bigint NOT NULL DEFAULT 0,
  pending bigint NOT NULL DEFAULT 0
);

CREATE TABLE offers (
  id text PRIMARY KEY,
  chain_id int NOT NULL REFERENCES chains(id),
  body jsonb NOT NULL,
  change_seq bigint NOT NULL DEFAULT nextval('change_seq')
);

CREATE TABLE programmes (
  chain_id int PRIMARY KEY REFERENCES chains(id),
  version int NOT NULL,
  body jsonb NOT NULL
);
`,
  },
  {
    id: 2,
    name: 'ledger of record, push, catalogue',
    sql: `
-- Lots: every credit (accrual, welcome, positive adjustment, restore) is a lot, identified by its
-- ledger row id. A debit row names the lot it draws from; lot_id NULL marks a debit no lot
-- backed (offline overspend: the customer's debt). Two buckets: pending (inside the return
-- window) and available; activation moves a lot from one to the other with a pair of rows.
ALTER TABLE ledger DROP CONSTRAINT ledger_kind_check;
ALTER TABLE ledger ADD CONSTRAINT ledger_kind_check CHECK (kind IN
  ('accrual', 'welcome', 'activation', 'redemption', 'expiry', 'return', 'adjustment', 'settlement'));
ALTER TABLE ledger ADD COLUMN bucket text NOT NULL DEFAULT 'available' CHECK (bucket IN ('available', 'pending'));
ALTER TABLE ledger ADD COLUMN lot_id bigint;
ALTER TABLE ledger ADD COLUMN terminal_id uuid;
-- Credits written before lots existed become lots of their own.
UPDATE ledger SET lot_id = id WHERE amount > 0;
CREATE INDEX ledger_event ON ledger (event_id) WHERE event_id IS NOT NULL;

CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the bonus ledger is append-only';
END
$$;
CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON ledger
  FOR EACH ROW EXECUTE FUNCTION ledger_append_only();

-- Cache of each lot's state, derived from the ledger and kept in the same transaction.
CREATE TABLE lots (
  id bigint PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers(id),
  amount bigint NOT NULL,
  remaining bigint NOT NULL CHECK (remaining >= 0),
  earned_at timestamptz NOT NULL,
  available_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  activated boolean NOT NULL
);
INSERT INTO lots (id, customer_id, amount, remaining, earned_at, available_at, expires_at, activated)
  SELECT id, customer_id, amount, amount, created_at, created_at, COALESCE(expires_at, created_at + interval '365 days'), true
  FROM ledger WHERE lot_id = id;
CREATE INDEX lots_customer ON lots (customer_id);
CREATE INDEX lots_due_activation ON lots (available_at) WHERE NOT activated;
CREATE INDEX lots_due_expiry ON lots (expires_at) WHERE remaining > 0;

-- Debt: what unbacked debits (lot_id NULL) still owe, as a positive number.
ALTER TABLE balances ADD COLUMN debt bigint NOT NULL DEFAULT 0;

ALTER TABLE customers ADD COLUMN store_id int REFERENCES stores(id);
ALTER TABLE customers ADD COLUMN purchase_count int NOT NULL DEFAULT 0;
ALTER TABLE customers ADD COLUMN segments text[] NOT NULL DEFAULT '{}';
ALTER TABLE customers ADD COLUMN registered_by_event uuid;

-- Till-made customer ids (registrations) and the customer each one resolved to, merges included.
CREATE TABLE customer_aliases (
  alias uuid PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers(id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX customer_aliases_customer ON customer_aliases (customer_id);

ALTER TABLE consents ADD COLUMN event_id uuid;
ALTER TABLE consents ADD COLUMN terminal_id uuid;
ALTER TABLE consents ADD COLUMN given_at timestamptz;
ALTER TABLE consents ADD CONSTRAINT consents_purpose CHECK (purpose IN ('personal_data', 'marketing'));
ALTER TABLE consents ADD CONSTRAINT consents_channel CHECK (
  (purpose = 'marketing' AND channel IN ('sms', 'email', 'push', 'messenger')) OR (purpose <> 'marketing' AND channel IS NULL));
CREATE INDEX consents_customer ON consents (customer_id, purpose, channel, id);

-- Exactly once: one row per event id ever seen, with the answer it got.
CREATE TABLE applied_events (
  event_id uuid PRIMARY KEY,
  terminal_id uuid REFERENCES terminals(id),
  store_id int REFERENCES stores(id),
  type text NOT NULL,
  status text NOT NULL CHECK (status IN ('applying', 'applied', 'rejected')),
  result jsonb NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE receipts (
  event_id uuid PRIMARY KEY,
  chain_id int NOT NULL REFERENCES chains(id),
  receipt_id text NOT NULL,
  terminal_id uuid NOT NULL REFERENCES terminals(id),
  store_id int NOT NULL REFERENCES stores(id),
  customer_id bigint REFERENCES customers(id),
  sold_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  sale jsonb NOT NULL,
  till_totals jsonb NOT NULL,
  server_totals jsonb NOT NULL,
  -- The receipt the ledger follows (till figures spread over the server's lines); returns price against it.
  posted jsonb NOT NULL,
  -- Per total, till vs server, when they differ.
  difference jsonb,
  eligible_net bigint NOT NULL,
  payment jsonb NOT NULL,
  redemption_takes jsonb NOT NULL DEFAULT '[]',
  accrual_lot_id bigint
);
CREATE UNIQUE INDEX receipts_terminal_receipt ON receipts (terminal_id, receipt_id);
CREATE INDEX receipts_customer ON receipts (customer_id, sold_at) WHERE customer_id IS NOT NULL;

CREATE TABLE receipt_returns (
  event_id uuid PRIMARY KEY,
  sale_event_id uuid NOT NULL REFERENCES receipts(event_id),
  return_id text NOT NULL,
  terminal_id uuid NOT NULL REFERENCES terminals(id),
  store_id int NOT NULL REFERENCES stores(id),
  returned_at timestamptz NOT NULL DEFAULT now(),
  result jsonb NOT NULL,
  restored_takes jsonb NOT NULL DEFAULT '[]',
  difference jsonb
);
CREATE INDEX receipt_returns_sale ON receipt_returns (sale_event_id);

CREATE TABLE offer_uses (
  customer_id bigint NOT NULL REFERENCES customers(id),
  offer_id text NOT NULL,
  used_at timestamptz NOT NULL,
  event_id uuid NOT NULL
);
CREATE INDEX offer_uses_customer ON offer_uses (customer_id, offer_id, used_at);

-- What head office must look at: price differences, overdrafts, merges, rejected events.
CREATE TABLE exceptions (
  id bigserial PRIMARY KEY,
  chain_id int NOT NULL REFERENCES chains(id),
  kind text NOT NULL,
  event_id uuid,
  terminal_id uuid,
  store_id int,
  customer_id bigint,
  details jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX exceptions_kind ON exceptions (chain_id, kind, id);

ALTER TABLE programmes ADD COLUMN change_seq bigint NOT NULL DEFAULT nextval('change_seq');
ALTER TABLE offers ADD COLUMN deleted boolean NOT NULL DEFAULT false;
CREATE INDEX offers_pull ON offers (chain_id, change_seq);

CREATE TABLE categories (
  chain_id int NOT NULL REFERENCES chains(id),
  id text NOT NULL,
  parent_id text,
  name text NOT NULL,
  PRIMARY KEY (chain_id, id)
);

CREATE TABLE products (
  chain_id int NOT NULL REFERENCES chains(id),
  id text NOT NULL,
  ean text,
  name text NOT NULL,
  category_id text NOT NULL,
  weighed boolean NOT NULL DEFAULT false,
  PRIMARY KEY (chain_id, id),
  FOREIGN KEY (chain_id, category_id) REFERENCES categories (chain_id, id)
);
CREATE UNIQUE INDEX products_ean ON products (chain_id, ean) WHERE ean IS NOT NULL;

-- A product is sold in a store when it has a price there. A product change bumps its prices' change_seq.
CREATE TABLE store_prices (
  store_id int NOT NULL REFERENCES stores(id),
  chain_id int NOT NULL,
  product_id text NOT NULL,
  price_kopecks bigint NOT NULL CHECK (price_kopecks >= 0),
  deleted boolean NOT NULL DEFAULT false,
  change_seq bigint NOT NULL DEFAULT nextval('change_seq'),
  PRIMARY KEY (store_id, product_id),
  FOREIGN KEY (chain_id, product_id) REFERENCES products (chain_id, id)
);
CREATE INDEX store_prices_pull ON store_prices (store_id, change_seq);
`,
  },
  {
    id: 3,
    name: 'store managers, store-day figures',
    sql: `
-- A store manager unlocks manager screens on the store's tills. The PIN is kept only as a
-- salted scrypt hash ('scrypt$N$r$p$salt$key'); the card, when given, as a SHA-256 hash.
CREATE TABLE managers (
  id bigserial PRIMARY KEY,
  store_id int NOT NULL REFERENCES stores(id),
  name text NOT NULL,
  pin_hash text NOT NULL,
  card_hash text,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);
CREATE INDEX managers_store ON managers (store_id) WHERE revoked_at IS NULL;
CREATE UNIQUE INDEX managers_card ON managers (store_id, card_hash) WHERE card_hash IS NOT NULL AND revoked_at IS NULL;

-- Manager tokens (SHA-256 at rest), each bound to the terminal it was opened on.
CREATE TABLE manager_sessions (
  token_hash text PRIMARY KEY,
  manager_id bigint NOT NULL REFERENCES managers(id),
  terminal_id uuid NOT NULL REFERENCES terminals(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  ended_at timestamptz
);
CREATE INDEX manager_sessions_terminal ON manager_sessions (terminal_id, expires_at);

-- Unlock attempts not (yet) known to have succeeded, per terminal: the throttle's window.
-- In the database, so every server instance counts the same attempts.
CREATE TABLE manager_unlock_attempts (
  id bigserial PRIMARY KEY,
  terminal_id uuid NOT NULL REFERENCES terminals(id),
  attempted_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX manager_unlock_attempts_terminal ON manager_unlock_attempts (terminal_id, attempted_at);

-- Figures go by the till's clock (as sold_at does): when a registration and a return happened.
ALTER TABLE customers ADD COLUMN registered_at timestamptz;
UPDATE customers SET registered_at = created_at WHERE registered_by_event IS NOT NULL;
CREATE INDEX customers_store_registered ON customers (store_id, registered_at) WHERE registered_at IS NOT NULL;

ALTER TABLE receipt_returns ADD COLUMN occurred_at timestamptz;
UPDATE receipt_returns SET occurred_at = returned_at;
ALTER TABLE receipt_returns ALTER COLUMN occurred_at SET DEFAULT now(), ALTER COLUMN occurred_at SET NOT NULL;
CREATE INDEX receipt_returns_store_day ON receipt_returns (store_id, occurred_at);
CREATE INDEX receipts_store_day ON receipts (store_id, sold_at);
`,
  },
  {
    id: 4,
    name: 'cashiers, per-cashier figures, registration offers',
    sql: `
-- The store's cashiers. A cashier signs in at a till with a personnel number and a PIN; the till
-- checks the PIN against this hash, pulled with the list, so sign-in works offline too.
-- 'pbkdf2-sha256$iterations$salt$key' (WebCrypto has PBKDF2, not scrypt). Attribution, not a key
-- to money or data: a stolen till's copy is guessable, and it opens nothing but a name on receipts.
CREATE TABLE cashiers (
  id bigserial PRIMARY KEY,
  store_id int NOT NULL REFERENCES stores(id),
  personnel_no text NOT NULL,
  name text NOT NULL,
  pin_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);
CREATE UNIQUE INDEX cashiers_personnel_no ON cashiers (store_id, personnel_no) WHERE revoked_at IS NULL;

-- Who was signed in at the till; NULL for events from before cashiers (or a till without them).
ALTER TABLE receipts ADD COLUMN cashier_id bigint REFERENCES cashiers(id);
ALTER TABLE receipt_returns ADD COLUMN cashier_id bigint REFERENCES cashiers(id);
ALTER TABLE customers ADD COLUMN registered_by_cashier bigint REFERENCES cashiers(id);

-- The till showed "register" for a customer it could not find: one row per offer event.
CREATE TABLE registration_offers (
  event_id uuid PRIMARY KEY,
  terminal_id uuid NOT NULL REFERENCES terminals(id),
  store_id int NOT NULL REFERENCES stores(id),
  cashier_id bigint REFERENCES cashiers(id),
  occurred_at timestamptz NOT NULL
);
CREATE INDEX registration_offers_store_day ON registration_offers (store_id, occurred_at);
`,
  },
  {
    id: 5,
    name: 'consents append-only, consent texts, chain opening, store-wide manager lockout',
    sql: `
-- 152-FZ: a consent record is evidence of what a customer agreed to and when. Never rewritten,
-- never removed: a withdrawal is a new record.
CREATE FUNCTION consents_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'consent records are append-only';
END
$$;
CREATE TRIGGER consents_append_only BEFORE UPDATE OR DELETE ON consents
  FOR EACH ROW EXECUTE FUNCTION consents_append_only();
CREATE TRIGGER consents_no_truncate BEFORE TRUNCATE ON consents
  FOR EACH STATEMENT EXECUTE FUNCTION consents_append_only();

-- The consent texts a chain has published: a consent must name one of them, given after it was published.
CREATE TABLE consent_texts (
  chain_id int NOT NULL REFERENCES chains(id),
  purpose text NOT NULL CHECK (purpose IN ('personal_data', 'marketing')),
  version text NOT NULL,
  published_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (chain_id, purpose, version)
);
-- Versions already agreed to are known, from the first time each was given.
INSERT INTO consent_texts (chain_id, purpose, version, published_at)
  SELECT cu.chain_id, co.purpose, co.text_version, min(COALESCE(co.given_at, co.recorded_at))
  FROM consents co JOIN customers cu ON cu.id = co.customer_id
  GROUP BY cu.chain_id, co.purpose, co.text_version;
-- The texts the tills shipped with before the server checked versions.
INSERT INTO consent_texts (chain_id, purpose, version, published_at)
  SELECT c.id, v.purpose, v.version, timestamptz '2025-01-01 00:00:00+03'
  FROM chains c CROSS JOIN (VALUES ('personal_data', 'pd-2025-01'), ('marketing', 'mk-2025-01')) AS v(purpose, version)
  ON CONFLICT DO NOTHING;

-- When the chain started: nothing (a sale, a consent) can have happened at its tills before.
-- Existing chains: their earliest trace.
ALTER TABLE chains ADD COLUMN opened_at timestamptz;
UPDATE chains c SET opened_at = LEAST(
  now(),
  (SELECT min(t.enrolled_at) FROM terminals t JOIN stores s ON s.id = t.store_id WHERE s.chain_id = c.id),
  (SELECT min(created_at) FROM customers WHERE chain_id = c.id),
  (SELECT min(registered_at) FROM customers WHERE chain_id = c.id),
  (SELECT min(sold_at) FROM receipts WHERE chain_id = c.id),
  (SELECT min(co.given_at) FROM consents co JOIN customers cu ON cu.id = co.customer_id WHERE cu.chain_id = c.id));
ALTER TABLE chains ALTER COLUMN opened_at SET DEFAULT now(), ALTER COLUMN opened_at SET NOT NULL;

-- Wrong manager PINs count per store, across its tills (one till each would multiply the guesses).
ALTER TABLE manager_unlock_attempts ADD COLUMN store_id int REFERENCES stores(id);
UPDATE manager_unlock_attempts a SET store_id = t.store_id FROM terminals t WHERE t.id = a.terminal_id;
ALTER TABLE manager_unlock_attempts ALTER COLUMN store_id SET NOT NULL;
CREATE INDEX manager_unlock_attempts_store ON manager_unlock_attempts (store_id, attempted_at);

-- Manager cards are salted slow hashes now ('scrypt$...', like PINs): equal cards no longer have
-- equal hashes, so uniqueness is checked by verifying, as for PINs. Older SHA-256 ones still verify.
DROP INDEX managers_card;
`,
  },
  {
    id: 6,
    name: 'push path without per-row foreign key checks',
    sql: `
-- The push writes rows whose parents it has just locked (the customer) or that came with the
-- request's credential (terminal, store, chain) or were looked up for it (cashier), and no such
-- parent is ever deleted. Checking each row's references anyway (a lookup and a key-share lock
-- per reference per row) was more than half of the database's work per sale (bench:server).
-- verifyLedger still recomputes balances and lots from the ledger.
ALTER TABLE applied_events DROP CONSTRAINT IF EXISTS applied_events_terminal_id_fkey, DROP CONSTRAINT IF EXISTS applied_events_store_id_fkey;
ALTER TABLE receipts DROP CONSTRAINT IF EXISTS receipts_chain_id_fkey, DROP CONSTRAINT IF EXISTS receipts_terminal_id_fkey,
  DROP CONSTRAINT IF EXISTS receipts_store_id_fkey, DROP CONSTRAINT IF EXISTS receipts_customer_id_fkey,
  DROP CONSTRAINT IF EXISTS receipts_cashier_id_fkey;
ALTER TABLE ledger DROP CONSTRAINT IF EXISTS ledger_customer_id_fkey;
ALTER TABLE lots DROP CONSTRAINT IF EXISTS lots_customer_id_fkey;
ALTER TABLE offer_uses DROP CONSTRAINT IF EXISTS offer_uses_customer_id_fkey;
ALTER TABLE exceptions DROP CONSTRAINT IF EXISTS exceptions_chain_id_fkey;
`,
  },
  {
    id: 7,
    name: 'fiscal data of products: VAT rate and marking',
    sql: `
-- The VAT rate printed on the fiscal receipt (NULL: the till's configured default rate) and
-- whether the product is marked (Честный ЗНАК: every piece sold carries its DataMatrix code).
ALTER TABLE products ADD COLUMN vat text CHECK (vat IN ('vat22', 'vat20', 'vat10', 'vat7', 'vat5', 'vat0', 'none'));
ALTER TABLE products ADD COLUMN marked boolean NOT NULL DEFAULT false;
`,
  },
  MIGRATION_008_EXCHANGE,
  MIGRATION_013_LOOKUP_SECRETS,
  MIGRATION_014_SEGMENTS,
  MIGRATION_015_DESK_APPROVALS,
  MIGRATION_016_PHONE_CODES,
  MIGRATION_017_COUPONS,
  MIGRATION_018_TILL_REPORTS,
  MIGRATION_019_CONSENT_WITHDRAWAL,
  MIGRATION_020_GIFTS_REFERRALS,
  MIGRATION_021_CASHIER_CARDS,
  MIGRATION_022_FEEDBACK,
  MIGRATION_023_CUSTOMER_SNAPSHOTS,
  MIGRATION_024_CASHIER_PHONES,
  MIGRATION_025_ELECTRONIC_CERTIFICATES,
  MIGRATION_026_FEEDBACK_LINKS,
  MIGRATION_027_RECEIPT_FISCAL,
  MIGRATION_028_NEXT_ORDER_COUPON_SMS,
  MIGRATION_029_LZ4_RECEIPTS,
  MIGRATION_030_OPEN_LOTS_SPEND_INDEX,
];

export async function migrate(db: Database): Promise<number[]> {
  return db.transaction(async (tx) => {
    // Two server instances starting together must not both migrate.
    if (db.kind === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(7410001)');
    await tx.exec('CREATE TABLE IF NOT EXISTS schema_migrations (id int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
    const done = new Set((await tx.query<{ id: number }>('SELECT id FROM schema_migrations')).map((r) => Number(r.id)));
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (done.has(m.id)) continue;
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migrations (id, name) VALUES ($1, $2)', [m.id, m.name]);
      applied.push(m.id);
    }
    return applied;
  });
}
