import type { FramingConfig, SerialMsrEntry, SerialPaymentEntry, SerialScaleEntry } from '../config';
import type { DeviceContext } from '../deviceContext';
import type { Session } from '../deviceSlot';
import { MsrDecoder } from '../msr/msrDecoder';
import type { LoyaltyRule } from '../../core/cardTracks';
import { LinePaymentTerminal } from '../payment/linePaymentTerminal';
import { SerialScale } from '../scale/serialScale';
import { SerialScanDecoder } from './serialScanDecoder';
import type { SerialBackend, SerialLineOptions, SerialLink } from './serialTransport';

/** Opening a serial device of each kind and wiring its bytes to its decoder. */

interface Decoder {
  push(chunk: Uint8Array): void;
  dispose(): void;
}

/**
 * Feed a port's bytes to its decoder and report the port going away. With `wipe`, each
 * chunk is zeroed after decoding: card tracks and terminal answers may hold a PAN.
 */
function wire(link: SerialLink, decoder: Decoder, ctx: DeviceContext, lost: (detail: string) => void, wipe: boolean): Session {
  link.onData((chunk) =>
    ctx.guard(() => {
      try {
        decoder.push(chunk);
      } finally {
        if (wipe) chunk.fill(0);
      }
    }),
  );
  link.onClose((err) =>
    ctx.guard(() => {
      decoder.dispose();
      lost(err ? 'port went away (unplugged?)' : 'port closed');
    }),
  );
  return {
    async close() {
      decoder.dispose();
      await link.close();
    },
  };
}

export function lineOptions(e: { path: string; baudRate: number; dataBits: 7 | 8; parity: 'none' | 'even' | 'odd'; stopBits: 1 | 2 }): SerialLineOptions {
  return { path: e.path, baudRate: e.baudRate, dataBits: e.dataBits, parity: e.parity, stopBits: e.stopBits };
}

export async function openSerialScanner(
  backend: SerialBackend,
  line: SerialLineOptions,
  framing: FramingConfig,
  ctx: DeviceContext,
  lost: (detail: string) => void,
): Promise<Session> {
  const link = await backend.open(line);
  const decoder = new SerialScanDecoder(framing, ctx.clock, {
    scan: (b) => ctx.scan(b, 'serial'),
    diagnostic: (code, message) => ctx.diagnostic(code, message),
  });
  return wire(link, decoder, ctx, lost, false);
}

export async function openSerialMsr(
  backend: SerialBackend,
  entry: SerialMsrEntry,
  lookupSecret: string,
  loyalty: LoyaltyRule,
  ctx: DeviceContext,
  lost: (detail: string) => void,
): Promise<Session> {
  const link = await backend.open(lineOptions(entry));
  const decoder = new MsrDecoder(entry.framing, ctx.clock, lookupSecret, loyalty, {
    card: (c) => ctx.card(c),
    diagnostic: (code, message) => ctx.diagnostic(code, message),
  });
  return wire(link, decoder, ctx, lost, true);
}

export interface PaymentSession extends Session {
  terminal: LinePaymentTerminal;
}

export async function openSerialPayment(
  backend: SerialBackend,
  entry: SerialPaymentEntry,
  lookupSecret: string,
  ctx: DeviceContext,
  lost: (detail: string) => void,
): Promise<PaymentSession> {
  const link = await backend.open(lineOptions(entry));
  const terminal = new LinePaymentTerminal(
    { write: (data) => link.write(data) },
    {
      lookupSecret,
      responseTimeoutMs: entry.responseTimeoutMs,
      clock: ctx.clock,
      onDiagnostic: (code, message, opts) => ctx.diagnostic(code, message, opts),
    },
  );
  return { terminal, ...wire(link, terminal, ctx, lost, true) };
}

export interface ScaleSession extends Session {
  scale: SerialScale;
}

export async function openSerialScale(
  backend: SerialBackend,
  entry: SerialScaleEntry,
  ctx: DeviceContext,
  lost: (detail: string) => void,
): Promise<ScaleSession> {
  const link = await backend.open(lineOptions(entry));
  const scale = new SerialScale(
    { write: (data) => link.write(data) },
    {
      clock: ctx.clock,
      request: entry.request ?? null,
      responseTimeoutMs: entry.responseTimeoutMs,
      stableTimeoutMs: entry.stableTimeoutMs,
      onDiagnostic: (code, message) => ctx.diagnostic(code, message),
    },
  );
  return { scale, ...wire(link, scale, ctx, lost, false) };
}

/** Open failures as IT should see them. */
export function describeSerialFailure(err: unknown): { status: 'disconnected' | 'error'; detail: string } {
  const message = err instanceof Error ? err.message : String(err);
  if (/ENOENT|No such file|not found|cannot find/i.test(message)) return { status: 'disconnected', detail: 'port not present' };
  if (/EACCES|Permission denied/i.test(message))
    return { status: 'error', detail: 'permission denied: install drivers/udev/99-loyalty-till.rules and add the till user to its group' };
  if (/EBUSY|lock|Resource temporarily unavailable|in use/i.test(message)) return { status: 'error', detail: 'port in use by another program' };
  return { status: 'error', detail: `cannot open port: ${message}` };
}
