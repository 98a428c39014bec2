import { Card, Flex, Typography } from 'antd';
import type { ReactNode } from 'react';
import { LanguageSwitch } from '../i18n/LanguageSwitch';
import { useI18n } from '../i18n/I18nProvider';

export function AuthLayout({ title, children }: { title: string; children: ReactNode }) {
  const { t } = useI18n();
  return (
    <main className="auth-page">
      <Flex justify="flex-end" style={{ padding: 12 }}>
        <LanguageSwitch size="small" />
      </Flex>
      <Flex vertical align="center" style={{ padding: '0 16px 48px' }}>
        <div className="auth-brand">
          <span className="auth-logo" aria-hidden="true">
            互
          </span>
          <div>
            <Typography.Title level={3} style={{ margin: 0 }}>
              {t('app.name')}
            </Typography.Title>
            <Typography.Text type="secondary">{t('app.tagline')}</Typography.Text>
          </div>
        </div>
        <Card style={{ width: '100%', maxWidth: 420 }}>
          <Typography.Title level={4} style={{ marginTop: 0 }}>
            {title}
          </Typography.Title>
          {children}
        </Card>
      </Flex>
    </main>
  );
}
