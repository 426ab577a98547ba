/** Reconnect delays: exponential, capped, with jitter so that many tills do not retry in step. */
export interface BackoffPolicy {
  /** Delay before the first retry, in ms. */
  baseMs: number;
  /** No delay exceeds this, in ms. */
  maxMs: number;
  /** 0..1: the share of each delay that is randomised (0 = none). */
  jitter: number;
}

/**
 * The delay before retry number `attempt` (0-based). The result lies in
 * [d * (1 - jitter), d] where d = min(maxMs, baseMs * 2^attempt).
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const exp = Math.min(Math.max(0, Math.floor(attempt)), 30);
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** exp);
  const jitter = Math.min(1, Math.max(0, policy.jitter));
  const r = Math.min(1, Math.max(0, random()));
  return Math.max(0, Math.round(ceiling * (1 - jitter * r)));
}
