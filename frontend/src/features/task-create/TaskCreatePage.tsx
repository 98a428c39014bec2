import { Alert, App, Button, Card, Col, DatePicker, Form, Input, InputNumber, Row, Select, Switch, TreeSelect } from 'antd';
import { useLocation, useNavigate, useSearchParams } from 'react-router-dom';
import { useMutation } from 'urql';
import dayjs, { type Dayjs } from 'dayjs';
import { graphql } from '../../gql';
import type { RegionLevel, Role, VolunteeringServiceType } from '../../gql/graphql';
import { useMe } from '../../auth/MeProvider';
import { useFieldErrors } from '../../hooks/fieldErrors';
import { useI18n } from '../../i18n/I18nProvider';
import { TASK_SERVICE_TYPE, options } from '../../i18n/enums';
import { useRegionTree } from '../regions/useRegionTree';
import type { NeedForTask } from '../needs/OpenNeedsPage';

export const TaskCreateDocument = graphql(`
  mutation TaskCreate($input: ServiceTaskCreateInput!) {
    serviceTaskCreate(input: $input) {
      task {
        id
        status
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

const LEAD_ROLES: readonly Role[] = ['social_worker'];
const TASK_LEVELS: readonly RegionLevel[] = ['community', 'grid'];
// the server names the times startsAt/endsAt and the lead leadId; the form has one range field and no lead
const ALIASES = { startsAt: 'time', endsAt: 'time', regionId: 'regionId' };
const KNOWN = ['title', 'serviceType', 'regionId', 'time', 'slots', 'place', 'description', 'urgent', 'openNow'];

interface TaskValues {
  title?: string;
  serviceType?: VolunteeringServiceType;
  regionId?: string;
  time?: [Dayjs, Dayjs];
  slots?: number;
  place?: string;
  description?: string;
  urgent?: boolean;
  openNow?: boolean;
}

/** A social worker publishes a service task they lead (社工+志愿者): volunteers nearby see it live. */
export function TaskCreatePage() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const { me } = useMe();
  const [form] = Form.useForm<TaskValues>();
  const errors = useFieldErrors(form, { aliases: ALIASES, known: KNOWN });
  const regions = useRegionTree(LEAD_ROLES, TASK_LEVELS);
  const [{ fetching }, create] = useMutation(TaskCreateDocument);
  const leads = me?.isSuperuser || (me?.roles ?? []).some((g) => g.role === 'social_worker');
  // from the open needs page: /tasks/new?needId=… (the need's summary comes in the route's state; after a
  // reload only its id is left, and the server still takes the service, community and urgency from it)
  const [params] = useSearchParams();
  const needId = params.get('needId');
  const routeState = useLocation().state as { need?: NeedForTask } | null;
  const need = needId ? (routeState?.need ?? null) : null;

  async function onFinish(v: TaskValues) {
    errors.clear();
    if (!me) return;
    const [startsAt, endsAt] = v.time ?? [];
    const result = await create({
      input: {
        title: v.title ?? '',
        serviceType: needId ? null : (v.serviceType ?? null),
        regionId: needId ? null : (v.regionId ?? null),
        needId,
        startsAt: startsAt?.toISOString() ?? '',
        endsAt: endsAt?.toISOString() ?? '',
        slots: v.slots ?? 0,
        leadId: me.id,
        place: v.place ?? '',
        description: v.description ?? '',
        urgent: v.urgent ?? false,
        openNow: v.openNow ?? true,
      },
    });
    if (result.error) return errors.applyCombined(result.error, t('app.networkError'));
    if (errors.apply(result.data?.serviceTaskCreate?.errors)) return;
    const task = result.data?.serviceTaskCreate?.task;
    message.success(t('taskNew.created'));
    navigate(task ? `/tasks/${task.id}/manage` : '/tasks/mine');
  }

  return (
    <Card title={<h1 className="card-title">{t('taskNew.title')}</h1>}>
      {!leads && <Alert type="warning" showIcon message={t('taskNew.notSocialWorker')} style={{ marginBottom: 16 }} />}
      <Alert type="info" showIcon message={t('taskNew.help')} style={{ marginBottom: 16 }} />
      {needId && (
        <Alert
          type="success"
          showIcon
          data-testid="task-for-need"
          message={need ? `${t('taskNew.forNeed')}：${need.summary} · ${need.communityName}` : t('taskNew.forNeed')}
          description={t('taskNew.forNeedHelp')}
          style={{ marginBottom: 16 }}
        />
      )}
      {errors.formErrors.length > 0 && (
        <Alert type="error" role="alert" showIcon message={errors.formErrors.join(' ')} style={{ marginBottom: 16 }} />
      )}
      <Form<TaskValues>
        form={form}
        name="task-create"
        layout="vertical"
        onFinish={onFinish}
        disabled={!leads}
        initialValues={{
          slots: 2,
          openNow: true,
          urgent: need?.urgent ?? false,
          title: need ? `${need.summary} · ${need.communityName}` : undefined,
          time: [dayjs().add(1, 'day').hour(9).minute(0).second(0), dayjs().add(1, 'day').hour(11).minute(0).second(0)],
        }}
      >
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item name="title" label={t('taskNew.name')} rules={[{ required: true, message: t('auth.required') }]}>
              <Input maxLength={100} />
            </Form.Item>
          </Col>
          {!needId && (
            <>
          <Col xs={24} md={12}>
            <Form.Item name="serviceType" label={t('taskNew.serviceType')} rules={[{ required: true, message: t('auth.required') }]}>
              <Select options={options(TASK_SERVICE_TYPE, lang)} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="regionId" label={t('taskNew.region')} rules={[{ required: true, message: t('auth.required') }]}>
              <TreeSelect treeData={regions.tree} loading={regions.fetching} showSearch treeNodeFilterProp="title" treeDefaultExpandAll />
            </Form.Item>
          </Col>
            </>
          )}
          <Col xs={24} md={12}>
            <Form.Item name="time" label={t('taskNew.time')} rules={[{ required: true, message: t('auth.required') }]}>
              <DatePicker.RangePicker showTime={{ format: 'HH:mm', minuteStep: 5 }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={12} md={6}>
            <Form.Item name="slots" label={t('taskNew.slots')} rules={[{ required: true, message: t('auth.required') }]}>
              <InputNumber min={1} max={200} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={12} md={6}>
            <Form.Item name="urgent" label={t('taskNew.urgent')} valuePropName="checked">
              <Switch />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="openNow" label={t('taskNew.openNow')} valuePropName="checked">
              <Switch />
            </Form.Item>
          </Col>
          <Col xs={24}>
            <Form.Item name="place" label={t('taskNew.place')}>
              <Input maxLength={200} />
            </Form.Item>
          </Col>
          <Col xs={24}>
            <Form.Item name="description" label={t('taskNew.description')}>
              <Input.TextArea autoSize={{ minRows: 3 }} maxLength={2000} />
            </Form.Item>
          </Col>
        </Row>
        <Button type="primary" htmlType="submit" loading={fetching}>
          {t('taskNew.submit')}
        </Button>
      </Form>
    </Card>
  );
}
