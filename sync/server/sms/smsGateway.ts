import { z } from 'zod';

/** One text message to one phone. The gateway never logs or returns the text: it holds a code. */
export interface SmsMessage {
  /** E.164. */
  to: string;
  text: string;
}

/** Where one-time codes leave the server: a chain's SMS provider, or a fake in tests and the demo. */
export interface SmsGateway {
  /** Resolves once the provider accepted the message; rejects with SmsGatewayError otherwise. */
  send(message: SmsMessage): Promise<void>;
}

export class SmsGatewayError extends Error {
  constructor(
    message: string,
    /** true: the provider may take it later (a timeout, a 5xx, 429); false: the configuration is wrong. */
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/**
 * A chain's HTTP SMS provider, as head office configures it. The URL must be https except on
 * the loopback (a local relay, the demo's fake provider); the token is a bearer credential.
 */
export const HttpSmsGatewayConfig = z
  .object({
    kind: z.literal('http'),
    url: z
      .url({ protocol: /^https?$/ })
      .max(500)
      .refine((u) => u.startsWith('https://') || /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//.test(u), {
        message: 'an SMS provider is reached over https (http only on this machine)',
      }),
    token: z
      .string()
      .min(8)
      .max(500)
      .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces'),
    /** The sender name registered with the provider (Latin letters, digits, up to 11; or a number). */
    sender: z.string().regex(/^(?:[A-Za-z0-9 ._-]{1,11}|\+?\d{3,15})$/, 'up to 11 Latin letters and digits, or a number'),
    timeoutMs: z.number().int().min(500).max(30_000).default(5_000),
  })
  .strict();
export type HttpSmsGatewayConfig = z.infer<typeof HttpSmsGatewayConfig>;

export const SmsGatewayConfig = HttpSmsGatewayConfig;
export type SmsGatewayConfig = HttpSmsGatewayConfig;

/**
 * The provider API: `POST {url}` with `Authorization: Bearer {token}` and the JSON body
 * `{"from": sender, "to": "+7…", "text": "…"}`; any 2xx is accepted. Most Russian providers
 * (SMS Aero, SMSC, MTS Exolve) take this shape directly or through a small relay.
 */
export class HttpSmsGateway implements SmsGateway {
  constructor(
    private readonly config: HttpSmsGatewayConfig,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  async send({ to, text }: SmsMessage): Promise<void> {
    let res: Response;
    try {
      res = await this.fetchImpl(this.config.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.config.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ from: this.config.sender, to, text }),
        signal: AbortSignal.timeout(this.config.timeoutMs),
        redirect: 'error',
      });
    } catch {
      throw new SmsGatewayError('The SMS provider did not answer.', true);
    }
    await res.body?.cancel().catch(() => undefined);
    if (res.ok) return;
    const retryable = res.status === 429 || res.status >= 500;
    throw new SmsGatewayError(`The SMS provider answered ${res.status}.`, retryable);
  }
}

export function gatewayFor(config: SmsGatewayConfig, fetchImpl?: typeof fetch): SmsGateway {
  return new HttpSmsGateway(config, fetchImpl);
}
