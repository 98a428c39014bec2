/** Yuan typed by a person ↔ integer fen (a string of digits, the Fen scalar). No floats. */

/**
 * "12.5" → "1250", "-3" → "-300" (a negative amount goes to the server, which answers with its typed error);
 * null when the text is not an amount with at most 2 decimals and at most 12 digits before the point.
 */
export function parseYuan(input: string | null | undefined): string | null {
  const m = /^\s*(-?)(\d{1,12})(?:\.(\d{1,2}))?\s*$/.exec(input ?? '');
  if (!m) return null;
  const digits = `${m[2]}${(m[3] ?? '').padEnd(2, '0')}`.replace(/^0+(?=\d)/, '');
  return digits === '0' ? '0' : `${m[1]}${digits}`;
}

/** "1250" → "12.50": a stored amount shown in an input again (editing a draft). */
export function fenToYuan(fen: string | null | undefined): string {
  if (fen == null || fen === '') return '';
  const negative = fen.startsWith('-');
  const digits = (negative ? fen.slice(1) : fen).replace(/^0+(?=\d)/, '').padStart(3, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}
