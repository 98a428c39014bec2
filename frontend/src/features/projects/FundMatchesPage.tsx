import { useCallback, useState } from 'react';
import { Alert, Badge, Button, Card, Descriptions, Form, Input, List, Modal, Segmented, Space, Tag, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { useMutation, useQuery, useSubscription } from 'urql';
import type { FundProposalFieldsFragment, ProjectFundProposalStatus } from '../../gql/graphql';
import { useMe } from '../../auth/MeProvider';
import { CursorPager } from '../../components/CursorPager';
import { EmptyState, ErrorState } from '../../components/QueryState';
import { combinedErrorMessage, useFieldErrors } from '../../hooks/fieldErrors';
import { useBurstReload } from '../../hooks/useConnectionQuery';
import { useCursorPages } from '../../hooks/useCursorPages';
import { useI18n } from '../../i18n/I18nProvider';
import { formatFen } from '../../i18n/format';
import {
  FundMatchDecidedLive,
  FundMatchProposedLive,
  FundProposalAcceptDocument,
  FundProposalRejectDocument,
  FundProposalsDocument,
} from './documents';
import { FUND_STATUS, PROJECT_STATUS, lbl, opts, reviewerRegionId } from './text';
import type { MessageKey } from '../../i18n/messages';

type Proposal = FundProposalFieldsFragment;
interface Component {
  code: string;
  points: number;
}

/** The score's parts; `components` is a JSON list (or a JSON string of one). */
export function parseComponents(raw: unknown): Component[] {
  let value: unknown = raw;
  for (let i = 0; i < 2 && typeof value === 'string'; i++) {
    try {
      value = JSON.parse(value);
    } catch {
      return [];
    }
  }
  return Array.isArray(value)
    ? value.filter((c): c is Component => !!c && typeof c === 'object' && 'code' in c && 'points' in c)
    : [];
}

/** Only foundation events (the workstation's own matches share the subscription); either shape of the event. */
function isFoundationEvent(event: unknown): boolean {
  const e = event as Record<string, unknown> | null;
  return !!e && (e.forFoundation === true || e.for_foundation === true);
}

/** Foundation reviewers: fund → project proposals with their explanation; accept, reject with a reason; live. */
export function FundMatchesPage() {
  const { t } = useI18n();
  const { me } = useMe();
  const regionId = reviewerRegionId(me?.roles ?? []);
  const pages = useCursorPages(20);
  const [status, setStatus] = useState<ProjectFundProposalStatus | 'all'>('proposed');
  const [{ data, fetching, error }, refetch] = useQuery({
    query: FundProposalsDocument,
    variables: { first: pages.first, after: pages.after, status: status === 'all' ? null : status },
    requestPolicy: 'cache-and-network',
  });
  const reload = useCallback(() => refetch({ requestPolicy: 'network-only' }), [refetch]);
  const reloadSoon = useBurstReload(reload, 300);
  const [liveCount, setLiveCount] = useState(0);
  useSubscription({ query: FundMatchProposedLive, variables: { regionId: regionId ?? '' }, pause: !regionId }, (_prev, event) => {
    if (isFoundationEvent(event.matchProposed)) {
      setLiveCount((c) => c + 1);
      reloadSoon();
    }
    return event;
  });
  useSubscription({ query: FundMatchDecidedLive, variables: { regionId: regionId ?? '' }, pause: !regionId }, (_prev, event) => {
    if (isFoundationEvent(event.matchDecided)) reloadSoon();
    return event;
  });

  const [notice, setNotice] = useState<{ type: 'success' | 'info'; text: string } | null>(null);
  const [cardErrors, setCardErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState<string | null>(null);
  const [, accept] = useMutation(FundProposalAcceptDocument);
  const onAccept = async (proposal: Proposal) => {
    setBusy(proposal.id);
    setCardErrors((e) => ({ ...e, [proposal.id]: '' }));
    const r = await accept({ proposalId: proposal.id });
    setBusy(null);
    if (r.error) return setCardErrors((e) => ({ ...e, [proposal.id]: combinedErrorMessage(r.error!, t('app.networkError')) }));
    const errs = r.data?.projectFundProposalAccept?.errors ?? [];
    if (errs.length) return setCardErrors((e) => ({ ...e, [proposal.id]: errs.map((x) => `${x.message} (${x.code})`).join('；') }));
    setNotice({ type: 'success', text: t('proj.fund.accepted', { project: proposal.project.name, amount: formatFen(proposal.amountFen) }) });
    reload();
  };

  const [rejecting, setRejecting] = useState<Proposal | null>(null);
  const [rejectForm] = Form.useForm<{ reason: string }>();
  const rejectErrors = useFieldErrors(rejectForm, { known: ['reason'] });
  const [rejectState, reject] = useMutation(FundProposalRejectDocument);
  const onReject = async (v: { reason: string }) => {
    if (!rejecting) return;
    rejectErrors.clear();
    const r = await reject({ proposalId: rejecting.id, reason: v.reason });
    if (r.error) return rejectErrors.applyCombined(r.error, t('app.networkError'));
    const payload = r.data?.projectFundProposalReject;
    if (rejectErrors.apply(payload?.errors)) return;
    const next = payload?.nextProposals ?? [];
    setNotice({
      type: 'info',
      text: next.length ? t('proj.fund.next', { labels: next.map((n) => `${n.fundLabel} (${n.score})`).join('、') }) : t('proj.fund.noNext'),
    });
    setRejecting(null);
    rejectForm.resetFields();
    reload();
  };

  const connection = data?.projectFundProposals;
  const items = connection?.edges.flatMap((e) => (e?.node ? [e.node] : [])) ?? [];
  return (
    <Card
      title={
        <Space>
          <h1 className="card-title">{t('proj.fund.title')}</h1>
          {regionId && <Badge status="processing" text={t('proj.fund.live')} />}
        </Space>
      }
    >
      <Typography.Paragraph type="secondary">{t('proj.fund.hint')}</Typography.Paragraph>
      {notice && <Alert type={notice.type} showIcon closable message={notice.text} onClose={() => setNotice(null)} style={{ marginBottom: 12 }} />}
      {liveCount > 0 && (
        <div style={{ marginBottom: 8 }}>
          <Tag color="processing">{t('proj.fund.liveNew', { count: liveCount })}</Tag>
        </div>
      )}
      <Segmented<ProjectFundProposalStatus | 'all'>
        aria-label={t('proj.fund.status')}
        style={{ marginBottom: 12 }}
        value={status}
        onChange={(v) => {
          setStatus(v);
          pages.reset();
        }}
        options={[...opts(FUND_STATUS, t), { value: 'all', label: t('app.all') }]}
      />
      {error ? (
        <ErrorState error={error} onRetry={reload} />
      ) : (
        <>
          <List<Proposal>
            loading={fetching && !data}
            dataSource={items}
            locale={{ emptyText: fetching ? ' ' : <EmptyState description={t('proj.fund.empty')} /> }}
            renderItem={(fp) => (
              <List.Item key={fp.id} data-testid="fund-proposal" data-proposal-id={fp.id}>
                <Card size="small" style={{ width: '100%' }}>
                  <Space direction="vertical" size={6} style={{ width: '100%' }}>
                    <Space size={8} wrap>
                      <Typography.Text strong style={{ fontSize: 20 }} aria-label={t('proj.fund.score')}>
                        {fp.score}
                      </Typography.Text>
                      <Tag color={fp.fundKey.startsWith('project') ? 'gold' : 'blue'}>{fp.fundLabel}</Tag>
                      <Tag>{lbl(FUND_STATUS, fp.status, t)}</Tag>
                      <Link to={`/foundation/projects/${fp.project.id}`}>{fp.project.name}</Link>
                      <Typography.Text type="secondary">
                        {fp.project.organisation.name} · {fp.project.region.name} · {lbl(PROJECT_STATUS, fp.project.status, t)}
                      </Typography.Text>
                    </Space>
                    <Descriptions size="small" column={{ xs: 1, sm: 3 }}>
                      <Descriptions.Item label={t('proj.fund.amount')}>
                        <Typography.Text strong>{formatFen(fp.amountFen)}</Typography.Text>
                      </Descriptions.Item>
                      <Descriptions.Item label={t('proj.fund.available')}>{formatFen(fp.availableFen)}</Descriptions.Item>
                      <Descriptions.Item label={t('proj.fund.gap')}>{formatFen(fp.gapFen)}</Descriptions.Item>
                    </Descriptions>
                    <Space size={[4, 4]} wrap aria-label={t('proj.fund.score')}>
                      {parseComponents(fp.components).map((c) => (
                        <Tag key={c.code} bordered={false} color={c.points >= 0 ? 'green' : 'volcano'}>
                          {(['project_earmark', 'general_fund', 'gap_coverage'].includes(c.code) ? t(`proj.fund.comp.${c.code}` as MessageKey) : c.code)}{' '}
                          {c.points >= 0 ? '+' : '−'}
                          {Math.abs(c.points)}
                        </Tag>
                      ))}
                    </Space>
                    {fp.reason && (
                      <Typography.Text type="secondary">
                        {t('proj.fund.reason')}：{fp.reason}
                      </Typography.Text>
                    )}
                    {fp.reviewer && (
                      <Typography.Text type="secondary">
                        {t('proj.fund.reviewer')}：{fp.reviewer.displayName}
                      </Typography.Text>
                    )}
                    {cardErrors[fp.id] && <Alert type="error" showIcon role="alert" message={cardErrors[fp.id]} />}
                    {fp.status === 'proposed' && (
                      <Space>
                        <Button type="primary" loading={busy === fp.id} onClick={() => void onAccept(fp)}>
                          {t('proj.fund.accept')}
                        </Button>
                        <Button onClick={() => setRejecting(fp)}>{t('proj.fund.reject')}</Button>
                      </Space>
                    )}
                  </Space>
                </Card>
              </List.Item>
            )}
          />
          <CursorPager pages={pages} pageInfo={connection?.pageInfo} totalCount={connection?.totalCount} />
        </>
      )}
      <Modal
        open={!!rejecting}
        title={t('proj.fund.rejectTitle')}
        onCancel={() => {
          setRejecting(null);
          rejectErrors.clear();
        }}
        onOk={() => rejectForm.submit()}
        okText={t('proj.fund.reject')}
        cancelText={t('app.cancel')}
        confirmLoading={rejectState.fetching}
        destroyOnHidden
      >
        {rejectErrors.formErrors.length > 0 && <Alert type="error" role="alert" showIcon message={rejectErrors.formErrors.join(' ')} style={{ marginBottom: 12 }} />}
        <Form form={rejectForm} layout="vertical" name="fund-reject" onFinish={onReject}>
          <Form.Item name="reason" label={t('proj.fund.reason')} rules={[{ required: true, message: t('auth.required') }]}>
            <Input.TextArea rows={3} maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
