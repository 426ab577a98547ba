import type { DeviceEvent } from '../../core/scan';
import type { DeviceManager } from '../manager';

/** Resolves with the first event matching `match`, or rejects after `timeoutMs` (a wait limit, not an assertion on timing). */
export function nextEvent<E extends DeviceEvent>(manager: DeviceManager, match: (e: DeviceEvent) => e is E, what: string, timeoutMs?: number): Promise<E>;
export function nextEvent(manager: DeviceManager, match: (e: DeviceEvent) => boolean, what: string, timeoutMs?: number): Promise<DeviceEvent>;
export function nextEvent(manager: DeviceManager, match: (e: DeviceEvent) => boolean, what: string, timeoutMs = 5_000): Promise<DeviceEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${what} event within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = manager.on((e) => {
      if (!match(e)) return;
      clearTimeout(timer);
      off();
      resolve(e);
    });
  });
}
