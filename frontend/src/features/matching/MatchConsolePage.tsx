import { useState } from 'react';
import { Alert, Badge, Button, Card, Descriptions, Form, Input, List, Modal, Segmented, Space, Tag, Typography } from 'antd';
import { ThunderboltOutlined } from '@ant-design/icons';
import { useMutation, useSubscription } from 'urql';
import type { MatchProposalFieldsFragment, MatchProposalStatus, MatchRoundRunMutation } from '../../gql/graphql';
import { useMe } from '../../auth/MeProvider';
import { ConnectionList } from '../../components/ConnectionTable';
import { combinedErrorMessage, useFieldErrors, type PayloadError } from '../../hooks/fieldErrors';
import { useBurstReload, useConnectionQuery } from '../../hooks/useConnectionQuery';
import { useI18n } from '../../i18n/I18nProvider';
import { MATCH_STATUS, NEED_KIND, SCORE_COMPONENT, label, options } from '../../i18n/enums';
import { formatFen, formatMinutes } from '../../i18n/format';
import type { Lang } from '../../i18n/language';
import {
  MatchDecidedLive,
  MatchProposalAcceptDocument,
  MatchProposalDeliverDocument,
  MatchProposalDispatchDocument,
  MatchProposalRejectDocument,
  MatchProposalsDocument,
  MatchProposedLive,
  MatchRoundRunDocument,
} from './documents';

type Proposal = MatchProposalFieldsFragment;
type Round = NonNullable<NonNullable<MatchRoundRunMutation['matchRoundRun']>['round']>;

/** The region of the viewer's workstation-staff grant (live events and rounds are per region). */
export function staffRegionId(roles: readonly { role: string; region: { id: string } | null }[]): string | null {
  return roles.find((g) => g.role === 'workstation_staff' && g.region)?.region?.id ?? null;
}

function parseParams(params: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(params);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export function componentLabel(code: string, params: string, lang: Lang): string {
  const base = SCORE_COMPONENT[code]?.[lang === 'en' ? 1 : 0] ?? code;
  const p = parseParams(params);
  if (code === 'waited' && p.days != null) return `${base} ${String(p.days)}${lang === 'en' ? ' d' : ' 天'}`;
  if (code === 'recent_help' && p.count != null) return `${base} ×${String(p.count)}`;
  return base;
}

function amount(p: Proposal, lang: Lang): string {
  if (p.amountFen) return formatFen(p.amountFen);
  // goods: the supply label already says "item × quantity · workstation"
  if (p.minutes != null) return formatMinutes(p.minutes, lang);
  return '';
}

/** Workstation staff: the proposals of their area, live; accept, reject with a reason, dispatch, deliver. */
export function MatchConsolePage() {
  const { t, lang } = useI18n();
  const { me } = useMe();
  const regionId = staffRegionId(me?.roles ?? []);
  const [status, setStatus] = useState<MatchProposalStatus | 'all'>('proposed');
  const proposals = useConnectionQuery({
    query: MatchProposalsDocument,
    variables: { status: status === 'all' ? null : status },
    select: (data) => data.matchProposals,
    requestPolicy: 'cache-and-network',
  });
  const { pages, reload } = proposals;
  // a round publishes one event per proposal: refetch once per burst, not once per event
  const reloadSoon = useBurstReload(reload);

  const [liveCount, setLiveCount] = useState(0);
  // staff also hear foundation fund matches (kind PROJECT_FUND: a ProjectFundProposal, not in this queue)
  useSubscription({ query: MatchProposedLive, variables: { regionId: regionId ?? '' }, pause: !regionId }, (_prev, event) => {
    if (event.matchProposed.kind !== 'NEED') return event;
    setLiveCount((c) => c + 1);
    reloadSoon();
    return event;
  });
  useSubscription({ query: MatchDecidedLive, variables: { regionId: regionId ?? '' }, pause: !regionId }, (_prev, event) => {
    if (event.matchDecided.kind === 'NEED') reloadSoon();
    return event;
  });

  const [cardErrors, setCardErrors] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<{ type: 'success' | 'info'; text: string } | null>(null);
  const [, accept] = useMutation(MatchProposalAcceptDocument);
  const [, dispatch] = useMutation(MatchProposalDispatchDocument);
  const [, deliver] = useMutation(MatchProposalDeliverDocument);
  const [busy, setBusy] = useState<string | null>(null);

  const act = async (
    p: Proposal,
    run: () => Promise<{ errors?: readonly PayloadError[] | null; error?: import('urql').CombinedError }>,
    done: string,
  ) => {
    setBusy(p.id);
    setCardErrors((e) => ({ ...e, [p.id]: '' }));
    const result = await run();
    setBusy(null);
    if (result.error) {
      setCardErrors((e) => ({ ...e, [p.id]: combinedErrorMessage(result.error!, t('app.networkError')) }));
      return;
    }
    if (result.errors?.length) {
      setCardErrors((e) => ({ ...e, [p.id]: result.errors!.map((x) => `${x.message} (${x.code})`).join('；') }));
      return;
    }
    setNotice({ type: 'success', text: done });
    reload();
  };

  const [rejecting, setRejecting] = useState<Proposal | null>(null);
  const [rejectForm] = Form.useForm<{ reason: string }>();
  const rejectErrors = useFieldErrors(rejectForm, { known: ['reason'] });
  const [rejectState, reject] = useMutation(MatchProposalRejectDocument);
  const submitReject = async (values: { reason: string }) => {
    if (!rejecting) return;
    rejectErrors.clear();
    const result = await reject({ proposalId: rejecting.id, reason: values.reason });
    if (result.error) return rejectErrors.applyCombined(result.error, t('app.networkError'));
    const payload = result.data?.matchProposalReject;
    if (rejectErrors.apply(payload?.errors)) return;
    const next = payload?.nextProposal;
    setNotice({
      type: 'info',
      text: next ? t('match.nextProposal', { label: next.supplyLabel, score: next.score }) : t('match.noNext'),
    });
    setRejecting(null);
    rejectForm.resetFields();
    reload();
  };

  const [round, setRound] = useState<Round | null>(null);
  const [roundError, setRoundError] = useState<string | null>(null);
  const [roundState, runRound] = useMutation(MatchRoundRunDocument);
  const startRound = async () => {
    if (!regionId) return;
    setRoundError(null);
    const result = await runRound({ regionId });
    if (result.error) return setRoundError(combinedErrorMessage(result.error, t('app.networkError')));
    const payload = result.data?.matchRoundRun;
    if (payload?.errors.length) return setRoundError(payload.errors.map((e) => e.message).join('；'));
    setRound(payload?.round ?? null);
    reload();
  };

  return (
    <Card
      title={
        <Space>
          <h1 className="card-title">{t('match.title')}</h1>
          {regionId && <Badge status="processing" text={t('match.live')} />}
        </Space>
      }
      extra={
        <Button icon={<ThunderboltOutlined />} onClick={() => void startRound()} loading={roundState.fetching} disabled={!regionId}>
          {t('match.runRound')}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary">{t('match.hint')}</Typography.Paragraph>
      {!regionId && <Alert type="warning" showIcon message={t('match.noRegion')} style={{ marginBottom: 12 }} />}
      {roundError && <Alert type="error" showIcon message={roundError} closable onClose={() => setRoundError(null)} style={{ marginBottom: 12 }} />}
      {round && (
        <Alert
          type={round.status === 'FAILED' ? 'error' : 'success'}
          closable
          onClose={() => setRound(null)}
          style={{ marginBottom: 12 }}
          message={round.status === 'FAILED' ? round.error : t('match.roundDone')}
          description={
            <Descriptions size="small" column={{ xs: 2, md: 6 }} data-testid="round-figures">
              <Descriptions.Item label={t('match.roundNeeds')}>{round.needs}</Descriptions.Item>
              <Descriptions.Item label={t('match.roundSupplies')}>{round.supplies}</Descriptions.Item>
              <Descriptions.Item label={t('match.roundArcs')}>{round.arcs}</Descriptions.Item>
              <Descriptions.Item label={t('match.roundProposed')}>{round.proposed}</Descriptions.Item>
              <Descriptions.Item label={t('match.roundTotal')}>{String(round.totalScore)}</Descriptions.Item>
              <Descriptions.Item label={t('match.roundGreedy')}>{String(round.greedyScore)}</Descriptions.Item>
            </Descriptions>
          }
        />
      )}
      {notice && <Alert type={notice.type} showIcon closable message={notice.text} onClose={() => setNotice(null)} style={{ marginBottom: 12 }} />}
      {liveCount > 0 && (
        <div style={{ marginBottom: 8 }}>
          <Tag color="processing">{t('match.liveNew', { count: liveCount })}</Tag>
        </div>
      )}
      <Segmented<MatchProposalStatus | 'all'>
        aria-label={t('match.status')}
        style={{ marginBottom: 12, maxWidth: '100%', overflowX: 'auto' }}
        value={status}
        onChange={(v) => {
          setStatus(v);
          pages.reset();
        }}
        options={[...options(MATCH_STATUS, lang), { value: 'all', label: t('app.all') }]}
      />
      <ConnectionList<Proposal>
        result={proposals}
        empty={t('match.empty')}
        renderItem={(p) => (
          <List.Item key={p.id} data-testid="match-proposal" data-proposal-id={p.id} data-need-id={p.need.id}>
            <Card size="small" style={{ width: '100%' }} className={p.need.urgent ? 'need-card need-card-urgent' : 'need-card'}>
              <Space direction="vertical" size={6} style={{ width: '100%' }}>
                <Space size={6} wrap>
                  <Typography.Text strong style={{ fontSize: 20 }} aria-label={t('match.score')}>
                    {p.score}
                  </Typography.Text>
                  <Tag color={p.need.kind === 'money' ? 'gold' : p.need.kind === 'goods' ? 'blue' : 'green'}>
                    {label(NEED_KIND, p.need.kind, lang)}
                  </Tag>
                  {p.need.urgent && <Tag color="red">{t('hh.urgent')}</Tag>}
                  <Tag>{label(MATCH_STATUS, p.status, lang)}</Tag>
                  <Typography.Text strong>
                    {p.supplyLabel} {amount(p, lang)}
                  </Typography.Text>
                  <Typography.Text type="secondary">{p.regionName}</Typography.Text>
                </Space>
                <Typography.Text>{p.explanation}</Typography.Text>
                <Space size={[4, 4]} wrap>
                  {p.components.map((c) => (
                    <Tag key={c.code} bordered={false} color={c.points >= 0 ? 'green' : 'volcano'}>
                      {componentLabel(c.code, c.params, lang)} {c.points >= 0 ? '+' : '−'}
                      {Math.abs(c.points)}
                    </Tag>
                  ))}
                </Space>
                {p.reason && <Typography.Text type="secondary">{t('match.rejectReason')}：{p.reason}</Typography.Text>}
                {p.reviewerName && <Typography.Text type="secondary">{t('match.reviewer')}：{p.reviewerName}</Typography.Text>}
                {cardErrors[p.id] && <Alert type="error" showIcon message={cardErrors[p.id]} role="alert" />}
                <Space wrap>
                  {p.status === 'proposed' && (
                    <>
                      <Button
                        type="primary"
                        loading={busy === p.id}
                        onClick={() =>
                          void act(p, async () => {
                            const r = await accept({ proposalId: p.id });
                            return { error: r.error, errors: r.data?.matchProposalAccept?.errors };
                          }, t('match.accepted'))
                        }
                      >
                        {t('match.accept')}
                      </Button>
                      <Button danger onClick={() => setRejecting(p)}>
                        {t('match.reject')}
                      </Button>
                    </>
                  )}
                  {p.status === 'accepted' && (
                    <Button
                      type="primary"
                      loading={busy === p.id}
                      onClick={() =>
                        void act(p, async () => {
                          const r = await dispatch({ proposalId: p.id });
                          return { error: r.error, errors: r.data?.matchProposalDispatch?.errors };
                        }, t('match.dispatched'))
                      }
                    >
                      {t('match.dispatch')}
                    </Button>
                  )}
                  {(p.status === 'accepted' || p.status === 'dispatched') && (
                    <Button
                      loading={busy === p.id}
                      onClick={() =>
                        void act(p, async () => {
                          const r = await deliver({ proposalId: p.id, note: null });
                          return { error: r.error, errors: r.data?.matchProposalDeliver?.errors };
                        }, t('match.delivered'))
                      }
                    >
                      {t('match.deliver')}
                    </Button>
                  )}
                </Space>
              </Space>
            </Card>
          </List.Item>
        )}
      />
      <Modal
        open={rejecting !== null}
        title={t('match.rejectTitle')}
        okText={t('match.reject')}
        okButtonProps={{ danger: true, loading: rejectState.fetching }}
        onOk={() => rejectForm.submit()}
        onCancel={() => {
          setRejecting(null);
          rejectErrors.clear();
        }}
        destroyOnHidden
      >
        {rejecting && (
          <Typography.Paragraph>
            {rejecting.supplyLabel} · {rejecting.explanation}
          </Typography.Paragraph>
        )}
        {rejectErrors.formErrors.map((m) => (
          <Alert key={m} type="error" showIcon message={m} style={{ marginBottom: 8 }} />
        ))}
        <Form form={rejectForm} layout="vertical" onFinish={(v) => void submitReject(v)} id="match-reject">
          <Form.Item name="reason" label={t('match.rejectReason')} rules={[{ required: true }]}>
            <Input.TextArea rows={3} maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
