import { useEffect, useState } from 'react';
import { Alert, App, Button, Card, Col, Form, Input, InputNumber, Row, Select, Space, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../../gql';
import { ErrorState } from '../../components/QueryState';
import { useFieldErrors } from '../../hooks/fieldErrors';
import { useI18n } from '../../i18n/I18nProvider';

export const FoundationCriteriaDocument = graphql(`
  query FoundationCriteria {
    foundations {
      id
      name
      criteria {
        id
        name
        publishedAt
        criteria {
          code
          name
          description
          weight
          maxScore
          position
        }
      }
    }
  }
`);

export const CriteriaPublishDocument = graphql(`
  mutation CriteriaPublish($foundationId: ID!, $name: String!, $criteria: [ProjectCriterionInput!]!) {
    criteriaPublish(foundationId: $foundationId, name: $name, criteria: $criteria) {
      criteriaSet {
        id
        name
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

interface CriterionRow {
  code: string;
  name: string;
  weight: number;
  maxScore: number;
  description?: string;
}
interface Values {
  name: string;
  criteria: CriterionRow[];
}

/** Administrators: a foundation's scoring criteria and weights for project reviews (criteriaPublish). */
export function CriteriaCard() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [{ data, error }, refetch] = useQuery({ query: FoundationCriteriaDocument });
  const foundations = data?.foundations ?? [];
  const [foundationId, setFoundationId] = useState<string | null>(null);
  const current = foundations.find((f) => f.id === foundationId) ?? foundations[0];
  const [form] = Form.useForm<Values>();
  const errors = useFieldErrors(form, { known: ['name'] });
  const [state, publish] = useMutation(CriteriaPublishDocument);
  const weights = Form.useWatch('criteria', form) as CriterionRow[] | undefined;
  const sum = (weights ?? []).reduce((acc, c) => acc + (Number(c?.weight) || 0), 0);

  useEffect(() => {
    if (!current) return;
    form.setFieldsValue({
      name: current.criteria?.name ?? '',
      criteria: [...(current.criteria?.criteria ?? [])]
        .sort((a, b) => a.position - b.position)
        .map(({ code, name, weight, maxScore, description }) => ({ code, name, weight, maxScore, description })),
    });
  }, [current, form]);

  if (error) return <ErrorState error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (!current) return null;

  const onFinish = async (v: Values) => {
    errors.clear();
    const r = await publish({
      foundationId: current.id,
      name: v.name,
      criteria: (v.criteria ?? []).map((c) => ({ code: c.code, name: c.name, weight: c.weight, maxScore: c.maxScore, description: c.description ?? '' })),
    });
    if (r.error) return errors.applyCombined(r.error, t('app.networkError'));
    if (errors.apply(r.data?.criteriaPublish?.errors)) return;
    message.success(t('admin.criteria.published'));
    refetch({ requestPolicy: 'network-only' });
  };

  return (
    <Card title={<h2 className="card-title">{t('admin.criteria.title')}</h2>}>
      <Typography.Paragraph type="secondary">{t('admin.criteria.help')}</Typography.Paragraph>
      {foundations.length > 1 && (
        <Select
          aria-label={t('admin.criteria.foundation')}
          value={current.id}
          onChange={setFoundationId}
          options={foundations.map((f) => ({ value: f.id, label: f.name }))}
          style={{ minWidth: 240, marginBottom: 12 }}
        />
      )}
      {errors.formErrors.length > 0 && <Alert type="error" role="alert" showIcon message={errors.formErrors.join(' ')} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" name="criteria" onFinish={onFinish}>
        <Form.Item name="name" label={`${current.name} · ${t('admin.criteria.setName')}`} rules={[{ required: true, message: t('auth.required') }]}>
          <Input maxLength={100} style={{ maxWidth: 420 }} />
        </Form.Item>
        <Form.List name="criteria">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field, i) => (
                <Row gutter={8} key={field.key} align="bottom">
                  <Col xs={12} md={4}>
                    <Form.Item name={[field.name, 'code']} label={`${t('admin.criteria.code')} ${i + 1}`} rules={[{ required: true, message: t('auth.required') }]}>
                      <Input maxLength={40} />
                    </Form.Item>
                  </Col>
                  <Col xs={12} md={8}>
                    <Form.Item name={[field.name, 'name']} label={`${t('admin.criteria.critName')} ${i + 1}`} rules={[{ required: true, message: t('auth.required') }]}>
                      <Input maxLength={100} />
                    </Form.Item>
                  </Col>
                  <Col xs={10} md={5}>
                    <Form.Item name={[field.name, 'weight']} label={`${t('admin.criteria.weight')} ${i + 1}`} rules={[{ required: true, message: t('auth.required') }]}>
                      <InputNumber min={1} max={100} precision={0} style={{ width: '100%' }} />
                    </Form.Item>
                  </Col>
                  <Col xs={10} md={5}>
                    <Form.Item name={[field.name, 'maxScore']} label={`${t('admin.criteria.maxScore')} ${i + 1}`} rules={[{ required: true, message: t('auth.required') }]}>
                      <InputNumber min={1} max={100} precision={0} style={{ width: '100%' }} />
                    </Form.Item>
                  </Col>
                  <Col xs={4} md={2}>
                    <Form.Item>
                      <Button aria-label={`${t('admin.criteria.remove')} ${i + 1}`} icon={<DeleteOutlined />} onClick={() => remove(field.name)} />
                    </Form.Item>
                  </Col>
                </Row>
              ))}
              <Space wrap>
                <Button icon={<PlusOutlined />} onClick={() => add({ code: '', name: '', weight: 10, maxScore: 10 })}>
                  {t('admin.criteria.add')}
                </Button>
                <Typography.Text type={sum === 100 ? 'secondary' : 'warning'}>{t('admin.criteria.sum', { sum })}</Typography.Text>
              </Space>
            </>
          )}
        </Form.List>
        <div style={{ marginTop: 16 }}>
          <Button type="primary" htmlType="submit" loading={state.fetching}>
            {t('admin.criteria.publish')}
          </Button>
        </div>
      </Form>
    </Card>
  );
}
