import { DatePicker, Table, type TableColumnType } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { EmptyState } from '../../components/QueryState';
import { useI18n } from '../../i18n/I18nProvider';

/** A visit day range as the range picker gives it; either end may be open. */
export type VisitRange = [Dayjs | null, Dayjs | null] | null;

/** The query variables of a day range (open ends are null). */
export function visitRangeVariables(range: VisitRange) {
  return {
    visitedFrom: range?.[0]?.format('YYYY-MM-DD') ?? null,
    visitedTo: range?.[1]?.format('YYYY-MM-DD') ?? null,
  };
}

export function isRangeSet(range: VisitRange): boolean {
  return Boolean(range?.[0] || range?.[1]);
}

/** The from–to day picker of the visit lists (both ends optional). */
export function VisitRangePicker({ value, onChange }: { value: VisitRange; onChange: (range: VisitRange) => void }) {
  const { t } = useI18n();
  return (
    <DatePicker.RangePicker
      aria-label={t('visits.dateRange')}
      placeholder={[t('visits.from'), t('visits.to')]}
      allowEmpty={[true, true]}
      value={value}
      onChange={onChange}
    />
  );
}

type VisitRow = { id: string; visitedAt: string; notes: string };

/** A page of visits: when, the caller's middle column (who or which household), notes. */
export function VisitTable<V extends VisitRow>({
  visits,
  fetching,
  emptyText,
  scrollX,
  middle,
}: {
  visits: V[];
  fetching: boolean;
  emptyText: string;
  scrollX: number;
  middle: TableColumnType<V>;
}) {
  const { t } = useI18n();
  return (
    <Table<V>
      rowKey="id"
      size="small"
      loading={fetching}
      dataSource={visits}
      pagination={false}
      scroll={{ x: scrollX }}
      locale={{ emptyText: fetching ? ' ' : <EmptyState description={emptyText} /> }}
      columns={[
        {
          title: t('hh.visitedAt'),
          key: 'at',
          width: 150,
          render: (_: unknown, v: V) => dayjs(v.visitedAt).format('YYYY-MM-DD HH:mm'),
        },
        middle,
        {
          title: t('hh.notes'),
          key: 'notes',
          render: (_: unknown, v: V) => <span style={{ whiteSpace: 'pre-wrap' }}>{v.notes || '—'}</span>,
        },
      ]}
    />
  );
}
