import { createHash } from 'node:crypto';
import type { Clock } from '../clock';
import { vendorError } from './atolErrors';
import { AtolRequestResults, type AtolTask, type SubtaskStatus } from './atolWebSchemas';
import type { FiscalError } from './fiscalRegister';

/**
 * The ATOL web server's request queue over HTTP: POST /api/v2/requests {uuid, request},
 * then GET /api/v2/requests/{uuid} until the task is final. One task per request.
 */
export interface AtolWebClientOptions {
  /** Base URL of the driver's web server, e.g. http://127.0.0.1:16732. */
  url: string;
  /** Limit for one HTTP exchange. */
  requestTimeoutMs: number;
  /** Pause between two result polls. */
  pollIntervalMs: number;
  clock: Clock;
  fetch?: typeof fetch;
}

export type TaskOutcome = { kind: 'done'; result: unknown } | { kind: 'failed'; error: FiscalError };

/** Connection failures where the request certainly never reached the server. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

function networkCode(err: unknown): string {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'timeout';
    const cause = (err as { cause?: { code?: unknown } }).cause;
    if (cause && typeof cause.code === 'string') return cause.code;
  }
  return 'unknown';
}

function failed(error: FiscalError): TaskOutcome {
  return { kind: 'failed', error };
}

/**
 * A request id made from a stable key, shaped like a name-based UUID (version 5 layout),
 * so that asking again for the same receipt reaches the same task in the web server.
 */
export function stableUuid(key: string): string {
  const h = createHash('sha1').update(`loyalty-till/atol-web/${key}`).digest();
  h[6] = ((h[6] ?? 0) & 0x0f) | 0x50;
  h[8] = ((h[8] ?? 0) & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export class AtolWebClient {
  private readonly base: string;
  private readonly doFetch: typeof fetch;

  constructor(private readonly options: AtolWebClientOptions) {
    this.base = options.url.replace(/\/+$/, '');
    this.doFetch = options.fetch ?? globalThis.fetch;
  }

  /**
   * Queues a task. 'duplicate': the web server already holds a task with this uuid (a
   * retry after a crash), whose result is to be read rather than the task sent again.
   */
  async submit(uuid: string, task: AtolTask, mayChangeState: boolean): Promise<'accepted' | 'duplicate' | FiscalError> {
    let res: Response;
    try {
      res = await this.doFetch(`${this.base}/api/v2/requests`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ uuid, request: [task] }),
        signal: AbortSignal.timeout(this.options.requestTimeoutMs),
      });
    } catch (err) {
      const code = networkCode(err);
      const sent = !NOT_SENT.has(code);
      return {
        code: code === 'timeout' ? 'timeout' : 'offline',
        detail: `driver web server ${this.base}: ${code}`,
        // The request may have been taken in before the connection broke.
        outcomeUnknown: sent && mayChangeState,
      };
    }
    await res.body?.cancel().catch(() => undefined);
    if (res.status === 201 || res.status === 200) return 'accepted';
    if (res.status === 409) return 'duplicate';
    if (res.status === 400) return { code: 'invalidRequest', detail: 'driver web server refused the request envelope (HTTP 400)', outcomeUnknown: false };
    return { code: 'badAnswer', detail: `driver web server answered HTTP ${res.status} to a new task`, outcomeUnknown: false };
  }

  /** Polls the task until it is final or `timeoutMs` has passed. */
  async await(uuid: string, timeoutMs: number, mayChangeState: boolean): Promise<TaskOutcome> {
    const deadline = this.options.clock.now() + timeoutMs;
    let last: SubtaskStatus | 'unreachable';
    for (;;) {
      const polled = await this.poll(uuid, mayChangeState);
      if ('outcome' in polled) return polled.outcome;
      last = polled.status;
      if (this.options.clock.now() >= deadline) break;
      await this.sleep(this.options.pollIntervalMs);
    }
    // Still queued and never started: withdraw it, and the outcome is known.
    if (last === 'wait' && (await this.cancel(uuid))) {
      return failed({ code: 'timeout', detail: `task ${uuid} waited too long in the driver's queue and was withdrawn`, outcomeUnknown: false });
    }
    return failed({
      code: 'timeout',
      detail: `no final answer for task ${uuid} (last status: ${last})`,
      outcomeUnknown: mayChangeState,
    });
  }

  /** Submits and waits; a duplicate is waited for like a new task. */
  async run(uuid: string, task: AtolTask, timeoutMs: number, mayChangeState: boolean): Promise<TaskOutcome & { duplicate: boolean }> {
    const submitted = await this.submit(uuid, task, mayChangeState);
    if (typeof submitted !== 'string') return { ...failed(submitted), duplicate: false };
    return { ...(await this.await(uuid, timeoutMs, mayChangeState)), duplicate: submitted === 'duplicate' };
  }

  /** Withdraws a task that has not started. True when the web server confirmed it. */
  async cancel(uuid: string): Promise<boolean> {
    try {
      const res = await this.doFetch(`${this.base}/api/v2/requests/${encodeURIComponent(uuid)}`, {
        method: 'DELETE',
        signal: AbortSignal.timeout(this.options.requestTimeoutMs),
      });
      await res.body?.cancel().catch(() => undefined);
      return res.status === 200;
    } catch {
      return false;
    }
  }

  private async poll(uuid: string, mayChangeState: boolean): Promise<{ outcome: TaskOutcome } | { status: SubtaskStatus | 'unreachable' }> {
    let res: Response;
    let body: unknown;
    try {
      res = await this.doFetch(`${this.base}/api/v2/requests/${encodeURIComponent(uuid)}`, {
        signal: AbortSignal.timeout(this.options.requestTimeoutMs),
      });
      body = res.status === 200 ? await res.json() : await res.body?.cancel();
    } catch {
      // The web server may be restarting: its queue is kept, so keep asking until the deadline.
      return { status: 'unreachable' };
    }
    if (res.status === 404) {
      return {
        outcome: failed({ code: 'badAnswer', detail: `driver web server no longer knows task ${uuid}`, outcomeUnknown: mayChangeState }),
      };
    }
    if (res.status !== 200) return { status: 'unreachable' };
    const parsed = AtolRequestResults.safeParse(body);
    if (!parsed.success) {
      return {
        outcome: failed({
          code: 'badAnswer',
          detail: `unreadable task status: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
          outcomeUnknown: mayChangeState,
        }),
      };
    }
    const first = parsed.data.results[0];
    if (!first) return { status: 'unreachable' };
    switch (first.status) {
      case 'ready':
        return { outcome: { kind: 'done', result: first.result } };
      case 'error':
      case 'interrupted':
        return { outcome: failed(vendorError(first.errorCode, first.errorDescription)) };
      case 'canceled':
        return { outcome: failed({ code: 'deviceError', detail: `task ${uuid} was cancelled in the driver's queue`, outcomeUnknown: false }) };
      default:
        // wait, inProgress, blocked (the driver lost the register mid-document and is finding out what happened).
        return { status: first.status };
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.options.clock.setTimeout(resolve, ms));
  }
}
