import { Button, Card, Space, Typography } from 'antd';
import { useI18n } from '../../i18n/I18nProvider';

/**
 * Rule settings for administrators. The rules (matching score weights, time-bank thresholds) are edited in the
 * Django admin until their GraphQL mutations land; this page says so and links there.
 */
export function RulesPage() {
  const { t } = useI18n();
  return (
    <Card title={t('admin.rulesTitle')}>
      <Space direction="vertical">
        <Typography.Paragraph>{t('admin.rulesBody')}</Typography.Paragraph>
        <Space wrap>
          <Button type="primary" href="/admin/" target="_blank">
            {t('admin.openAdmin')}
          </Button>
          <Button href="/admin/regions/region/" target="_blank">
            {t('admin.regions')}
          </Button>
        </Space>
      </Space>
    </Card>
  );
}
