import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { allauth, allauthFieldErrors, verificationPending } from './allauth';
import { setLang } from '../i18n/language';

function clearCookies() {
  for (const c of document.cookie.split(';')) {
    const name = c.split('=')[0]?.trim();
    if (name) document.cookie = `${name}=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/`;
  }
}

describe('allauth headless browser client', () => {
  const fetchMock = vi.fn();
  beforeEach(() => {
    clearCookies();
    setLang('zh-Hans');
    fetchMock.mockReset();
    vi.stubGlobal('fetch', fetchMock);
  });
  afterEach(() => vi.unstubAllGlobals());

  it('gets the CSRF cookie first, then posts the login with X-CSRFToken and the language', async () => {
    fetchMock.mockImplementation(async (url: string) => {
      if (url.endsWith('/config')) {
        document.cookie = 'csrftoken=tok123; path=/';
        return new Response('{"status":200,"data":{}}');
      }
      return new Response('{"status":200,"data":{"user":{"id":1,"email":"a@b.c"}},"meta":{"is_authenticated":true}}');
    });
    const res = await allauth.login('a@b.c', 'pw');
    expect(res.status).toBe(200);
    expect(fetchMock.mock.calls.map((c) => c[0])).toEqual([
      '/_allauth/browser/v1/config',
      '/_allauth/browser/v1/auth/login',
    ]);
    const init = fetchMock.mock.calls[1]?.[1] as RequestInit;
    const headers = init.headers as Record<string, string>;
    expect(init.method).toBe('POST');
    expect(headers['X-CSRFToken']).toBe('tok123');
    expect(headers['Accept-Language']).toMatch(/^zh-Hans/);
    expect(JSON.parse(String(init.body))).toEqual({ email: 'a@b.c', password: 'pw' });
  });

  it('re-reads the token for every request (login rotates it) and sends keys in allauth’s headers', async () => {
    document.cookie = 'csrftoken=first; path=/';
    fetchMock.mockResolvedValue(new Response('{"status":200,"data":{"email":"x@y.z"}}'));
    await allauth.getEmailVerification('k-1');
    const getHeaders = fetchMock.mock.calls[0]?.[1]?.headers as Record<string, string>;
    expect(getHeaders['X-Email-Verification-Key']).toBe('k-1');
    expect(getHeaders['X-CSRFToken']).toBeUndefined(); // a GET needs none

    document.cookie = 'csrftoken=second; path=/';
    fetchMock.mockResolvedValue(new Response('{"status":401,"data":{"flows":[]}}'));
    await allauth.verifyEmail('k-1');
    const postHeaders = fetchMock.mock.calls[1]?.[1]?.headers as Record<string, string>;
    expect(postHeaders['X-CSRFToken']).toBe('second');
  });

  it('turns a non-JSON answer (Django’s CSRF 403 page) into an error response instead of throwing', async () => {
    document.cookie = 'csrftoken=t; path=/';
    fetchMock.mockResolvedValue(new Response('<html>CSRF verification failed</html>', { status: 403, statusText: 'Forbidden' }));
    const res = await allauth.logout();
    expect(res.status).toBe(403);
    expect(res.errors?.[0]?.message).toBe('Forbidden');
  });
});

describe('allauth responses', () => {
  it('recognises a pending email verification', () => {
    expect(verificationPending({ status: 401, data: { flows: [{ id: 'verify_email', is_pending: true }] } })).toBe(true);
    expect(verificationPending({ status: 401, data: { flows: [{ id: 'login' }] } })).toBe(false);
    expect(verificationPending({ status: 200, data: {} })).toBe(false);
  });

  it('splits errors by param', () => {
    expect(
      allauthFieldErrors([
        { code: 'invalid', message: 'bad email', param: 'email' },
        { code: 'too_many', message: 'slow down' },
      ]),
    ).toEqual({ fields: { email: ['bad email'] }, form: ['slow down'] });
  });
});
