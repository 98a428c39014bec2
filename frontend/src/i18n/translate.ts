import { en, zh, type MessageKey } from './messages';
import type { Lang } from './language';

export type Params = Record<string, string | number>;
export type Translate = (key: MessageKey, params?: Params) => string;

export function translator(lang: Lang): Translate {
  const table: Record<MessageKey, string> = lang === 'en' ? en : zh;
  return (key, params) => {
    const text = table[key] ?? key;
    if (!params) return text;
    return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
      Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
    );
  };
}
