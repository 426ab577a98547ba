import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManagerSession } from '../protocol/manager';
import { PushResponse } from '../protocol/events';
import type { EnrolResponse } from '../protocol/schemas';
import { routesOf, type RouteEntry } from './routeTable';
import { testDatabases } from './testing/databases';
import { consentChange, line, registration, sale } from './testing/events';
import { admin, startTestServer, type TestServer } from './testing/fixtures';

/*
 * Every route of the server, reached with and without each credential, with hostile bodies,
 * queries and path parameters: the answer is never a 5xx, and every error is {code, message}.
 * The routes come from the app itself, so a route added later is covered without listing it.
 */

type Auth = 'none' | 'wrong' | 'terminal' | 'manager' | 'admin';
const AUTHS: readonly Auth[] = ['none', 'wrong', 'terminal', 'manager', 'admin'];

const nested = (n: number, open: string, close: string, leaf = '1') => `${open.repeat(n)}${leaf}${close.repeat(n)}`;
const DEEP_ARRAY = nested(50_000, '[', ']');
const DEEP_OBJECT = nested(50_000, '{"a":', '}');

/** JSON texts (not values: "1e400" and lone-surrogate escapes only exist as text) the door must refuse with a 400. */
const DOOR_BODIES: readonly { what: string; text: string; codes: readonly string[] }[] = [
  { what: '50k nested arrays', text: DEEP_ARRAY, codes: ['body_too_deep'] },
  { what: '50k nested objects', text: DEEP_OBJECT, codes: ['body_too_deep'] },
  { what: 'deep inside a plausible body', text: `{"code":${nested(5_000, '[', ']')},"name":{"pin":${nested(40, '{"x":', '}')}}}`, codes: ['body_too_deep'] },
  { what: 'NUL', text: '{"code":"AAAAA-\\u0000","deviceName":"till","name":"a\\u0000b","pin":"1234"}', codes: ['invalid_text'] },
  {
    what: 'lone high surrogate',
    text: '{"code":"\\ud800AAAAA","deviceName":"\\ud800","name":"\\ud83d","pin":"1234","offers":["\\ud800"]}',
    codes: ['invalid_text'],
  },
  { what: 'lone low surrogate in a key', text: '{"\\udc00":1}', codes: ['invalid_text'] },
  {
    what: 'a card number',
    text: '{"code":"4111 1111 1111 1111","deviceName":"4111111111111111","name":"Иван 4276-3800-1234-5675"}',
    codes: ['card_number_in_text'],
  },
];

/** Other hostile JSON texts: any answer but a 5xx (some routes ignore bodies and answer 200). */
const OTHER_BODIES: readonly string[] = [
  'null',
  '[]',
  '"text"',
  '12',
  'true',
  '{}',
  '{"events":',
  '{"a":1e400}',
  '{"storeId":1e400,"ttlMinutes":-1e400}',
  '{"storeId":2147483648}',
  '{"storeId":9007199254740993}',
  '{"storeId":18446744073709551617}',
  '{"storeId":-0}',
  '{"amountKopecks":1e308,"customerId":"1","requestId":"6f1d3c2e-8a4b-4c5d-9e6f-0a1b2c3d4e5f","reason":"xxx"}',
  '{"pin":1234}',
  '{"pin":["1234"]}',
  '{"card":{"number":"1"}}',
  '{"offers":{}}',
  '{"offers":[null,1,"x",[]]}',
  '{"__proto__":{"admin":true}}',
  '{"constructor":{"prototype":{"x":1}}}',
  '{"events":[{"eventId":"x"}]}',
  `{"name":"${'x'.repeat(900_000)}"}`,
  '{"purpose":"marketing","publishedAt":"2025-13-45T99:99:99Z"}',
];

/** Values for path parameters and query strings (already URL-encoded). */
const PARAM_VALUES: readonly string[] = [
  // 19 nines: beyond a bigint, and no window of it passes Luhn (so the card check does not stop it first).
  '0',
  '-1',
  '2147483647',
  '2147483648',
  '4294967296',
  '9223372036854775807',
  '9223372036854775808',
  '9'.repeat(19),
  '18446744073709551616',
  '9'.repeat(40),
  '1e3',
  '1.5',
  'abc',
  "1'%20OR%20'1'%3D'1",
  '%00',
  '%ED%A0%80',
  '%F0',
  '%25',
  randomUUID(),
  'x'.repeat(255),
  '4111111111111111',
  '%E2%80%AE',
  '..%2F..%2Fetc%2Fpasswd',
];
/** For query strings, the values that reach parsing differently (numbers at type limits, encodings). */
const QUERY_VALUES: readonly string[] = [
  '-1',
  '0',
  '1.5',
  '2147483648',
  '9223372036854775808',
  '9'.repeat(19),
  '9'.repeat(40),
  '1e3',
  'abc',
  '%00',
  '%ED%A0%80',
  "1'%20OR%20'1'%3D'1",
  'x'.repeat(255),
];
const QUERY_KEYS = ['cursor', 'limit', 'card', 'phoneKey', 'bankKey', 'after', 'kind', 'chainId', 'date', 'status', 'q'] as const;

function urlFor(route: RouteEntry, param: (name: string) => string): string {
  return route.url.replace(/:([A-Za-z]+)/g, (_, name: string) => param(name));
}

/** A hostile JSON text, built as text so that it can hold what JSON.stringify never makes. */
const hostileJson: fc.Arbitrary<string> = (() => {
  const leaf = fc.oneof(
    fc.constantFrom(
      '1e400',
      '-1e400',
      '1e308',
      '9007199254740993',
      '18446744073709551617',
      '2147483648',
      '-2147483649',
      '0.5',
      '-0',
      'null',
      'true',
      '""',
      '"\\ud800"',
      '"a\\udc00"',
      '"\\u0000"',
      '"4111 1111 1111 1111"',
      `"${'9'.repeat(40)}"`,
      '"%00"',
      '"1234"',
      '"2468"',
      '"990000000017"',
      `"${randomUUID()}"`,
      '"2025-01-01"',
      '"2025-01-01T00:00:00Z"',
      '"sale"',
      '"registration"',
      '"+79161234567"',
      '"+70000000000"',
    ),
    fc.string({ maxLength: 20 }).map((s) => JSON.stringify(s)),
    fc.integer().map(String),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => JSON.stringify(n)),
  );
  const keys = [
    'code',
    'deviceName',
    'events',
    'eventId',
    'type',
    'pin',
    'card',
    'name',
    'storeId',
    'ttlMinutes',
    'offers',
    'requestId',
    'customerId',
    'amountKopecks',
    'reason',
    'personnelNo',
    'purpose',
    'publishedAt',
    'tiers',
    'id',
    'effect',
    'sale',
    'consents',
    'phone',
  ];
  const { value } = fc.letrec<{ value: string; array: string; object: string }>((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
    array: fc.array(tie('value'), { maxLength: 4 }).map((xs) => `[${xs.join(',')}]`),
    object: fc
      .array(fc.tuple(fc.constantFrom(...keys), tie('value')), { maxLength: 5 })
      .map((kv) => `{${kv.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
  }));
  return fc.oneof(value, fc.constantFrom(...OTHER_BODIES), fc.constantFrom(...DOOR_BODIES.map((b) => b.text)));
})();

describe.each(testDatabases())('every route against hostile input on $name', ({ open }) => {
  let s: TestServer;
  let till: EnrolResponse;
  let session: ManagerSession;
  let routes: readonly RouteEntry[];

  beforeAll(async () => {
    s = await startTestServer(open, { customers: 30 });
    till = await s.enrol(1);
    const made = await s.inject({ method: 'POST', url: '/api/v1/admin/stores/1/managers', headers: admin, payload: { name: 'Ирина', pin: '97531' } });
    expect(made.statusCode, made.body).toBe(200);
    const signed = await s.inject({
      method: 'POST',
      url: '/api/v1/manager/session',
      headers: { authorization: `Bearer ${till.token}` },
      payload: { pin: '97531' },
    });
    session = ManagerSession.parse(signed.json());
    routes = routesOf(s.app);
  });
  afterAll(async () => {
    await s?.close();
  });

  const headersFor = (auth: Auth): Record<string, string> => {
    switch (auth) {
      case 'none':
        return {};
      case 'wrong':
        return { authorization: `Bearer ${'A'.repeat(43)}`, 'x-manager-token': 'B'.repeat(43) };
      case 'terminal':
        return { authorization: `Bearer ${till.token}` };
      case 'manager':
        return { authorization: `Bearer ${till.token}`, 'x-manager-token': session.token };
      case 'admin':
        return admin;
    }
  };

  async function send(opts: InjectOptions): Promise<LightMyRequestResponse> {
    const res = await s.inject(opts);
    const what = `${opts.method} ${String(opts.url).slice(0, 120)} -> ${res.statusCode} ${res.body.slice(0, 200)}`;
    expect(res.statusCode, what).toBeLessThan(500);
    if (res.statusCode >= 400 && opts.method !== 'HEAD') {
      const body = res.json() as { code?: unknown; message?: unknown };
      expect(typeof body.code, what).toBe('string');
      expect(body.code, what).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(typeof body.message, what).toBe('string');
    }
    return res;
  }

  it('finds the whole API: every route family is reached', () => {
    const urls = new Set(routes.map((r) => r.url));
    for (const u of [
      '/api/v1/enrol',
      '/api/v1/push',
      '/api/v1/pull/customers',
      '/api/v1/manager/session',
      '/api/v1/admin/adjustments',
      '/api/v1/admin/customers/:customerId/consents',
      '/api/v1/admin/chains/:chainId/consent-texts/:version',
      '/admin/offers',
    ]) {
      expect(urls, u).toContain(u);
    }
    expect(routes.length).toBeGreaterThan(35);
  });

  it('refuses too-deep bodies, NUL, lone surrogates and card numbers with a 400 on every route that takes a body, with any credential', async () => {
    for (const route of routes.filter((r) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method))) {
      for (const auth of AUTHS) {
        for (const body of DOOR_BODIES) {
          const res = await send({
            method: route.method as InjectOptions['method'],
            url: urlFor(route, () => '1'),
            headers: { ...headersFor(auth), 'content-type': 'application/json' },
            payload: route.url === '/api/v1/push' ? `{"events":${body.text}}` : body.text,
          });
          const what = `${route.method} ${route.url} ${auth} ${body.what}`;
          if (route.url === '/api/v1/push' && body.codes[0] !== 'body_too_deep') {
            // A push screens texts event by event, after the credential; a batch that is not one is refused whole.
            expect(res.statusCode, what).toBe(auth === 'terminal' || auth === 'manager' ? 400 : 401);
            continue;
          }
          expect(res.statusCode, what).toBe(400);
          expect(body.codes, what).toContain(res.json().code);
        }
      }
    }
  });

  // The credential that gets a route past its guard, so that its own parsing is what is tested.
  const rightAuth = (route: RouteEntry): Auth => (route.url.startsWith('/api/v1/admin') ? 'admin' : 'manager');

  it('never answers 5xx to hostile path parameters, query values and other bodies on any route', async () => {
    for (const route of routes) {
      const method = route.method as InjectOptions['method'];
      for (const auth of ['none', rightAuth(route)] as const) {
        for (const value of PARAM_VALUES) await send({ method, url: urlFor(route, () => value), headers: headersFor(auth) });
        if (['POST', 'PUT', 'DELETE'].includes(route.method)) {
          for (const text of OTHER_BODIES) {
            await send({ method, url: urlFor(route, () => '2'), headers: { ...headersFor(auth), 'content-type': 'application/json' }, payload: text });
          }
        }
      }
      // One query parameter at a time: a route stops at its first bad one, which would hide the others.
      if (route.method === 'GET') {
        for (const key of QUERY_KEYS) {
          for (const value of QUERY_VALUES) await send({ method, url: `${urlFor(route, () => '1')}?${key}=${value}`, headers: headersFor(rightAuth(route)) });
        }
      }
    }
  });

  it('never answers 5xx to generated requests (property)', async () => {
    const request = fc.record({
      route: fc.constantFrom(...routes),
      auth: fc.constantFrom(...AUTHS),
      body: fc.option(hostileJson, { nil: undefined }),
      contentType: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', undefined),
      param: fc.constantFrom(...PARAM_VALUES, '1', '2'),
      query: fc.array(fc.tuple(fc.constantFrom(...QUERY_KEYS), fc.constantFrom(...PARAM_VALUES)), { maxLength: 3 }),
    });
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const query = r.query.map(([k, v]) => `${k}=${v}`).join('&');
        await send({
          method: r.route.method as InjectOptions['method'],
          url: `${urlFor(r.route, () => r.param)}${query ? `?${query}` : ''}`,
          headers: { ...headersFor(r.auth), ...(r.contentType ? { 'content-type': r.contentType } : {}) },
          ...(r.body === undefined ? {} : { payload: r.body }),
        });
      }),
      { numRuns: 400 },
    );
    // Still serving its tills.
    expect((await s.inject({ method: 'GET', url: '/api/v1/terminal', headers: headersFor('terminal') })).statusCode).toBe(200);
  });

  it('answers every generated hostile event in a push with a recorded rejection or an application, never a server error', async () => {
    const base = () => ({
      sale: sale({ customerId: '3', lines: [line(1), line(2)] }).event,
      registration: registration({ phone: '+79995550001' }),
      consent: consentChange('4', 'sms', true),
    });
    const mutation = fc.record({
      kind: fc.constantFrom('sale', 'registration', 'consent') as fc.Arbitrary<'sale' | 'registration' | 'consent'>,
      path: fc.constantFrom(
        'occurredAt',
        'sale.at.instant',
        'sale.at.timeZone',
        'sale.receiptId',
        'sale.lines.0.lineId',
        'sale.lines.0.quantityMilli',
        'sale.lines.0.unitPriceKopecks',
        'totals.payable',
        'phone',
        'birthday',
        'firstName',
        'email',
        'consents.0.textVersion',
        'consents.0.givenAt',
        'consent.givenAt',
        'consent.textVersion',
        'customerId',
        'cashierId',
      ),
      value: fc.oneof(
        fc.constantFrom(
          '9999-12-31T23:59:59Z',
          '1970-01-01T00:00:00Z',
          '2000-01-01T00:00:00+14:00',
          'Mars/Olympus',
          'Europe/Moscow\u0000',
          '\ud800',
          '4111 1111 1111 1111',
          '+70000000000',
          '+7916123456',
          '+89161234567',
          '1899-12-31',
          '2999-01-01',
          '2000-02-30',
          'pd-1999-99',
          '9223372036854775808',
          '2147483648',
          'x'.repeat(10_000),
          '',
        ),
        fc.constantFrom(1e308, -1, 2 ** 53, 0.5, Number.MAX_SAFE_INTEGER, null, true, [] as unknown[], {}),
        fc.string({ maxLength: 30 }),
        fc.date({ min: new Date('1800-01-01'), max: new Date('3000-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
      ),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 6 }), async (mutations) => {
        const events = mutations.map((m) => {
          const ev = structuredClone(base()[m.kind]) as Record<string, unknown>;
          ev.eventId = randomUUID();
          const parts = m.path.split('.');
          let at: Record<string, unknown> | undefined = ev;
          for (const p of parts.slice(0, -1)) at = at?.[p] as Record<string, unknown> | undefined;
          if (at && typeof at === 'object') at[parts.at(-1)!] = m.value;
          return ev;
        });
        const res = await send({ method: 'POST', url: '/api/v1/push', headers: headersFor('terminal'), payload: { events } });
        if (res.statusCode !== 200) return;
        for (const r of PushResponse.parse(res.json()).results) {
          expect(r.status === 'rejected' ? r.code : r.status, JSON.stringify(r)).not.toBe('server_error');
        }
      }),
      { numRuns: 150 },
    );
  });
});
