import Dexie, { type Table } from 'dexie';
import type { Offer, Programme } from '../../core/engine';
import type { SaleEffect, ServerContext } from '../../core/loyalty/customerContext';
import type { Coupon } from '../../core/loyalty/coupons';
import type { DeskSettings } from '../protocol/deskSettings';
import type { ProductItem } from '../protocol/pull';
import type { CachedCustomer } from '../protocol/schemas';
import { identifierKeys as keysOf } from '../protocol/snapshotRow';
import type {
  AckedBalanceRecord,
  ApprovalRecord,
  HeldRecord,
  BalanceDeltaRecord,
  CacheMeta,
  CashierRecord,
  DraftRecord,
  IdFilterRecord,
  OutboxRecord,
  PendingNoReceiptReturn,
  ReceiptRecord,
  ShiftRecord,
  SyncState,
  TallyRecord,
} from './records';
export type { CacheMeta, DeltaStats, IdFilterRecord, LocalCustomer, SyncState } from './records';
import type { SnapPage, SnapshotMeta } from './customerCacheSnapshot';
import { markStoredLevel0, type IndexFragment, type IndexPage } from './pagedIndex';

/** Read-only counts standing where v1 had per-record tables, so callers can still ask "how many". */
export interface CountView {
  count(): Promise<number>;
}

export class TillDb extends Dexie {
  /** Lookup key -> customer row: change fragments (level 0) and compacted hash-range pages (level 1). */
  keyDeltas!: Table<IndexFragment, number>;
  keyPages!: Table<IndexPage, number>;
  /** Customer id -> its lookup keys, to retire stale keys when a customer changes or is deleted. */
  idDeltas!: Table<IndexFragment, number>;
  idPages!: Table<IndexPage, number>;
  cacheMeta!: Table<CacheMeta, string>;
  cacheFilter!: Table<IdFilterRecord, string>;
  syncState!: Table<SyncState, string>;
  journal!: Table<ReceiptRecord, string>;
  outbox!: Table<OutboxRecord, number>;
  balanceDeltas!: Table<BalanceDeltaRecord, string>;
  ackedBalances!: Table<AckedBalanceRecord, string>;
  products!: Table<ProductItem, string>;
  offers!: Table<{ id: string; offer: Offer }, string>;
  programme!: Table<{ key: 'current'; programme: Programme }, string>;
  /** The store's cashiers as last pulled (PINs as hashes), who is signed in, and the day's tally. */
  cashiers!: Table<CashierRecord, string>;
  shift!: Table<ShiftRecord, string>;
  tally!: Table<TallyRecord, string>;
  /** The open sale (one record), so nothing the cashier scanned is lost to a reload. */
  draft!: Table<DraftRecord, string>;
  /** Per-customer pricing context from the server, and this till's sales on top (customerContext.ts). */
  customerContexts!: Table<ServerContext, string>;
  contextEffects!: Table<SaleEffect, string>;
  /** The chain's coupons as pulled, and the single-use codes this till redeemed (sync/client/coupons.ts). */
  coupons!: Table<Coupon, string>;
  couponsUsed!: Table<{ code: string; eventId: string; atMs: number }, string>;
  /** Sales put aside to serve the next customer (heldReceipts.ts), and supervisor approvals given at this till. */
  held!: Table<HeldRecord, string>;
  approvals!: Table<ApprovalRecord, string>;
  /** The chain's customer snapshot, the bottom layer of the cache (customerCacheSnapshot.ts): its header and its pages. */
  snapshot!: Table<SnapshotMeta, string>;
  snapPages!: Table<SnapPage, number>;
  /** The desk settings head office sent (quick keys, scale labels: sync/protocol/deskSettings.ts), one record. */
  desk!: Table<{ key: 'current'; settings: DeskSettings }, string>;
  /** Approved returns without a receipt not yet recorded (approvals.ts), finished once after a crash. */
  pendingNoReceipt!: Table<PendingNoReceiptReturn, string>;
  readonly customers: CountView;
  readonly identifiers: CountView;
  private relaxed: TillDb | null = null;
  private readonly durability: 'strict' | 'relaxed';

  constructor(name = 'loyalty-till', options: { durability?: 'strict' | 'relaxed' } = {}) {
    super(name, { chromeTransactionDurability: options.durability ?? 'strict' });
    this.durability = options.durability ?? 'strict';
    this.version(1).stores({
      customers: 'id',
      identifiers: 'key, customerId',
      syncState: 'collection',
    });
    // v2: the per-record cache becomes a paged key index. The v1 rows are dropped and the
    // cursor is reset, so the till reloads from the server (the truth) rather than
    // converting a cache inside the upgrade transaction, which could leave a till unable to open.
    this.version(2)
      .stores({
        customers: null,
        identifiers: null,
        keyDeltas: 'id',
        keyPages: 'lo',
        idDeltas: 'id',
        idPages: 'lo',
        cacheMeta: 'name',
        cacheFilter: 'name',
        syncState: 'collection',
        journal: 'receiptId, createdAt',
        outbox: '++seq, &eventId, status',
        balanceDeltas: 'eventId, customerId',
        // Used by the outbox work in progress (sync/client/outbox.ts); declared here so v2 ships it.
        ackedBalances: 'eventId, customerId, at',
      })
      .upgrade((tx) => tx.table('syncState').delete('customers'));
    // v3: the catalogue a sale needs offline: this store's products and prices, offers, programme.
    this.version(3).stores({
      products: 'id, ean',
      offers: 'id',
      programme: 'key',
    });
    // v4: cashier sign-in, and a tally of this till's figures (no personal data) for the
    // manager's per-cashier figures while the server is away.
    this.version(4).stores({
      cashiers: 'cashierId, personnelNo',
      shift: 'key',
      tally: 'eventId, at',
    });
    // v5: same stores; level-0 markers beside key pages (pagedIndex.ts) let a lookup skip level 0.
    // Fragments stored before into already compacted buckets get their markers here, else a
    // lookup would miss changes made since the last compaction.
    this.version(5)
      .stores({})
      .upgrade((tx) => markStoredLevel0({ fragments: tx.table('keyDeltas'), pages: tx.table('keyPages'), pageEntries: 0, markPages: true }));
    // v6: the open sale, durable (sync/client/session).
    this.version(6).stores({ draft: 'key' });
    // v7: held receipts survive a restart; supervisor approvals are journaled with who approved.
    this.version(7).stores({ held: 'id, heldAt', approvals: 'id, at' });
    // v8: what the engine needs per customer (segments, purchases, spend, limited-offer uses),
    // apart from the customer index so either can change its layout alone.
    this.version(8).stores({ customerContexts: 'customerId', contextEffects: 'eventId, customerId' });
    // v9: the customer snapshot as its own pages (one record per compressed page), below the paged index.
    this.version(9).stores({ snapshot: 'name', snapPages: 'n' });
    // v10: coupons pulled from head office, and the single-use codes redeemed here (issue 16).
    this.version(10).stores({ coupons: 'code', couponsUsed: 'code' });
    // v11: the desk settings from head office (quick keys, scale label layouts), pulled with the catalogue.
    this.version(11).stores({ desk: 'key' });
    // v12: a return without a receipt between its approval and its commit, with its fiscal marker
    // (sync/client/approvals.ts), so a crash mid-print neither prints the refund twice nor loses it.
    this.version(12).stores({ pendingNoReceipt: 'returnId' });
    this.customers = { count: async () => (await this.cacheMeta.get('cache'))?.customers ?? 0 };
    this.identifiers = { count: async () => (await this.cacheMeta.get('cache'))?.keys ?? 0 };
  }

  /**
   * A second connection whose transactions commit with relaxed durability, for the customer
   * cache only. Atomicity is the same, so a page and its cursor still land together; a crash
   * may just forget the last few pages, which the resume fetches again. Checkout and outbox
   * writes must use this (strict) connection. Measured: strict made every cache transaction
   * wait for a disk flush, most of the time of a bulk load's compaction.
   */
  cacheWriter(): TillDb {
    if (this.durability === 'relaxed') return this;
    this.relaxed ??= new TillDb(this.name, { durability: 'relaxed' });
    return this.relaxed;
  }

  override close(options?: { disableAutoOpen: boolean }): void {
    this.relaxed?.close(options);
    super.close(options);
  }
}

/** The lookup keys a customer is found by (the snapshot's rule too: sync/protocol/snapshotRow.ts). */
export function identifierKeys(c: CachedCustomer): string[] {
  return keysOf(c);
}
