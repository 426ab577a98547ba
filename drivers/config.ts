import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { KNOWN_SCANNER_VENDORS } from './knownVendors';
import { FiscalConfig } from './fiscal/fiscalConfig';

/**
 * The device configuration file IT writes (see drivers/README.md). Everything has a
 * default, so `{}` is a valid file: auto-detect everything, claim nothing by path.
 */

const DeviceId = z.string().regex(/^[A-Za-z0-9._:/-]{1,100}$/, 'letters, digits and . _ : / - only, at most 100');

/** USB ids are written as in lsusb ("0c2e") or as numbers. */
const UsbId = z.union([
  z.number().int().min(0).max(0xffff),
  z
    .string()
    .regex(/^(0x)?[0-9a-fA-F]{1,4}$/, 'a 16-bit hex id such as "0c2e"')
    .transform((s) => parseInt(s.replace(/^0x/i, ''), 16)),
]);

export const FramingConfig = z
  .object({
    /** What ends a frame. CR and LF modes also accept CRLF (a common scanner setting). */
    suffix: z.enum(['CR', 'LF', 'CRLF']).default('CR'),
    /** A fixed prefix the scanner is programmed to send; stripped, frames without it are dropped. */
    prefix: z
      .string()
      .max(16)
      .regex(/^[\x20-\x7e]*$/, 'printable ASCII only')
      .default(''),
    /** The scanner sends AIM symbology identifiers (]E0, ]C1, ...). */
    aimIds: z.boolean().default(false),
    /** A frame whose bytes stop arriving for this long is a partial frame and is dropped. */
    interByteTimeoutMs: z.number().int().min(5).max(10_000).default(100),
    /**
     * After a partial frame, bytes up to the next terminator are skipped (they may be its tail);
     * a frame is trusted without a terminator first only when the line was quiet this long.
     * 250 ms: a split frame's tail comes within a USB-serial buffer flush; no person rescans that
     * fast, so a card scanned again after a misread is still taken.
     */
    resyncQuietMs: z.number().int().min(0).max(60_000).default(250),
    /** Barcodes of free-length symbologies (Code 128, QR, DataMatrix, unknown...) shorter than this are noise. */
    minLength: z.number().int().min(1).max(64).default(4),
    /** Longer frames are dropped as noise. */
    maxFrameLength: z.number().int().min(8).max(4096).default(512),
    /** 'ascii': printable ASCII (plus GS for GS1 data); 'utf8': also non-ASCII UTF-8 text (QR codes). */
    charset: z.enum(['ascii', 'utf8']).default('ascii'),
  })
  .strict();
export type FramingConfig = z.infer<typeof FramingConfig>;

const SerialLine = {
  path: z.string().min(1).max(300),
  baudRate: z.number().int().min(300).max(4_000_000).default(9600),
  dataBits: z.union([z.literal(7), z.literal(8)]).default(8),
  parity: z.enum(['none', 'even', 'odd']).default('none'),
  stopBits: z.union([z.literal(1), z.literal(2)]).default(1),
};

const SerialScannerDevice = z
  .object({
    id: DeviceId.optional(),
    type: z.literal('scanner'),
    transport: z.literal('serial').default('serial'),
    ...SerialLine,
    framing: FramingConfig.prefault({}),
    enabled: z.boolean().default(true),
  })
  .strict();

const SerialMsrDevice = z
  .object({
    id: DeviceId.optional(),
    type: z.literal('msr'),
    transport: z.literal('serial').default('serial'),
    ...SerialLine,
    framing: FramingConfig.prefault({}),
    enabled: z.boolean().default(true),
  })
  .strict();

const SerialPaymentDevice = z
  .object({
    id: DeviceId.optional(),
    type: z.literal('payment-terminal'),
    transport: z.literal('serial').default('serial'),
    ...SerialLine,
    /** How long to wait for the terminal's answer to PAY (the customer is typing a PIN). */
    responseTimeoutMs: z.number().int().min(100).max(600_000).default(120_000),
    enabled: z.boolean().default(true),
  })
  .strict();

/**
 * A weighing scale speaking the CAS-style weight line (drivers/scale/PROTOCOL.md). Without
 * `request` the scale is expected to stream its weight (continuous mode).
 */
const SerialScaleDevice = z
  .object({
    id: DeviceId.optional(),
    type: z.literal('scale'),
    transport: z.literal('serial').default('serial'),
    ...SerialLine,
    protocol: z.literal('cas').default('cas'),
    /** Request mode: the command that makes the scale send its weight, as its manual gives it. */
    request: z
      .object({
        command: z.string().regex(/^[\x20-\x7e]{1,16}$/, 'printable ASCII, 1 to 16 characters'),
        suffix: z.enum(['CR', 'CRLF', 'none']).default('CRLF'),
        /** How often to ask again while the weight settles. */
        intervalMs: z.number().int().min(50).max(5_000).default(200),
      })
      .strict()
      .optional(),
    /** No reading at all this long after the till asks: 'timeout'. */
    responseTimeoutMs: z.number().int().min(50).max(60_000).default(1_000),
    /** Readings, but none steady, this long after the till asks: 'unstable'. */
    stableTimeoutMs: z.number().int().min(100).max(60_000).default(3_000),
    enabled: z.boolean().default(true),
  })
  .strict();

const HidScannerDevice = z
  .object({
    id: DeviceId.optional(),
    type: z.literal('scanner'),
    transport: z.literal('hid'),
    vendorId: UsbId,
    productId: UsbId,
    /** Picks one of several identical scanners. */
    serialNumber: z.string().max(100).optional(),
    /** Frames longer than this (after reassembly) are dropped. */
    maxFrameLength: z.number().int().min(8).max(4096).default(4096),
    charset: z.enum(['ascii', 'utf8']).default('utf8'),
    enabled: z.boolean().default(true),
  })
  .strict();

const SerialDevice = z.discriminatedUnion('type', [SerialScannerDevice, SerialMsrDevice, SerialPaymentDevice, SerialScaleDevice]);

/** "transport" may be left out for serial devices; it is filled in first so that errors name the right fields. */
export const DeviceEntry = z.preprocess(
  (v) => (v !== null && typeof v === 'object' && !Array.isArray(v) && !('transport' in v) ? { ...v, transport: 'serial' } : v),
  z.discriminatedUnion('transport', [SerialDevice, HidScannerDevice]),
);
export type DeviceEntry = z.infer<typeof DeviceEntry>;
export type SerialScannerEntry = z.infer<typeof SerialScannerDevice>;
export type SerialMsrEntry = z.infer<typeof SerialMsrDevice>;
export type SerialPaymentEntry = z.infer<typeof SerialPaymentDevice>;
export type SerialScaleEntry = z.infer<typeof SerialScaleDevice>;
export type HidScannerEntry = z.infer<typeof HidScannerDevice>;

export const DeviceConfig = z
  .object({
    devices: z.array(DeviceEntry).max(64).default([]),
    autoDetect: z
      .object({
        /** Claim USB-serial ports whose vendor is a known scanner maker. */
        serial: z.boolean().default(true),
        /** Claim HID devices on the POS barcode scanner usage page (0x8C). */
        hid: z.boolean().default(true),
        /** How often to look for newly plugged devices. */
        rescanIntervalMs: z.number().int().min(200).max(600_000).default(3_000),
        /** Added to the built-in list of scanner vendors. */
        extraSerialVendorIds: z.array(UsbId).max(64).default([]),
        /** Framing assumed for auto-detected serial scanners. */
        serialBaudRate: z.number().int().min(300).max(4_000_000).default(9600),
        serialFraming: FramingConfig.prefault({}),
      })
      .strict()
      .prefault({}),
    reconnect: z
      .object({
        baseMs: z.number().int().min(10).max(60_000).default(500),
        maxMs: z.number().int().min(10).max(600_000).default(15_000),
        jitter: z.number().min(0).max(1).default(0.3),
        /** How often an open serial port's path is checked to still lead to the same device. */
        presenceCheckMs: z.number().int().min(50).max(60_000).default(1_000),
      })
      .strict()
      .prefault({}),
    /** How a magnetic-stripe loyalty card is told from a bank card. */
    loyaltyCard: z
      .object({
        prefix: z
          .string()
          .regex(/^\d{1,6}$/)
          .default('27'),
        length: z.number().int().min(6).max(19).default(13),
      })
      .strict()
      .prefault({}),
    /** The fiscal register (54-FZ); absent: none. See drivers/fiscal/fiscalConfig.ts. */
    fiscal: FiscalConfig.optional(),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const ids = new Set<string>();
    cfg.devices.forEach((d, i) => {
      const id = deviceIdOf(d);
      if (ids.has(id)) ctx.addIssue({ code: 'custom', path: ['devices', i], message: `duplicate device id "${id}"` });
      ids.add(id);
    });
  });
export type DeviceConfig = z.infer<typeof DeviceConfig>;
export type DeviceConfigInput = z.input<typeof DeviceConfig>;

/** The id a configured device reports under: its own id, or one made from its address. */
export function deviceIdOf(d: DeviceEntry): string {
  if (d.id) return d.id;
  if (d.transport === 'hid') {
    const base = `hid:${hex(d.vendorId)}:${hex(d.productId)}`;
    return d.serialNumber ? `${base}:${d.serialNumber}` : base;
  }
  return `serial:${d.path}`;
}

function hex(n: number): string {
  return n.toString(16).padStart(4, '0');
}

export class DeviceConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeviceConfigError';
  }
}

/** Validates an already parsed config object; throws DeviceConfigError with every problem listed. */
export function parseDeviceConfig(input: unknown): DeviceConfig {
  const result = DeviceConfig.safeParse(input);
  if (!result.success) throw new DeviceConfigError(`invalid device config:\n${z.prettifyError(result.error)}`);
  return result.data;
}

/** Reads and validates the JSON config file at `path`. */
export async function loadDeviceConfig(path: string): Promise<DeviceConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new DeviceConfigError(`cannot read device config ${path}: ${code}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new DeviceConfigError(`device config ${path} is not valid JSON: ${(err as Error).message}`);
  }
  return parseDeviceConfig(json);
}

export function scannerVendorIds(cfg: DeviceConfig): Set<number> {
  return new Set([...Object.keys(KNOWN_SCANNER_VENDORS).map(Number), ...cfg.autoDetect.extraSerialVendorIds]);
}
