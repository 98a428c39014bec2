import type { AllauthError } from '../api/allauth';
import type { PayloadError } from '../hooks/fieldErrors';

/** allauth's `{param, code, message}` in the shape the form error hook takes. */
export function allauthToPayload(errors: readonly AllauthError[] | undefined): PayloadError[] {
  return (errors ?? []).map((e) => ({ field: e.param ?? null, code: e.code, message: e.message }));
}
