import { Button, Select, Space, Typography } from 'antd';
import { LeftOutlined, RightOutlined } from '@ant-design/icons';
import { useI18n } from '../i18n/I18nProvider';
import type { CursorPages } from '../hooks/useCursorPages';

export interface PageInfoLike {
  hasNextPage: boolean;
  endCursor?: string | null;
}

/** Previous / next buttons for a relay connection, the total count, and the page size (at most 100). */
export function CursorPager({
  pages,
  pageInfo,
  totalCount,
  sizes = [20, 50, 100],
}: {
  pages: CursorPages;
  pageInfo: PageInfoLike | null | undefined;
  totalCount: number | null | undefined;
  sizes?: number[];
}) {
  const { t } = useI18n();
  const totalPages = totalCount != null ? Math.max(1, Math.ceil(totalCount / pages.pageSize)) : null;
  return (
    <nav aria-label="pagination" style={{ display: 'flex', justifyContent: 'space-between', flexWrap: 'wrap', gap: 8, marginTop: 12 }}>
      <Typography.Text type="secondary">
        {totalCount != null ? t('app.total', { count: totalCount }) : null}
        {totalPages != null ? ` · ${pages.page} / ${totalPages}` : null}
      </Typography.Text>
      <Space wrap>
        <Button aria-label={t('app.prevPage')} icon={<LeftOutlined />} disabled={pages.page <= 1} onClick={pages.prev}>
          {t('app.prevPage')}
        </Button>
        <Button
          aria-label={t('app.nextPage')}
          disabled={!pageInfo?.hasNextPage}
          onClick={() => pages.next(pageInfo?.endCursor)}
        >
          {t('app.nextPage')} <RightOutlined />
        </Button>
        <Select
          aria-label={t('app.pageSize', { size: pages.pageSize })}
          value={pages.pageSize}
          onChange={pages.setPageSize}
          options={sizes.map((size) => ({ value: size, label: t('app.pageSize', { size }) }))}
          style={{ width: 120 }}
        />
      </Space>
    </nav>
  );
}
