/**
 * Typed mutation errors → antd Form fields.
 *
 * Every Huzhu mutation payload has `errors: [{ field, code, message }]`, where `field` is the camelCase
 * argument name (or a dotted path into an input object or list, e.g. `members.0.ageBand`), or null for the
 * whole input. The web app shows each message next to its field; what has no field on the form is shown
 * above the form.
 */
import { useCallback, useRef, useState } from 'react';
import type { FormInstance } from 'antd';
import type { CombinedError } from 'urql';

export interface PayloadError {
  field?: string | null;
  code: string;
  message: string;
}

export type FieldPath = (string | number)[];

export interface MappedErrors {
  fields: { name: FieldPath; errors: string[] }[];
  form: PayloadError[];
}

/** `members.0.ageBand` → ['members', 0, 'ageBand']; snake_case parts become camelCase like the form's names. */
export function fieldPath(field: string): FieldPath {
  return field
    .split('.')
    .filter((p) => p.length > 0)
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase())));
}

/**
 * Split payload errors into field errors (grouped per field) and form-level errors.
 * `aliases` renames a server field to the form's field (e.g. `regionId` → `region`); `known` lists the form's
 * top-level field names: an error for a field that is not on the form goes to the form level, never lost.
 */
export function mapPayloadErrors(
  errors: readonly PayloadError[] | null | undefined,
  options: { aliases?: Record<string, string>; known?: readonly string[] } = {},
): MappedErrors {
  const byField = new Map<string, { name: FieldPath; errors: string[] }>();
  const form: PayloadError[] = [];
  for (const error of errors ?? []) {
    if (!error.field) {
      form.push(error);
      continue;
    }
    const aliased = options.aliases?.[error.field] ?? error.field;
    const name = fieldPath(aliased);
    const head = name[0];
    if (head === undefined || (options.known && !options.known.includes(String(head)))) {
      form.push(error);
      continue;
    }
    const key = name.join('.');
    const entry = byField.get(key) ?? { name, errors: [] };
    entry.errors.push(error.message);
    byField.set(key, entry);
  }
  return { fields: [...byField.values()], form };
}

/** The message of a transport or top-level GraphQL error, for an Alert. */
export function combinedErrorMessage(error: CombinedError, fallback: string): string {
  if (error.networkError) return fallback;
  // one failing field in every row of a list repeats the same kind of message per row: show each once, at most 3
  const messages = [...new Set(error.graphQLErrors.map((e) => e.message).filter(Boolean))];
  if (!messages.length) return fallback;
  const shown = messages.slice(0, 3).join('；');
  return messages.length > 3 ? `${shown}；… (+${messages.length - 3})` : shown;
}

/**
 * For a form: `apply(payload.errors)` puts each message next to its field and returns true if there were
 * errors; `formErrors` holds the ones shown above the form; `clear()` on the next submit.
 */
export function useFieldErrors<T = unknown>(
  form: FormInstance<T>,
  options: { aliases?: Record<string, string>; known?: readonly string[] } = {},
) {
  const [formErrors, setFormErrors] = useState<string[]>([]);
  const shown = useRef<FieldPath[]>([]);
  const { aliases, known } = options;

  type Fields = Parameters<FormInstance<T>['setFields']>[0];

  /** Forget the errors of the last submit (the server's and the form-level ones) before the next one. */
  const clear = useCallback(() => {
    setFormErrors([]);
    if (shown.current.length) form.setFields(shown.current.map((name) => ({ name, errors: [] })) as unknown as Fields);
    shown.current = [];
  }, [form]);

  const apply = useCallback(
    (errors: readonly PayloadError[] | null | undefined): boolean => {
      const mapped = mapPayloadErrors(errors, { aliases, known });
      // antd's setFields is typed on the form's value shape; our paths come from the server at run time.
      form.setFields(mapped.fields as unknown as Fields);
      shown.current = mapped.fields.map((f) => f.name);
      setFormErrors(mapped.form.map((e) => e.message));
      return mapped.fields.length + mapped.form.length > 0;
    },
    [form, aliases, known],
  );

  const applyCombined = useCallback(
    (error: CombinedError, fallback: string) => setFormErrors([combinedErrorMessage(error, fallback)]),
    [],
  );

  return { apply, applyCombined, clear, formErrors, setFormErrors };
}
