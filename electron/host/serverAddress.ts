/**
 * Which server addresses a till may enrol with (issue 13, Transport): HTTPS anywhere; plain
 * HTTP only to this machine (a demo, a server beside the till), or elsewhere only when IT
 * allowed it in the till's config (`allowPlainHttp`), since on a store network anyone between
 * the till and the server could read the token and customers' data, or answer as the server.
 */
export type AddressVerdict = { ok: true } | { ok: false; code: 'plain_http_refused'; message: string };

/** 127.0.0.0/8, ::1 and localhost: traffic that never leaves the machine. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost') || h === '::1') return true;
  return /^127(\.\d{1,3}){3}$/.test(h);
}

export function checkServerAddress(url: string, allowPlainHttp: boolean): AddressVerdict {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not an address at all: the request schema or the fetch words that.
    return { ok: true };
  }
  if (parsed.protocol !== 'http:' || allowPlainHttp || isLoopbackHost(parsed.hostname)) return { ok: true };
  return {
    ok: false,
    code: 'plain_http_refused',
    message: `The server address ${parsed.origin} is plain HTTP on the network: use https:// (pin its certificate with serverCertSha256), or set "allowPlainHttp": true in the till's config if IT accepts the risk.`,
  };
}
