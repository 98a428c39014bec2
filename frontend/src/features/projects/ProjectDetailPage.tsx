import { useState, type ReactNode } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Form,
  Input,
  InputNumber,
  List,
  Popconfirm,
  Progress,
  Radio,
  Rate,
  Row,
  Select,
  Space,
  Statistic,
  Table,
  Tabs,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { Link, useParams } from 'react-router-dom';
import { useMutation, useQuery, type CombinedError } from 'urql';
import type { ProjectDecisionOutcome, ProjectDetailFieldsFragment, ProjectReviewRecommendation } from '../../gql/graphql';
import { useMe } from '../../auth/MeProvider';
import { ErrorState, PageLoading } from '../../components/QueryState';
import { combinedErrorMessage, useFieldErrors, type PayloadError } from '../../hooks/fieldErrors';
import { useI18n } from '../../i18n/I18nProvider';
import { formatFen, formatMinutes, yuanToFen } from '../../i18n/format';
import {
  ConflictDeclareDocument,
  DecisionMakeDocument,
  EvaluationSubmitDocument,
  ProjectCloseDocument,
  ProjectDocument,
  ReportApproveDocument,
  ReportReturnDocument,
  ReviewSubmitDocument,
  ReviewerAssignDocument,
  TrancheReleaseDocument,
} from './documents';
import {
  ASSIGNMENT_STATUS,
  BUDGET_CATEGORY,
  GROUP,
  OUTCOME,
  PROJECT_CATEGORY,
  PROJECT_STATUS,
  RECOMMENDATION,
  REPORT_STATUS,
  STATUS_COLOR,
  TRANCHE_STATUS,
  lbl,
  opts,
  percent,
} from './text';

type Project = ProjectDetailFieldsFragment;
type Result = { error?: CombinedError; errors?: readonly PayloadError[] | null };

const IN_REVIEW = ['submitted', 'under_review'];
const date = (iso: string | null | undefined, lang: string) =>
  iso ? new Date(iso).toLocaleDateString(lang === 'en' ? 'en' : 'zh-CN') : '—';
const dateTime = (iso: string | null | undefined, lang: string) =>
  iso ? new Date(iso).toLocaleString(lang === 'en' ? 'en' : 'zh-CN', { dateStyle: 'short', timeStyle: 'short' }) : '—';

/** An error of a row's action (a release, an approval), shown on that row. */
function RowError({ text }: { text?: string }) {
  return text ? <Alert type="error" showIcon role="alert" message={text} style={{ marginTop: 8 }} /> : null;
}

function errorText(result: Result, fallback: string): string | null {
  if (result.error) return combinedErrorMessage(result.error, fallback);
  if (result.errors?.length) return result.errors.map((e) => `${e.message} (${e.code})`).join('；');
  return null;
}

function FormErrors({ errors }: { errors: string[] }) {
  return errors.length ? <Alert type="error" role="alert" showIcon message={errors.join(' ')} style={{ marginBottom: 12 }} /> : null;
}

/** A project as the foundation sees it: the application, its review, the grant and its monitoring. */
export function ProjectDetailPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const [{ data, fetching, error }, refetch] = useQuery({ query: ProjectDocument, variables: { id }, requestPolicy: 'cache-and-network' });
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const [tab, setTab] = useState('application');

  if (error && !data) return <ErrorState error={error} onRetry={reload} />;
  if (fetching && !data) return <PageLoading />;
  const project = data?.project;
  if (!project) return <Alert type="warning" showIcon message={t('proj.detail.notFound')} />;

  const approvedSide = ['approved', 'completed', 'closed'].includes(project.status);
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Card
        title={
          <Space wrap>
            <h1 className="card-title">{project.name}</h1>
            <Tag color={STATUS_COLOR[project.status]} data-testid="project-status">
              {lbl(PROJECT_STATUS, project.status, t)}
            </Tag>
          </Space>
        }
        extra={
          <Space wrap>
            {approvedSide && <Link to={`/foundation/monitoring?project=${encodeURIComponent(project.id)}`}>{t('proj.detail.dashboard')}</Link>}
            {project.disclosureUrl && (
              <a href={project.disclosureUrl} target="_blank" rel="noreferrer">
                {t('proj.detail.disclosure')}
              </a>
            )}
          </Space>
        }
      >
        <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 4 }}>
          <Descriptions.Item label={t('proj.list.org')}>{project.organisation.name}</Descriptions.Item>
          <Descriptions.Item label={t('proj.list.region')}>{project.region.name}</Descriptions.Item>
          <Descriptions.Item label={t('proj.detail.foundation')}>{project.foundation.name}</Descriptions.Item>
          <Descriptions.Item label={t('proj.detail.period')}>
            {project.startsOn} – {project.endsOn}
          </Descriptions.Item>
          <Descriptions.Item label={t('proj.list.requested')}>{formatFen(project.requestedFen)}</Descriptions.Item>
          <Descriptions.Item label={t('proj.list.grant')}>{project.funding.grantFen !== '0' ? formatFen(project.funding.grantFen) : '—'}</Descriptions.Item>
          <Descriptions.Item label={t('proj.grant.released')}>{formatFen(project.funding.releasedFen)}</Descriptions.Item>
          <Descriptions.Item label={t('proj.detail.round')}>{project.reviewRound}</Descriptions.Item>
        </Descriptions>
        {!project.viewerActsForFoundation && !project.viewerIsMember && (
          <Alert type="info" showIcon message={t('proj.detail.conflictBanner')} style={{ marginTop: 8 }} />
        )}
      </Card>
      {error && <ErrorState error={error} onRetry={reload} />}
      <Card>
        <Tabs
          activeKey={tab}
          onChange={setTab}
          items={[
            { key: 'application', label: t('proj.detail.application'), children: <Application project={project} /> },
            { key: 'reviews', label: t('proj.detail.reviews'), children: <Reviews project={project} onChange={reload} /> },
            { key: 'grants', label: t('proj.detail.grants'), children: <Grants project={project} onChange={reload} /> },
            { key: 'reports', label: t('proj.detail.reports'), children: <Reports project={project} onChange={reload} /> },
            { key: 'spending', label: t('proj.detail.spending'), children: <Spending project={project} /> },
            { key: 'evaluation', label: t('proj.detail.evaluation'), children: <Evaluation project={project} onChange={reload} /> },
            { key: 'events', label: t('proj.detail.events'), children: <Events project={project} /> },
          ]}
        />
      </Card>
    </Space>
  );
}

function Application({ project }: { project: Project }) {
  const { t } = useI18n();
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Descriptions size="small" column={1} bordered>
        <Descriptions.Item label={t('proj.detail.summary')}>{project.summary || '—'}</Descriptions.Item>
        <Descriptions.Item label={t('proj.detail.goals')}>{project.goals}</Descriptions.Item>
        <Descriptions.Item label={t('proj.detail.groups')}>
          <Space size={[4, 4]} wrap>
            <Tag>{lbl(PROJECT_CATEGORY, project.category, t)}</Tag>
            {project.beneficiaryGroups.map((g) => (
              <Tag key={g} color="blue">
                {lbl(GROUP, g, t)}
              </Tag>
            ))}
          </Space>
        </Descriptions.Item>
        <Descriptions.Item label={t('proj.detail.beneficiaries')}>{project.beneficiaryCount}</Descriptions.Item>
      </Descriptions>
      <Typography.Title level={5}>{t('proj.detail.budget')}</Typography.Title>
      <Table
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={project.budgetLines}
        columns={[
          { title: '#', key: 'pos', width: 48, render: (_v, row) => row.position + 1 },
          { title: t('proj.spend.line'), dataIndex: 'name' },
          { title: t('proj.detail.category'), key: 'cat', render: (_v, l) => lbl(BUDGET_CATEGORY, l.category, t) },
          { title: t('proj.spend.amount'), key: 'amt', align: 'right', render: (_v, l) => formatFen(l.amountFen) },
        ]}
        summary={() => (
          <Table.Summary.Row>
            <Table.Summary.Cell index={0} colSpan={3}>
              {t('proj.detail.budgetTotal')}
            </Table.Summary.Cell>
            <Table.Summary.Cell index={1} align="right">
              {formatFen(project.budgetTotalFen)}
            </Table.Summary.Cell>
          </Table.Summary.Row>
        )}
      />
      <Typography.Title level={5}>{t('proj.detail.milestones')}</Typography.Title>
      <Table
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={project.milestones}
        columns={[
          { title: '#', key: 'pos', width: 48, render: (_v, row) => row.position + 1 },
          { title: t('proj.detail.milestones'), dataIndex: 'title' },
          { title: t('proj.detail.dueOn'), dataIndex: 'dueOn' },
          { title: t('proj.detail.plannedTranche'), key: 'fen', align: 'right', render: (_v, m) => formatFen(m.plannedTrancheFen) },
        ]}
      />
      {project.attachments.length > 0 && (
        <>
          <Typography.Title level={5}>{t('proj.detail.attachments')}</Typography.Title>
          <List
            size="small"
            dataSource={project.attachments}
            renderItem={(a) => (
              <List.Item>
                <a href={a.url}>{a.name}</a>
              </List.Item>
            )}
          />
        </>
      )}
    </Space>
  );
}

function Reviews({ project, onChange }: { project: Project; onChange: () => void }) {
  const { t, lang } = useI18n();
  const { me } = useMe();
  const { message } = App.useApp();
  const inReview = IN_REVIEW.includes(project.status);
  const acts = project.viewerActsForFoundation;
  const mine = project.assignments?.find((a) => a.reviewer.id === me?.id);
  const reviewedThisRound = project.reviews?.some((r) => r.reviewer.id === me?.id && r.round === project.reviewRound);
  const criteria = [...(project.foundation.criteria?.criteria ?? [])].sort((a, b) => a.position - b.position);

  // assign a reviewer
  const [assignForm] = Form.useForm<{ reviewerId: string }>();
  const assignErrors = useFieldErrors(assignForm, { known: ['reviewerId'] });
  const [assignState, assign] = useMutation(ReviewerAssignDocument);
  const onAssign = async (v: { reviewerId: string }) => {
    assignErrors.clear();
    const r = await assign({ projectId: project.id, reviewerId: v.reviewerId });
    if (r.error) return assignErrors.applyCombined(r.error, t('app.networkError'));
    if (assignErrors.apply(r.data?.reviewerAssign?.errors)) return;
    message.success(t('proj.review.assigned'));
    assignForm.resetFields();
    onChange();
  };

  // declare a conflict
  const [conflictForm] = Form.useForm<{ reason: string }>();
  const conflictErrors = useFieldErrors(conflictForm, { known: ['reason'] });
  const [conflictState, declare] = useMutation(ConflictDeclareDocument);
  const onConflict = async (v: { reason: string }) => {
    conflictErrors.clear();
    const r = await declare({ projectId: project.id, reason: v.reason });
    if (r.error) return conflictErrors.applyCombined(r.error, t('app.networkError'));
    if (conflictErrors.apply(r.data?.conflictDeclare?.errors)) return;
    message.success(t('proj.review.conflictDone'));
    onChange();
  };

  // submit a review
  type ReviewValues = { scores: Record<string, number>; recommendation: ProjectReviewRecommendation; comment?: string };
  const [reviewForm] = Form.useForm<ReviewValues>();
  const reviewErrors = useFieldErrors(reviewForm, { known: ['recommendation', 'comment'] });
  const [reviewState, submitReview] = useMutation(ReviewSubmitDocument);
  const onReview = async (v: ReviewValues) => {
    reviewErrors.clear();
    const r = await submitReview({
      projectId: project.id,
      recommendation: v.recommendation,
      comment: v.comment ?? '',
      scores: criteria.map((c) => ({ code: c.code, score: Number(v.scores?.[c.code] ?? 0) })),
    });
    if (r.error) return reviewErrors.applyCombined(r.error, t('app.networkError'));
    if (reviewErrors.apply(r.data?.reviewSubmit?.errors)) return;
    message.success(t('proj.review.done'));
    reviewForm.resetFields();
    onChange();
  };

  // decide
  type DecisionValues = { outcome: ProjectDecisionOutcome; reasons: string; amount?: string };
  const [decisionForm] = Form.useForm<DecisionValues>();
  const decisionErrors = useFieldErrors(decisionForm, { known: ['outcome', 'reasons', 'amount'], aliases: { amountFen: 'amount' } });
  const [decisionState, decide] = useMutation(DecisionMakeDocument);
  const outcome = Form.useWatch('outcome', decisionForm);
  const onDecide = async (v: DecisionValues) => {
    decisionErrors.clear();
    const amountFen = v.outcome === 'approve' && v.amount ? yuanToFen(v.amount) : null;
    if (v.outcome === 'approve' && v.amount && amountFen === null) {
      decisionForm.setFields([{ name: 'amount', errors: [t('proj.review.amount')] }]);
      return;
    }
    const r = await decide({ projectId: project.id, outcome: v.outcome, reasons: v.reasons, amountFen });
    if (r.error) return decisionErrors.applyCombined(r.error, t('app.networkError'));
    if (decisionErrors.apply(r.data?.decisionMake?.errors)) return;
    message.success(t('proj.review.decided'));
    decisionForm.resetFields();
    onChange();
  };

  const reviewers = project.foundation.reviewers ?? [];
  const assignedIds = new Set(project.assignments?.map((a) => a.reviewer.id));
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} lg={14}>
        <Space direction="vertical" size="middle" style={{ width: '100%' }}>
          <Typography.Title level={5}>{t('proj.detail.reviews')}</Typography.Title>
          {(project.reviews ?? []).length === 0 ? (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('proj.review.none')} />
          ) : (
            (project.reviews ?? []).map((r) => (
              <Card key={r.id} size="small" data-testid="review">
                <Space wrap>
                  <Typography.Text strong>{r.reviewer.displayName}</Typography.Text>
                  <Tag color={r.recommendation === 'approve' ? 'green' : r.recommendation === 'reject' ? 'red' : 'orange'}>
                    {lbl(RECOMMENDATION, r.recommendation, t)}
                  </Tag>
                  <Typography.Text>
                    {t('proj.review.total')} {r.totalScore}
                  </Typography.Text>
                  <Typography.Text type="secondary">
                    {t('proj.detail.round')} {r.round} · {dateTime(r.submittedAt, lang)}
                  </Typography.Text>
                </Space>
                <div style={{ marginTop: 6 }}>
                  <Space size={[4, 4]} wrap>
                    {r.scores.map((s) => (
                      <Tag key={s.code} bordered={false}>
                        {s.name} {s.score}/{s.maxScore}
                      </Tag>
                    ))}
                  </Space>
                </div>
                {r.comment && <Typography.Paragraph style={{ marginTop: 6, marginBottom: 0 }}>{r.comment}</Typography.Paragraph>}
              </Card>
            ))
          )}
          {inReview && acts && mine?.status === 'assigned' && !reviewedThisRound && (
            <Card size="small" title={t('proj.review.submit')}>
              {criteria.length === 0 ? (
                <Alert type="warning" showIcon message={t('proj.review.noCriteria')} />
              ) : (
                <>
                  <FormErrors errors={reviewErrors.formErrors} />
                  <Typography.Paragraph type="secondary">{t('proj.review.criteria', { name: project.foundation.criteria?.name ?? '' })}</Typography.Paragraph>
                  <Form form={reviewForm} layout="vertical" name="review" onFinish={onReview} initialValues={{ recommendation: 'approve' }}>
                    <Row gutter={12}>
                      {criteria.map((c) => (
                        <Col xs={12} md={6} key={c.code}>
                          <Form.Item
                            name={['scores', c.code]}
                            label={`${c.name}（0–${c.maxScore}）`}
                            tooltip={c.description || undefined}
                            extra={t('proj.review.weight', { weight: c.weight })}
                            rules={[{ required: true, message: t('auth.required') }]}
                          >
                            <InputNumber min={0} max={c.maxScore} precision={0} style={{ width: '100%' }} />
                          </Form.Item>
                        </Col>
                      ))}
                    </Row>
                    <Form.Item name="recommendation" label={t('proj.review.recommendation')} rules={[{ required: true, message: t('auth.required') }]}>
                      <Radio.Group optionType="button" options={opts(RECOMMENDATION, t)} />
                    </Form.Item>
                    <Form.Item name="comment" label={t('proj.review.comment')}>
                      <Input.TextArea rows={3} maxLength={2000} />
                    </Form.Item>
                    <Button type="primary" htmlType="submit" loading={reviewState.fetching}>
                      {t('proj.review.submit')}
                    </Button>
                  </Form>
                </>
              )}
            </Card>
          )}
          {inReview && acts && (project.reviews ?? []).length > 0 && (
            <Card size="small" title={t('proj.review.decision')}>
              <FormErrors errors={decisionErrors.formErrors} />
              <Form form={decisionForm} layout="vertical" name="decision" onFinish={onDecide}>
                <Form.Item name="outcome" label={t('proj.review.outcome')} rules={[{ required: true, message: t('auth.required') }]}>
                  <Radio.Group optionType="button" options={opts(OUTCOME, t)} />
                </Form.Item>
                {outcome === 'approve' && (
                  <Form.Item
                    name="amount"
                    label={t('proj.review.amount')}
                    extra={t('proj.review.amountHelp', {
                      amount: formatFen(project.requestedFen),
                      available: formatFen(project.foundation.availableFen ?? '0'),
                    })}
                    rules={[{ required: true, message: t('auth.required') }]}
                  >
                    <Input inputMode="decimal" prefix="¥" style={{ maxWidth: 240 }} />
                  </Form.Item>
                )}
                <Form.Item name="reasons" label={t('proj.review.reasons')} rules={[{ required: true, message: t('auth.required') }]}>
                  <Input.TextArea rows={2} maxLength={2000} />
                </Form.Item>
                <Button type="primary" htmlType="submit" loading={decisionState.fetching}>
                  {t('proj.review.decide')}
                </Button>
              </Form>
            </Card>
          )}
          {project.decisions.length > 0 && (
            <>
              <Typography.Title level={5}>{t('proj.review.decisions')}</Typography.Title>
              <List
                size="small"
                dataSource={project.decisions}
                renderItem={(d) => (
                  <List.Item>
                    <Space wrap>
                      <Tag color={d.outcome === 'approve' ? 'green' : d.outcome === 'reject' ? 'red' : 'orange'}>{lbl(OUTCOME, d.outcome, t)}</Tag>
                      {d.outcome === 'approve' && <Typography.Text strong>{formatFen(d.amountFen)}</Typography.Text>}
                      <Typography.Text>{d.reasons}</Typography.Text>
                      <Typography.Text type="secondary">
                        {t('proj.detail.round')} {d.round} · {dateTime(d.decidedAt, lang)}
                      </Typography.Text>
                    </Space>
                  </List.Item>
                )}
              />
            </>
          )}
        </Space>
      </Col>
      <Col xs={24} lg={10}>
        <Space direction="vertical" size="middle" style={{ width: '100%' }}>
          <Card size="small" title={t('proj.review.assignments')}>
            <List
              size="small"
              dataSource={project.assignments ?? []}
              locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('app.empty')} /> }}
              renderItem={(a) => (
                <List.Item>
                  <Space>
                    <span>{a.reviewer.displayName}</span>
                    <Tag color={a.status === 'recused' ? 'default' : 'blue'}>{lbl(ASSIGNMENT_STATUS, a.status, t)}</Tag>
                  </Space>
                  <Typography.Text type="secondary">{date(a.assignedAt, lang)}</Typography.Text>
                </List.Item>
              )}
            />
            {inReview && acts && (
              <>
                <FormErrors errors={assignErrors.formErrors} />
                <Form form={assignForm} layout="inline" name="assign" onFinish={onAssign} style={{ marginTop: 12, rowGap: 8 }}>
                  <Form.Item name="reviewerId" label={t('proj.review.assignee')} rules={[{ required: true, message: t('auth.required') }]}>
                    <Select
                      style={{ minWidth: 180 }}
                      options={reviewers.filter((r) => !assignedIds.has(r.id)).map((r) => ({ value: r.id, label: r.displayName }))}
                    />
                  </Form.Item>
                  <Button htmlType="submit" loading={assignState.fetching}>
                    {t('proj.review.assign')}
                  </Button>
                </Form>
              </>
            )}
          </Card>
          {inReview && acts && (
            <Card size="small" title={t('proj.review.conflict')}>
              <FormErrors errors={conflictErrors.formErrors} />
              <Form form={conflictForm} layout="vertical" name="conflict" onFinish={onConflict}>
                <Form.Item name="reason" label={t('proj.review.conflictReason')} rules={[{ required: true, message: t('auth.required') }]}>
                  <Input maxLength={500} />
                </Form.Item>
                <Button danger htmlType="submit" loading={conflictState.fetching}>
                  {t('proj.review.conflict')}
                </Button>
              </Form>
            </Card>
          )}
        </Space>
      </Col>
    </Row>
  );
}

function FundingFigures({ project }: { project: Project }) {
  const { t } = useI18n();
  const f = project.funding;
  const items: [string, string][] = [
    [t('proj.grant.grant'), f.grantFen],
    [t('proj.grant.released'), f.releasedFen],
    [t('proj.grant.committed'), f.committedFen],
    [t('proj.grant.donations'), f.donationsFen],
    [t('proj.grant.spent'), f.spentFen],
    [t('proj.grant.balance'), f.balanceFen],
    [t('proj.grant.gap'), f.gapFen],
  ];
  return (
    <Row gutter={[16, 16]}>
      {items.map(([title, fen]) => (
        <Col xs={12} sm={8} lg={6} xl={3} key={title}>
          <Statistic title={title} value={formatFen(fen)} valueStyle={{ fontSize: 18 }} />
        </Col>
      ))}
    </Row>
  );
}

function Grants({ project, onChange }: { project: Project; onChange: () => void }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [, release] = useMutation(TrancheReleaseDocument);
  const [busy, setBusy] = useState<string | null>(null);
  const [rowErrors, setRowErrors] = useState<Record<string, string>>({});
  const approvedReport = new Set(project.reports.filter((r) => r.status === 'approved').map((r) => r.milestoneId));
  const milestoneOf = new Map(project.milestones.flatMap((m) => (m.tranche ? [[m.tranche.id, m] as const] : [])));

  const onRelease = async (trancheId: string, amount: string) => {
    setBusy(trancheId);
    setRowErrors((e) => ({ ...e, [trancheId]: '' }));
    const r = await release({ trancheId });
    setBusy(null);
    const text = errorText({ error: r.error, errors: r.data?.trancheRelease?.errors }, t('app.networkError'));
    if (text) return setRowErrors((e) => ({ ...e, [trancheId]: text }));
    message.success(t('proj.grant.releasedOk', { amount: formatFen(amount) }));
    onChange();
  };

  const progress = percent(project.funding.releasedFen, project.funding.grantFen);
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <FundingFigures project={project} />
      <div>
        <Typography.Text>{t('proj.grant.progress')}</Typography.Text>
        <Progress percent={progress} aria-label={t('proj.grant.progress')} status={progress >= 100 ? 'success' : 'active'} />
      </div>
      <Typography.Title level={5}>{t('proj.grant.tranches')}</Typography.Title>
      {project.tranches.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('proj.grant.none')} />
      ) : (
        <List
          dataSource={project.tranches}
          renderItem={(tr) => {
            const milestone = milestoneOf.get(tr.id);
            const ready = milestone ? approvedReport.has(milestone.id) : false;
            const canRelease = tr.status === 'committed' && project.status === 'approved' && project.viewerActsForFoundation;
            return (
              <List.Item key={tr.id} data-testid="tranche" data-status={tr.status}>
                <div style={{ width: '100%' }}>
                  <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
                    <Space wrap>
                      <Typography.Text strong>{tr.milestoneTitle}</Typography.Text>
                      <Typography.Text>{formatFen(tr.amountFen)}</Typography.Text>
                      <Tag color={tr.status === 'released' ? 'green' : tr.status === 'canceled' ? 'default' : 'gold'}>
                        {lbl(TRANCHE_STATUS, tr.status, t)}
                      </Tag>
                      {tr.releasedAt && <Typography.Text type="secondary">{dateTime(tr.releasedAt, lang)}</Typography.Text>}
                      {canRelease && !ready && <Typography.Text type="secondary">{t('proj.grant.needsReport')}</Typography.Text>}
                    </Space>
                    {canRelease && (
                      <Popconfirm
                        title={t('proj.grant.releaseConfirm', { amount: formatFen(tr.amountFen), title: tr.milestoneTitle })}
                        onConfirm={() => void onRelease(tr.id, tr.amountFen)}
                        okText={t('proj.grant.release')}
                        cancelText={t('app.cancel')}
                      >
                        <Button type="primary" loading={busy === tr.id} disabled={!ready}>
                          {busy === tr.id ? t('proj.grant.releasing') : t('proj.grant.release')}
                        </Button>
                      </Popconfirm>
                    )}
                  </Space>
                  <RowError text={rowErrors[tr.id]} />
                </div>
              </List.Item>
            );
          }}
        />
      )}
    </Space>
  );
}

function ReportCard({ report, project, onChange }: { report: Project['reports'][number]; project: Project; onChange: () => void }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ note?: string }>();
  const errors = useFieldErrors(form, { known: ['note'] });
  const [approveState, approve] = useMutation(ReportApproveDocument);
  const [returnState, send] = useMutation(ReportReturnDocument);
  const act = async (approving: boolean) => {
    errors.clear();
    const note = (form.getFieldValue('note') as string | undefined) ?? '';
    if (!approving && !note.trim()) {
      form.setFields([{ name: 'note', errors: [t('proj.report.noteRequired')] }]);
      return;
    }
    const r = approving ? await approve({ reportId: report.id, note }) : await send({ reportId: report.id, note });
    if (r.error) return errors.applyCombined(r.error, t('app.networkError'));
    const payload = r.data && ('milestoneReportApprove' in r.data ? r.data.milestoneReportApprove : 'milestoneReportReturn' in r.data ? r.data.milestoneReportReturn : null);
    if (errors.apply(payload?.errors)) return;
    message.success(approving ? t('proj.report.approved') : t('proj.report.returned'));
    onChange();
  };
  const canReview = report.status === 'submitted' && project.viewerActsForFoundation && project.status === 'approved';
  return (
    <Card size="small" data-testid="report" data-status={report.status}>
      <Space wrap>
        <Typography.Text strong>{report.milestoneTitle}</Typography.Text>
        <Tag color={report.status === 'approved' ? 'green' : report.status === 'returned' ? 'orange' : 'blue'}>{lbl(REPORT_STATUS, report.status, t)}</Tag>
        <Typography.Text type="secondary">
          {t('proj.report.by')} {report.submittedBy.displayName} · {dateTime(report.submittedAt, lang)}
        </Typography.Text>
      </Space>
      <Typography.Paragraph style={{ margin: '8px 0' }}>{report.narrative}</Typography.Paragraph>
      <Descriptions size="small" column={{ xs: 1, sm: 3 }}>
        <Descriptions.Item label={t('proj.report.households')}>{report.householdsServed}</Descriptions.Item>
        <Descriptions.Item label={t('proj.report.minutes')}>{formatMinutes(report.serviceMinutes, lang)}</Descriptions.Item>
        <Descriptions.Item label={t('proj.report.goods')}>
          {report.goodsItems} {report.goodsDescription}
        </Descriptions.Item>
      </Descriptions>
      {report.reviewNote && (
        <Typography.Text type="secondary">
          {t('proj.report.note')}：{report.reviewNote}
        </Typography.Text>
      )}
      {canReview && (
        <>
          <FormErrors errors={errors.formErrors} />
          <Form form={form} layout="vertical" name={`report-${report.id}`}>
            <Form.Item name="note" label={t('proj.report.note')}>
              <Input.TextArea rows={2} maxLength={2000} />
            </Form.Item>
            <Space>
              <Button type="primary" loading={approveState.fetching} onClick={() => void act(true)}>
                {t('proj.report.approve')}
              </Button>
              <Button loading={returnState.fetching} onClick={() => void act(false)}>
                {t('proj.report.return')}
              </Button>
            </Space>
          </Form>
        </>
      )}
    </Card>
  );
}

function Reports({ project, onChange }: { project: Project; onChange: () => void }) {
  const { t } = useI18n();
  if (project.reports.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('proj.report.none')} />;
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      {project.reports.map((r) => (
        <ReportCard key={r.id} report={r} project={project} onChange={onChange} />
      ))}
    </Space>
  );
}

function Spending({ project }: { project: Project }) {
  const { t, lang } = useI18n();
  const lines = new Map(project.budgetLines.map((l) => [l.id, l.name]));
  return (
    <Table
      rowKey="id"
      size="small"
      dataSource={project.spendings}
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
      locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('proj.spend.none')} /> }}
      columns={[
        { title: t('proj.spend.on'), dataIndex: 'spentOn' },
        { title: t('proj.spend.line'), key: 'line', render: (_v, s) => lines.get(s.budgetLineId) ?? '—' },
        { title: t('proj.spend.memo'), dataIndex: 'memo' },
        { title: t('proj.spend.amount'), key: 'amt', align: 'right', render: (_v, s) => formatFen(s.amountFen) },
        { title: t('proj.list.submittedAt'), key: 'at', render: (_v, s) => date(s.createdAt, lang) },
      ]}
    />
  );
}

function Evaluation({ project, onChange }: { project: Project; onChange: () => void }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [evalForm] = Form.useForm<{ rating: number; summary: string }>();
  const evalErrors = useFieldErrors(evalForm, { known: ['rating', 'summary'] });
  const [evalState, evaluate] = useMutation(EvaluationSubmitDocument);
  const onEvaluate = async (v: { rating: number; summary: string }) => {
    evalErrors.clear();
    const r = await evaluate({ projectId: project.id, rating: v.rating, summary: v.summary });
    if (r.error) return evalErrors.applyCombined(r.error, t('app.networkError'));
    if (evalErrors.apply(r.data?.evaluationSubmit?.errors)) return;
    message.success(t('proj.eval.done'));
    evalForm.resetFields();
    onChange();
  };
  const [closeForm] = Form.useForm<{ completed: boolean; reason: string }>();
  const closeErrors = useFieldErrors(closeForm, { known: ['completed', 'reason'] });
  const [closeState, close] = useMutation(ProjectCloseDocument);
  const onClose = async (v: { completed: boolean; reason: string }) => {
    closeErrors.clear();
    const r = await close({ projectId: project.id, completed: v.completed, reason: v.reason });
    if (r.error) return closeErrors.applyCombined(r.error, t('app.networkError'));
    if (closeErrors.apply(r.data?.projectClose?.errors)) return;
    message.success(t('proj.close.done'));
    onChange();
  };
  const acts = project.viewerActsForFoundation;
  const canEvaluate = acts && ['approved', 'completed', 'closed'].includes(project.status);
  const canClose = acts && project.status === 'approved';
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} lg={12}>
        <List
          dataSource={project.evaluations}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('proj.eval.none')} /> }}
          renderItem={(e) => (
            <List.Item>
              <Space direction="vertical" size={2}>
                <Space>
                  <Rate disabled value={e.rating} aria-label={`${t('proj.eval.rating')} ${e.rating}/5`} />
                  <Typography.Text type="secondary">
                    {e.evaluator.displayName} · {date(e.submittedAt, lang)}
                  </Typography.Text>
                </Space>
                <Typography.Text>{e.summary}</Typography.Text>
              </Space>
            </List.Item>
          )}
        />
      </Col>
      <Col xs={24} lg={12}>
        <Space direction="vertical" size="middle" style={{ width: '100%' }}>
          {canEvaluate && (
            <Card size="small" title={t('proj.eval.submit')}>
              <FormErrors errors={evalErrors.formErrors} />
              <Form form={evalForm} layout="vertical" name="evaluation" onFinish={onEvaluate}>
                <Form.Item name="rating" label={t('proj.eval.rating')} rules={[{ required: true, message: t('auth.required') }]}>
                  <Rate aria-label={t('proj.eval.rating')} />
                </Form.Item>
                <Form.Item name="summary" label={t('proj.eval.summary')} rules={[{ required: true, message: t('auth.required') }]}>
                  <Input.TextArea rows={3} maxLength={2000} />
                </Form.Item>
                <Button type="primary" htmlType="submit" loading={evalState.fetching}>
                  {t('proj.eval.submit')}
                </Button>
              </Form>
            </Card>
          )}
          {canClose && (
            <Card size="small" title={t('proj.close.title')}>
              <Typography.Paragraph type="secondary">{t('proj.close.help')}</Typography.Paragraph>
              <FormErrors errors={closeErrors.formErrors} />
              <Form form={closeForm} layout="vertical" name="close" onFinish={onClose} initialValues={{ completed: true }}>
                <Form.Item name="completed" label={t('proj.review.outcome')}>
                  <Radio.Group
                    optionType="button"
                    options={[
                      { value: true, label: t('proj.close.completed') },
                      { value: false, label: t('proj.close.early') },
                    ]}
                  />
                </Form.Item>
                <Form.Item name="reason" label={t('proj.close.reason')} rules={[{ required: true, message: t('auth.required') }]}>
                  <Input.TextArea rows={2} maxLength={2000} />
                </Form.Item>
                <Popconfirm title={t('proj.close.help')} onConfirm={() => closeForm.submit()} okText={t('proj.close.submit')} cancelText={t('app.cancel')}>
                  <Button danger loading={closeState.fetching}>
                    {t('proj.close.submit')}
                  </Button>
                </Popconfirm>
              </Form>
            </Card>
          )}
        </Space>
      </Col>
    </Row>
  );
}

function Events({ project }: { project: Project }) {
  const { lang } = useI18n();
  const items: { key: string; children: ReactNode }[] = [...project.events].reverse().map((e) => ({
    key: e.id,
    children: (
      <Space wrap>
        <Typography.Text strong>{e.kindLabel}</Typography.Text>
        {e.actor && <Typography.Text>{e.actor.displayName}</Typography.Text>}
        <Typography.Text type="secondary">{dateTime(e.at, lang)}</Typography.Text>
      </Space>
    ),
  }));
  return <Timeline items={items} />;
}
