/**
 * The chosen language, kept outside React so that the API clients can read it on every request.
 * zh-Hans is the default; the choice is remembered in localStorage and told to Django twice: as the
 * Accept-Language header of every request and as the `django_language` cookie (which LocaleMiddleware reads
 * first, so pages Django renders itself and the websocket follow it too).
 */
export type Lang = 'zh-Hans' | 'en';

export const LANGS: readonly Lang[] = ['zh-Hans', 'en'];
const STORAGE_KEY = 'huzhu.lang';
const listeners = new Set<(lang: Lang) => void>();

function initial(): Lang {
  try {
    const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
    if (saved === 'en' || saved === 'zh-Hans') return saved;
  } catch {
    // storage blocked (private mode): fall back to the default
  }
  return 'zh-Hans';
}

let current: Lang = initial();

export function getLang(): Lang {
  return current;
}

/** The Accept-Language value Django's LocaleMiddleware understands for `lang`. */
export function acceptLanguage(lang: Lang = current): string {
  return lang === 'en' ? 'en' : 'zh-Hans,zh;q=0.9';
}

/** Django's language code (settings.LANGUAGES) for `lang`. */
export function djangoLanguage(lang: Lang = current): string {
  return lang === 'en' ? 'en' : 'zh-hans';
}

export function applyLang(lang: Lang): void {
  if (typeof document !== 'undefined') {
    document.documentElement.lang = lang;
    document.cookie = `django_language=${djangoLanguage(lang)}; path=/; max-age=31536000; SameSite=Lax`;
  }
}

export function setLang(lang: Lang): void {
  if (lang === current) return;
  current = lang;
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, lang);
  } catch {
    // not remembered, still applied
  }
  applyLang(lang);
  listeners.forEach((fn) => fn(lang));
}

export function subscribeLang(fn: (lang: Lang) => void): () => void {
  listeners.add(fn);
  return () => {
    listeners.delete(fn);
  };
}
