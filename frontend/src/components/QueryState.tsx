import { Alert, Button, Empty, Result, Spin } from 'antd';
import type { ReactNode } from 'react';
import type { CombinedError } from 'urql';
import { useI18n } from '../i18n/I18nProvider';
import { combinedErrorMessage } from '../hooks/fieldErrors';

/** The error state of a list or page: what went wrong and a retry button. */
export function ErrorState({ error, onRetry }: { error: CombinedError | Error; onRetry?: () => void }) {
  const { t } = useI18n();
  const message =
    'graphQLErrors' in error ? combinedErrorMessage(error, t('app.networkError')) : error.message || t('app.error');
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      message={t('app.error')}
      description={message}
      action={
        onRetry ? (
          <Button size="small" onClick={onRetry}>
            {t('app.retry')}
          </Button>
        ) : undefined
      }
    />
  );
}

/** The empty state of a list: a short sentence that says why, and optionally what to do. */
export function EmptyState({ description, children }: { description?: ReactNode; children?: ReactNode }) {
  const { t } = useI18n();
  return (
    <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={description ?? t('app.empty')}>
      {children}
    </Empty>
  );
}

export function PageLoading() {
  const { t } = useI18n();
  return (
    <div style={{ padding: 48, textAlign: 'center' }} aria-busy="true">
      <Spin tip={t('app.loading')}>
        <div style={{ minHeight: 48 }} />
      </Spin>
    </div>
  );
}

export function NotFound() {
  const { t } = useI18n();
  return <Result status="404" title="404" subTitle={t('app.notFound')} extra={<a href="/">{t('app.backHome')}</a>} />;
}
