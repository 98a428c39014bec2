/**
 * django-allauth's headless browser API (`/_allauth/browser/v1/...`), session-cookie based.
 *
 * CSRF: every browser endpoint sets the `csrftoken` cookie (allauth calls get_token), and every unsafe request
 * must echo it in `X-CSRFToken`. Before the first POST we make sure the cookie exists with a GET of the
 * config endpoint. Login rotates the token, so it is re-read from the cookie for each request.
 */
import { acceptLanguage } from '../i18n/language';

const BASE = '/_allauth/browser/v1';

export interface AllauthError {
  message: string;
  code: string;
  param?: string;
}

export interface AllauthFlow {
  id: string;
  is_pending?: boolean;
}

export interface AllauthUser {
  id: number | string;
  email?: string;
  display?: string;
}

export interface AllauthResponse<D = unknown> {
  status: number;
  data?: D;
  errors?: AllauthError[];
  meta?: { is_authenticated?: boolean };
}

export interface SessionData {
  user?: AllauthUser;
  flows?: AllauthFlow[];
}

export interface EmailVerificationInfo {
  email: string;
  user?: AllauthUser;
}

export class AllauthNetworkError extends Error {}

export function readCookie(name: string): string | null {
  if (typeof document === 'undefined') return null;
  for (const part of document.cookie.split(';')) {
    const [k, ...rest] = part.trim().split('=');
    if (k === name) return decodeURIComponent(rest.join('='));
  }
  return null;
}

async function ensureCsrfCookie(): Promise<void> {
  if (readCookie('csrftoken')) return;
  await fetch(`${BASE}/config`, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
}

export async function allauthRequest<D = unknown>(
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<AllauthResponse<D>> {
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Accept-Language': acceptLanguage(),
    ...extraHeaders,
  };
  if (method !== 'GET') {
    await ensureCsrfCookie();
    const token = readCookie('csrftoken');
    if (token) headers['X-CSRFToken'] = token;
  }
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(`${BASE}${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new AllauthNetworkError(String(err));
  }
  let json: AllauthResponse<D>;
  try {
    json = (await response.json()) as AllauthResponse<D>;
  } catch {
    // e.g. Django's own 403 page when the CSRF check fails, or a proxy error
    json = { status: response.status, errors: [{ code: 'http_error', message: response.statusText || String(response.status) }] };
  }
  if (typeof json.status !== 'number') json.status = response.status;
  return json;
}

export const allauth = {
  session: () => allauthRequest<SessionData>('GET', '/auth/session'),
  login: (email: string, password: string) => allauthRequest<SessionData>('POST', '/auth/login', { email, password }),
  logout: () => allauthRequest('DELETE', '/auth/session'),
  signup: (email: string, password: string) => allauthRequest<SessionData>('POST', '/auth/signup', { email, password }),
  getEmailVerification: (key: string) =>
    allauthRequest<EmailVerificationInfo>('GET', '/auth/email/verify', undefined, { 'X-Email-Verification-Key': key }),
  verifyEmail: (key: string) => allauthRequest<SessionData>('POST', '/auth/email/verify', { key }),
  requestPasswordReset: (email: string) => allauthRequest('POST', '/auth/password/request', { email }),
  getPasswordReset: (key: string) =>
    allauthRequest<{ user?: AllauthUser }>('GET', '/auth/password/reset', undefined, { 'X-Password-Reset-Key': key }),
  resetPassword: (key: string, password: string) =>
    allauthRequest<SessionData>('POST', '/auth/password/reset', { key, password }),
};

/** True when the response says an email verification is pending (login or sign-up before verifying). */
export function verificationPending(res: AllauthResponse<SessionData>): boolean {
  return res.status === 401 && !!res.data?.flows?.some((f) => f.id === 'verify_email' && f.is_pending);
}

/** allauth's `param` is the input field's name (email, password, key) or absent for the whole form. */
export function allauthFieldErrors(errors: AllauthError[] | undefined): { fields: Record<string, string[]>; form: string[] } {
  const fields: Record<string, string[]> = {};
  const form: string[] = [];
  for (const e of errors ?? []) {
    if (e.param) (fields[e.param] ??= []).push(e.message);
    else form.push(e.message);
  }
  return { fields, form };
}
