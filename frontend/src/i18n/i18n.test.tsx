import { describe, expect, it, beforeEach } from 'vitest';
import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { en, zh } from './messages';
import { translator } from './translate';
import { acceptLanguage, getLang, setLang } from './language';
import { I18nProvider, useI18n } from './I18nProvider';
import { LanguageSwitch } from './LanguageSwitch';
import { DatePicker } from 'antd';

describe('messages', () => {
  it('has an English string for every Chinese one, and no English-only key', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort());
    for (const [key, text] of Object.entries(en)) expect(text, key).not.toBe('');
  });

  it('keeps the same placeholders in both languages', () => {
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(zh) as (keyof typeof zh)[]) expect(names(en[key]), key).toEqual(names(zh[key]));
  });
});

describe('translator', () => {
  it('fills placeholders and leaves unknown ones alone', () => {
    expect(translator('zh-Hans')('app.total', { count: 42 })).toBe('共 42 条');
    expect(translator('en')('app.total', { count: 42 })).toBe('42 in total');
    expect(translator('en')('app.total')).toBe('{count} in total');
  });
});

function Probe() {
  const { t } = useI18n();
  return <p>{t('auth.login')}</p>;
}

describe('LanguageSwitch', () => {
  beforeEach(() => {
    act(() => setLang('zh-Hans'));
  });

  it('starts in Chinese and switches the app, the Accept-Language header and Django’s cookie to English', async () => {
    render(
      <I18nProvider>
        <LanguageSwitch />
        <Probe />
      </I18nProvider>,
    );
    expect(screen.getByText('登录')).toBeInTheDocument();
    expect(acceptLanguage()).toMatch(/^zh-Hans/);

    await userEvent.click(screen.getByText('EN'));

    expect(screen.getByText('Log in')).toBeInTheDocument();
    expect(getLang()).toBe('en');
    expect(acceptLanguage()).toBe('en');
    expect(document.documentElement.lang).toBe('en');
    expect(document.cookie).toContain('django_language=en');
    expect(localStorage.getItem('huzhu.lang')).toBe('en');

    await userEvent.click(screen.getByText('中文'));
    expect(screen.getByText('登录')).toBeInTheDocument();
    expect(document.cookie).toContain('django_language=zh-hans');
  });
});

describe('antd locale', () => {
  beforeEach(() => {
    act(() => setLang('zh-Hans'));
  });

  it('gives antd’s own components (a date picker) Chinese first and English after the switch', async () => {
    render(
      <I18nProvider>
        <LanguageSwitch />
        <DatePicker />
      </I18nProvider>,
    );
    expect(screen.getByPlaceholderText('请选择日期')).toBeInTheDocument();
    await userEvent.click(screen.getByText('EN'));
    expect(screen.getByPlaceholderText('Select date')).toBeInTheDocument();
  });
});
