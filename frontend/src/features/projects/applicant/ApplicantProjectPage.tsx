import { useRef, useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  DatePicker,
  Descriptions,
  Form,
  Input,
  InputNumber,
  List,
  Modal,
  Popconfirm,
  Row,
  Select,
  Space,
  Statistic,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useNavigate, useParams } from 'react-router-dom';
import { useMutation, useQuery } from 'urql';
import dayjs, { type Dayjs } from 'dayjs';
import type { ApplicantProjectFieldsFragment } from '../../../gql/graphql';
import { ErrorState, PageLoading } from '../../../components/QueryState';
import { useFieldErrors } from '../../../hooks/fieldErrors';
import { useI18n } from '../../../i18n/I18nProvider';
import { formatFen, formatMinutes } from '../../../i18n/format';
import type { Lang } from '../../../i18n/language';
import { BUDGET_CATEGORY, GROUP, OUTCOME, PROJECT_CATEGORY, PROJECT_STATUS, REPORT_STATUS, STATUS_COLOR, TRANCHE_STATUS, lbl } from '../text';
import { EDITABLE } from './ApplicationFormPage';
import {
  ApplicantProjectDocument,
  ApplicationSubmitDocument,
  ApplicationWithdrawDocument,
  MilestoneReportSubmitDocument,
  SpendingRecordDocument,
} from './documents';
import { parseYuan } from './money';

type Project = ApplicantProjectFieldsFragment;

const WITHDRAWABLE = ['draft', 'submitted', 'under_review', 'changes_requested'];
const RUNNING = ['approved', 'completed', 'closed'];
const REPORT_COLOR = { submitted: 'blue', approved: 'green', returned: 'orange' } as const;

// a date (YYYY-MM-DD) is shown as written, like the period; an instant in the viewer's locale
const day = (iso: string | null | undefined, lang: Lang) =>
  !iso ? '—' : iso.length === 10 ? iso : new Date(iso).toLocaleDateString(lang === 'en' ? 'en' : 'zh-CN');

/** /org/projects/:id — the applicant's view of one project: submit or withdraw it; once approved, report
 * milestones and record spending, and see what the foundation decided and how it reviewed each report. */
export function ApplicantProjectPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const [{ data, fetching, error }, refetch] = useQuery({
    query: ApplicantProjectDocument,
    variables: { id },
    requestPolicy: 'cache-and-network',
  });
  const reload = () => refetch({ requestPolicy: 'network-only' });
  if (error) return <ErrorState error={error} onRetry={reload} />;
  if (fetching && !data) return <PageLoading />;
  const project = data?.project;
  if (!project) return <Alert type="error" showIcon message={t('proj.detail.notFound')} />;
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Header project={project} onChanged={reload} />
      <Decisions project={project} />
      {RUNNING.includes(project.status) && (
        <>
          <Funding project={project} />
          <Reports project={project} onChanged={reload} />
          <Spending project={project} onChanged={reload} />
        </>
      )}
      <Plan project={project} />
    </Space>
  );
}

function Header({ project, onChanged }: { project: Project; onChanged: () => void }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [problem, setProblem] = useState<string | null>(null);
  const [withdrawing, setWithdrawing] = useState(false);
  const [reason, setReason] = useState('');
  const [{ fetching: submitting }, submit] = useMutation(ApplicationSubmitDocument);
  const [{ fetching: withdrawBusy }, withdraw] = useMutation(ApplicationWithdrawDocument);
  const editable = project.viewerIsMember && (EDITABLE as readonly string[]).includes(project.status);
  const withdrawable = project.viewerIsMember && WITHDRAWABLE.includes(project.status);

  async function onSubmit() {
    setProblem(null);
    const result = await submit({ projectId: project.id });
    const errors = result.data?.applicationSubmit?.errors ?? [];
    if (result.error || errors.length) {
      setProblem(result.error ? t('app.networkError') : errors.map((e) => e.message).join(' '));
      return;
    }
    message.success(t('org.submitted'));
    onChanged();
  }

  async function onWithdraw() {
    setProblem(null);
    const result = await withdraw({ projectId: project.id, reason });
    const errors = result.data?.applicationWithdraw?.errors ?? [];
    if (result.error || errors.length) {
      setProblem(result.error ? t('app.networkError') : errors.map((e) => e.message).join(' '));
      setWithdrawing(false);
      return;
    }
    setWithdrawing(false);
    message.success(t('org.withdrawn'));
    onChanged();
  }

  return (
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
          {editable && <Button onClick={() => navigate(`/org/projects/${project.id}/edit`)}>{t('org.edit')}</Button>}
          {editable && (
            <Popconfirm title={t('org.submitConfirm')} onConfirm={onSubmit} okText={t('app.submit')} cancelText={t('app.cancel')}>
              <Button type="primary" loading={submitting}>
                {t('org.submit')}
              </Button>
            </Popconfirm>
          )}
          {withdrawable && (
            <Button danger onClick={() => setWithdrawing(true)}>
              {t('org.withdraw')}
            </Button>
          )}
        </Space>
      }
    >
      {problem && <Alert type="error" role="alert" showIcon message={problem} style={{ marginBottom: 12 }} />}
      {project.status === 'changes_requested' && (
        <Alert type="warning" showIcon message={t('org.changesRequested')} style={{ marginBottom: 12 }} />
      )}
      <Descriptions size="small" column={{ xs: 1, md: 2 }}>
        <Descriptions.Item label={t('org.organisation')}>{project.organisation.name}</Descriptions.Item>
        <Descriptions.Item label={t('proj.detail.foundation')}>{project.foundation.name}</Descriptions.Item>
        <Descriptions.Item label={t('proj.list.region')}>{project.region.name}</Descriptions.Item>
        <Descriptions.Item label={t('proj.detail.category')}>{lbl(PROJECT_CATEGORY, project.category, t)}</Descriptions.Item>
        <Descriptions.Item label={t('proj.detail.period')}>
          {project.startsOn} – {project.endsOn}
        </Descriptions.Item>
        <Descriptions.Item label={t('proj.detail.beneficiaries')}>
          {project.beneficiaryCount} · {project.beneficiaryGroups.map((g) => lbl(GROUP, g, t)).join('、')}
        </Descriptions.Item>
        <Descriptions.Item label={t('proj.detail.budgetTotal')}>{formatFen(project.budgetTotalFen)}</Descriptions.Item>
        <Descriptions.Item label={t('proj.list.requested')}>{formatFen(project.requestedFen)}</Descriptions.Item>
        <Descriptions.Item label={t('proj.list.submittedAt')}>{day(project.submittedAt, lang)}</Descriptions.Item>
        <Descriptions.Item label={t('proj.detail.round')}>{project.reviewRound}</Descriptions.Item>
      </Descriptions>
      {project.summary && <Typography.Paragraph style={{ marginTop: 8 }}>{project.summary}</Typography.Paragraph>}
      <Modal
        open={withdrawing}
        title={t('org.withdrawTitle')}
        okText={t('org.withdraw')}
        okButtonProps={{ danger: true, loading: withdrawBusy }}
        cancelText={t('app.cancel')}
        onOk={onWithdraw}
        onCancel={() => setWithdrawing(false)}
        destroyOnHidden
      >
        <Typography.Paragraph>{t('org.withdrawHelp')}</Typography.Paragraph>
        <Input.TextArea
          aria-label={t('proj.close.reason')}
          placeholder={t('proj.close.reason')}
          maxLength={500}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
      </Modal>
    </Card>
  );
}

function Decisions({ project }: { project: Project }) {
  const { t, lang } = useI18n();
  if (!project.decisions.length) return null;
  return (
    <Card title={t('proj.review.decisions')} size="small">
      <List
        dataSource={project.decisions}
        renderItem={(d) => (
          <List.Item data-testid="decision">
            <List.Item.Meta
              title={
                <Space wrap>
                  <Tag color={d.outcome === 'approve' ? 'green' : d.outcome === 'reject' ? 'red' : 'orange'}>{lbl(OUTCOME, d.outcome, t)}</Tag>
                  {d.outcome === 'approve' && <span>{formatFen(d.amountFen)}</span>}
                  <Typography.Text type="secondary">
                    {t('proj.detail.round')} {d.round} · {day(d.decidedAt, lang)}
                  </Typography.Text>
                </Space>
              }
              description={d.reasons}
            />
          </List.Item>
        )}
      />
    </Card>
  );
}

function Funding({ project }: { project: Project }) {
  const { t } = useI18n();
  const f = project.funding;
  return (
    <Card title={t('proj.grant.funding')} size="small">
      <Row gutter={16}>
        {(
          [
            ['proj.grant.grant', f.grantFen],
            ['proj.grant.released', f.releasedFen],
            ['proj.grant.donations', f.donationsFen],
            ['proj.grant.spent', f.spentFen],
            ['proj.grant.balance', f.balanceFen],
          ] as const
        ).map(([key, fen]) => (
          <Col xs={12} md={4} key={key}>
            <Statistic title={t(key)} value={formatFen(fen)} valueStyle={{ fontSize: 18 }} />
          </Col>
        ))}
      </Row>
    </Card>
  );
}

interface ReportValues {
  milestoneId?: string;
  narrative?: string;
  householdsServed?: number;
  serviceMinutes?: number;
  goodsItems?: number;
  goodsDescription?: string;
}

function Reports({ project, onChanged }: { project: Project; onChanged: () => void }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<ReportValues>();
  const errors = useFieldErrors(form, {
    known: ['milestoneId', 'narrative', 'householdsServed', 'serviceMinutes', 'goodsItems', 'goodsDescription'],
  });
  const [{ fetching }, submit] = useMutation(MilestoneReportSubmitDocument);
  const open = project.status === 'approved' && project.viewerIsMember;
  // a milestone takes a report while none waits for review and none was approved
  const reportable = project.milestones.filter(
    (m) => !project.reports.some((r) => r.milestoneId === m.id && (r.status === 'submitted' || r.status === 'approved')),
  );

  async function onFinish(v: ReportValues) {
    errors.clear();
    const result = await submit({
      milestoneId: v.milestoneId ?? '',
      narrative: v.narrative ?? '',
      householdsServed: v.householdsServed ?? 0,
      serviceMinutes: v.serviceMinutes ?? 0,
      goodsItems: v.goodsItems ?? 0,
      goodsDescription: v.goodsDescription ?? '',
    });
    if (result.error) return errors.applyCombined(result.error, t('app.networkError'));
    if (errors.apply(result.data?.milestoneReportSubmit?.errors)) return;
    message.success(t('org.reportSent'));
    form.resetFields();
    onChanged();
  }

  return (
    <Card title={t('proj.detail.reports')} size="small">
      <List
        locale={{ emptyText: t('proj.report.none') }}
        dataSource={project.reports}
        renderItem={(r) => (
          <List.Item data-testid="report">
            <List.Item.Meta
              title={
                <Space wrap>
                  <span>{r.milestoneTitle}</span>
                  <Tag color={REPORT_COLOR[r.status]}>{lbl(REPORT_STATUS, r.status, t)}</Tag>
                  <Typography.Text type="secondary">{day(r.submittedAt, lang)}</Typography.Text>
                </Space>
              }
              description={
                <>
                  <Typography.Paragraph style={{ marginBottom: 4 }}>{r.narrative}</Typography.Paragraph>
                  <Typography.Text type="secondary">
                    {t('proj.report.households')} {r.householdsServed} · {t('proj.report.minutes')} {formatMinutes(r.serviceMinutes, lang)} ·{' '}
                    {t('proj.report.goods')} {r.goodsItems}
                    {r.goodsDescription ? `（${r.goodsDescription}）` : ''}
                  </Typography.Text>
                  {r.status !== 'submitted' && (
                    <Alert
                      style={{ marginTop: 8 }}
                      type={r.status === 'approved' ? 'success' : 'warning'}
                      showIcon
                      data-testid="report-review"
                      message={r.status === 'approved' ? t('org.reportApproved') : t('org.reportReturned')}
                      description={r.reviewNote ? `${t('proj.report.note')}：${r.reviewNote}` : undefined}
                    />
                  )}
                </>
              }
            />
          </List.Item>
        )}
      />
      {open && reportable.length > 0 && (
        <>
          <Typography.Title level={5} style={{ marginTop: 16 }}>
            {t('org.reportNew')}
          </Typography.Title>
          {errors.formErrors.length > 0 && (
            <Alert type="error" role="alert" showIcon message={errors.formErrors.join(' ')} style={{ marginBottom: 12 }} />
          )}
          <Form<ReportValues>
            form={form}
            name="report"
            layout="vertical"
            onFinish={onFinish}
            disabled={fetching}
            initialValues={{ milestoneId: reportable[0]?.id, householdsServed: 0, serviceMinutes: 0, goodsItems: 0 }}
          >
            <Row gutter={16}>
              <Col xs={24} md={12}>
                <Form.Item name="milestoneId" label={t('org.milestoneTitle')} rules={[{ required: true, message: t('auth.required') }]}>
                  <Select options={reportable.map((m) => ({ value: m.id, label: `${m.title}（${m.dueOn}）` }))} />
                </Form.Item>
              </Col>
              <Col xs={24}>
                <Form.Item name="narrative" label={t('org.narrative')} rules={[{ required: true, message: t('auth.required') }]}>
                  <Input.TextArea autoSize={{ minRows: 3 }} maxLength={5000} />
                </Form.Item>
              </Col>
              <Col xs={8} md={4}>
                <Form.Item name="householdsServed" label={t('proj.report.households')}>
                  <InputNumber precision={0} style={{ width: '100%' }} />
                </Form.Item>
              </Col>
              <Col xs={8} md={4}>
                <Form.Item name="serviceMinutes" label={t('org.serviceMinutes')}>
                  <InputNumber precision={0} style={{ width: '100%' }} />
                </Form.Item>
              </Col>
              <Col xs={8} md={4}>
                <Form.Item name="goodsItems" label={t('proj.report.goods')}>
                  <InputNumber precision={0} style={{ width: '100%' }} />
                </Form.Item>
              </Col>
              <Col xs={24} md={12}>
                <Form.Item name="goodsDescription" label={t('org.goodsDescription')}>
                  <Input maxLength={200} />
                </Form.Item>
              </Col>
            </Row>
            <Button type="primary" htmlType="submit" loading={fetching}>
              {t('org.reportSubmit')}
            </Button>
          </Form>
        </>
      )}
    </Card>
  );
}

interface SpendingValues {
  budgetLineId?: string;
  amount?: string;
  spentOn?: Dayjs;
  memo?: string;
}

function newKey(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
}

function Spending({ project, onChanged }: { project: Project; onChanged: () => void }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<SpendingValues>();
  const errors = useFieldErrors(form, { aliases: { amountFen: 'amount' }, known: ['budgetLineId', 'amount', 'spentOn', 'memo'] });
  const [{ fetching }, record] = useMutation(SpendingRecordDocument);
  // one key per spending: a retry of the same submit (a lost answer) is recorded once
  const key = useRef(newKey());
  const open = project.status === 'approved' && project.viewerIsMember;
  const lineName = new Map(project.budgetLines.map((l) => [l.id, l.name]));
  const spentByLine = new Map<string, bigint>();
  for (const s of project.spendings) spentByLine.set(s.budgetLineId, (spentByLine.get(s.budgetLineId) ?? 0n) + BigInt(s.amountFen));

  async function onFinish(v: SpendingValues) {
    errors.clear();
    const result = await record({
      projectId: project.id,
      budgetLineId: v.budgetLineId ?? '',
      amountFen: parseYuan(v.amount) ?? '0',
      spentOn: v.spentOn?.format('YYYY-MM-DD') ?? '',
      memo: v.memo ?? '',
      idempotencyKey: key.current,
    });
    if (result.error) return errors.applyCombined(result.error, t('app.networkError'));
    if (errors.apply(result.data?.spendingRecord?.errors)) return;
    key.current = newKey();
    message.success(t('org.spendingRecorded'));
    form.resetFields();
    onChanged();
  }

  return (
    <Card title={t('proj.detail.spending')} size="small">
      <Table
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={project.budgetLines}
        scroll={{ x: 520 }}
        columns={[
          { title: t('proj.spend.line'), key: 'name', render: (_v, l) => l.name },
          { title: t('proj.detail.category'), key: 'cat', render: (_v, l) => lbl(BUDGET_CATEGORY, l.category, t) },
          { title: t('proj.mon.budget'), key: 'budget', align: 'right', render: (_v, l) => formatFen(l.amountFen) },
          { title: t('proj.mon.spent'), key: 'spent', align: 'right', render: (_v, l) => formatFen((spentByLine.get(l.id) ?? 0n).toString()) },
          {
            title: t('proj.mon.remaining'),
            key: 'left',
            align: 'right',
            render: (_v, l) => formatFen((BigInt(l.amountFen) - (spentByLine.get(l.id) ?? 0n)).toString()),
          },
        ]}
      />
      {project.spendings.length > 0 && (
        <List
          size="small"
          style={{ marginTop: 12 }}
          dataSource={[...project.spendings].reverse()}
          renderItem={(s) => (
            <List.Item data-testid="spending">
              <Space wrap>
                <span>{day(s.spentOn, lang)}</span>
                <span>{lineName.get(s.budgetLineId) ?? ''}</span>
                <strong>{formatFen(s.amountFen)}</strong>
                {s.memo && <Typography.Text type="secondary">{s.memo}</Typography.Text>}
              </Space>
            </List.Item>
          )}
        />
      )}
      {open && (
        <>
          <Typography.Title level={5} style={{ marginTop: 16 }}>
            {t('org.spendingNew')}
          </Typography.Title>
          {errors.formErrors.length > 0 && (
            <Alert type="error" role="alert" showIcon message={errors.formErrors.join(' ')} style={{ marginBottom: 12 }} />
          )}
          <Form<SpendingValues>
            form={form}
            name="spending"
            layout="vertical"
            onFinish={onFinish}
            disabled={fetching}
            initialValues={{ budgetLineId: project.budgetLines[0]?.id, spentOn: dayjs() }}
          >
            <Row gutter={16}>
              <Col xs={24} md={8}>
                <Form.Item name="budgetLineId" label={t('proj.spend.line')} rules={[{ required: true, message: t('auth.required') }]}>
                  <Select options={project.budgetLines.map((l) => ({ value: l.id, label: l.name }))} />
                </Form.Item>
              </Col>
              <Col xs={12} md={5}>
                <Form.Item
                  name="amount"
                  label={t('org.amountYuan')}
                  rules={[
                    { required: true, message: t('auth.required') },
                    {
                      validator: (_r, v: string | undefined) =>
                        !v || parseYuan(v) !== null ? Promise.resolve() : Promise.reject(new Error(t('org.amountFormat'))),
                    },
                  ]}
                >
                  <Input inputMode="decimal" prefix="¥" />
                </Form.Item>
              </Col>
              <Col xs={12} md={5}>
                <Form.Item name="spentOn" label={t('proj.spend.on')} rules={[{ required: true, message: t('auth.required') }]}>
                  <DatePicker format="YYYY-MM-DD" style={{ width: '100%' }} />
                </Form.Item>
              </Col>
              <Col xs={24} md={6}>
                <Form.Item name="memo" label={t('proj.spend.memo')}>
                  <Input maxLength={500} />
                </Form.Item>
              </Col>
            </Row>
            <Button type="primary" htmlType="submit" loading={fetching}>
              {t('org.spendingRecord')}
            </Button>
          </Form>
        </>
      )}
    </Card>
  );
}

function Plan({ project }: { project: Project }) {
  const { t, lang } = useI18n();
  return (
    <Card title={t('proj.detail.application')} size="small">
      <Typography.Paragraph>
        <Typography.Text strong>{t('proj.detail.goals')}：</Typography.Text>
        {project.goals}
      </Typography.Paragraph>
      <Typography.Title level={5}>{t('proj.detail.budget')}</Typography.Title>
      <Table
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={project.budgetLines}
        columns={[
          { title: t('org.lineName'), key: 'name', render: (_v, l) => l.name },
          { title: t('proj.detail.category'), key: 'cat', render: (_v, l) => lbl(BUDGET_CATEGORY, l.category, t) },
          { title: t('proj.spend.amount'), key: 'amount', align: 'right', render: (_v, l) => formatFen(l.amountFen) },
          { title: t('proj.spend.memo'), key: 'note', render: (_v, l) => l.note || '—' },
        ]}
      />
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        {t('proj.detail.milestones')}
      </Typography.Title>
      <Table
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={project.milestones}
        columns={[
          { title: t('org.milestoneTitle'), key: 'title', render: (_v, m) => m.title },
          { title: t('proj.detail.dueOn'), key: 'due', render: (_v, m) => day(m.dueOn, lang) },
          { title: t('proj.detail.plannedTranche'), key: 'plan', align: 'right', render: (_v, m) => formatFen(m.plannedTrancheFen) },
          {
            title: t('proj.grant.tranches'),
            key: 'tranche',
            render: (_v, m) => (m.tranche ? <Tag>{lbl(TRANCHE_STATUS, m.tranche.status, t)}</Tag> : '—'),
          },
        ]}
      />
    </Card>
  );
}
