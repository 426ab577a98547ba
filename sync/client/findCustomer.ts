import type { z } from 'zod';
import { identify, type Identified } from '../../core/identify';
import { LookupResponse } from '../protocol/schemas';
import type { ApiCaller } from './api';
import { cacheTables, lookupCustomer, prepareCustomers, storeCustomers } from './customerCache';
import { toLocal } from './customerRow';
import { identifierKeys, type LocalCustomer, type TillDb } from './tillDb';

type Via = 'card' | 'phone' | 'bank';

export type FindResult =
  | { kind: 'found'; customer: LocalCustomer; via: Via; source: 'cache' | 'server' }
  | { kind: 'notFound'; via: Via; /** The cache missed and the server could not be asked. */ offline: boolean; query: Identified | BankCardQuery }
  | { kind: 'notCustomer'; what: Identified }
  | { kind: 'invalid'; what: Identified };

/** A bank card as the driver hands it over: a keyed hash of the PAN, never the PAN. */
export interface BankCardQuery {
  kind: 'bankCard';
  tokenHash: string;
}

/**
 * Lookup keys of a typed phone, newest secret first (the host makes them: Argon2id at native
 * speed). `refresh`: the phone was found nowhere; the host asks the server for new secrets first.
 */
export type PhoneKeys = (e164: string, refresh: boolean) => Promise<string[]>;

export interface FindContext {
  db: TillDb;
  phoneKeys: PhoneKeys;
  cardPrefix: string;
  api?: ApiCaller;
}

/** Cache first; on a miss ask the server if there is one, and keep its answer for offline use. */
async function findByKey(ctx: FindContext, via: Via, key: string, query: Record<string, string>, asked: Identified | BankCardQuery): Promise<FindResult> {
  return findByKeys(ctx, via, [{ key, query }], asked);
}

/** As findByKey, over a phone's keys under each secret version the till holds (two while the server re-keys). */
async function findByKeys(
  ctx: FindContext,
  via: Via,
  keys: readonly { key: string; query: Record<string, string> }[],
  asked: Identified | BankCardQuery,
): Promise<FindResult> {
  for (const { key } of keys) {
    const cached = await lookupCustomer(ctx.db, key);
    if (cached) return { kind: 'found', customer: cached, via, source: 'cache' };
  }
  if (!ctx.api) return { kind: 'notFound', via, offline: true, query: asked };
  let found: z.infer<typeof LookupResponse> | null = null;
  for (const { query } of keys) {
    const res = await ctx.api('GET', '/api/v1/lookup', query);
    if (!res.ok) {
      if (res.offline) return { kind: 'notFound', via, offline: true, query: asked };
      continue;
    }
    const parsed = LookupResponse.safeParse(res.body);
    if (parsed.success) {
      found = parsed.data;
      break;
    }
  }
  if (!found) return { kind: 'notFound', via, offline: false, query: asked };
  const c = found.customer;
  const customer = toLocal(c, identifierKeys(c));
  try {
    const batch = prepareCustomers([c]);
    const writer = ctx.db.cacheWriter();
    await writer.transaction('rw', cacheTables(writer), () => storeCustomers(writer, batch));
  } catch {
    // The cashier still gets the answer; the next pull brings this customer into the cache anyway.
  }
  return { kind: 'found', customer, via, source: 'server' };
}

/** Identify a customer from what the cashier typed or scanned: cache first, then the server if it can be reached. */
export async function findCustomer(ctx: FindContext, text: string): Promise<FindResult> {
  const what = identify(text, { cardPrefix: ctx.cardPrefix });
  if (what.kind === 'loyaltyCard') return findByKey(ctx, 'card', `card:${what.cardNumber}`, { card: what.cardNumber }, what);
  if (what.kind === 'phone') {
    const byPhone = (keys: readonly string[]) =>
      findByKeys(
        ctx,
        'phone',
        keys.map((k) => ({ key: `phone:${k}`, query: { phoneKey: k } })),
        what,
      );
    const keys = await ctx.phoneKeys(what.e164, false);
    const found = await byPhone(keys);
    if (found.kind !== 'notFound' || found.offline) return found;
    // Found nowhere while online: the chain's secret may have been rotated since the host last asked.
    const fresh = await ctx.phoneKeys(what.e164, true);
    return fresh.join() === keys.join() ? found : byPhone(fresh);
  }
  if (what.kind === 'unknown') return { kind: 'invalid', what };
  return { kind: 'notCustomer', what };
}

/** Identify a customer by the bank card used to pay (the driver's keyed hash of the PAN). */
export function findCustomerByBankCard(ctx: FindContext, tokenHash: string): Promise<FindResult> {
  return findByKey(ctx, 'bank', `bank:${tokenHash}`, { bankKey: tokenHash }, { kind: 'bankCard', tokenHash });
}
