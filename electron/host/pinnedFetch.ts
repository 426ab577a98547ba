import { request } from 'node:http';
import { isIP } from 'node:net';
import { connect, type TLSSocket } from 'node:tls';

/**
 * HTTPS to the central server with its certificate pinned (issue 13, Transport): the till's
 * config names the SHA-256 fingerprint of the server's certificate (`serverCertSha256`), which
 * IT reads off the server (`openssl x509 -noout -fingerprint -sha256 -in cert.pem`). Then only a
 * server presenting exactly that certificate is spoken to: a store's self-signed certificate
 * works without any CA, and a man in the middle with any other certificate, even one a public
 * CA signed, is refused before a byte of the request (which carries the till's token) is sent.
 */
export class CertificatePinError extends Error {
  readonly code = 'server_certificate_mismatch';
}

/** A fingerprint as IT may copy it ("AB:CD:…", "abcd…", with spaces): 64 lower-case hex digits, or null. */
export function normaliseFingerprint(text: string): string | null {
  const hex = text.replace(/[\s:]/g, '').toLowerCase();
  return /^[0-9a-f]{64}$/.test(hex) ? hex : null;
}

const colons = (hex: string) => hex.toUpperCase().match(/../g)!.join(':');

/** A TLS connection to the server, whatever certificate it presents: the caller decides on it. */
/** Refused at first use: the certificate is neither CA-verified for the address nor pinned by IT. */
export class UntrustedCertificateError extends Error {
  readonly code = 'server_certificate_untrusted';
}

function openTls(url: URL, signal: AbortSignal | null | undefined, ca?: string): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    // The pin is the check: the certificate's chain and name are not what decides.
    const socket = connect({
      host,
      port: Number(url.port || 443),
      servername: isIP(host) ? undefined : host,
      rejectUnauthorized: false,
      ...(ca ? { ca } : {}),
      ALPNProtocols: ['http/1.1'],
    });
    const abort = () => socket.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal?.addEventListener('abort', abort, { once: true });
    socket.once('error', (err) => (signal?.removeEventListener('abort', abort), reject(err)));
    socket.once('secureConnect', () => (signal?.removeEventListener('abort', abort), resolve(socket)));
  });
}

const presented = (socket: TLSSocket) => normaliseFingerprint(socket.getPeerCertificate().fingerprint256 ?? '');

async function openPinned(url: URL, want: string, signal: AbortSignal | null | undefined): Promise<TLSSocket> {
  const socket = await openTls(url, signal);
  const got = presented(socket);
  if (got === want) return socket;
  socket.destroy();
  throw new CertificatePinError(
    `The server at ${url.host} presented a certificate (SHA-256 ${got ? colons(got) : 'none'}) that is not the one this till is pinned to (${colons(want)}). ` +
      'Nothing was sent. If the server’s certificate was replaced, IT updates serverCertSha256 in the till config, or re-enrols the till if it took the pin at enrolment; otherwise someone may be intercepting the store network.',
  );
}

/**
 * The SHA-256 fingerprint (64 hex digits) of the certificate an https:// server presents, read
 * without sending anything: the pin a till takes at enrolment when IT configured none. First use
 * still asks what a browser asks (a chain to a trusted CA, `ca` being a store CA IT configured,
 * and the address named in it), so pinning adds to that check instead of replacing it.
 */
export async function serverCertificate(url: URL, signal?: AbortSignal, ca?: string): Promise<string> {
  const socket = await openTls(url, signal, ca);
  const got = presented(socket);
  const { authorized, authorizationError } = socket;
  socket.destroy();
  if (!got) throw new Error(`The server at ${url.host} presented no certificate`);
  if (!authorized) {
    throw new UntrustedCertificateError(
      `The server at ${url.host} presented a certificate this till cannot verify (${String(authorizationError ?? 'untrusted')}; SHA-256 ${colons(got)}). ` +
        'Nothing was sent. For a store’s own certificate IT sets serverCertSha256 (its fingerprint) or serverCaPem in the till config.',
    );
  }
  return got;
}

/** A fetch for the till host that speaks HTTPS to a server with the pinned certificate only. */
export function pinnedFetch(fingerprint: string): typeof fetch {
  const want = normaliseFingerprint(fingerprint);
  if (!want) throw new Error('serverCertSha256 must be a SHA-256 fingerprint: 64 hex digits, colons allowed');
  return async (input, init = {}) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    if (url.protocol !== 'https:') {
      throw new CertificatePinError(
        `This till is pinned to its server's certificate and will not speak plain HTTP to ${url.origin}: use the https:// address.`,
      );
    }
    const body = init.body === undefined || init.body === null ? undefined : String(init.body);
    const socket = await openPinned(url, want, init.signal);
    return new Promise<Response>((resolve, reject) => {
      const req = request(
        url.href.replace(/^https:/, 'http:'),
        {
          method: init.method ?? 'GET',
          headers: Object.fromEntries(new Headers(init.headers)),
          createConnection: () => socket,
          signal: init.signal ?? undefined,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const headers = new Headers();
            for (const [k, v] of Object.entries(res.headers)) for (const one of [v ?? []].flat()) headers.append(k, one);
            const status = res.statusCode ?? 502;
            resolve(new Response(status === 204 || status === 304 ? null : Buffer.concat(chunks), { status, statusText: res.statusMessage, headers }));
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  };
}
