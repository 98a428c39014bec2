import { useCallback, useEffect, useState, type HTMLAttributes } from 'react';
import { Alert, Badge, Button, Card, Checkbox, Col, Form, Input, List, Row, Segmented, Select, Space, Table, Tag, Typography } from 'antd';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { useMutation, useQuery, useSubscription, type CombinedError } from 'urql';
import dayjs from 'dayjs';
import type { ServiceTaskFieldsFragment, VolunteeringServiceType } from '../../gql/graphql';
import { useMe } from '../../auth/MeProvider';
import { ConnectionList } from '../../components/ConnectionTable';
import { EmptyState, ErrorState, PageLoading } from '../../components/QueryState';
import { combinedErrorMessage, useFieldErrors, type PayloadError } from '../../hooks/fieldErrors';
import { useConnectionQuery } from '../../hooks/useConnectionQuery';
import { useI18n } from '../../i18n/I18nProvider';
import { TASK_SERVICE_TYPE, TASK_STATUS, label, options } from '../../i18n/enums';
import { formatMinutes } from '../../i18n/format';
import {
  HoursConfirmDocument,
  MyTasksDocument,
  ServiceTasksDocument,
  TaskChangedLive,
  TaskCheckInDocument,
  TaskCheckOutDocument,
  TaskCheckinQrDocument,
  TaskClaimDocument,
  TaskDetailDocument,
  TaskWithdrawDocument,
} from './documents';

type Task = ServiceTaskFieldsFragment;

/** A fresh idempotency key for each click (a retry of the same request would reuse it). */
export function newIdempotencyKey(): string {
  if (typeof crypto !== 'undefined' && 'randomUUID' in crypto) return crypto.randomUUID();
  return `${Date.now().toString(16)}-${Math.random().toString(16).slice(2)}`;
}

/** The region of the viewer's first grant for one of the roles (live task events are per region). */
export function grantRegionId(roles: readonly { role: string; region: { id: string } | null }[], wanted: readonly string[]): string | null {
  return roles.find((g) => wanted.includes(g.role) && g.region)?.region?.id ?? null;
}

/** Refetch when a task of the viewer's region changes (claimed, withdrawn, opened, …). */
function useLiveTasks(onEvent: () => void): boolean {
  const { me } = useMe();
  const regionId = grantRegionId(me?.roles ?? [], ['volunteer', 'social_worker', 'workstation_staff']);
  useSubscription({ query: TaskChangedLive, variables: { regionId: regionId ?? '' }, pause: !regionId }, (_p, event) => {
    onEvent();
    return event;
  });
  return regionId !== null;
}

function when(task: Task): string {
  const start = dayjs(task.startsAt);
  return `${start.format('MM-DD HH:mm')}–${dayjs(task.endsAt).format('HH:mm')}`;
}

function TaskCard({ task, onChanged }: { task: Task; onChanged: () => void }) {
  const { t, lang } = useI18n();
  const [claimState, claim] = useMutation(TaskClaimDocument);
  const [withdrawState, withdraw] = useMutation(TaskWithdrawDocument);
  const [error, setError] = useState<string | null>(null);
  const show = (e: CombinedError | undefined, errors: readonly PayloadError[] | undefined | null): boolean => {
    if (e) {
      setError(combinedErrorMessage(e, t('app.networkError')));
      return true;
    }
    if (errors?.length) {
      setError(errors.map((x) => x.message).join('；'));
      return true;
    }
    setError(null);
    return false;
  };
  const doClaim = async (waitlist: boolean) => {
    const r = await claim({ taskId: task.id, idempotencyKey: newIdempotencyKey(), waitlist });
    if (!show(r.error, r.data?.taskClaim?.errors)) onChanged();
  };
  const doWithdraw = async () => {
    const r = await withdraw({ taskId: task.id });
    if (!show(r.error, r.data?.taskWithdraw?.errors)) onChanged();
  };
  const mine = task.myClaimStatus === 'claimed' || task.myClaimStatus === 'waitlisted';
  return (
    <Card size="small" className={task.urgent ? 'need-card need-card-urgent' : 'need-card'} data-testid="task-card" data-task-id={task.id}>
      <Space direction="vertical" size={4} style={{ width: '100%' }}>
        <Space size={4} wrap>
          {task.urgent && <Tag color="red">{t('hh.urgent')}</Tag>}
          <Tag color="green">{label(TASK_SERVICE_TYPE, task.serviceType, lang)}</Tag>
          <Tag>{label(TASK_STATUS, task.status, lang)}</Tag>
          {task.myClaimStatus === 'claimed' && <Tag color="blue">{t('task.claimed')}</Tag>}
          {task.myClaimStatus === 'waitlisted' && <Tag color="orange">{t('task.waitlisted')}</Tag>}
          {task.isLead && <Tag color="purple">{t('task.lead.mine')}</Tag>}
        </Space>
        <Typography.Text strong>{task.title}</Typography.Text>
        <Typography.Text type="secondary">
          {when(task)} · {task.region.name}
          {task.place ? ` · ${task.place}` : ''}
        </Typography.Text>
        <Typography.Text data-testid="slots-left">
          {t('task.slotsLeft', { left: task.slotsLeft, slots: task.slots })} · {formatMinutes(task.plannedMinutes, lang)} · {t('task.lead')}{' '}
          {task.lead.displayName}
        </Typography.Text>
        {error && <Alert type="error" showIcon role="alert" message={error} />}
        <Space wrap>
          {!mine && !task.isLead && task.status === 'open' && (
            <Button type="primary" loading={claimState.fetching} onClick={() => void doClaim(false)}>
              {t('task.claim')}
            </Button>
          )}
          {!mine && !task.isLead && task.status === 'full' && (
            <Button loading={claimState.fetching} onClick={() => void doClaim(true)}>
              {t('task.waitlist')}
            </Button>
          )}
          {mine && (
            <Button danger loading={withdrawState.fetching} onClick={() => void doWithdraw()}>
              {t('task.withdraw')}
            </Button>
          )}
          {task.canManage && (
            <Link to={`/tasks/${encodeURIComponent(task.id)}/manage`}>
              <Button>{t('task.manage')}</Button>
            </Link>
          )}
        </Space>
      </Space>
    </Card>
  );
}

/** Task cards: one column on a phone, two or three on wider screens. */
const TASK_GRID = { gutter: 12, xs: 1, sm: 1, md: 2, xl: 3 };

/** Volunteers: tasks near me (urgent first, then my community, my street, …) with filters; places update live. */
export function NearbyTasksPage() {
  const { t, lang } = useI18n();
  const [serviceType, setServiceType] = useState<VolunteeringServiceType | null>(null);
  const [urgent, setUrgent] = useState(false);
  const [qualifiedOnly, setQualifiedOnly] = useState(false);
  const tasks = useConnectionQuery({
    query: ServiceTasksDocument,
    variables: { filters: { serviceType, urgent: urgent ? true : null, qualifiedOnly: qualifiedOnly || null } },
    select: (data) => data.serviceTasks,
  });
  const { pages, reload } = tasks;
  const live = useLiveTasks(reload);
  return (
    <Card title={<h1 className="card-title">{t('shell.nearbyTasks')}</h1>} extra={live ? <Badge status="processing" text={t('task.live')} /> : null}>
      <Row gutter={[8, 8]} style={{ marginBottom: 12 }}>
        <Col xs={24} md={10}>
          <Select<VolunteeringServiceType>
            aria-label={t('task.filterType')}
            placeholder={t('task.filterType')}
            allowClear
            style={{ width: '100%' }}
            value={serviceType ?? undefined}
            onChange={(v) => {
              setServiceType(v ?? null);
              pages.reset();
            }}
            options={options(TASK_SERVICE_TYPE, lang)}
          />
        </Col>
        <Col xs={12} md={7}>
          <Checkbox checked={urgent} onChange={(e) => (setUrgent(e.target.checked), pages.reset())}>
            {t('task.onlyUrgent')}
          </Checkbox>
        </Col>
        <Col xs={12} md={7}>
          <Checkbox checked={qualifiedOnly} onChange={(e) => (setQualifiedOnly(e.target.checked), pages.reset())}>
            {t('task.qualifiedOnly')}
          </Checkbox>
        </Col>
      </Row>
      <ConnectionList<Task>
        result={tasks}
        empty={t('task.empty')}
        grid={TASK_GRID}
        renderItem={(task) => (
          <List.Item>
            <TaskCard task={task} onChanged={reload} />
          </List.Item>
        )}
      />
    </Card>
  );
}

/** Volunteers and social workers: the tasks I am on or lead, upcoming or past. */
export function MyTasksPage() {
  const { t } = useI18n();
  const [past, setPast] = useState(false);
  const [{ data, fetching, error }, refetch] = useQuery({ query: MyTasksDocument, variables: { past } });
  const reload = useCallback(() => refetch({ requestPolicy: 'network-only' }), [refetch]);
  useLiveTasks(reload);
  const items = data?.myTasks ?? [];
  return (
    <Card title={<h1 className="card-title">{t('shell.myTasks')}</h1>}>
      <Segmented<'upcoming' | 'past'>
        style={{ marginBottom: 12 }}
        value={past ? 'past' : 'upcoming'}
        onChange={(v) => setPast(v === 'past')}
        options={[
          { value: 'upcoming', label: t('task.upcoming') },
          { value: 'past', label: t('task.past') },
        ]}
      />
      {error ? (
        <ErrorState error={error} onRetry={reload} />
      ) : (
        <List<Task>
          loading={fetching && !data}
          dataSource={items}
          grid={TASK_GRID}
          locale={{ emptyText: fetching ? ' ' : <EmptyState description={t('task.myEmpty')} /> }}
          renderItem={(task) => (
            <List.Item>
              <TaskCard task={task} onChanged={reload} />
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}

/** The page a QR code opens (`/scan?token=…`): check in, or out, with the token (scanned or pasted). */
export function ScanPage() {
  const { t, lang } = useI18n();
  const [params] = useSearchParams();
  const [form] = Form.useForm<{ token: string }>();
  const errors = useFieldErrors(form, { known: ['token'] });
  const [inState, checkIn] = useMutation(TaskCheckInDocument);
  const [outState, checkOut] = useMutation(TaskCheckOutDocument);
  const [done, setDone] = useState<string | null>(null);
  useEffect(() => {
    const token = params.get('token');
    if (token) form.setFieldValue('token', token);
  }, [params, form]);
  const run = async (out: boolean) => {
    const { token } = await form.validateFields();
    errors.clear();
    setDone(null);
    if (out) {
      const r = await checkOut({ token: token.trim() });
      if (r.error) return errors.applyCombined(r.error, t('app.networkError'));
      const p = r.data?.taskCheckOut;
      if (errors.apply(p?.errors)) return;
      if (p?.attendance) setDone(t('task.checkedOut', { title: p.attendance.task.title, minutes: formatMinutes(p.attendance.minutes, lang) }));
    } else {
      const r = await checkIn({ token: token.trim() });
      if (r.error) return errors.applyCombined(r.error, t('app.networkError'));
      const p = r.data?.taskCheckIn;
      if (errors.apply(p?.errors)) return;
      if (p?.attendance) setDone(t('task.checkedIn', { title: p.attendance.task.title }));
    }
  };
  return (
    <Card title={<h1 className="card-title">{t('task.scanTitle')}</h1>}>
      <Typography.Paragraph type="secondary">{t('task.scanHint')}</Typography.Paragraph>
      {done && <Alert type="success" showIcon message={done} style={{ marginBottom: 12 }} role="status" />}
      {errors.formErrors.map((m) => (
        <Alert key={m} type="error" showIcon message={m} style={{ marginBottom: 12 }} />
      ))}
      <Form form={form} layout="vertical" id="task-scan">
        <Form.Item name="token" label={t('task.token')} rules={[{ required: true }]}>
          <Input.TextArea rows={3} autoComplete="off" />
        </Form.Item>
        <Space>
          <Button type="primary" size="large" loading={inState.fetching} onClick={() => void run(false)}>
            {t('task.checkIn')}
          </Button>
          <Button size="large" loading={outState.fetching} onClick={() => void run(true)}>
            {t('task.checkOut')}
          </Button>
        </Space>
      </Form>
    </Card>
  );
}

/** The lead's QR code, fetched afresh every refreshInSeconds (60 s). */
function CheckinQr({ taskId }: { taskId: string }) {
  const { t } = useI18n();
  const [{ data, error }, refetch] = useQuery({ query: TaskCheckinQrDocument, variables: { taskId }, requestPolicy: 'network-only' });
  const qr = data?.taskCheckinQr.qr;
  const seconds = qr?.refreshInSeconds ?? 60;
  useEffect(() => {
    const id = window.setInterval(() => refetch({ requestPolicy: 'network-only' }), seconds * 1000);
    return () => window.clearInterval(id);
  }, [refetch, seconds]);
  if (error) return <ErrorState error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  const errs = data?.taskCheckinQr.errors ?? [];
  if (errs.length) return <Alert type="warning" showIcon message={errs.map((e) => e.message).join('；')} />;
  if (!qr) return <PageLoading />;
  return (
    <Space direction="vertical" align="center" style={{ width: '100%' }}>
      <img src={qr.svgDataUri} alt={t('task.qrTitle')} style={{ width: 240, height: 240 }} />
      <Typography.Text type="secondary">{t('task.qrHint', { seconds })}</Typography.Text>
      <Typography.Text copyable={{ text: qr.token }} code style={{ wordBreak: 'break-all' }} data-testid="qr-token">
        {/* its end (the signature and time) changes with every code; its start is the same for the whole task */}
        …{qr.token.slice(-12)}
      </Typography.Text>
    </Space>
  );
}

/** Social worker (the task's lead): the QR code, attendance, and hour confirmation. */
export function TaskManagePage() {
  const { t, lang } = useI18n();
  const { id = '' } = useParams();
  const [{ data, fetching, error }, refetch] = useQuery({ query: TaskDetailDocument, variables: { id } });
  const reload = useCallback(() => refetch({ requestPolicy: 'network-only' }), [refetch]);
  // arrivals, check-outs and confirmations are announced per task: the table follows them without a reload
  const live = useLiveTasks(reload);
  const [form] = Form.useForm<{ visitNotes?: string }>();
  const errors = useFieldErrors(form, { known: ['visitNotes'] });
  const [confirmState, confirm] = useMutation(HoursConfirmDocument);
  const [done, setDone] = useState<string | null>(null);
  if (error) return <ErrorState error={error} onRetry={reload} />;
  const task = data?.serviceTask;
  if (!task) return fetching ? <PageLoading /> : <EmptyState description={t('app.notFound')} />;
  const submit = async (values: { visitNotes?: string }) => {
    errors.clear();
    setDone(null);
    const r = await confirm({ taskId: task.id, visitNotes: values.visitNotes || null });
    if (r.error) return errors.applyCombined(r.error, t('app.networkError'));
    const p = r.data?.hoursConfirm;
    if (errors.apply(p?.errors)) return;
    setDone(t('task.hoursConfirmed', { count: p?.attendances?.length ?? 0 }));
    reload();
  };
  const claims = task.claims.filter((c) => c.status === 'claimed');
  // a completed or cancelled task takes no more check-ins and has nothing left to confirm
  const active = task.status === 'open' || task.status === 'full' || task.status === 'in_progress';
  return (
    <Space direction="vertical" style={{ width: '100%' }} size={12}>
      <Card title={<h1 className="card-title">{task.title}</h1>}>
        <Typography.Text type="secondary">
          {when(task)} · {task.region.name} · {label(TASK_STATUS, task.status, lang)}
        </Typography.Text>
      </Card>
      {task.isLead && active && (
        <Card title={t('task.qrTitle')}>
          <CheckinQr taskId={task.id} />
        </Card>
      )}
      <Card title={t('task.attendance')} extra={live ? <Badge status="processing" text={t('task.attendanceLive')} /> : null}>
        <Table
          rowKey="id"
          size="small"
          pagination={false}
          scroll={{ x: true }}
          dataSource={claims}
          onRow={() => ({ 'data-testid': 'attendance-row' }) as HTMLAttributes<HTMLElement>}
          locale={{ emptyText: <EmptyState description={t('app.empty')} /> }}
          columns={[
            { title: t('task.volunteer'), render: (_v, c) => c.volunteer.displayName },
            { title: t('task.checkedInAt'), render: (_v, c) => (c.attendance ? dayjs(c.attendance.checkedInAt).format('HH:mm') : '—') },
            {
              title: t('task.checkedOutAt'),
              render: (_v, c) => (c.attendance?.checkedOutAt ? dayjs(c.attendance.checkedOutAt).format('HH:mm') : '—'),
            },
            {
              // minutes exist once the volunteer has checked out (before that the 0 would read as "served nothing")
              title: t('task.minutes'),
              render: (_v, c) =>
                c.attendance?.checkedOutAt ? formatMinutes(c.attendance.creditedMinutes ?? c.attendance.minutes, lang) : '—',
            },
            {
              title: t('task.confirmedAt'),
              render: (_v, c) => (
                <span data-testid="confirmed-at">{c.attendance?.confirmedAt ? dayjs(c.attendance.confirmedAt).format('MM-DD HH:mm') : '—'}</span>
              ),
            },
          ]}
        />
        {done && <Alert type="success" showIcon message={done} style={{ marginTop: 12 }} role="status" />}
        {task.canManage && active && (
          <Form form={form} layout="vertical" onFinish={(v) => void submit(v)} id="hours-confirm" style={{ marginTop: 12 }}>
            {errors.formErrors.map((m) => (
              <Alert key={m} type="error" showIcon message={m} style={{ marginBottom: 12 }} />
            ))}
            <Form.Item name="visitNotes" label={t('task.visitNotes')}>
              <Input.TextArea rows={2} maxLength={2000} />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={confirmState.fetching}>
              {t('task.confirmHours')}
            </Button>
          </Form>
        )}
      </Card>
    </Space>
  );
}
