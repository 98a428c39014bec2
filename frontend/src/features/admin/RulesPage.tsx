import { useEffect, useMemo } from 'react';
import { Alert, App, Button, Card, Col, Form, InputNumber, Row, Space, Typography } from 'antd';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../../gql';
import type { TimeBankRulesInput } from '../../gql/graphql';
import { ErrorState, PageLoading } from '../../components/QueryState';
import { useFieldErrors } from '../../hooks/fieldErrors';
import { useI18n } from '../../i18n/I18nProvider';
import { formatMinutes } from '../../i18n/format';
import type { Lang } from '../../i18n/language';
import { CriteriaCard } from './CriteriaCard';

const RulesDocument = graphql(`
  query Rules {
    timeBankRules {
      storageCapMinutes
      maxServiceMinutes
      star1Minutes
      star2Minutes
      star3Minutes
      star4Minutes
      star5Minutes
      yearlyGiveCapMinutes
      redemptionAge
      hardshipRedemptionAge
      maxRedemptionMinutes
      redemptionHoldDays
      keyElderAge
      elderMinAge
      poolAllotmentMinutes
      updatedAt
    }
    matchingRules {
      weights
      monthlyCapPerHousehold
      topK
    }
  }
`);

const TimeBankRulesUpdateDocument = graphql(`
  mutation TimeBankRulesUpdate($input: TimeBankRulesInput!) {
    timeBankRulesUpdate(input: $input) {
      rules {
        updatedAt
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

const MatchingRulesUpdateDocument = graphql(`
  mutation MatchingRulesUpdate($weights: JSONString, $monthlyCapPerHousehold: Int, $topK: Int) {
    matchingRulesUpdate(weights: $weights, monthlyCapPerHousehold: $monthlyCapPerHousehold, topK: $topK) {
      rules {
        weights
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

type TimeBankField = keyof TimeBankRulesInput;
/** [zh-Hans, English, unit]; typed on the input so a new rule fails tsc until it has a label. */
const TIME_BANK_FIELDS: Record<TimeBankField, readonly [string, string, 'minutes' | 'years' | 'days']> = {
  storageCapMinutes: ['个人账户存储上限', 'Storage cap per account', 'minutes'],
  maxServiceMinutes: ['单次确认时长上限', 'Longest service confirmed at once', 'minutes'],
  star1Minutes: ['一星所需累计时长', 'Hours for 1 star', 'minutes'],
  star2Minutes: ['二星所需累计时长', 'Hours for 2 stars', 'minutes'],
  star3Minutes: ['三星所需累计时长', 'Hours for 3 stars', 'minutes'],
  star4Minutes: ['四星所需累计时长', 'Hours for 4 stars', 'minutes'],
  star5Minutes: ['五星所需累计时长', 'Hours for 5 stars', 'minutes'],
  yearlyGiveCapMinutes: ['每年赠与亲友上限', 'Yearly cap on gifts to relatives', 'minutes'],
  redemptionAge: ['兑换服务年龄', 'Age to redeem', 'years'],
  hardshipRedemptionAge: ['特殊困难兑换年龄', 'Age to redeem in hardship', 'years'],
  maxRedemptionMinutes: ['单次兑换上限', 'Most minutes per redemption', 'minutes'],
  redemptionHoldDays: ['兑换冻结天数', 'Days a redemption holds', 'days'],
  keyElderAge: ['重点老人年龄', 'Key elder age', 'years'],
  elderMinAge: ['优先老人最低年龄', 'Youngest priority elder', 'years'],
  poolAllotmentMinutes: ['社区时间池每次分配', 'Pool allotment each', 'minutes'],
};
const TIME_BANK_KEYS = Object.keys(TIME_BANK_FIELDS) as TimeBankField[];

const WEIGHT_LABELS: Record<string, readonly [string, string]> = {
  urgent: ['救急难', 'Urgent'],
  'category.extreme_poverty': ['特困', 'Extreme poverty'],
  'category.minimum_living': ['低保', 'Minimum living'],
  'category.marginal_low_income': ['低边', 'Marginal low income'],
  'category.expenditure_poverty': ['支出型贫困', 'Expenditure poverty'],
  wait_per_week: ['每等待一周', 'Per week waited'],
  wait_cap: ['等待加分上限', 'Waiting bonus cap'],
  same_community: ['同社区', 'Same community'],
  same_street: ['同街道', 'Same street'],
  donor_preference: ['捐赠人意向', 'Donor preference'],
  recent_help_each: ['近 90 天每受助一次', 'Per help in the last 90 days'],
  recent_help_floor: ['近期受助扣分下限', 'Floor of the recent-help penalty'],
};

const UNIT: Record<'minutes' | 'years' | 'days', readonly [string, string]> = {
  minutes: ['分钟', 'minutes'],
  years: ['岁', 'years'],
  days: ['天', 'days'],
};

const text = (pair: readonly [string, string], lang: Lang) => pair[lang === 'en' ? 1 : 0];

/** Administrators: time-bank rules and matching weights, with each server error next to its field. */
export function RulesPage() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [{ data, fetching, error }, refetch] = useQuery({ query: RulesDocument, requestPolicy: 'network-only' });
  const [tbForm] = Form.useForm<Record<TimeBankField, number>>();
  const [mForm] = Form.useForm<{ weights: Record<string, number>; monthlyCapPerHousehold: number; topK: number }>();
  const tbErrors = useFieldErrors(tbForm, { known: TIME_BANK_KEYS });
  const mErrors = useFieldErrors(mForm, { known: ['monthlyCapPerHousehold', 'topK'] });
  const [tbSave, saveTimeBank] = useMutation(TimeBankRulesUpdateDocument);
  const [mSave, saveMatching] = useMutation(MatchingRulesUpdateDocument);

  const weights = useMemo<Record<string, number>>(() => {
    try {
      return JSON.parse(data?.matchingRules.weights ?? '{}') as Record<string, number>;
    } catch {
      return {};
    }
  }, [data]);

  useEffect(() => {
    if (!data) return;
    const { updatedAt: _updatedAt, __typename: _t, ...rules } = data.timeBankRules as typeof data.timeBankRules & { __typename?: string };
    tbForm.setFieldsValue(rules);
    mForm.setFieldsValue({ weights, monthlyCapPerHousehold: data.matchingRules.monthlyCapPerHousehold, topK: data.matchingRules.topK });
  }, [data, weights, tbForm, mForm]);

  if (error) return <ErrorState error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (fetching && !data) return <PageLoading />;

  async function onTimeBank(values: Record<TimeBankField, number>) {
    tbErrors.clear();
    const result = await saveTimeBank({ input: values });
    if (result.error) return tbErrors.applyCombined(result.error, t('app.networkError'));
    if (!tbErrors.apply(result.data?.timeBankRulesUpdate?.errors)) message.success(t('profile.saved'));
  }

  async function onMatching(values: { weights: Record<string, number>; monthlyCapPerHousehold: number; topK: number }) {
    mErrors.clear();
    const result = await saveMatching({
      weights: JSON.stringify(values.weights),
      monthlyCapPerHousehold: values.monthlyCapPerHousehold,
      topK: values.topK,
    });
    if (result.error) return mErrors.applyCombined(result.error, t('app.networkError'));
    if (!mErrors.apply(result.data?.matchingRulesUpdate?.errors)) message.success(t('profile.saved'));
  }

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Card title={<h1 className="card-title">{t('admin.timeBankRules')}</h1>}>
        {tbErrors.formErrors.length > 0 && <Alert type="error" role="alert" showIcon message={tbErrors.formErrors.join(' ')} style={{ marginBottom: 16 }} />}
        <Form form={tbForm} layout="vertical" name="time-bank-rules" onFinish={onTimeBank}>
          <Row gutter={16}>
            {TIME_BANK_KEYS.map((key) => {
              const [zh, en, unit] = TIME_BANK_FIELDS[key];
              return (
                <Col xs={24} sm={12} lg={8} key={key}>
                  <Form.Item
                    name={key}
                    label={lang === 'en' ? en : zh}
                    rules={[{ required: true, message: t('auth.required') }]}
                    extra={
                      unit === 'minutes' ? (
                        <Form.Item noStyle shouldUpdate={(a, b) => a[key] !== b[key]}>
                          {({ getFieldValue }) => formatMinutes(Number(getFieldValue(key) ?? 0), lang)}
                        </Form.Item>
                      ) : undefined
                    }
                  >
                    <InputNumber min={0} precision={0} style={{ width: '100%' }} addonAfter={text(UNIT[unit], lang)} />
                  </Form.Item>
                </Col>
              );
            })}
          </Row>
          <Button type="primary" htmlType="submit" loading={tbSave.fetching}>
            {t('app.save')}
          </Button>
        </Form>
      </Card>

      <Card title={<h2 className="card-title">{t('admin.matchingRules')}</h2>}>
        <Typography.Paragraph type="secondary">{t('admin.weightsHelp')}</Typography.Paragraph>
        {mErrors.formErrors.length > 0 && <Alert type="error" role="alert" showIcon message={mErrors.formErrors.join(' ')} style={{ marginBottom: 16 }} />}
        <Form form={mForm} layout="vertical" name="matching-rules" onFinish={onMatching}>
          <Row gutter={16}>
            {Object.keys(weights).map((key) => (
              <Col xs={12} sm={8} lg={6} key={key}>
                <Form.Item name={['weights', key]} label={WEIGHT_LABELS[key] ? text(WEIGHT_LABELS[key], lang) : key}>
                  <InputNumber min={-100} max={100} precision={0} style={{ width: '100%' }} />
                </Form.Item>
              </Col>
            ))}
            <Col xs={12} sm={8} lg={6}>
              <Form.Item name="monthlyCapPerHousehold" label={t('admin.monthlyCap')} rules={[{ required: true, message: t('auth.required') }]}>
                <InputNumber min={0} precision={0} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col xs={12} sm={8} lg={6}>
              <Form.Item name="topK" label={t('admin.topK')} rules={[{ required: true, message: t('auth.required') }]}>
                <InputNumber min={1} precision={0} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
          </Row>
          <Button type="primary" htmlType="submit" loading={mSave.fetching}>
            {t('app.save')}
          </Button>
        </Form>
      </Card>

      <CriteriaCard />

      <Card size="small">
        <Space wrap>
          <Typography.Text type="secondary">{t('admin.rulesBody')}</Typography.Text>
          <Button href="/admin/" target="_blank">
            {t('admin.openAdmin')}
          </Button>
        </Space>
      </Card>
    </Space>
  );
}
