/**
 * Time as the drivers see it. Injected so that tests can drive inter-byte timeouts and
 * reconnect backoff without sleeping.
 */
export type TimerHandle = unknown;

export interface Clock {
  /** Milliseconds since the epoch (integer), used for event timestamps. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
};
