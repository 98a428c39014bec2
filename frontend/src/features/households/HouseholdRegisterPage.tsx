import { Alert, App, Button, Card, Col, DatePicker, Divider, Form, Input, Row, Select, Space, TreeSelect } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useNavigate } from 'react-router-dom';
import { useMutation } from 'urql';
import type { Dayjs } from 'dayjs';
import type {
  EconomicCheckStatus,
  HouseholdAgeBand,
  HouseholdCategory,
  HouseholdMemberSex,
  HouseholdRelation,
  HouseholdTag,
  RegionLevel,
} from '../../gql/graphql';
import { useFieldErrors } from '../../hooks/fieldErrors';
import { useI18n } from '../../i18n/I18nProvider';
import { AGE_BAND, CATEGORY, ECONOMIC_CHECK, RELATION, SEX, TAG, options } from '../../i18n/enums';
import { useRegionTree } from '../regions/useRegionTree';
import { HouseholdRegisterDocument } from './documents';
import { HOUSEHOLD_ROLES } from './HouseholdsPage';

interface MemberValues {
  relation: HouseholdRelation;
  ageBand: HouseholdAgeBand;
  sex?: HouseholdMemberSex;
  tags?: HouseholdTag[];
  name?: string;
}

export interface RegisterValues {
  regionId: string;
  category: HouseholdCategory;
  tags?: HouseholdTag[];
  economicCheckStatus?: EconomicCheckStatus;
  checkedAt?: Dayjs;
  nextCheckDue?: Dayjs;
  headName: string;
  idNumber: string;
  phone?: string;
  address: string;
  members: MemberValues[];
}

const KNOWN = ['regionId', 'category', 'tags', 'economicCheckStatus', 'checkedAt', 'nextCheckDue', 'headName', 'idNumber', 'phone', 'address', 'members'];
const HOUSEHOLD_LEVELS: readonly RegionLevel[] = ['community', 'grid'];

/** Register a household: anonymous facts, personal data (encrypted by the server) and members. */
export function HouseholdRegisterPage() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm<RegisterValues>();
  const errors = useFieldErrors(form, { known: KNOWN });
  const regions = useRegionTree(HOUSEHOLD_ROLES, HOUSEHOLD_LEVELS);
  const [{ fetching }, register] = useMutation(HouseholdRegisterDocument);

  async function onFinish(v: RegisterValues) {
    errors.clear();
    const result = await register({
      regionId: v.regionId,
      category: v.category,
      tags: v.tags ?? [],
      economicCheckStatus: v.economicCheckStatus ?? null,
      checkedAt: v.checkedAt ? v.checkedAt.format('YYYY-MM-DD') : null,
      nextCheckDue: v.nextCheckDue ? v.nextCheckDue.format('YYYY-MM-DD') : null,
      headName: v.headName,
      idNumber: v.idNumber,
      phone: v.phone || null,
      address: v.address,
      members: (v.members ?? []).map((m) => ({
        relation: m.relation,
        ageBand: m.ageBand,
        sex: m.sex ?? null,
        tags: m.tags ?? [],
        name: m.name ?? '',
      })),
    });
    if (result.error) return errors.applyCombined(result.error, t('app.networkError'));
    const payload = result.data?.householdRegister;
    if (errors.apply(payload?.errors)) return;
    message.success(t('hh.registered'));
    if (payload?.household) navigate(`/workstation/households/${encodeURIComponent(payload.household.id)}`);
  }

  return (
    <Card title={<h1 className="card-title">{t('hh.registerTitle')}</h1>} style={{ maxWidth: 960 }}>
      {errors.formErrors.length > 0 && (
        <Alert type="error" role="alert" showIcon message={errors.formErrors.join(' ')} style={{ marginBottom: 16 }} />
      )}
      <Form<RegisterValues>
        form={form}
        layout="vertical"
        name="household-register"
        onFinish={onFinish}
        scrollToFirstError
        initialValues={{ members: [{ relation: 'head', ageBand: 'age_60_69' }], economicCheckStatus: 'not_checked' }}
      >
        <Divider orientation="left" plain>
          {t('hh.registerSection.household')}
        </Divider>
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item name="regionId" label={t('hh.community')} extra={t('hh.regionHelp')} rules={[{ required: true, message: t('auth.required') }]}>
              <TreeSelect treeData={regions.tree} showSearch treeNodeFilterProp="title" treeDefaultExpandAll />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="category" label={t('hh.category')} rules={[{ required: true, message: t('auth.required') }]}>
              <Select options={options(CATEGORY, lang)} />
            </Form.Item>
          </Col>
          <Col xs={24}>
            <Form.Item name="tags" label={t('hh.tags')}>
              <Select mode="multiple" options={options(TAG, lang)} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="economicCheckStatus" label={t('hh.economicCheck')}>
              <Select options={options(ECONOMIC_CHECK, lang)} />
            </Form.Item>
          </Col>
          <Col xs={12} md={8}>
            <Form.Item name="checkedAt" label={t('hh.checkedAt')}>
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={12} md={8}>
            <Form.Item name="nextCheckDue" label={t('hh.nextCheckDue')}>
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>

        <Divider orientation="left" plain>
          {t('hh.registerSection.personal')}
        </Divider>
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item name="headName" label={t('hh.headName')} rules={[{ required: true, whitespace: true, message: t('auth.required') }]}>
              <Input autoComplete="off" maxLength={100} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="idNumber" label={t('hh.idNumber')} rules={[{ required: true, whitespace: true, message: t('auth.required') }]}>
              <Input autoComplete="off" maxLength={32} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="phone" label={t('hh.phone')}>
              <Input autoComplete="off" inputMode="tel" maxLength={32} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="address" label={t('hh.address')} rules={[{ required: true, whitespace: true, message: t('auth.required') }]}>
              <Input autoComplete="off" maxLength={300} />
            </Form.Item>
          </Col>
        </Row>

        <Divider orientation="left" plain>
          {t('hh.registerSection.members')}
        </Divider>
        <Form.List name="members">
          {(fields, { add, remove }, { errors: listErrors }) => (
            <>
              {fields.map((field) => (
                <Row gutter={8} key={field.key} align="top" className="member-row">
                  <Col xs={12} md={4}>
                    <Form.Item name={[field.name, 'relation']} label={t('hh.relation')} rules={[{ required: true, message: t('auth.required') }]}>
                      <Select options={options(RELATION, lang)} />
                    </Form.Item>
                  </Col>
                  <Col xs={12} md={4}>
                    <Form.Item name={[field.name, 'ageBand']} label={t('hh.ageBand')} rules={[{ required: true, message: t('auth.required') }]}>
                      <Select options={options(AGE_BAND, lang)} />
                    </Form.Item>
                  </Col>
                  <Col xs={12} md={3}>
                    <Form.Item name={[field.name, 'sex']} label={t('hh.sex')}>
                      <Select allowClear options={options(SEX, lang)} />
                    </Form.Item>
                  </Col>
                  <Col xs={12} md={4}>
                    <Form.Item name={[field.name, 'name']} label={t('hh.name')}>
                      <Input autoComplete="off" maxLength={100} />
                    </Form.Item>
                  </Col>
                  <Col xs={20} md={8}>
                    <Form.Item name={[field.name, 'tags']} label={t('hh.tags')}>
                      <Select mode="multiple" options={options(TAG, lang)} maxTagCount="responsive" />
                    </Form.Item>
                  </Col>
                  <Col xs={4} md={1}>
                    <Form.Item label=" ">
                      <Button aria-label={t('hh.removeMember')} icon={<DeleteOutlined />} onClick={() => remove(field.name)} disabled={fields.length <= 1} />
                    </Form.Item>
                  </Col>
                </Row>
              ))}
              <Form.ErrorList errors={listErrors} />
              <Button icon={<PlusOutlined />} onClick={() => add({ relation: 'spouse', ageBand: 'age_60_69' })}>
                {t('hh.addMember')}
              </Button>
            </>
          )}
        </Form.List>
        <Divider />
        <Space>
          <Button type="primary" htmlType="submit" loading={fetching}>
            {t('hh.register')}
          </Button>
          <Button onClick={() => navigate(-1)}>{t('app.cancel')}</Button>
        </Space>
      </Form>
    </Card>
  );
}
