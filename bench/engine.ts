/**
 * Loyalty engine pricing benchmark: a 100-line basket against 1,000 active offers.
 * Run: npx tsx bench/engine.ts. Prints `name: value unit` lines; the baseline is a plain
 * sum over the same 100 lines, timed the same way in the same run.
 */
import { performance } from 'node:perf_hooks';
import { cpus, loadavg } from 'node:os';
import { indexOffers, parseOffers, parseSaleInput, priceReceipt, type BasketLine, type OfferInput, type PriceInput } from '../core/engine';
import { demoProgramme, member, SPEND } from '../core/engine/testkit';
import { seededRandom } from '../sync/testing/prng';

const rand = seededRandom(42);
const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)] as T;

const PRODUCTS = 5_000;
const LEAVES = 200;
const DEPTS = 20;
const categoriesOf = (p: number): string[] => [`leaf-${p % LEAVES}`, `dept-${p % DEPTS}`];

const basket: BasketLine[] = Array.from({ length: 100 }, (_, i) => {
  const p = int(0, PRODUCTS - 1);
  const weighed = i % 10 === 0;
  return {
    lineId: `L${i}`,
    productId: `p${p}`,
    categories: i === 99 ? ['tobacco'] : categoriesOf(p),
    unitPriceKopecks: int(1_000, 150_000),
    quantityMilli: weighed ? int(100, 2_500) : int(1, 4) * 1_000,
    weighed,
  };
});
const inBasket = basket.map((l) => l.productId);

function effect(): OfferInput['effect'] {
  switch (int(0, 4)) {
    case 0:
      return { type: 'percentDiscount', basisPoints: int(100, 3_000) };
    case 1:
      return { type: 'extraAccrual', basisPoints: int(100, 1_000) };
    case 2:
      return { type: 'accrualMultiplier', percent: pick([150, 200, 300]) };
    case 3:
      return { type: 'fixedBonus', amountKopecks: int(1_000, 20_000) };
    default:
      return { type: 'nForM', buy: 3, pay: 2 };
  }
}

/**
 * An offer catalogue. `mix` gives the share of offers targeting a few products, a leaf
 * category, a department, or the whole basket. The default mix is a grocery chain's:
 * mostly SKU promotions, few whole-basket offers. The dense mix is a stress case in which
 * a third of all offers apply to the same basket.
 */
function makeOffers(mix: { products: number; leaf: number; dept: number }, basketBias: number): OfferInput[] {
  return Array.from({ length: 1_000 }, (_, i) => {
    const kind = rand();
    const target =
      kind < mix.products
        ? { products: Array.from({ length: int(1, 10) }, () => (rand() < basketBias ? pick(inBasket) : `p${int(0, PRODUCTS - 1)}`)) }
        : kind < mix.products + mix.leaf
          ? { categories: [`leaf-${int(0, LEAVES - 1)}`] }
          : kind < mix.products + mix.leaf + mix.dept
            ? { categories: [`dept-${int(0, DEPTS - 1)}`] }
            : {};
    return {
      id: `offer-${String(i).padStart(4, '0')}`,
      name: { ru: `Акция ${i}`, en: `Offer ${i}` },
      priority: int(0, 10),
      exclusive: rand() < 0.1,
      scope: rand() < 0.8 ? { kind: 'chain' } : { kind: 'regions', regionIds: ['msk', 'spb'] },
      validity: { from: '2025-01-01', to: '2025-12-31', ...(rand() < 0.3 ? { weekdays: [1, 2, 3, 4, 5] } : {}) },
      audience: rand() < 0.2 ? { tiers: ['silver', 'gold'] } : {},
      target,
      conditions: rand() < 0.2 ? { minReceiptKopecks: 100_000 } : {},
      effect: effect(),
      ...(rand() < 0.1 ? { limit: { perCustomer: 3, periodDays: 30 } } : {}),
    } satisfies OfferInput;
  });
}

const programme = demoProgramme();
function parsedOffers(data: OfferInput[]) {
  const parsed = parseOffers(data, programme);
  if (!parsed.ok) throw new Error(`bench offers invalid: ${JSON.stringify(parsed.errors.slice(0, 3))}`);
  return parsed.value;
}
const offerData = makeOffers({ products: 0.8, leaf: 0.17, dept: 0.025 }, 0);
const offers = parsedOffers(offerData);
const denseOffers = parsedOffers(makeOffers({ products: 0.6, leaf: 0.25, dept: 0.1 }, 0.25));

const input: PriceInput = {
  programme,
  offers: indexOffers(offers),
  receiptId: 'bench-1',
  store: { id: 'msk-001', regionId: 'msk' },
  at: { kind: 'instant', instant: '2025-03-12T09:00:00Z', timeZone: 'Europe/Moscow' },
  customer: member({ rollingSpendKopecks: SPEND.silver, availableBonusKopecks: 500_000 }),
  lines: basket,
  redeem: 'max',
  online: true,
  offlineAllowanceKopecks: 50_000,
  usage: {},
};
const denseInput: PriceInput = { ...input, offers: indexOffers(denseOffers) };

function timeIt(iterations: number, fn: () => unknown): number[] {
  const out: number[] = new Array<number>(iterations);
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    fn();
    out[i] = performance.now() - t0;
  }
  return out.sort((a, b) => a - b);
}
const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const fmt = (ms: number): string => (ms < 0.01 ? ms.toFixed(4) : ms.toFixed(3));

let sink = 0;
const baseline = (): number => {
  let s = 0;
  for (const l of basket) s += (l.unitPriceKopecks * l.quantityMilli) / 1000;
  sink += s;
  return s;
};
const priceWith = (inp: PriceInput) => () => {
  const r = priceReceipt(inp);
  sink += r.totals.payable;
  return r;
};
const price = priceWith(input);
const priceDense = priceWith(denseInput);

// Warm up the JIT on every path before timing.
timeIt(3_000, price);
timeIt(1_000, priceDense);
timeIt(3_000, baseline);

const N = 10_000;
const cpu0 = process.cpuUsage();
const priced = timeIt(N, price);
const cpu = process.cpuUsage(cpu0);
// Wall-clock percentiles include time the OS gave to other processes; CPU time per call does not.
const cpuMeanMs = (cpu.user + cpu.system) / 1000 / N;
// p99 of each of 5 rounds, best and worst, to show how much the tail moves with machine load.
const roundP99 = Array.from({ length: 5 }, () => pct(timeIt(2_000, price), 99)).sort((a, b) => a - b);
const base = timeIt(N, baseline);
const dense = timeIt(3_000, priceDense);
const sample = price();
const denseSample = priceDense();

const t0 = performance.now();
const rebuilt = indexOffers(offers);
const indexMs = performance.now() - t0;
const t1 = performance.now();
parseOffers(offerData, programme);
const parseOffersMs = performance.now() - t1;
const saleData = { ...input, programme: undefined, offers: undefined };
const validate = timeIt(2_000, () => parseSaleInput(saleData));
const unindexed = timeIt(100, () => priceReceipt({ ...input, offers }));

const lines: [string, string, string][] = [
  ['host.cpus', String(cpus().length), 'cores'],
  ['host.loadavg1', (loadavg()[0] ?? 0).toFixed(2), 'procs'],
  ['engine.basket.lines', String(basket.length), 'lines'],
  ['engine.offers.active', String(offers.length), 'offers'],
  ['engine.offers.applied', String(sample.appliedOffers.length), 'offers'],
  ['engine.explanations', String(sample.explanations.length), 'entries'],
  ['engine.price.p50', fmt(pct(priced, 50)), 'ms'],
  ['engine.price.p90', fmt(pct(priced, 90)), 'ms'],
  ['engine.price.p99', fmt(pct(priced, 99)), 'ms'],
  ['engine.price.max', fmt(pct(priced, 100)), 'ms'],
  ['engine.price.cpu_mean', fmt(cpuMeanMs), 'ms'],
  ['engine.price.p99_round_best_of_5', fmt(roundP99[0] ?? NaN), 'ms'],
  ['engine.price.p99_round_worst_of_5', fmt(roundP99[4] ?? NaN), 'ms'],
  ['baseline.sum100.p50', fmt(pct(base, 50)), 'ms'],
  ['baseline.sum100.p99', fmt(pct(base, 99)), 'ms'],
  ['engine.price.p50_over_baseline_p50', (pct(priced, 50) / Math.max(pct(base, 50), 1e-6)).toFixed(0), 'x'],
  ['engine.price_dense.offers_applied', String(denseSample.appliedOffers.length), 'offers'],
  ['engine.price_dense.p50', fmt(pct(dense, 50)), 'ms'],
  ['engine.price_dense.p99', fmt(pct(dense, 99)), 'ms'],
  ['engine.price_unindexed.p50', fmt(pct(unindexed, 50)), 'ms'],
  ['engine.indexOffers.once', fmt(indexMs), 'ms'],
  ['engine.parseOffers.1000', fmt(parseOffersMs), 'ms'],
  ['engine.parseSaleInput.p50', fmt(pct(validate, 50)), 'ms'],
  ['engine.parseSaleInput.p99', fmt(pct(validate, 99)), 'ms'],
];
for (const [name, value, unit] of lines) console.log(`${name}: ${value} ${unit}`);
if (sink === 42 || rebuilt.offers.length < 0) console.log('');
