/** Money is integer fen carried as a string of digits (the Fen scalar); time is integer minutes. No floats. */
import type { Lang } from './language';

export function formatFen(fen: string | null | undefined): string {
  if (fen == null || fen === '') return '';
  const negative = fen.startsWith('-');
  const digits = (negative ? fen.slice(1) : fen).replace(/^0+(?=\d)/, '').padStart(3, '0');
  const yuan = digits.slice(0, -2).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}¥${yuan}.${digits.slice(-2)}`;
}

/** "12.5" or "12.50" yuan → "1250" fen; null when it is not a non-negative amount with at most 2 decimals. */
export function yuanToFen(input: string): string | null {
  const m = /^\s*(\d{1,16})(?:\.(\d{1,2}))?\s*$/.exec(input);
  if (!m) return null;
  const fen = `${m[1]}${(m[2] ?? '').padEnd(2, '0')}`.replace(/^0+(?=\d)/, '');
  return fen;
}

export function formatMinutes(minutes: number | null | undefined, lang: Lang): string {
  if (minutes == null) return '';
  const sign = minutes < 0 ? '-' : '';
  const abs = Math.abs(minutes);
  const h = Math.floor(abs / 60);
  const m = abs % 60;
  if (lang === 'en') return `${sign}${h ? `${h} h` : ''}${h && m ? ' ' : ''}${m || !h ? `${m} min` : ''}`;
  return `${sign}${h ? `${h} 小时` : ''}${m || !h ? `${m} 分钟` : ''}`;
}
