import type { DeviceEvent } from '../../core/scan';
import type { HostLog, LogLevel } from './hostLog';

/**
 * What the host log says about a device event. Scans and card reads are logged without
 * their text (which device, what kind, how long): enough for IT to see that a scanner
 * delivers, nothing a customer could be found by.
 */
export function describeDeviceEvent(e: DeviceEvent): { level: LogLevel; message: string } {
  switch (e.kind) {
    case 'status':
      return {
        level: e.status === 'error' ? 'error' : e.status === 'connected' || e.status === 'disabled' ? 'info' : 'warn',
        message: `device ${e.deviceId} (${e.deviceType}) ${e.status}${e.detail ? `: ${e.detail}` : ''}`,
      };
    case 'error':
      return { level: 'error', message: `device ${e.deviceId} error ${e.code}: ${e.message}` };
    case 'scan':
      return { level: 'info', message: `scan from ${e.deviceId} (${e.source}, ${e.symbology}, ${e.text.length} characters)` };
    case 'card':
      return {
        level: 'info',
        message: `card read on ${e.deviceId}: ${e.cardKind === 'bank' ? 'bank card (hashed at the driver)' : `loyalty card, ${e.cardNumber.length} digits`}`,
      };
  }
}

/** Feed a device source's events into the host log; returns the unsubscribe function. */
export function logDeviceEvents(source: { on(listener: (e: DeviceEvent) => void): () => void }, log: HostLog): () => void {
  return source.on((e) => {
    const { level, message } = describeDeviceEvent(e);
    log.add(level, message);
  });
}
