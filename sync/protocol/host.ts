import { z } from 'zod';
import { DeviceStatus } from '../../core/scan';
import { FiscalRequest, FiscalSettings } from './fiscal';
import { ManagerApiPath, ManagerCard, ManagerPin } from './manager';
import { TerminalInfo } from './schemas';
import { SnapshotPath } from './snapshot';

/**
 * The bridge between the till's renderer and its host (Electron main over IPC, or the
 * browser-mode host over HTTP + WebSocket). One request schema for both transports.
 */
export const ApiPath = z
  .string()
  .regex(
    /^\/api\/v1\/(terminal|terminal\/receipts\/[A-Za-z0-9_-]{1,64}|lookup|push|phone-codes|phone-codes\/[0-9a-f-]{36}\/verify|heartbeat|cashiers\/pin-upgrade|pull\/[a-z]+|certificates\/electronic|certificates\/[A-Z0-9]{4,32}|certificates\/[A-Z0-9]{4,32}\/moves)$/,
    'not an API path the till may call',
  );

export const SNAPSHOT_RANGE_MAX_BYTES = 8 << 20;

export const HostRequest = z.discriminatedUnion('op', [
  z.object({ op: z.literal('status') }),
  z.object({
    op: z.literal('enrol'),
    serverUrl: z.url({ protocol: /^https?$/ }),
    code: z.string().trim().min(6).max(64),
    deviceName: z.string().trim().min(1).max(100),
    /**
     * Enrolling over a till that its server still accepts needs a store manager (or IT) of the
     * till's current store: their PIN or card, checked by that server (issue 13).
     */
    managerPin: ManagerPin.optional(),
    managerCard: ManagerCard.optional(),
  }),
  z.object({
    op: z.literal('api'),
    method: z.enum(['GET', 'POST', 'DELETE']),
    path: z.union([ApiPath, ManagerApiPath]),
    query: z.record(z.string(), z.string().max(200)).optional(),
    body: z.unknown().optional(),
    /** A store manager's session token, for the manager paths (sent as x-manager-token). */
    managerToken: z.string().min(32).max(200).optional(),
  }),
  /**
   * Lookup keys of a typed phone (E.164) under each phone secret the till holds, newest first:
   * answers `{ keys: string[] }`. `refresh`: the phone was found nowhere, ask the server whether
   * the secrets changed first (the host does so at most once a minute).
   */
  z.object({ op: z.literal('phoneKeys'), e164: z.string().regex(/^\+[1-9]\d{6,14}$/), refresh: z.boolean().optional() }),
  /**
   * Bytes [start, end) of the chain's customer snapshot file (pullSnapshot.ts), fetched by the
   * host with the till's credential: answers a SnapshotRangeAnswer. At most a few MB at a time.
   */
  z
    .object({
      op: z.literal('snapshotRange'),
      path: SnapshotPath,
      start: z
        .number()
        .int()
        .min(0)
        .max(2 ** 40),
      end: z
        .number()
        .int()
        .min(1)
        .max(2 ** 40),
    })
    .refine((r) => r.end > r.start && r.end - r.start <= SNAPSHOT_RANGE_MAX_BYTES, 'a snapshot range of 1 byte to 8 MB'),
  /** For IT: versions, enrolment (never the credential), server reachability, devices, recent host log. */
  z.object({ op: z.literal('diagnostics') }),
  /**
   * Read the customer's bank card on the payment terminal before any charge (it identifies the
   * customer): answers a CardReadAnswer. The card number stays in the terminal's driver.
   */
  z.object({ op: z.literal('readCard'), requestId: z.string().min(1).max(64) }),
  /** Take a card payment on the payment terminal; answers a PaymentAnswer. */
  z.object({ op: z.literal('pay'), amountKopecks: z.number().int().positive().max(100_000_000), receiptId: z.string().min(1).max(64) }),
  /**
   * What became of a card payment the renderer asked for (it reloaded or crashed meanwhile):
   * answers a PaymentOutcome. The host remembers the terminal's answers by receipt id.
   */
  z.object({ op: z.literal('paymentOutcome'), receiptId: z.string().min(1).max(64) }),
  /**
   * Refund to the card a sale was paid with (a return): answers a PaymentAnswer. Idempotent by
   * the return's id: asked again (a reload, a crash) it answers the first refund's outcome.
   */
  z.object({
    op: z.literal('refund'),
    amountKopecks: z.number().int().positive().max(100_000_000),
    receiptId: z.string().min(1).max(64),
    originalRrn: z.string().regex(/^[A-Za-z0-9]{1,12}$/),
  }),
  /** Read the serial scale (drivers/scale): a steady weight in grams, or why not (WeighResult). */
  z.object({ op: z.literal('weigh') }),
  /**
   * The host log and diagnostics as one text file for IT. `till` is the renderer's own part
   * (cache sizes, outbox, schema version); the host scrubs it with the rest.
   */
  z.object({ op: z.literal('exportLogs'), till: z.record(z.string(), z.unknown()).optional() }),
  /**
   * One action on the fiscal register (sync/protocol/fiscal.ts): answers a FiscalResult, or the
   * host error `fiscal_not_configured` when this till has none.
   */
  FiscalRequest,
]);
export type HostRequest = z.infer<typeof HostRequest>;

export const DeviceInfo = z.object({
  deviceId: z.string(),
  deviceType: z.enum(['scanner', 'msr', 'payment-terminal', 'scale', 'fiscal-register']),
  status: DeviceStatus,
  lastEventAt: z.number().int().nullable(),
  transport: z.enum(['serial', 'hid']).optional(),
  /** Port path, or vendor:product for HID. */
  address: z.string().optional(),
  /** Why it is not connected, when known. */
  detail: z.string().nullable().optional(),
});
export type DeviceInfo = z.infer<typeof DeviceInfo>;

export const HostStatus = z.object({
  mode: z.enum(['electron', 'browser']),
  enrolled: z.boolean(),
  serverUrl: z.string().nullable(),
  /** The till name the machine config gives, offered by the setup screen; null: none configured. */
  setupName: z.string().nullable().optional(),
  terminal: TerminalInfo.nullable(),
  devices: z.array(DeviceInfo),
  /** The fiscal register's receipt settings; absent or null: this till has no register (nothing is fiscalised). */
  fiscal: FiscalSettings.nullable().optional(),
});
export type HostStatus = z.infer<typeof HostStatus>;

/** What an `api` request answers: the server's status and JSON body, or a host-made error. */
export const ApiResult = z.object({
  status: z.number().int(),
  body: z.unknown(),
});
export type ApiResult = z.infer<typeof ApiResult>;

/** A snapshot range over the host bridge: the bytes in base64, since the browser host speaks JSON. */
export const SnapshotRangeAnswer = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), base64: z.string().max(12 << 20), cut: z.boolean() }),
  z.object({ ok: z.literal(false), offline: z.boolean(), status: z.number().int(), message: z.string() }),
]);
export type SnapshotRangeAnswer = z.infer<typeof SnapshotRangeAnswer>;

export const HostError = z.object({ code: z.string(), message: z.string() });

/** One line of the host's own log, personal data and secrets already scrubbed. */
export const HostLogLine = z.object({
  /** ISO time of the first occurrence. */
  at: z.string(),
  level: z.enum(['info', 'warn', 'error']),
  message: z.string(),
  /** The same message in a row is kept once, counted. */
  repeats: z.number().int().min(1),
  /** ISO time of the last repeat, when repeats > 1. */
  lastAt: z.string().optional(),
});
export type HostLogLine = z.infer<typeof HostLogLine>;

/** `GET /api/v1/health` as the host saw it. Skew = server time - midpoint of the request. */
export const ServerCheck = z.discriminatedUnion('reachable', [
  z.object({
    reachable: z.literal(true),
    url: z.string(),
    checkedAt: z.string(),
    roundTripMs: z.number().nonnegative(),
    clockSkewMs: z.number().int(),
    serverTime: z.string(),
    protocol: z.number().int(),
    /** false: the server speaks another protocol version than this till. */
    protocolMatches: z.boolean(),
  }),
  z.object({
    reachable: z.literal(false),
    url: z.string(),
    checkedAt: z.string(),
    /** timeout | refused | dns | network | http_<status> | bad_answer */
    code: z.string(),
    reason: z.string(),
  }),
]);
export type ServerCheck = z.infer<typeof ServerCheck>;

/** What `diagnostics` answers. Never carries the terminal token or the lookup secret. */
export const HostDiagnostics = z.object({
  collectedAt: z.string(),
  appVersion: z.string(),
  mode: z.enum(['electron', 'browser']),
  versions: z.object({
    node: z.string().nullable(),
    electron: z.string().nullable(),
    chromium: z.string().nullable(),
    platform: z.string(),
    arch: z.string(),
  }),
  hostStartedAt: z.string(),
  dataDir: z.string().nullable(),
  enrolment: z
    .object({
      terminalId: z.string(),
      terminalName: z.string(),
      storeId: z.number().int(),
      storeName: z.string(),
      chainName: z.string(),
      serverUrl: z.string(),
    })
    .nullable(),
  /** null: no server address known yet (not enrolled and none configured). */
  server: ServerCheck.nullable(),
  devices: z.array(DeviceInfo),
  /** The most recent host log lines, newest last. */
  log: z.array(HostLogLine),
});
export type HostDiagnostics = z.infer<typeof HostDiagnostics>;

/** What `exportLogs` answers: the whole file for IT to save. */
export const HostLogExport = z.object({
  text: z.string(),
  terminalName: z.string().nullable(),
  generatedAt: z.string(),
});
export type HostLogExport = z.infer<typeof HostLogExport>;

/** What the payment terminal said. A bank card reaches the till only as its keyed hash and last four. */
export const PaymentAnswer = z.object({
  approved: z.boolean(),
  tokenHash: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,128}$/)
    .optional(),
  last4: z
    .string()
    .regex(/^\d{4}$/)
    .optional(),
  rrn: z.string().max(12).optional(),
  declineReason: z.string().max(200).optional(),
});
export type PaymentAnswer = z.infer<typeof PaymentAnswer>;

/** The host's memory of one card payment: still at the terminal, answered, or never seen (host restarted). */
export const PaymentOutcome = z.discriminatedUnion('state', [
  z.object({ state: z.literal('pending') }),
  z.object({ state: z.literal('answered'), answer: PaymentAnswer }),
  z.object({ state: z.literal('unknown') }),
]);
export type PaymentOutcome = z.infer<typeof PaymentOutcome>;

/** What the `readCard` op answers: the card's lookup key (never its number), or why not. */
export const CardReadAnswer = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    tokenHash: z.string().min(16).max(64),
    last4: z
      .string()
      .regex(/^\d{4}$/)
      .optional(),
  }),
  z.object({ ok: z.literal(false), reason: z.string().max(200) }),
]);
export type CardReadAnswer = z.infer<typeof CardReadAnswer>;
