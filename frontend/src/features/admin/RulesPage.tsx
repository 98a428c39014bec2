import { useEffect, useMemo } from 'react';
import { Alert, App, Button, Card, Col, Form, InputNumber, Row, Space, Typography } from 'antd';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../../gql';
import type { TimeBankRulesInput } from '../../gql/graphql';
import { ErrorState, PageLoading } from '../../components/QueryState';
import { useFieldErrors } from '../../hooks/fieldErrors';
import { useI18n } from '../../i18n/I18nProvider';
import { formatMinutes } from '../../i18n/format';
import { translateOr } from '../../i18n/translate';
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
/** The unit of each rule (its label is `admin.rule.<field>`); typed on the input so a new rule fails tsc until it has both. */
const TIME_BANK_UNITS: Record<TimeBankField, 'minutes' | 'years' | 'days'> = {
  storageCapMinutes: 'minutes',
  maxServiceMinutes: 'minutes',
  star1Minutes: 'minutes',
  star2Minutes: 'minutes',
  star3Minutes: 'minutes',
  star4Minutes: 'minutes',
  star5Minutes: 'minutes',
  yearlyGiveCapMinutes: 'minutes',
  redemptionAge: 'years',
  hardshipRedemptionAge: 'years',
  maxRedemptionMinutes: 'minutes',
  redemptionHoldDays: 'days',
  keyElderAge: 'years',
  elderMinAge: 'years',
  poolAllotmentMinutes: 'minutes',
};
const TIME_BANK_KEYS = Object.keys(TIME_BANK_UNITS) as TimeBankField[];

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
              const unit = TIME_BANK_UNITS[key];
              return (
                <Col xs={24} sm={12} lg={8} key={key}>
                  <Form.Item
                    name={key}
                    label={t(`admin.rule.${key}`)}
                    rules={[{ required: true, message: t('auth.required') }]}
                    extra={
                      unit === 'minutes' ? (
                        <Form.Item noStyle shouldUpdate={(a, b) => a[key] !== b[key]}>
                          {({ getFieldValue }) => formatMinutes(Number(getFieldValue(key) ?? 0), lang)}
                        </Form.Item>
                      ) : undefined
                    }
                  >
                    <InputNumber min={0} precision={0} style={{ width: '100%' }} addonAfter={t(`admin.unit.${unit}`)} />
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
                <Form.Item name={['weights', key]} label={translateOr(t, `admin.weight.${key}`, key)}>
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
