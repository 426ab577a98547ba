import { z } from 'zod';

/**
 * What a device reports, modelled on UnifiedPOS data events. Every driver and
 * every bridge speaks these shapes; the renderer validates them on arrival.
 */
export const Symbology = z.enum(['EAN13', 'EAN8', 'UPCA', 'UPCE', 'CODE128', 'GS1_128', 'CODE39', 'QR', 'DATAMATRIX', 'PDF417', 'ITF', 'UNKNOWN']);
export type Symbology = z.infer<typeof Symbology>;

export const ScanSource = z.enum(['serial', 'hid', 'wedge', 'camera', 'manual']);
export type ScanSource = z.infer<typeof ScanSource>;

export const ScanEvent = z.object({
  kind: z.literal('scan'),
  deviceId: z.string().min(1).max(200),
  source: ScanSource,
  symbology: Symbology,
  text: z.string().min(1).max(4096),
  /** Raw bytes as hex, for diagnostics; absent for keyboard and camera sources. */
  rawHex: z
    .string()
    .regex(/^[0-9a-f]*$/)
    .max(8192)
    .optional(),
  at: z.number().int().nonnegative(),
});
export type ScanEvent = z.infer<typeof ScanEvent>;

/** A card read. A bank card never carries its PAN past the driver: only a keyed hash and the last four. */
export const CardEvent = z.discriminatedUnion('cardKind', [
  z.object({
    kind: z.literal('card'),
    cardKind: z.literal('loyalty'),
    deviceId: z.string().min(1).max(200),
    cardNumber: z.string().regex(/^\d{6,19}$/),
    at: z.number().int().nonnegative(),
  }),
  z.object({
    kind: z.literal('card'),
    cardKind: z.literal('bank'),
    deviceId: z.string().min(1).max(200),
    /** base64url HMAC-SHA256 of the PAN with the chain's lookup key. */
    tokenHash: z.string().regex(/^[A-Za-z0-9_-]{16,128}$/),
    last4: z.string().regex(/^\d{4}$/),
    at: z.number().int().nonnegative(),
  }),
]);
export type CardEvent = z.infer<typeof CardEvent>;

export const DeviceStatus = z.enum(['connected', 'disconnected', 'error', 'disabled']);
export type DeviceStatus = z.infer<typeof DeviceStatus>;

export const StatusEvent = z.object({
  kind: z.literal('status'),
  deviceId: z.string().min(1).max(200),
  deviceType: z.enum(['scanner', 'msr', 'payment-terminal', 'scale']),
  status: DeviceStatus,
  detail: z.string().max(500).optional(),
  at: z.number().int().nonnegative(),
});
export type StatusEvent = z.infer<typeof StatusEvent>;

export const DeviceErrorEvent = z.object({
  kind: z.literal('error'),
  deviceId: z.string().min(1).max(200),
  code: z.string().max(64),
  message: z.string().max(500),
  at: z.number().int().nonnegative(),
});
export type DeviceErrorEvent = z.infer<typeof DeviceErrorEvent>;

export const DeviceEvent = z.union([ScanEvent, CardEvent, StatusEvent, DeviceErrorEvent]);
export type DeviceEvent = z.infer<typeof DeviceEvent>;
