import { describe, expect, it } from 'vitest';
import { readHostConfig } from './hostConfig';
import { createHostServices } from './hostServices';
import { checkServerAddress, isLoopbackHost } from './serverAddress';

describe('server addresses a till enrols with', () => {
  it('takes HTTPS anywhere and plain HTTP on this machine', () => {
    for (const url of [
      'https://10.0.0.5',
      'https://loyalty.example.ru:8443',
      'http://127.0.0.1:8787',
      'http://localhost:8787',
      'http://[::1]:8787',
      'http://127.3.4.5',
    ])
      expect(checkServerAddress(url, false), url).toEqual({ ok: true });
  });

  it('refuses plain HTTP on the network unless IT allowed it', () => {
    for (const url of ['http://10.0.0.5:8787', 'http://loyalty.store', 'http://127.0.0.1.evil.example', 'http://[fe80::1]:8787', 'HTTP://192.168.1.2']) {
      expect(checkServerAddress(url, false), url).toMatchObject({ ok: false, code: 'plain_http_refused' });
      expect(checkServerAddress(url, true), url).toEqual({ ok: true });
    }
  });

  it('knows loopback names', () => {
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('[::1]')).toBe(true);
    expect(isLoopbackHost('128.0.0.1')).toBe(false);
    expect(isLoopbackHost('localhost.example')).toBe(false);
  });
});

describe('enrolment with a plain-http server on the network', () => {
  it('is refused before any request unless the till config allows it', async () => {
    const sent: string[] = [];
    const stub = (async (url: string) => {
      sent.push(url);
      return new Response(JSON.stringify({ code: 'enrolment_code_invalid', message: 'no' }), { status: 400 });
    }) as unknown as typeof fetch;
    const none = { load: async () => null, save: async () => undefined, clear: async () => undefined };
    const refused = createHostServices({ mode: 'browser', credentials: none, fetch: stub });
    expect(await refused.handle({ op: 'enrol', serverUrl: 'http://10.0.0.5:8787', code: 'ABCDE-23456', deviceName: 'Касса 1' })).toMatchObject({
      ok: false,
      error: { code: 'plain_http_refused' },
    });
    expect(sent).toEqual([]);

    const config = readHostConfig({ LT_CONFIG: '/x.json' }, () => JSON.stringify({ allowPlainHttp: true }));
    expect(config.allowPlainHttp).toBe(true);
    expect(readHostConfig({ LT_CONFIG: '/x.json' }, () => null).allowPlainHttp).toBe(false);
    expect(readHostConfig({ LT_CONFIG: '/x.json', LT_ALLOW_PLAIN_HTTP: '1' }, () => null).allowPlainHttp).toBe(true);
    const allowed = createHostServices({ mode: 'browser', credentials: none, fetch: stub, allowPlainHttp: config.allowPlainHttp });
    // Allowed: the request goes out (and the server answers for the code).
    expect(await allowed.handle({ op: 'enrol', serverUrl: 'http://10.0.0.5:8787', code: 'ABCDE-23456', deviceName: 'Касса 1' })).toMatchObject({
      ok: false,
      error: { code: 'enrolment_code_invalid' },
    });
    expect(sent).toEqual(['http://10.0.0.5:8787/api/v1/enrol']);
  });
});
