import { z } from 'zod';
import { SegmentRulesSchema } from '../../core/loyalty/segments';
import { CouponSchema } from '../../core/loyalty/coupons';
import { IssueCouponsSchema } from './coupons';
import { CertificateView, IssueCertificatesSchema } from './certificates';
import { ChainFeedback, StoreFeedback } from '../protocol/feedback';
import { CertificateMoveSchema } from '../../core/loyalty/certificates';
import { ElectronicCertificateRequest } from '../protocol/certificates';
import { CashierInfo, CashierList, CreateCashierRequest, PinUpgradeRequest } from '../protocol/cashiers';
import { ConsentHistory, ConsentText, PutConsentTextRequest, WithdrawConsentRequest } from '../protocol/consents';
import { PushRequest, PushResponse } from '../protocol/events';
import { ImportReport } from '../protocol/exchange';
import { SegmentCounts, SegmentsRun } from '../protocol/segments';
import { PhoneCodeCheck, PhoneCodeRequest, PhoneCodeSent, PhoneCodeVerified } from '../protocol/phoneCodes';
import { SmsGatewayConfig } from './sms/smsGateway';
import {
  CreateManagerRequest,
  FiguresQuery,
  ManagerInfo,
  ManagerSession,
  ManagerSessionRequest,
  StoreFigures,
  StoreOffers,
  StoreOffersQuery,
} from '../protocol/manager';
import { DeskPage, DeskSettings } from '../protocol/deskSettings';
import { ContextPage, CouponPage, OfferPage, ProductPage, ProgrammePage } from '../protocol/pull';
import {
  CreateEnrolmentCodeRequest,
  CustomerPage,
  EnrolmentCode,
  EnrolRequest,
  EnrolResponse,
  LookupQuery,
  LookupResponse,
  PullQuery,
  TerminalInfo,
} from '../protocol/schemas';
import { TillReport, TillReportAnswer } from '../protocol/tillReport';
import { AdjustmentRequest } from './adjustments';
import { ApprovalRow, ApprovalsQuery } from './deskSettings';
import { CashierRow, RejectedRow, StoreRow, TillRow } from './cliLists';
import { ExceptionItem, ExceptionsQuery } from './exceptions';
import { CardReturnRequest, MergeRequest } from './exceptionsActions';
import { CommerceMlQuery } from './exchange/commerceMl';
import { CSV_KINDS, ImportPreviewQuery } from './exchange/csvCatalogue';
import { ExportQuery } from './exchange/csvExport';
import { RangeQuery, UptakeRow } from './figuresRange';
import { FoundReceipt, ReceiptSearchQuery } from './receiptSearch';
import { WebhookConfig, WebhookInfo } from './webhooks';

/**
 * What the OpenAPI description (openapi.ts) says of each route: the zod schemas the route
 * parses its request with (imported from where the route takes them) and, where one exists,
 * the schema of its answer. Keyed "METHOD url" exactly as the route table records it; the
 * test in openapi.test.ts fails for a route missing here.
 */
export type Auth = 'none' | 'terminal' | 'manager' | 'admin';
export type Body = z.ZodType | { upload: string[]; description: string };
export type Answer = z.ZodType | { file: string; description: string };

export interface RouteDoc {
  summary: string;
  tag: string;
  auth: Auth;
  query?: z.ZodObject;
  body?: Body;
  response?: Answer;
}

const Search = z.object({ q: z.string().max(100).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) });
const Ok = z.object({}).loose();
const html = { file: 'text/html', description: 'The head-office web page.' };

const pull = (summary: string, response: z.ZodType): RouteDoc => ({ summary, tag: 'till sync', auth: 'terminal', query: PullQuery, response });
const list = (summary: string, key: string, row: z.ZodType): RouteDoc => ({
  summary,
  tag: 'head office',
  auth: 'admin',
  query: Search,
  response: z.object({ [key]: z.array(row) }),
});

export const ROUTE_DOCS: Record<string, RouteDoc> = {
  'GET /api/v1/health': {
    summary: 'Liveness and protocol version',
    tag: 'server',
    auth: 'none',
    response: z.object({ ok: z.boolean(), protocol: z.number(), time: z.string() }),
  },
  'POST /api/v1/enrol': { summary: 'Enrol a till with a one-time code', tag: 'till sync', auth: 'none', body: EnrolRequest, response: EnrolResponse },
  'GET /api/v1/terminal': { summary: "The calling till's terminal, store and chain", tag: 'till sync', auth: 'terminal', response: TerminalInfo },
  'POST /api/v1/heartbeat': {
    summary: "The till's version and unsent event count, for head office's tills list",
    tag: 'till sync',
    auth: 'terminal',
    body: TillReport,
    response: TillReportAnswer,
  },
  'GET /api/v1/lookup': { summary: 'Find a customer online by a lookup key', tag: 'till sync', auth: 'terminal', query: LookupQuery, response: LookupResponse },
  'GET /api/v1/terminal/receipts/:number': { summary: 'A receipt of this store by its number (returns)', tag: 'till sync', auth: 'terminal', response: Ok },
  'GET /api/v1/pull/customers': pull('Customers changed since a cursor', CustomerPage),
  'GET /api/v1/pull/snapshot': pull('The current customer snapshot header', Ok),
  'GET /api/v1/snapshot/:name': {
    summary: 'A customer snapshot file',
    tag: 'till sync',
    auth: 'terminal',
    response: { file: 'application/octet-stream', description: 'Snapshot bytes.' },
  },
  'GET /api/v1/pull/offers': pull("Offers in the till's store changed since a cursor", OfferPage),
  'GET /api/v1/pull/programme': pull("The chain's loyalty programme, when changed", ProgrammePage),
  'GET /api/v1/pull/products': pull("Products with the store's prices changed since a cursor", ProductPage),
  'GET /api/v1/pull/desk': pull("The desk settings (quick keys, scale labels) for the till's store, when changed", DeskPage),
  'GET /api/v1/pull/contexts': pull('Customer pricing contexts changed since a cursor', ContextPage),
  'GET /api/v1/pull/coupons': pull('Coupons issued or redeemed since a cursor', CouponPage),
  'GET /api/v1/pull/cashiers': pull("The store's cashiers", CashierList),
  'POST /api/v1/cashiers/pin-upgrade': {
    summary: "Re-make a cashier's older PBKDF2 PIN hash with Argon2id, from the PIN they just signed in with",
    tag: 'till sync',
    auth: 'terminal',
    body: PinUpgradeRequest,
    response: z.object({ upgraded: z.boolean() }),
  },
  'POST /api/v1/push': {
    summary: "Push the till's events (sales, returns, registrations...), applied exactly once",
    tag: 'till sync',
    auth: 'terminal',
    body: PushRequest,
    response: PushResponse,
  },
  'POST /api/v1/manager/session': {
    summary: 'Unlock manager screens with a PIN or card',
    tag: 'store manager',
    auth: 'terminal',
    body: ManagerSessionRequest,
    response: ManagerSession,
  },
  'GET /api/v1/manager/session': { summary: 'The open manager session', tag: 'store manager', auth: 'manager', response: ManagerSession },
  'DELETE /api/v1/manager/session': { summary: 'End the manager session', tag: 'store manager', auth: 'manager', response: Ok },
  'GET /api/v1/manager/figures': { summary: "The store's figures", tag: 'store manager', auth: 'manager', query: FiguresQuery, response: StoreFigures },
  'GET /api/v1/manager/feedback': {
    summary: "Customers' ratings of the store and each cashier over local days, with an NPS-style index",
    tag: 'store manager',
    auth: 'manager',
    query: FiguresQuery,
    response: StoreFeedback,
  },
  'GET /api/v1/manager/offers': { summary: "The store's offers", tag: 'store manager', auth: 'manager', query: StoreOffersQuery, response: StoreOffers },
  'POST /api/v1/admin/enrolment-codes': {
    summary: 'A one-time code to enrol a till',
    tag: 'administration',
    auth: 'admin',
    body: CreateEnrolmentCodeRequest,
    response: EnrolmentCode,
  },
  'POST /api/v1/admin/terminals/:id/revoke': {
    summary: "Revoke a till's credential",
    tag: 'administration',
    auth: 'admin',
    response: z.object({ revoked: z.string() }),
  },
  'GET /api/v1/admin/customers': {
    summary: "A customer's cached balance beside the ledger's sums (by card)",
    tag: 'administration',
    auth: 'admin',
    query: z.object({ card: z.string() }),
    response: Ok,
  },
  'GET /api/v1/admin/exceptions': {
    summary: 'The exceptions report',
    tag: 'head office',
    auth: 'admin',
    query: ExceptionsQuery,
    response: z.object({ items: z.array(ExceptionItem) }).loose(),
  },
  'PUT /api/v1/admin/chains/:chainId/programme': { summary: "Replace the chain's loyalty programme", tag: 'offers', auth: 'admin', body: Ok, response: Ok },
  'GET /api/v1/admin/chains/:chainId/programme': { summary: "The chain's loyalty programme", tag: 'offers', auth: 'admin', response: Ok },
  'PUT /api/v1/admin/chains/:chainId/offers': {
    summary: "Replace the chain's offers",
    tag: 'offers',
    auth: 'admin',
    body: z.object({ offers: z.array(z.unknown()) }),
    response: Ok,
  },
  'GET /api/v1/admin/chains/:chainId/segment-rules': { summary: 'Thresholds of the segments job', tag: 'offers', auth: 'admin', response: SegmentRulesSchema },
  'PUT /api/v1/admin/chains/:chainId/segment-rules': {
    summary: 'Set the thresholds of the segments job',
    tag: 'offers',
    auth: 'admin',
    body: SegmentRulesSchema,
    response: SegmentRulesSchema,
  },
  'GET /api/v1/admin/chains/:chainId/desk-settings': {
    summary: "The chain's desk settings (quick keys, scale labels)",
    tag: 'administration',
    auth: 'admin',
    response: z.object({ settings: DeskSettings.nullable() }),
  },
  'PUT /api/v1/admin/chains/:chainId/desk-settings': {
    summary: "Set the chain's desk settings; the tills take them with their next pull",
    tag: 'administration',
    auth: 'admin',
    body: DeskSettings,
    response: z.object({ settings: DeskSettings }),
  },
  'GET /api/v1/admin/stores/:storeId/desk-settings': {
    summary: "A store's own desk settings (over its chain's)",
    tag: 'administration',
    auth: 'admin',
    response: z.object({ settings: DeskSettings.nullable() }),
  },
  'PUT /api/v1/admin/stores/:storeId/desk-settings': {
    summary: "Set a store's own desk settings, field by field over its chain's",
    tag: 'administration',
    auth: 'admin',
    body: DeskSettings,
    response: z.object({ settings: DeskSettings }),
  },
  'GET /api/v1/admin/chains/:chainId/approvals': {
    summary: 'Supervisor approvals at the tills: who approved what',
    tag: 'administration',
    auth: 'admin',
    query: ApprovalsQuery,
    response: z.object({ approvals: z.array(ApprovalRow) }),
  },
  'POST /api/v1/admin/chains/:chainId/coupons': {
    summary: 'Issue a batch of coupon codes for a coupon offer (random codes, or the codes given)',
    tag: 'offers',
    auth: 'admin',
    body: IssueCouponsSchema,
    response: z.object({ batchId: z.string(), codes: z.array(z.string()) }),
  },
  'POST /api/v1/admin/chains/:chainId/certificates': {
    summary: 'Issue gift certificates with a nominal (random codes, or the codes given); a till activates each when it sells it',
    tag: 'offers',
    auth: 'admin',
    body: IssueCertificatesSchema,
    response: z.object({ codes: z.array(z.string()) }),
  },
  'POST /api/v1/certificates/electronic': {
    summary: "Issue an electronic gift certificate sold to a phone; the phone is kept until the sale's push activates it and the code goes by SMS, once",
    tag: 'till sync',
    auth: 'terminal',
    body: ElectronicCertificateRequest,
    response: CertificateView,
  },
  'GET /api/v1/certificates/:code': { summary: "A gift certificate's balance and state", tag: 'till sync', auth: 'terminal', response: CertificateView },
  'POST /api/v1/certificates/:code/moves': {
    summary: 'Activate (sale), redeem (payment) or refund a gift certificate, once per event id; never below zero',
    tag: 'till sync',
    auth: 'terminal',
    body: CertificateMoveSchema,
    response: CertificateView.extend({ duplicate: z.boolean() }),
  },
  'GET /api/v1/admin/chains/:chainId/coupons/:batchId': {
    summary: "A coupon batch's codes and which are used",
    tag: 'offers',
    auth: 'admin',
    response: z.object({ batchId: z.string(), coupons: z.array(CouponSchema) }),
  },
  'GET /api/v1/admin/chains/:chainId/segments': {
    summary: 'Customers per lifecycle segment, per store and per RFM score',
    tag: 'offers',
    auth: 'admin',
    response: SegmentCounts,
  },
  'POST /api/v1/admin/chains/:chainId/segments/run': {
    summary: 'Run the segments job for the chain now',
    tag: 'offers',
    auth: 'admin',
    response: SegmentsRun,
  },
  'GET /api/v1/admin/chains/:chainId/offers': { summary: "The chain's offers", tag: 'offers', auth: 'admin', query: StoreOffersQuery, response: Ok },
  'GET /api/v1/admin/chains/:chainId/offers/:offerId': { summary: 'One offer', tag: 'offers', auth: 'admin', response: Ok },
  'PUT /api/v1/admin/chains/:chainId/offers/:offerId': { summary: 'Create or replace one offer', tag: 'offers', auth: 'admin', body: Ok, response: Ok },
  'DELETE /api/v1/admin/chains/:chainId/offers/:offerId': {
    summary: 'End an offer',
    tag: 'offers',
    auth: 'admin',
    response: z.object({ deleted: z.string() }),
  },
  'POST /api/v1/admin/adjustments': {
    summary: "Adjust a customer's balance with a reason",
    tag: 'head office',
    auth: 'admin',
    body: AdjustmentRequest,
    response: Ok,
  },
  'POST /api/v1/admin/jobs/run': { summary: 'Run the ledger jobs now (activation, expiry)', tag: 'administration', auth: 'admin', response: Ok },
  'GET /api/v1/admin/ledger/verify': { summary: 'Check cached balances against the ledger', tag: 'administration', auth: 'admin', response: Ok },
  'POST /api/v1/admin/stores/:storeId/managers': {
    summary: 'Create a store manager',
    tag: 'administration',
    auth: 'admin',
    body: CreateManagerRequest,
    response: ManagerInfo,
  },
  'GET /api/v1/admin/stores/:storeId/managers': {
    summary: "The store's managers",
    tag: 'administration',
    auth: 'admin',
    response: z.object({ managers: z.array(ManagerInfo) }),
  },
  'POST /api/v1/admin/managers/:managerId/revoke': { summary: 'Revoke a manager', tag: 'administration', auth: 'admin', response: Ok },
  'POST /api/v1/admin/stores/:storeId/cashiers': {
    summary: 'Create a cashier',
    tag: 'administration',
    auth: 'admin',
    body: CreateCashierRequest,
    response: CashierInfo,
  },
  'GET /api/v1/admin/stores/:storeId/cashiers': {
    summary: "The store's cashiers",
    tag: 'administration',
    auth: 'admin',
    response: z.object({ cashiers: z.array(CashierInfo) }),
  },
  'POST /api/v1/admin/cashiers/:cashierId/revoke': { summary: 'Revoke a cashier', tag: 'administration', auth: 'admin', response: Ok },
  'GET /api/v1/admin/customers/:customerId/consents': { summary: "A customer's consent history", tag: 'head office', auth: 'admin', response: ConsentHistory },
  'POST /api/v1/admin/customers/:customerId/consents/withdraw': {
    summary: 'Record that a customer withdrew a consent (personal data: contacts erased, dropped from tills)',
    tag: 'head office',
    auth: 'admin',
    body: WithdrawConsentRequest,
    response: ConsentHistory,
  },
  'GET /api/v1/admin/chains/:chainId/consent-texts': {
    summary: 'Published consent texts',
    tag: 'head office',
    auth: 'admin',
    response: z.object({ texts: z.array(ConsentText) }).loose(),
  },
  'PUT /api/v1/admin/chains/:chainId/consent-texts/:version': {
    summary: 'Publish a consent text version',
    tag: 'head office',
    auth: 'admin',
    body: PutConsentTextRequest,
    response: ConsentText,
  },
  'GET /api/v1/admin/chains/:chainId/phone-secrets': {
    summary: "The chain's phone-key secrets and re-keying progress",
    tag: 'administration',
    auth: 'admin',
    response: Ok,
  },
  'POST /api/v1/admin/chains/:chainId/phone-secrets/rotate': {
    summary: 'Rotate the phone-key secret (customers are re-keyed in the background)',
    tag: 'administration',
    auth: 'admin',
    response: Ok,
  },
  'POST /api/v1/phone-codes': {
    summary: "Send an SMS code to a customer's phone (a typed-phone spend, or a registration naming a known phone)",
    tag: 'till sync',
    auth: 'terminal',
    body: PhoneCodeRequest,
    response: PhoneCodeSent,
  },
  'POST /api/v1/phone-codes/:challengeId/verify': {
    summary: 'Check the code the customer read out; a right one gives a confirmation for one sale or registration',
    tag: 'till sync',
    auth: 'terminal',
    body: PhoneCodeCheck,
    response: PhoneCodeVerified,
  },
  'GET /api/v1/admin/chains/:chainId/sms-gateway': {
    summary: "The chain's SMS provider (never its token)",
    tag: 'administration',
    auth: 'admin',
    response: Ok,
  },
  'PUT /api/v1/admin/chains/:chainId/sms-gateway': {
    summary: "Set the chain's SMS provider: HTTP API URL, token, sender",
    tag: 'administration',
    auth: 'admin',
    body: SmsGatewayConfig,
    response: Ok,
  },
  'GET /api/v1/admin/chains/:chainId/merge-candidates': {
    summary: 'Customers registered with a known phone without its SMS code, waiting to be merged (or not)',
    tag: 'head office',
    auth: 'admin',
    response: Ok,
  },
  'GET /api/v1/admin/chains/:chainId/catalogue': {
    summary: 'Categories and products (search)',
    tag: 'head office',
    auth: 'admin',
    query: Search,
    response: Ok,
  },
  'GET /api/v1/admin/chains/:chainId/figures': {
    summary: 'Figures over a date range, net of returns',
    tag: 'head office',
    auth: 'admin',
    query: RangeQuery,
    response: Ok,
  },
  'GET /api/v1/admin/chains/:chainId/feedback': {
    summary: "Customers' ratings after a purchase per store and region over a date range, with an NPS-style index",
    tag: 'head office',
    auth: 'admin',
    query: RangeQuery,
    response: ChainFeedback,
  },
  'GET /api/v1/admin/chains/:chainId/offer-uptake': {
    summary: 'Per-offer uptake per store, net of returns',
    tag: 'head office',
    auth: 'admin',
    query: RangeQuery,
    response: z.object({ rows: z.array(UptakeRow) }).loose(),
  },
  'GET /api/v1/admin/chains/:chainId/regions': { summary: "The chain's regions", tag: 'head office', auth: 'admin', response: Ok },
  'GET /api/v1/admin/chains/:chainId/stores': list('Stores (search)', 'stores', StoreRow),
  'GET /api/v1/admin/chains/:chainId/terminals': list('Tills with last seen (search)', 'terminals', TillRow),
  'GET /api/v1/admin/chains/:chainId/cashiers': list('Cashiers (search)', 'cashiers', CashierRow),
  'GET /api/v1/admin/chains/:chainId/managers': list('Managers (search)', 'managers', z.object({ id: z.string(), name: z.string() }).loose()),
  'GET /api/v1/admin/chains/:chainId/rejected': list('Rejected till events (search)', 'events', RejectedRow),
  'GET /api/v1/admin/chains/:chainId/receipts': {
    summary: 'Sales and returns by fiscal document number (ФД), fiscal sign (ФП) or receipt number',
    tag: 'head office',
    auth: 'admin',
    query: ReceiptSearchQuery,
    response: z.object({ receipts: z.array(FoundReceipt) }),
  },
  'GET /api/v1/admin/customers/:customerId': {
    summary: 'Who an exception names (first name, balance, cards)',
    tag: 'head office',
    auth: 'admin',
    response: Ok,
  },
  'POST /api/v1/admin/customers/merge': { summary: 'Merge two customers', tag: 'head office', auth: 'admin', body: MergeRequest, response: Ok },
  'POST /api/v1/admin/cards/return': { summary: 'Give a card back to its holder', tag: 'head office', auth: 'admin', body: CardReturnRequest, response: Ok },
  'POST /api/v1/admin/chains/:chainId/import/commerceml': {
    summary: 'Import a CommerceML 2 file (import.xml: groups, stores, products; offers.xml: prices), incremental and idempotent',
    tag: 'data exchange',
    auth: 'admin',
    query: CommerceMlQuery,
    body: { upload: ['application/xml', 'text/xml'], description: 'The CommerceML file as 1C writes it (UTF-8 or windows-1251).' },
    response: ImportReport,
  },
  'POST /api/v1/admin/chains/:chainId/import/csv/:kind': {
    summary: `Import a CSV file of ${CSV_KINDS.join(', ')} (docs/exchange.md), incremental and idempotent`,
    tag: 'data exchange',
    auth: 'admin',
    query: ImportPreviewQuery,
    body: { upload: ['text/csv'], description: 'UTF-8 CSV with a header line; ";" or "," between fields.' },
    response: ImportReport,
  },
  'GET /api/v1/admin/chains/:chainId/imports': {
    summary: 'Reports of the last imports',
    tag: 'data exchange',
    auth: 'admin',
    response: z.object({ imports: z.array(z.object({ id: z.string(), source: z.string(), at: z.string(), report: ImportReport })) }),
  },
  'GET /api/v1/admin/chains/:chainId/export/:kind': {
    summary: 'Export receipts, consented customers (per channel) or the ledger as CSV, streamed',
    tag: 'data exchange',
    auth: 'admin',
    query: ExportQuery,
    response: { file: 'text/csv', description: 'UTF-8 CSV with a BOM and a header line.' },
  },
  'GET /api/v1/admin/chains/:chainId/webhooks': {
    summary: "The chain's webhooks with delivery counts",
    tag: 'data exchange',
    auth: 'admin',
    response: z.object({ webhooks: z.array(WebhookInfo) }),
  },
  'POST /api/v1/admin/chains/:chainId/webhooks': {
    summary: 'Add a webhook for sales and/or registrations',
    tag: 'data exchange',
    auth: 'admin',
    body: WebhookConfig,
    response: WebhookInfo,
  },
  'POST /api/v1/admin/webhooks/:id/disable': { summary: 'Stop a webhook', tag: 'data exchange', auth: 'admin', response: z.object({ disabled: z.number() }) },
  'POST /api/v1/admin/webhooks/run': { summary: 'Queue and send due webhook deliveries now', tag: 'data exchange', auth: 'admin', response: Ok },
  'GET /api/v1/admin/openapi.json': {
    summary: 'This description',
    tag: 'server',
    auth: 'admin',
    response: { file: 'application/json', description: 'OpenAPI 3.1 document.' },
  },
  'GET /f/:token': {
    summary:
      "The customer's feedback page of a receipt (QR code or SMS link): rate the visit and the cashier 1-5 and comment; Russian, English by ?lang=en or Accept-Language; 404 for a link not (yet) known; rate-limited per address",
    tag: 'feedback',
    auth: 'none',
    query: z.object({ lang: z.enum(['ru', 'en']).optional() }),
    response: { file: 'text/html', description: 'The feedback page (or a page saying why not).' },
  },
  'POST /f/:token': {
    summary:
      'Send the feedback form (application/x-www-form-urlencoded): one answer per receipt, 409 for a second; counted in the manager and head office scores',
    tag: 'feedback',
    auth: 'none',
    query: z.object({ lang: z.enum(['ru', 'en']).optional() }),
    body: z.object({ visit: z.enum(['1', '2', '3', '4', '5']), cashier: z.enum(['1', '2', '3', '4', '5']), comment: z.string().max(500).optional() }),
    response: { file: 'text/html', description: 'Thanks, or the form again with what to fix.' },
  },
  'GET /admin': { summary: 'Head-office web UI', tag: 'head office pages', auth: 'none', response: html },
  'GET /admin/': { summary: 'Head-office web UI', tag: 'head office pages', auth: 'none', response: html },
  'GET /admin/offers': { summary: 'Head-office web UI: offers', tag: 'head office pages', auth: 'none', response: html },
  'GET /admin/assets/*': {
    summary: 'Head-office web UI assets',
    tag: 'head office pages',
    auth: 'none',
    response: { file: 'application/octet-stream', description: 'Static file.' },
  },
};
