import { randomBytes } from 'node:crypto';
import { gtinCheckDigit } from '../../core/luhn';
import type { KeyCost } from '../../core/lookupKey';
import { parseOffers, parseProgramme, type OfferInput, type ProgrammeInput } from '../../core/engine';
import type { Database } from './db/database';
import { addPhoneSecret, phoneKeysOf } from './lookupSecrets';

const FIRST_NAMES = [
  'Анна',
  'Мария',
  'Елена',
  'Ольга',
  'Наталья',
  'Ирина',
  'Татьяна',
  'Светлана',
  'Екатерина',
  'Юлия',
  'Александр',
  'Сергей',
  'Дмитрий',
  'Андрей',
  'Алексей',
  'Максим',
  'Иван',
  'Михаил',
  'Николай',
  'Павел',
];

/** Demo loyalty card number for customer n: chain prefix, zero-padded n, GS1 check digit. */
export function demoCardNumber(n: number, prefix = '27'): string {
  const body = `${prefix}${String(n).padStart(12 - prefix.length, '0')}`;
  return `${body}${gtinCheckDigit(body)}`;
}

/** Demo phone for customer n: +7 916 followed by n in seven digits. */
export function demoPhone(n: number): string {
  return `+7916${String(n).padStart(7, '0')}`;
}

/** Deterministic demo balance in kopecks, so tests can reason about it. */
export function demoBalance(n: number): number {
  return ((n * 7919) % 5000) * 100 + (n % 100);
}

/** Demo customers with part of their balance (DEMO_EXPIRING_KOPECKS) burning in DEMO_EXPIRING_DAYS days. */
export const DEMO_EXPIRING_CUSTOMERS = [905, 911] as const;
export const DEMO_EXPIRING_KOPECKS = 30_000;
export const DEMO_EXPIRING_DAYS = 10;

/** The opening balance's lots: one expiring in a year, or for DEMO_EXPIRING_CUSTOMERS a second one soon. */
function demoLots(n: number): { n: number; amount: number; days: number }[] {
  const b = demoBalance(n);
  if (!(DEMO_EXPIRING_CUSTOMERS as readonly number[]).includes(n)) return [{ n, amount: b, days: 365 }];
  return [
    { n, amount: DEMO_EXPIRING_KOPECKS, days: DEMO_EXPIRING_DAYS },
    { n, amount: b - DEMO_EXPIRING_KOPECKS, days: 365 },
  ];
}

const TIERS = ['base', 'silver', 'gold'] as const;
export function demoTier(n: number): string {
  return TIERS[n % 10 === 0 ? 2 : n % 3 === 0 ? 1 : 0]!;
}

/** Every fourth demo customer has a birthday on file (with a year, as the server keeps it); the others none. */
export function demoBirthday(n: number): { year: number; month: number; day: number } | null {
  if (n % 4 !== 0) return null;
  return { year: 1960 + (n % 45), month: ((n * 7) % 12) + 1, day: ((n * 11) % 28) + 1 };
}

const isoDate = (d: { year: number; month: number; day: number }): string => `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;

/**
 * Customers on the demo personal offer, each with a birthday. High enough that no test's own
 * sales reach them, nor customers registered during a test (they take the ids after the seed's).
 */
export const DEMO_PERSONAL_CUSTOMERS = [904, 908, 916] as const;

export interface SeedResult {
  seeded: boolean;
  customers: number;
}

/**
 * The demo chain's phone-key cost: 1 MiB, so ten thousand demo customers are keyed in seconds.
 * A real chain gets LOOKUP_KEY_COST (16 MiB, 3 passes); docs/security.md says what that buys.
 */
export const DEMO_KEY_COST: KeyCost = { memoryKiB: 1024, iterations: 1 };

/** Create the demo chain, two stores and `customers` customers, once. */
export async function seedDemo(db: Database, customers = 10_000, keyCost: KeyCost = DEMO_KEY_COST): Promise<SeedResult> {
  const existing = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM chains');
  if ((existing[0]?.n ?? 0) > 0) return { seeded: false, customers: 0 };
  const secret = randomBytes(32).toString('base64url');
  await db.transaction(async (tx) => {
    // A chain of some standing: tests and demos date sales and consents weeks back.
    await tx.query(`INSERT INTO chains (id, name, card_prefix, lookup_secret, opened_at) VALUES (1, 'Ромашка', '27', $1, '2020-01-01T00:00:00+03:00')`, [
      secret,
    ]);
    // The consent texts the till shows (sync/client/registration.ts CONSENT_TEXT_VERSION).
    await tx.exec(`
      INSERT INTO consent_texts (chain_id, purpose, version, published_at) VALUES
        (1, 'personal_data', 'pd-2025-01', '2025-01-01T00:00:00+03:00'),
        (1, 'marketing', 'mk-2025-01', '2025-01-01T00:00:00+03:00')
      ON CONFLICT DO NOTHING;
    `);
    await tx.exec(`
      INSERT INTO regions (id, chain_id, name) VALUES (1, 1, 'Москва'), (2, 1, 'Поволжье');
      INSERT INTO stores (id, chain_id, region_id, name, time_zone) VALUES
        (1, 1, 1, 'Ромашка, Тверская 1', 'Europe/Moscow'),
        (2, 1, 2, 'Ромашка, Казань, Баумана 5', 'Europe/Moscow');
      SELECT setval('regions_id_seq', 2); SELECT setval('stores_id_seq', 2); SELECT setval('chains_id_seq', 1);
    `);
  });
  const phoneSecret = await addPhoneSecret(db, 1, keyCost);
  const batch = 2_000;
  for (let start = 1; start <= customers; start += batch) {
    const ns = Array.from({ length: Math.min(batch, customers - start + 1) }, (_, i) => start + i);
    const phones = ns.map(demoPhone);
    const keys = await phoneKeysOf(phoneSecret, phones);
    await db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO customers (id, chain_id, first_name, phone_e164, tier, birthday, phone_key_version)
         SELECT n, 1, f, p, t, b, ${phoneSecret.version} FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::date[]) AS x(n, f, p, t, b)`,
        [
          ns,
          ns.map((n) => FIRST_NAMES[n % FIRST_NAMES.length]!),
          phones,
          ns.map(demoTier),
          ns.map((n) => {
            const b = demoBirthday(n);
            return b ? isoDate(b) : null;
          }),
        ],
      );
      await tx.query(
        `INSERT INTO identifiers (chain_id, kind, key, customer_id)
         SELECT 1, 'card', c, n FROM unnest($1::bigint[], $2::text[]) AS x(n, c)
         UNION ALL
         SELECT 1, 'phone', k, n FROM unnest($1::bigint[], $3::text[]) AS y(n, k)`,
        [ns, ns.map((n) => demoCardNumber(n)), keys],
      );
      // Opening balances are lots of their own (ledger row id = lot id), spendable at once; a few
      // customers' balances burn partly soon (DEMO_EXPIRING_CUSTOMERS), for the till's expiry prompt.
      const lots = ns.flatMap(demoLots);
      await tx.query(
        `WITH l AS (
           INSERT INTO ledger (id, lot_id, customer_id, kind, amount, bucket, expires_at, reason)
           SELECT i, i, n, 'adjustment', b, 'available', now() + make_interval(days => d), 'demo opening balance'
           FROM (SELECT nextval('ledger_id_seq') AS i, n, b, d FROM unnest($1::bigint[], $2::bigint[], $3::int[]) AS x(n, b, d) WHERE b > 0) s
           RETURNING id, customer_id, amount, created_at, expires_at)
         INSERT INTO lots (id, customer_id, amount, remaining, earned_at, available_at, expires_at, activated)
         SELECT id, customer_id, amount, amount, created_at, created_at, expires_at, true FROM l`,
        [lots.map((l) => l.n), lots.map((l) => l.amount), lots.map((l) => l.days)],
      );
      await tx.query(`INSERT INTO balances (customer_id, balance) SELECT n, b FROM unnest($1::bigint[], $2::bigint[]) AS x(n, b)`, [ns, ns.map(demoBalance)]);
    });
  }
  await db.query(`SELECT setval('customers_id_seq', $1::bigint)`, [Math.max(customers, 1)]);
  await seedRules(db, 1);
  await seedCatalogue(db, 1);
  // Fresh planner statistics: a pull's "remaining" beyond 10,000 rows is the planner's estimate
  // (a till's progress bar shows it), and PGlite runs no autovacuum to gather them later.
  await db.exec('ANALYZE');
  return { seeded: true, customers };
}

/** The demo chain's programme: tier ids match customers.tier and the till's translations. */
export const DEMO_PROGRAMME: ProgrammeInput = {
  id: 'romashka',
  version: 1,
  tiers: [
    { id: 'base', name: { ru: 'Базовый', en: 'Base' }, accrualBasisPoints: 300, minSpendKopecks: 0 },
    { id: 'silver', name: { ru: 'Серебряный', en: 'Silver' }, accrualBasisPoints: 500, minSpendKopecks: 5_000_000 },
    { id: 'gold', name: { ru: 'Золотой', en: 'Gold' }, accrualBasisPoints: 700, minSpendKopecks: 15_000_000 },
  ],
  excludedCategories: ['tobacco'],
  pendingDays: 14,
  expiryDays: 365,
  welcomeBonusKopecks: 10_000,
  offlineAllowanceKopecks: 50_000,
};

/** Demo offers: chain-wide, for region 2 (Поволжье) and for store 2 only. */
export const DEMO_OFFERS: OfferInput[] = [
  {
    id: 'welcome',
    name: { ru: 'Приветственный бонус 100 ₽', en: 'Welcome bonus ₽100' },
    effect: { type: 'welcome', amountKopecks: 10_000 },
  },
  {
    id: 'milk-x2',
    name: { ru: 'Двойные бонусы на молочное', en: 'Double bonuses on dairy' },
    target: { categories: ['dairy'] },
    effect: { type: 'accrualMultiplier', percent: 200 },
  },
  {
    id: 'gold-evening',
    name: { ru: 'Золотой вечер: +5 % после 19:00', en: 'Gold evening: +5 % after 7 pm' },
    audience: { tiers: ['gold'], firstPurchase: false },
    validity: { hours: { from: '19:00', to: '24:00' } },
    effect: { type: 'extraAccrual', basisPoints: 500 },
  },
  {
    id: 'yoghurt-3for2',
    name: { ru: 'Йогурты 3 по цене 2', en: 'Yoghurts 3 for 2' },
    target: { categories: ['yoghurt'] },
    effect: { type: 'nForM', buy: 3, pay: 2 },
  },
  {
    id: 'volga-fruit',
    name: { ru: 'Поволжье: +3 % за фрукты', en: 'Volga region: +3 % on fruit' },
    scope: { kind: 'regions', regionIds: ['2'] },
    target: { categories: ['fruit'] },
    effect: { type: 'extraAccrual', basisPoints: 300 },
  },
  {
    id: 'personal-plus-5',
    name: { ru: 'Персонально: +5 % бонусов на всё', en: 'Just for you: +5 % bonuses on everything' },
    audience: { customerIds: DEMO_PERSONAL_CUSTOMERS.map(String), firstPurchase: false },
    effect: { type: 'extraAccrual', basisPoints: 500 },
  },
  {
    id: 'kazan-bakery-10',
    name: { ru: 'Казань: −10 % на выпечку', en: 'Kazan: 10 % off bakery' },
    scope: { kind: 'stores', storeIds: ['2'] },
    target: { categories: ['bakery'] },
    effect: { type: 'percentDiscount', basisPoints: 1_000 },
  },
];

async function seedRules(db: Database, chainId: number): Promise<void> {
  const programme = parseProgramme(DEMO_PROGRAMME);
  if (!programme.ok) throw new Error(`demo programme invalid: ${JSON.stringify(programme.errors)}`);
  const offers = parseOffers(DEMO_OFFERS, programme.value);
  if (!offers.ok) throw new Error(`demo offers invalid: ${JSON.stringify(offers.errors)}`);
  await db.query('INSERT INTO programmes (chain_id, version, body) VALUES ($1, $2, $3::jsonb)', [
    chainId,
    programme.value.version,
    JSON.stringify(programme.value),
  ]);
  await db.query(`INSERT INTO offers (id, chain_id, body) SELECT x.id, $1, x.body::jsonb FROM unnest($2::text[], $3::text[]) AS x(id, body)`, [
    chainId,
    offers.value.map((o) => o.id),
    offers.value.map((o) => JSON.stringify(o)),
  ]);
}

/** Demo categories: [id, parent, Russian name]. */
export const DEMO_CATEGORIES: readonly [string, string | null, string][] = [
  ['food', null, 'Продукты'],
  ['dairy', 'food', 'Молочное'],
  ['yoghurt', 'dairy', 'Йогурты'],
  ['bakery', 'food', 'Выпечка'],
  ['fruit', 'food', 'Фрукты'],
  ['grocery', 'food', 'Бакалея'],
  ['drinks', null, 'Напитки'],
  ['household', null, 'Хозяйственные товары'],
  ['tobacco', null, 'Табак'],
];

export const DEMO_PRODUCT_COUNT = 300;

/**
 * Demo product n (1-based): id, EAN-13 (Russian 460 prefix), category, price in store 1, weighed;
 * food at the reduced VAT rate (10 %), the rest at the till's default; tobacco is marked.
 */
export function demoProduct(n: number): {
  id: string;
  ean: string;
  name: string;
  category: string;
  price: number;
  weighed: boolean;
  vat: 'vat10' | null;
  marked: boolean;
} {
  const leaves = ['dairy', 'yoghurt', 'bakery', 'fruit', 'grocery', 'drinks', 'household', 'tobacco'] as const;
  const category = leaves[n % leaves.length]!;
  const body = `460${String(1_000_000 + n).padStart(9, '0')}`;
  const weighed = category === 'fruit';
  // Weighed goods are priced per kilogram; prices end in 90 kopecks as shops like.
  const price = (((n * 37) % 900) + 50) * 100 - 10;
  const vat = ['dairy', 'yoghurt', 'bakery', 'fruit'].includes(category) ? ('vat10' as const) : null;
  const marked = category === 'tobacco';
  return { id: `p${String(n).padStart(5, '0')}`, ean: `${body}${gtinCheckDigit(body)}`, name: `${category} #${n}`, category, price, weighed, vat, marked };
}

/** Store 2 (Kazan) prices are 5 % higher, rounded to whole roubles minus 10 kopecks. */
export function demoPrice(n: number, storeId: number): number {
  const p = demoProduct(n).price;
  return storeId === 1 ? p : Math.round((p * 1.05) / 100) * 100 - 10;
}

async function seedCatalogue(db: Database, chainId: number): Promise<void> {
  const products = Array.from({ length: DEMO_PRODUCT_COUNT }, (_, i) => demoProduct(i + 1));
  await db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO categories (chain_id, id, parent_id, name) SELECT $1, x.id, x.parent, x.name FROM unnest($2::text[], $3::text[], $4::text[]) AS x(id, parent, name)`,
      [chainId, DEMO_CATEGORIES.map((c) => c[0]), DEMO_CATEGORIES.map((c) => c[1]), DEMO_CATEGORIES.map((c) => c[2])],
    );
    await tx.query(
      `INSERT INTO products (chain_id, id, ean, name, category_id, weighed, vat, marked)
       SELECT $1, x.id, x.ean, x.name, x.cat, x.w, x.vat, x.marked
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::bool[], $7::text[], $8::bool[]) AS x(id, ean, name, cat, w, vat, marked)`,
      [
        chainId,
        products.map((p) => p.id),
        products.map((p) => p.ean),
        products.map((p) => p.name),
        products.map((p) => p.category),
        products.map((p) => p.weighed),
        products.map((p) => p.vat),
        products.map((p) => p.marked),
      ],
    );
    for (const storeId of [1, 2]) {
      await tx.query(
        `INSERT INTO store_prices (store_id, chain_id, product_id, price_kopecks)
         SELECT $1, $2, x.id, x.price FROM unnest($3::text[], $4::bigint[]) AS x(id, price)`,
        [storeId, chainId, products.map((p) => p.id), products.map((_, i) => demoPrice(i + 1, storeId))],
      );
    }
  });
}
