import { realpath } from 'node:fs/promises';
import { DeviceEvent, type DeviceStatus, type StatusEvent } from '../core/scan';
import { systemClock, type Clock, type TimerHandle } from './clock';
import { deviceIdOf, parseDeviceConfig, scannerVendorIds, type DeviceConfig, type DeviceConfigInput, type DeviceEntry } from './config';
import type { DeviceContext } from './deviceContext';
import { DeviceSlot, type Session } from './deviceSlot';
import { findSerialPort, hidCandidates, serialCandidates, type SerialIdentity } from './discovery';
import { describeHidFailure, matchesIdentity, openHidScanner, type HidIdentity } from './hid/hidSession';
import { nodeHidBackend, type HidBackend } from './hid/hidTransport';
import type { CardOutput } from './msr/msrDecoder';
import type { CardReadResult, PaymentResult, PaymentTerminal } from './payment/paymentTerminal';
import { redactDigits } from './redact';
import type { Scale } from './scale/scale';
import {
  describeSerialFailure,
  lineOptions,
  openSerialMsr,
  openSerialPayment,
  openSerialScale,
  openSerialScanner,
  type PaymentSession,
  type ScaleSession,
} from './serial/serialSessions';
import { createNodeSerialBackend, type SerialBackend } from './serial/serialTransport';

/**
 * The device manager: discovers devices, claims and enables them, keeps them alive across
 * unplugging, and turns everything they send into the typed events of core/scan.ts.
 * Nothing a device does, and nothing a listener throws, escapes as an exception.
 */
export type DeviceType = StatusEvent['deviceType'];
export type DeviceListener = (event: DeviceEvent) => void;

export interface DeviceManagerOptions {
  /** A parsed config (loadDeviceConfig) or a plain object to validate; default: auto-detect only. */
  config?: DeviceConfig | DeviceConfigInput;
  /** The chain's lookup secret: bank card PANs are hashed with it (bankCardLookupKey). */
  lookupSecret: string;
  clock?: Clock;
  /** For backoff jitter; inject a fixed one in tests. */
  random?: () => number;
  serial?: SerialBackend;
  hid?: HidBackend;
  /** Resolves symlinks so that a configured path and an auto-detected port are seen as one port. */
  resolvePath?: (path: string) => Promise<string>;
  /** Faults with no device to report them on (a listener that threw, discovery failing). Never receives card data. */
  onInternalError?: (err: unknown) => void;
}

export interface DeviceInfo {
  id: string;
  type: DeviceType;
  transport: 'serial' | 'hid';
  /** Port path, or vendor:product for HID. */
  address: string;
  origin: 'config' | 'auto';
  status: DeviceStatus;
  /** Why it is not connected, when known. */
  detail?: string;
  /** When the device last produced an event (ms since epoch), or null. */
  lastEventAt: number | null;
}

export interface DeviceManager {
  /** Opens configured devices and starts auto-detection; resolves after the first attempt at each. */
  start(): Promise<void>;
  /** Closes every device and stops all timers. */
  stop(): Promise<void>;
  list(): DeviceInfo[];
  /** Subscribes to every event; returns the unsubscribe function. */
  on(listener: DeviceListener): () => void;
  /**
   * A payment terminal by id (default: the first configured). The handle stays valid across
   * reconnects; while the terminal is away, pay() and refund() answer declineReason
   * 'terminal-unavailable' and readCard() reason 'terminal-unavailable'.
   */
  paymentTerminal(deviceId?: string): PaymentTerminal;
  /**
   * A scale by id (default: the first configured). The handle stays valid across reconnects;
   * while the scale is away, weigh() answers { ok: false, code: 'offline' }. Always present on
   * a manager from createDeviceManager; optional only until every DeviceManager double has it.
   */
  scale?(deviceId?: string): Scale;
}

interface Entry {
  id: string;
  type: DeviceType;
  transport: 'serial' | 'hid';
  address: string;
  origin: 'config' | 'auto';
  slot: DeviceSlot<Session>;
  lastEventAt: number | null;
  /** Serial: the configured or detected path, for telling ports apart. */
  path?: string;
  hidIdentity?: HidIdentity;
  payment?: DeviceSlot<PaymentSession>;
  scale?: DeviceSlot<ScaleSession>;
}

const MAX_DETAIL = 500;

export function createDeviceManager(options: DeviceManagerOptions): DeviceManager {
  // Parsing is idempotent, so an already loaded config is simply checked again.
  const config = parseDeviceConfig(options.config ?? {});
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const serial = options.serial ?? createNodeSerialBackend({ presenceCheckMs: config.reconnect.presenceCheckMs });
  const hid = options.hid ?? nodeHidBackend;
  const resolvePath = options.resolvePath ?? ((p: string) => realpath(p).catch(() => p));
  const internalError = (err: unknown) => {
    try {
      options.onInternalError?.(err);
    } catch {
      // The error reporter itself failed: nothing more can be done.
    }
  };
  const vendorIds = scannerVendorIds(config);
  const listeners = new Set<DeviceListener>();
  const entries = new Map<string, Entry>();
  const claimedHidPaths = new Set<string>();
  let running = false;
  let rescanTimer: TimerHandle | undefined;
  let discoveryFailures = new Set<string>();

  function dispatch(event: DeviceEvent): void {
    const checked = DeviceEvent.safeParse(event);
    const out: DeviceEvent = checked.success
      ? checked.data
      : {
          kind: 'error',
          deviceId: event.deviceId.slice(0, 200) || 'unknown',
          code: 'invalid-event',
          message: `driver produced a malformed ${event.kind} event; dropped`,
          at: clock.now(),
        };
    const entry = entries.get(out.deviceId);
    if (entry) entry.lastEventAt = out.at;
    for (const listener of [...listeners]) {
      try {
        const r: unknown = listener(out);
        if (r instanceof Promise) r.catch(internalError);
      } catch (err) {
        internalError(err);
      }
    }
  }

  function contextFor(id: string): DeviceContext {
    const ctx: DeviceContext = {
      deviceId: id,
      clock,
      scan: (b, source) => dispatch({ kind: 'scan', deviceId: id, source, symbology: b.symbology, text: b.text, rawHex: b.rawHex, at: clock.now() }),
      card: (c: CardOutput) =>
        dispatch(
          c.cardKind === 'loyalty'
            ? { kind: 'card', cardKind: 'loyalty', deviceId: id, cardNumber: c.cardNumber, at: clock.now() }
            : { kind: 'card', cardKind: 'bank', deviceId: id, tokenHash: c.tokenHash, last4: c.last4, at: clock.now() },
        ),
      diagnostic: (code, message, opts) =>
        dispatch({
          kind: 'error',
          deviceId: id,
          code: code.slice(0, 64),
          message: (opts?.verbatim ? message : redactDigits(message)).slice(0, MAX_DETAIL),
          at: clock.now(),
        }),
      guard: (fn) => {
        try {
          fn();
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          ctx.diagnostic('driver-fault', `internal driver error: ${message}`);
        }
      },
    };
    return ctx;
  }

  function statusHook(id: string, type: DeviceType) {
    return (status: DeviceStatus, detail: string | undefined) => {
      const event: DeviceEvent = { kind: 'status', deviceId: id, deviceType: type, status, at: clock.now() };
      if (detail) event.detail = redactDigits(detail).slice(0, MAX_DETAIL);
      dispatch(event);
    };
  }

  function newSlot<S extends Session>(
    id: string,
    type: DeviceType,
    open: (lost: (d: string) => void) => Promise<S>,
    describe: typeof describeSerialFailure,
  ): DeviceSlot<S> {
    return new DeviceSlot<S>({ open, describeFailure: describe, onStatus: statusHook(id, type) }, clock, config.reconnect, random);
  }

  function entryFromConfig(d: DeviceEntry): Entry {
    const id = deviceIdOf(d);
    const ctx = contextFor(id);
    if (d.transport === 'hid') {
      const identity: HidIdentity = { vendorId: d.vendorId, productId: d.productId };
      if (d.serialNumber !== undefined) identity.serialNumber = d.serialNumber;
      const slot = newSlot(
        id,
        'scanner',
        (lost) => openHidScanner(hid, identity, { maxFrameLength: d.maxFrameLength, charset: d.charset }, ctx, lost, hidClaims),
        describeHidFailure,
      );
      return { id, type: 'scanner', transport: 'hid', address: hidAddress(identity), origin: 'config', slot, lastEventAt: null, hidIdentity: identity };
    }
    const base = { id, type: d.type, transport: 'serial' as const, address: d.path, origin: 'config' as const, lastEventAt: null, path: d.path };
    switch (d.type) {
      case 'scanner':
        return { ...base, slot: newSlot(id, d.type, (lost) => openSerialScanner(serial, lineOptions(d), d.framing, ctx, lost), describeSerialFailure) };
      case 'msr':
        return {
          ...base,
          slot: newSlot(id, d.type, (lost) => openSerialMsr(serial, d, options.lookupSecret, config.loyaltyCard, ctx, lost), describeSerialFailure),
        };
      case 'payment-terminal': {
        const slot = newSlot<PaymentSession>(id, d.type, (lost) => openSerialPayment(serial, d, options.lookupSecret, ctx, lost), describeSerialFailure);
        return { ...base, slot, payment: slot };
      }
      case 'scale': {
        const slot = newSlot<ScaleSession>(id, d.type, (lost) => openSerialScale(serial, d, ctx, lost), describeSerialFailure);
        return { ...base, slot, scale: slot };
      }
    }
  }

  const hidClaims = {
    isClaimed: (path: string) => claimedHidPaths.has(path),
    claim: (path: string) => void claimedHidPaths.add(path),
    release: (path: string) => void claimedHidPaths.delete(path),
  };

  function autoSerialEntry(id: string, identity: SerialIdentity, path: string): Entry {
    const ctx = contextFor(id);
    const a = config.autoDetect;
    const slot = newSlot(
      id,
      'scanner',
      async (lost) => {
        // The tty name may have changed since the scanner was last seen: find it again.
        const port = findSerialPort(await serial.list(), identity);
        if (!port) throw new Error('ENOENT: port not present');
        return openSerialScanner(serial, { path: port.path, baudRate: a.serialBaudRate, dataBits: 8, parity: 'none', stopBits: 1 }, a.serialFraming, ctx, lost);
      },
      describeSerialFailure,
    );
    return { id, type: 'scanner', transport: 'serial', address: path, origin: 'auto', slot, lastEventAt: null, path };
  }

  function autoHidEntry(id: string, identity: HidIdentity): Entry {
    const ctx = contextFor(id);
    const slot = newSlot(
      id,
      'scanner',
      (lost) => openHidScanner(hid, identity, { maxFrameLength: 4096, charset: 'utf8' }, ctx, lost, hidClaims),
      describeHidFailure,
    );
    return { id, type: 'scanner', transport: 'hid', address: hidAddress(identity), origin: 'auto', slot, lastEventAt: null, hidIdentity: identity };
  }

  function reportDiscoveryFailure(kind: string, err: unknown): void {
    // Once per kind until it works again: a rescan every few seconds must not flood the log.
    if (discoveryFailures.has(kind)) return;
    discoveryFailures.add(kind);
    internalError(new Error(`${kind} discovery failed: ${err instanceof Error ? err.message : String(err)}`));
  }

  async function rescan(): Promise<void> {
    const a = config.autoDetect;
    const found: Entry[] = [];
    if (a.serial) {
      try {
        const ports = await serial.list();
        discoveryFailures.delete('serial');
        const taken = new Set<string>();
        for (const e of entries.values()) if (e.transport === 'serial' && e.path) taken.add(await resolvePath(e.path));
        for (const c of serialCandidates(ports, vendorIds)) {
          if (entries.has(c.id) || taken.has(await resolvePath(c.path))) continue;
          found.push(autoSerialEntry(c.id, c.identity, c.path));
        }
      } catch (err) {
        reportDiscoveryFailure('serial', err);
      }
    }
    if (a.hid) {
      try {
        const devices = await hid.list();
        discoveryFailures.delete('hid');
        for (const c of hidCandidates(devices)) {
          if (entries.has(c.id) || claimedHidPaths.has(c.path)) continue;
          // A known scanner that is away will find this device itself on its next retry.
          const info = devices.find((d) => d.path === c.path);
          const waiting = [...entries.values()].some(
            (e) => e.hidIdentity && e.slot.status !== 'connected' && e.slot.status !== 'disabled' && info && matchesIdentity(info, e.hidIdentity),
          );
          if (!waiting) found.push(autoHidEntry(c.id, c.identity));
        }
      } catch (err) {
        reportDiscoveryFailure('hid', err);
      }
    }
    // Added and started in one synchronous step, so that stop() cannot miss one.
    if (!running) return;
    const added = found.filter((e) => !entries.has(e.id));
    for (const e of added) entries.set(e.id, e);
    await Promise.all(added.map((e) => e.slot.start()));
  }

  function scheduleRescan(): void {
    if (!running || (!config.autoDetect.serial && !config.autoDetect.hid)) return;
    rescanTimer = clock.setTimeout(() => {
      rescanTimer = undefined;
      rescan().catch(internalError).finally(scheduleRescan);
    }, config.autoDetect.rescanIntervalMs);
  }

  return {
    async start() {
      if (running) return;
      running = true;
      discoveryFailures = new Set();
      entries.clear();
      const starting: Promise<void>[] = [];
      for (const d of config.devices) {
        const entry = entryFromConfig(d);
        entries.set(entry.id, entry);
        if (d.enabled) starting.push(entry.slot.start());
        else entry.slot.markDisabled();
      }
      await Promise.all(starting);
      if (config.autoDetect.serial || config.autoDetect.hid) {
        await rescan().catch(internalError);
        scheduleRescan();
      }
    },

    async stop() {
      running = false;
      if (rescanTimer !== undefined) {
        clock.clearTimeout(rescanTimer);
        rescanTimer = undefined;
      }
      await Promise.all([...entries.values()].map((e) => e.slot.stop().catch(internalError)));
    },

    list() {
      return [...entries.values()].map((e) => {
        const info: DeviceInfo = {
          id: e.id,
          type: e.type,
          transport: e.transport,
          address: e.address,
          origin: e.origin,
          status: e.slot.status,
          lastEventAt: e.lastEventAt,
        };
        if (e.slot.detail && e.slot.status !== 'connected') info.detail = e.slot.detail;
        return info;
      });
    },

    on(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },

    paymentTerminal(deviceId) {
      const current = () => (deviceId === undefined ? [...entries.values()].find((e) => e.payment) : entries.get(deviceId))?.payment?.current?.terminal;
      const unavailable: PaymentResult = { approved: false, declineReason: 'terminal-unavailable' };
      return {
        pay(amountKopecks: number, receiptId: string): Promise<PaymentResult> {
          return current()?.pay(amountKopecks, receiptId) ?? Promise.resolve({ ...unavailable });
        },
        refund(amountKopecks: number, receiptId: string, originalRrn: string): Promise<PaymentResult> {
          return current()?.refund(amountKopecks, receiptId, originalRrn) ?? Promise.resolve({ ...unavailable });
        },
        readCard(requestId: string): Promise<CardReadResult> {
          return current()?.readCard(requestId) ?? Promise.resolve({ ok: false, reason: 'terminal-unavailable' });
        },
      };
    },

    scale(deviceId) {
      return {
        weigh(opts) {
          const entry = deviceId === undefined ? [...entries.values()].find((e) => e.scale) : entries.get(deviceId);
          return entry?.scale?.current?.scale.weigh(opts) ?? Promise.resolve({ ok: false, code: 'offline' });
        },
      };
    },
  };
}

function hidAddress(id: HidIdentity): string {
  const hex = (n: number) => n.toString(16).padStart(4, '0');
  return `${hex(id.vendorId)}:${hex(id.productId)}${id.serialNumber ? `:${id.serialNumber}` : ''}`;
}
