import { Tag, type TableColumnType } from 'antd';
import type { CharityProjectStatus } from '../../gql/graphql';
import { formatFen } from '../../i18n/format';
import type { Translate } from '../../i18n/translate';
import { PROJECT_STATUS, STATUS_COLOR, lbl } from './text';

type ListRow = {
  status: CharityProjectStatus;
  region: { name: string };
  requestedFen: string;
  funding: { grantFen: string };
};

/** The columns both project lists show (staff 项目 and the applicant's 我的项目): status, region, requested, grant. */
export function projectListColumns<R extends ListRow>(t: Translate) {
  const status: TableColumnType<R> = {
    title: t('proj.list.status'),
    key: 'status',
    render: (_v, r) => <Tag color={STATUS_COLOR[r.status]}>{lbl(PROJECT_STATUS, r.status, t)}</Tag>,
  };
  const region: TableColumnType<R> = { title: t('proj.list.region'), key: 'region', render: (_v, r) => r.region.name };
  const requested: TableColumnType<R> = {
    title: t('proj.list.requested'),
    key: 'req',
    align: 'right',
    render: (_v, r) => formatFen(r.requestedFen),
  };
  const grant: TableColumnType<R> = {
    title: t('proj.list.grant'),
    key: 'grant',
    align: 'right',
    render: (_v, r) => (r.funding.grantFen !== '0' ? formatFen(r.funding.grantFen) : '—'),
  };
  return { status, region, requested, grant };
}
