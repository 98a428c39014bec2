import { useMemo, useState } from 'react';
import { Alert, App as AntApp, Button, Card, Checkbox, Form, Input, List, Radio, Select, Space, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery } from 'urql';
import type { OrganisationsQuery, ProjectOrganisationKind, ProjectOrganisationMemberRole } from '../../../gql/graphql';
import { useMe } from '../../../auth/MeProvider';
import { EmptyState, ErrorState } from '../../../components/QueryState';
import { useFieldErrors } from '../../../hooks/fieldErrors';
import { useI18n } from '../../../i18n/I18nProvider';
import type { MessageKey } from '../../../i18n/messages';
import { hasRole } from '../../../shell/sections';
import {
  OrganisationCreateDocument,
  OrganisationMemberAddDocument,
  OrganisationMembersDocument,
  OrganisationWorkstationsDocument,
  OrganisationsDocument,
} from './documents';

type Row = OrganisationsQuery['projectOrganisations'][number];

export const KIND: Record<ProjectOrganisationKind, MessageKey> = {
  social_organisation: 'org.orgs.kind.social_organisation',
  workstation: 'org.orgs.kind.workstation',
};
const ROLE: Record<ProjectOrganisationMemberRole, MessageKey> = {
  manager: 'org.orgs.role.manager',
  member: 'org.orgs.role.member',
};

/**
 * 申报机构: the organisations I see (mine, and for workstation staff and administrators those of their regions),
 * each with its members; staff and administrators register new ones (the server checks the region), and an
 * organisation's managers or its region's staff add members by the email they signed up with.
 */
export function OrganisationsPage() {
  const { t } = useI18n();
  const { me } = useMe();
  const [{ data, fetching, error }, refetch] = useQuery({ query: OrganisationsDocument, requestPolicy: 'cache-and-network' });
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const canCreate = !!me && hasRole(me.roles, ['workstation_staff', 'administrator'], me.isSuperuser);
  const [creating, setCreating] = useState(false);
  const rows = data?.projectOrganisations ?? [];

  return (
    <Card
      title={<h1 className="card-title">{t('org.orgs.title')}</h1>}
      extra={
        canCreate && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} disabled={creating}>
            {t('org.orgs.create')}
          </Button>
        )
      }
    >
      <Typography.Paragraph type="secondary">{t('org.orgs.hint')}</Typography.Paragraph>
      {creating && (
        <CreateOrganisationForm
          onDone={() => {
            setCreating(false);
            reload();
          }}
          onCancel={() => setCreating(false)}
        />
      )}
      {error ? (
        <ErrorState error={error} onRetry={reload} />
      ) : (
        <Table<Row>
          rowKey="id"
          size="middle"
          loading={fetching && !data}
          dataSource={rows}
          pagination={false}
          scroll={{ x: 640 }}
          expandable={{ expandedRowRender: (r) => <Members organisation={r} />, expandRowByClick: false }}
          locale={{ emptyText: fetching ? ' ' : <EmptyState description={canCreate ? t('org.orgs.emptyStaff') : t('org.orgs.empty')} /> }}
          columns={[
            { title: t('org.orgs.name'), key: 'name', render: (_v, r) => <Typography.Text strong>{r.name}</Typography.Text> },
            { title: t('org.orgs.kind'), key: 'kind', render: (_v, r) => <Tag>{t(KIND[r.kind])}</Tag> },
            { title: t('org.orgs.region'), key: 'region', render: (_v, r) => r.region.name },
            { title: t('org.orgs.creditCode'), key: 'creditCode', render: (_v, r) => r.creditCode || '—' },
          ]}
        />
      )}
    </Card>
  );
}

interface CreateValues {
  name: string;
  kind: ProjectOrganisationKind;
  regionId?: string;
  workstationId?: string;
  creditCode?: string;
}

const CREATE_FIELDS = ['name', 'kind', 'regionId', 'workstationId', 'creditCode'] as const;

/** 新建机构: a social organisation working in one of my regions, or a workstation; I become its first manager. */
function CreateOrganisationForm({ onDone, onCancel }: { onDone: () => void; onCancel: () => void }) {
  const { t } = useI18n();
  const { me } = useMe();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<CreateValues>();
  const errors = useFieldErrors(form, { known: CREATE_FIELDS });
  const kind = Form.useWatch('kind', form) ?? 'social_organisation';
  const [{ fetching: saving }, create] = useMutation(OrganisationCreateDocument);
  const [{ data: ws }] = useQuery({ query: OrganisationWorkstationsDocument, pause: kind !== 'workstation' });
  // The regions where I may register one: those of my staff and administrator roles (the server checks again).
  const regions = useMemo(() => {
    const seen = new Map<string, string>();
    for (const g of me?.roles ?? []) {
      if (g.role === 'workstation_staff' || g.role === 'administrator') seen.set(g.region.id, g.region.name);
    }
    return [...seen].map(([value, label]) => ({ value, label }));
  }, [me]);

  const onFinish = async (values: CreateValues) => {
    errors.clear();
    const social = values.kind === 'social_organisation';
    const result = await create({
      name: values.name.trim(),
      kind: values.kind,
      regionId: social ? values.regionId ?? null : null,
      workstationId: social ? null : values.workstationId ?? null,
      creditCode: values.creditCode?.trim() ?? '',
    });
    if (result.error) return errors.applyCombined(result.error, t('app.networkError'));
    const payload = result.data?.organisationCreate;
    if (errors.apply(payload?.errors)) return;
    message.success(t('org.orgs.created'));
    form.resetFields();
    onDone();
  };

  return (
    <Card type="inner" title={t('org.orgs.create')} style={{ marginBottom: 16 }}>
      {errors.formErrors.map((e) => (
        <Alert key={e} type="error" showIcon role="alert" message={e} style={{ marginBottom: 12 }} />
      ))}
      <Form<CreateValues>
        form={form}
        layout="vertical"
        initialValues={{ kind: 'social_organisation', regionId: regions[0]?.value }}
        onFinish={onFinish}
        disabled={saving}
        aria-label={t('org.orgs.create')}
      >
        <Form.Item name="name" label={t('org.orgs.name')} rules={[{ required: true, whitespace: true, message: t('org.orgs.nameRequired') }]}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="kind" label={t('org.orgs.kind')}>
          <Radio.Group
            options={(Object.keys(KIND) as ProjectOrganisationKind[]).map((k) => ({ value: k, label: t(KIND[k]) }))}
          />
        </Form.Item>
        {kind === 'social_organisation' ? (
          <Form.Item name="regionId" label={t('org.orgs.region')} rules={[{ required: true, message: t('org.orgs.regionRequired') }]}>
            <Select aria-label={t('org.orgs.region')} options={regions} />
          </Form.Item>
        ) : (
          <Form.Item name="workstationId" label={t('org.orgs.workstation')} rules={[{ required: true, message: t('org.orgs.workstationRequired') }]}>
            <Select
              aria-label={t('org.orgs.workstation')}
              showSearch
              optionFilterProp="label"
              options={(ws?.workstations ?? []).map((w) => ({ value: w.id, label: `${w.name}(${w.region.name})` }))}
            />
          </Form.Item>
        )}
        <Form.Item name="creditCode" label={t('org.orgs.creditCode')} extra={t('org.orgs.creditCodeHelp')}>
          <Input maxLength={18} />
        </Form.Item>
        <Typography.Paragraph type="secondary">{t('org.orgs.managerHelp')}</Typography.Paragraph>
        <Space>
          <Button type="primary" htmlType="submit" loading={saving}>
            {saving ? t('org.orgs.saving') : t('org.orgs.createSubmit')}
          </Button>
          <Button onClick={onCancel}>{t('app.cancel')}</Button>
        </Space>
      </Form>
    </Card>
  );
}

interface AddValues {
  email: string;
  manager?: boolean;
}

/** An organisation's members (managers first) and the 添加成员 form. */
function Members({ organisation }: { organisation: Row }) {
  const { t } = useI18n();
  const { message } = AntApp.useApp();
  const [{ data, fetching, error }, refetch] = useQuery({
    query: OrganisationMembersDocument,
    variables: { organisationId: organisation.id },
    requestPolicy: 'cache-and-network',
  });
  const [form] = Form.useForm<AddValues>();
  // the server names the member `email` (or `userId` when given an id): both belong at the email field
  const errors = useFieldErrors(form, { aliases: { userId: 'email' }, known: ['email', 'manager'] });
  const [{ fetching: adding }, add] = useMutation(OrganisationMemberAddDocument);

  const onFinish = async (values: AddValues) => {
    errors.clear();
    const result = await add({ organisationId: organisation.id, email: values.email.trim(), manager: !!values.manager });
    if (result.error) return errors.applyCombined(result.error, t('app.networkError'));
    if (errors.apply(result.data?.organisationMemberAdd?.errors)) return;
    message.success(t('org.orgs.memberAdded'));
    form.resetFields();
    refetch({ requestPolicy: 'network-only' });
  };

  return (
    <div data-testid={`members-${organisation.id}`}>
      <Typography.Title level={5}>{t('org.orgs.members')}</Typography.Title>
      {error ? (
        <ErrorState error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : (
        <List
          size="small"
          loading={fetching && !data}
          dataSource={data?.projectOrganisationMembers ?? []}
          locale={{ emptyText: fetching ? ' ' : <EmptyState description={t('org.orgs.noMembers')} /> }}
          renderItem={(m) => (
            <List.Item>
              <Space>
                <span>{m.displayName}</span>
                <Typography.Text type="secondary">{m.email}</Typography.Text>
                <Tag color={m.role === 'manager' ? 'blue' : undefined}>{t(ROLE[m.role])}</Tag>
              </Space>
            </List.Item>
          )}
        />
      )}
      <Typography.Title level={5} style={{ marginTop: 12 }}>
        {t('org.orgs.addMember')}
      </Typography.Title>
      {errors.formErrors.map((e) => (
        <Alert key={e} type="error" showIcon role="alert" message={e} style={{ marginBottom: 12 }} />
      ))}
      <Form<AddValues> form={form} layout="inline" onFinish={onFinish} disabled={adding} aria-label={t('org.orgs.addMember')}>
        <Form.Item
          name="email"
          label={t('org.orgs.email')}
          rules={[{ required: true, whitespace: true, message: t('org.orgs.emailRequired') }]}
        >
          <Input type="email" style={{ width: 260 }} placeholder="name@example.org" />
        </Form.Item>
        <Form.Item name="manager" valuePropName="checked">
          <Checkbox>{t('org.orgs.asManager')}</Checkbox>
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit" loading={adding}>
            {adding ? t('org.orgs.adding') : t('org.orgs.addMember')}
          </Button>
        </Form.Item>
      </Form>
      <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
        {t('org.orgs.addHelp')}
      </Typography.Paragraph>
    </div>
  );
}
