import { Segmented } from 'antd';
import { useI18n } from './I18nProvider';
import type { Lang } from './language';

/** 中文 / English; changing it re-renders the app and makes the next requests ask Django for that language. */
export function LanguageSwitch({ size = 'middle' }: { size?: 'small' | 'middle' | 'large' }) {
  const { lang, setLang, t } = useI18n();
  return (
    <Segmented<Lang>
      aria-label={t('app.language')}
      size={size}
      value={lang}
      onChange={(value) => setLang(value)}
      options={[
        { label: '中文', value: 'zh-Hans' },
        { label: 'EN', value: 'en' },
      ]}
    />
  );
}
