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

/** Whether a key built at run time (e.g. from a server code) has a message. */
export function isMessageKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(zh, key);
}

/** `t(key)` for a key built at run time from a code the server may extend; `fallback` (the code) when it has no message. */
export function translateOr(t: Translate, key: string, fallback: string): string {
  return isMessageKey(key) ? t(key) : fallback;
}
