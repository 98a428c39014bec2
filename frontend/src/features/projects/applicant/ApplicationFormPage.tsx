import { useEffect, useMemo, type ReactNode } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  DatePicker,
  Divider,
  Form,
  type FormListFieldData,
  Input,
  InputNumber,
  Row,
  Select,
  Space,
  Statistic,
  TreeSelect,
  Typography,
} from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useNavigate, useParams } from 'react-router-dom';
import { useMutation, useQuery } from 'urql';
import dayjs, { type Dayjs } from 'dayjs';
import type {
  ApplicantProjectFieldsFragment,
  GivingNeedCategory,
  ProjectBeneficiaryGroup,
  ProjectBudgetCategory,
} from '../../../gql/graphql';
import { useMe } from '../../../auth/MeProvider';
import { ErrorState, PageLoading } from '../../../components/QueryState';
import { useFieldErrors } from '../../../hooks/fieldErrors';
import { useI18n } from '../../../i18n/I18nProvider';
import { formatFen } from '../../../i18n/format';
import { buildRegionTree } from '../../regions/regionTree';
import { BUDGET_CATEGORY, GROUP, PROJECT_CATEGORY, opts } from '../text';
import { ApplicantProjectDocument, ApplicationChoicesDocument, ApplicationSaveDocument } from './documents';
import { fenToYuan, parseYuan } from './money';

interface LineValues {
  name?: string;
  category?: ProjectBudgetCategory;
  amount?: string;
  note?: string;
}

interface MilestoneValues {
  title?: string;
  dueOn?: Dayjs;
  tranche?: string;
  deliverables?: string;
}

export interface ApplicationValues {
  organisationId?: string;
  foundationId?: string;
  name?: string;
  summary?: string;
  goals?: string;
  category?: GivingNeedCategory;
  beneficiaryGroups?: ProjectBeneficiaryGroup[];
  beneficiaryCount?: number;
  regionId?: string;
  period?: [Dayjs, Dayjs];
  budgetLines?: LineValues[];
  milestones?: MilestoneValues[];
}

// The server names a list's problem by the list and the row's field, without the row ("budgetLines.amountFen"):
// it is shown under the list. The period's two ends are one field here.
const ALIASES: Record<string, string> = {
  startsOn: 'period',
  endsOn: 'period',
  'budgetLines.name': 'budgetLines',
  'budgetLines.category': 'budgetLines',
  'budgetLines.amountFen': 'budgetLines',
  'budgetLines.note': 'budgetLines',
  'milestones.title': 'milestones',
  'milestones.dueOn': 'milestones',
  'milestones.trancheFen': 'milestones',
  'milestones.deliverables': 'milestones',
};
const KNOWN = [
  'organisationId',
  'foundationId',
  'name',
  'summary',
  'goals',
  'category',
  'beneficiaryGroups',
  'beneficiaryCount',
  'regionId',
  'period',
  'budgetLines',
  'milestones',
];
export const EDITABLE = ['draft', 'changes_requested'] as const;

const DAY = 'YYYY-MM-DD';

function sumFen(amounts: (string | undefined)[]): string {
  let total = 0n;
  for (const a of amounts) {
    const fen = parseYuan(a);
    if (fen) total += BigInt(fen);
  }
  return total.toString();
}

function valuesOf(p: ApplicantProjectFieldsFragment): ApplicationValues {
  return {
    organisationId: p.organisation.id,
    foundationId: p.foundation.id,
    name: p.name,
    summary: p.summary,
    goals: p.goals,
    category: p.category,
    beneficiaryGroups: p.beneficiaryGroups,
    beneficiaryCount: p.beneficiaryCount,
    regionId: p.region.id,
    period: [dayjs(p.startsOn), dayjs(p.endsOn)],
    budgetLines: p.budgetLines.map((l) => ({ name: l.name, category: l.category, amount: fenToYuan(l.amountFen), note: l.note })),
    milestones: p.milestones.map((m) => ({
      title: m.title,
      dueOn: dayjs(m.dueOn),
      tranche: fenToYuan(m.plannedTrancheFen),
      deliverables: m.deliverables,
    })),
  };
}

/** /org/projects/new and /org/projects/:id/edit: an organisation member drafts or edits an application. */
export function ApplicationFormPage() {
  const { id } = useParams();
  const [{ data, fetching, error }, refetch] = useQuery({
    query: ApplicantProjectDocument,
    variables: { id: id ?? '' },
    pause: !id,
    requestPolicy: 'network-only',
  });
  if (id) {
    if (error) return <ErrorState error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
    if (fetching || !data) return <PageLoading />;
  }
  return <ApplicationForm project={id ? (data?.project ?? null) : null} editing={Boolean(id)} />;
}

function ApplicationForm({ project, editing }: { project: ApplicantProjectFieldsFragment | null; editing: boolean }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const { me } = useMe();
  const [form] = Form.useForm<ApplicationValues>();
  const errors = useFieldErrors(form, { aliases: ALIASES, known: KNOWN });
  const [choices] = useQuery({ query: ApplicationChoicesDocument, requestPolicy: 'cache-and-network' });
  const [{ fetching: saving }, save] = useMutation(ApplicationSaveDocument);

  const memberIds = useMemo(() => new Set(me?.memberOrganisationIds ?? []), [me]);
  const organisations = (choices.data?.projectOrganisations ?? []).filter((o) => memberIds.has(o.id));
  const foundations = choices.data?.foundations ?? [];
  const organisationId = Form.useWatch('organisationId', form);
  const foundationId = Form.useWatch('foundationId', form);
  const foundation = foundations.find((f) => f.id === foundationId);
  const lines = Form.useWatch('budgetLines', form) as LineValues[] | undefined;
  const milestones = Form.useWatch('milestones', form) as MilestoneValues[] | undefined;
  const organisation = organisations.find((o) => o.id === organisationId);
  const regionTree = useMemo(
    () => (choices.data && organisation ? buildRegionTree(choices.data.regions, [organisation.region.id]) : []),
    [choices.data, organisation],
  );

  // a new application starts with the member's first organisation and the first foundation
  useEffect(() => {
    if (editing) return;
    if (!form.getFieldValue('organisationId') && organisations[0]) form.setFieldValue('organisationId', organisations[0].id);
    if (!form.getFieldValue('foundationId') && foundations[0]) form.setFieldValue('foundationId', foundations[0].id);
  }, [editing, form, organisations, foundations]);

  const notFound = editing && !project;
  const locked = Boolean(project && (!project.viewerIsMember || !(EDITABLE as readonly string[]).includes(project.status)));
  const member = memberIds.size > 0;
  const disabled = !member || notFound || locked;

  const amountRule = {
    validator: (_r: unknown, v: string | undefined) =>
      v == null || v === '' || parseYuan(v) !== null ? Promise.resolve() : Promise.reject(new Error(t('org.amountFormat'))),
  };
  const required = { required: true, message: t('auth.required') };

  async function onFinish(v: ApplicationValues) {
    errors.clear();
    const [startsOn, endsOn] = v.period ?? [];
    const result = await save({
      projectId: project?.id ?? null,
      input: {
        organisationId: v.organisationId ?? '',
        foundationId: v.foundationId ?? '',
        name: v.name ?? '',
        summary: v.summary ?? '',
        goals: v.goals ?? '',
        category: v.category ?? 'living',
        beneficiaryGroups: v.beneficiaryGroups ?? [],
        beneficiaryCount: v.beneficiaryCount ?? 0,
        regionId: v.regionId ?? '',
        startsOn: startsOn?.format(DAY) ?? '',
        endsOn: endsOn?.format(DAY) ?? '',
        budgetLines: (v.budgetLines ?? []).map((l) => ({
          name: l.name ?? '',
          category: l.category ?? 'other',
          amountFen: parseYuan(l.amount) ?? '0',
          note: l.note ?? '',
        })),
        milestones: (v.milestones ?? []).map((m) => ({
          title: m.title ?? '',
          dueOn: m.dueOn?.format(DAY) ?? '',
          trancheFen: parseYuan(m.tranche) ?? '0',
          deliverables: m.deliverables ?? '',
        })),
      },
    });
    if (result.error) return errors.applyCombined(result.error, t('app.networkError'));
    if (errors.apply(result.data?.applicationSave?.errors)) return;
    const saved = result.data?.applicationSave?.project;
    message.success(t('org.saved'));
    if (saved) navigate(`/org/projects/${saved.id}`);
  }

  const budgetTotal = sumFen((lines ?? []).map((l) => l?.amount));
  const requested = sumFen((milestones ?? []).map((m) => m?.tranche));

  return (
    <Card title={<h1 className="card-title">{editing ? t('org.editTitle') : t('org.newTitle')}</h1>}>
      {!member && me && <Alert type="warning" showIcon message={t('org.notMember')} style={{ marginBottom: 16 }} />}
      {notFound && <Alert type="error" showIcon message={t('proj.detail.notFound')} style={{ marginBottom: 16 }} />}
      {locked && <Alert type="warning" showIcon message={t('org.locked')} style={{ marginBottom: 16 }} />}
      <Alert type="info" showIcon message={t('org.formHelp')} style={{ marginBottom: 16 }} />
      {errors.formErrors.length > 0 && (
        <Alert type="error" role="alert" showIcon message={errors.formErrors.join(' ')} style={{ marginBottom: 16 }} />
      )}
      <Form<ApplicationValues>
        form={form}
        name="application"
        layout="vertical"
        onFinish={onFinish}
        disabled={disabled || saving}
        initialValues={
          project
            ? valuesOf(project)
            : {
                beneficiaryGroups: [],
                budgetLines: [{ category: 'activities' }],
                milestones: [{}],
              }
        }
      >
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item name="organisationId" label={t('org.organisation')} rules={[required]}>
              <Select
                loading={choices.fetching}
                disabled={editing}
                options={organisations.map((o) => ({ value: o.id, label: o.name }))}
                onChange={() => form.setFieldValue('regionId', undefined)}
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item
              name="foundationId"
              label={t('proj.detail.foundation')}
              rules={[required]}
              extra={
                foundation && (
                  <span data-testid="foundation-criteria">
                    {foundation.criteria
                      ? `${t('proj.review.criteria', { name: foundation.criteria.name })} · ${foundation.criteria.criteria
                          .map((c) => `${c.name}（${t('proj.review.weight', { weight: c.weight })}）`)
                          .join('、')}`
                      : t('proj.review.noCriteria')}
                  </span>
                )
              }
            >
              <Select loading={choices.fetching} options={foundations.map((f) => ({ value: f.id, label: `${f.name}（${f.region.name}）` }))} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="name" label={t('org.name')} rules={[required]}>
              <Input maxLength={100} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="category" label={t('proj.detail.category')} rules={[required]}>
              <Select options={opts(PROJECT_CATEGORY, t)} />
            </Form.Item>
          </Col>
          <Col xs={24}>
            <Form.Item name="summary" label={t('proj.detail.summary')}>
              <Input maxLength={500} />
            </Form.Item>
          </Col>
          <Col xs={24}>
            <Form.Item name="goals" label={t('proj.detail.goals')} rules={[required]}>
              <Input.TextArea autoSize={{ minRows: 3 }} maxLength={5000} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="beneficiaryGroups" label={t('proj.detail.groups')} rules={[required]}>
              <Select mode="multiple" options={opts(GROUP, t)} optionFilterProp="label" />
            </Form.Item>
          </Col>
          <Col xs={24} md={6}>
            <Form.Item name="beneficiaryCount" label={t('proj.detail.beneficiaries')} rules={[required]}>
              <InputNumber min={1} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="regionId" label={t('proj.list.region')} rules={[required]} extra={t('org.regionHelp')}>
              <TreeSelect treeData={regionTree} loading={choices.fetching} showSearch treeNodeFilterProp="title" treeDefaultExpandAll />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="period" label={t('proj.detail.period')} rules={[required]}>
              <DatePicker.RangePicker format={DAY} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>

        <Divider orientation="left">{t('proj.detail.budget')}</Divider>
        <ListEditor
          name="budgetLines"
          testId="budget-lines"
          disabled={disabled}
          removeLabel={t('org.removeLine')}
          addLabel={t('org.addLine')}
          newRow={{ category: 'other' }}
          cells={(field, i) => (
            <>
              <Col xs={24} md={7}>
                <Form.Item name={[field.name, 'name']} label={i === 0 ? t('org.lineName') : undefined} rules={[required]}>
                  <Input maxLength={100} aria-label={`${t('org.lineName')} ${i + 1}`} />
                </Form.Item>
              </Col>
              <Col xs={12} md={4}>
                <Form.Item name={[field.name, 'category']} label={i === 0 ? t('proj.detail.category') : undefined} rules={[required]}>
                  <Select options={opts(BUDGET_CATEGORY, t)} aria-label={`${t('proj.detail.category')} ${i + 1}`} />
                </Form.Item>
              </Col>
              <Col xs={12} md={5}>
                <Form.Item name={[field.name, 'amount']} label={i === 0 ? t('org.amountYuan') : undefined} rules={[required, amountRule]}>
                  <Input inputMode="decimal" prefix="¥" aria-label={`${t('org.amountYuan')} ${i + 1}`} />
                </Form.Item>
              </Col>
              <Col xs={20} md={7}>
                <Form.Item name={[field.name, 'note']} label={i === 0 ? t('proj.spend.memo') : undefined}>
                  <Input maxLength={500} aria-label={`${t('proj.spend.memo')} ${i + 1}`} />
                </Form.Item>
              </Col>
            </>
          )}
        />

        <Divider orientation="left">{t('proj.detail.milestones')}</Divider>
        <ListEditor
          name="milestones"
          testId="milestones"
          disabled={disabled}
          removeLabel={t('org.removeMilestone')}
          addLabel={t('org.addMilestone')}
          newRow={{}}
          cells={(field, i) => (
            <>
              <Col xs={24} md={7}>
                <Form.Item name={[field.name, 'title']} label={i === 0 ? t('org.milestoneTitle') : undefined} rules={[required]}>
                  <Input maxLength={100} aria-label={`${t('org.milestoneTitle')} ${i + 1}`} />
                </Form.Item>
              </Col>
              <Col xs={12} md={4}>
                <Form.Item name={[field.name, 'dueOn']} label={i === 0 ? t('proj.detail.dueOn') : undefined} rules={[required]}>
                  <DatePicker format={DAY} style={{ width: '100%' }} aria-label={`${t('proj.detail.dueOn')} ${i + 1}`} />
                </Form.Item>
              </Col>
              <Col xs={12} md={5}>
                <Form.Item
                  name={[field.name, 'tranche']}
                  label={i === 0 ? t('org.trancheYuan') : undefined}
                  rules={[required, amountRule]}
                >
                  <Input inputMode="decimal" prefix="¥" aria-label={`${t('org.trancheYuan')} ${i + 1}`} />
                </Form.Item>
              </Col>
              <Col xs={20} md={7}>
                <Form.Item name={[field.name, 'deliverables']} label={i === 0 ? t('org.deliverables') : undefined}>
                  <Input maxLength={1000} aria-label={`${t('org.deliverables')} ${i + 1}`} />
                </Form.Item>
              </Col>
            </>
          )}
        />

        <Divider />
        <Space size="large" wrap style={{ marginBottom: 16 }}>
          <Statistic title={t('proj.detail.budgetTotal')} value={formatFen(budgetTotal)} data-testid="budget-total" />
          <Statistic title={t('proj.list.requested')} value={formatFen(requested)} data-testid="requested-total" />
        </Space>
        <Typography.Paragraph type="secondary">{t('org.requestedHelp')}</Typography.Paragraph>
        <Space>
          <Button type="primary" htmlType="submit" loading={saving}>
            {saving ? t('org.saving') : t('org.saveDraft')}
          </Button>
          <Button htmlType="button" disabled={false} onClick={() => navigate(project ? `/org/projects/${project.id}` : '/org/projects')}>
            {t('app.cancel')}
          </Button>
        </Space>
      </Form>
    </Card>
  );
}

/** The rows of a form list (budget lines, milestones): the caller's cells, a remove button, list errors, an add button. */
function ListEditor({
  name,
  testId,
  disabled,
  removeLabel,
  addLabel,
  newRow,
  cells,
}: {
  name: string;
  testId: string;
  disabled: boolean;
  removeLabel: string;
  addLabel: string;
  newRow: object;
  cells: (field: FormListFieldData, i: number) => ReactNode;
}) {
  return (
    <Form.List name={name}>
      {(fields, { add, remove }, meta) => (
        <div data-testid={testId}>
          {fields.map((field, i) => (
            <Row gutter={8} key={field.key} align="top">
              {cells(field, i)}
              <Col xs={4} md={1} style={{ paddingTop: i === 0 ? 30 : 0 }}>
                <Button
                  type="text"
                  icon={<DeleteOutlined />}
                  aria-label={removeLabel}
                  disabled={disabled || fields.length <= 1}
                  onClick={() => remove(field.name)}
                />
              </Col>
            </Row>
          ))}
          {meta.errors.map((error, i) => (
            <div key={i} role="alert" data-testid="list-error">
              <Typography.Text type="danger">{error}</Typography.Text>
            </div>
          ))}
          <Button type="dashed" icon={<PlusOutlined />} onClick={() => add(newRow)} style={{ marginTop: 8 }}>
            {addLabel}
          </Button>
        </div>
      )}
    </Form.List>
  );
}
