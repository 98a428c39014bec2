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

const T = {
  title: ['项目评审标准（评分权重）', 'Project review criteria (scoring weights)'],
  help: ['发布后，新的评审按此标准打分；已提交的评审保留原标准。权重合计建议为 100。', 'New reviews score against the published set; earlier reviews keep theirs. Weights should add up to 100.'],
  foundation: ['基金会', 'Foundation'],
  setName: ['标准名称', 'Name of the set'],
  code: ['代码', 'Code'],
  critName: ['评分项', 'Criterion'],
  weight: ['权重 %', 'Weight %'],
  maxScore: ['满分', 'Max score'],
  add: ['添加评分项', 'Add a criterion'],
  remove: ['删除评分项', 'Remove the criterion'],
  publish: ['发布评审标准', 'Publish criteria'],
  published: ['评审标准已发布', 'Criteria published'],
  sum: ['权重合计 {sum}', 'Weights add up to {sum}'],
} as const;

/** Administrators: a foundation's scoring criteria and weights for project reviews (criteriaPublish). */
export function CriteriaCard() {
  const { t, lang } = useI18n();
  const s = (k: keyof typeof T) => T[k][lang === 'en' ? 1 : 0];
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
    message.success(s('published'));
    refetch({ requestPolicy: 'network-only' });
  };

  return (
    <Card title={<h2 className="card-title">{s('title')}</h2>}>
      <Typography.Paragraph type="secondary">{s('help')}</Typography.Paragraph>
      {foundations.length > 1 && (
        <Select
          aria-label={s('foundation')}
          value={current.id}
          onChange={setFoundationId}
          options={foundations.map((f) => ({ value: f.id, label: f.name }))}
          style={{ minWidth: 240, marginBottom: 12 }}
        />
      )}
      {errors.formErrors.length > 0 && <Alert type="error" role="alert" showIcon message={errors.formErrors.join(' ')} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" name="criteria" onFinish={onFinish}>
        <Form.Item name="name" label={`${current.name} · ${s('setName')}`} rules={[{ required: true, message: t('auth.required') }]}>
          <Input maxLength={100} style={{ maxWidth: 420 }} />
        </Form.Item>
        <Form.List name="criteria">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field, i) => (
                <Row gutter={8} key={field.key} align="bottom">
                  <Col xs={12} md={4}>
                    <Form.Item name={[field.name, 'code']} label={`${s('code')} ${i + 1}`} rules={[{ required: true, message: t('auth.required') }]}>
                      <Input maxLength={40} />
                    </Form.Item>
                  </Col>
                  <Col xs={12} md={8}>
                    <Form.Item name={[field.name, 'name']} label={`${s('critName')} ${i + 1}`} rules={[{ required: true, message: t('auth.required') }]}>
                      <Input maxLength={100} />
                    </Form.Item>
                  </Col>
                  <Col xs={10} md={5}>
                    <Form.Item name={[field.name, 'weight']} label={`${s('weight')} ${i + 1}`} rules={[{ required: true, message: t('auth.required') }]}>
                      <InputNumber min={1} max={100} precision={0} style={{ width: '100%' }} />
                    </Form.Item>
                  </Col>
                  <Col xs={10} md={5}>
                    <Form.Item name={[field.name, 'maxScore']} label={`${s('maxScore')} ${i + 1}`} rules={[{ required: true, message: t('auth.required') }]}>
                      <InputNumber min={1} max={100} precision={0} style={{ width: '100%' }} />
                    </Form.Item>
                  </Col>
                  <Col xs={4} md={2}>
                    <Form.Item>
                      <Button aria-label={`${s('remove')} ${i + 1}`} icon={<DeleteOutlined />} onClick={() => remove(field.name)} />
                    </Form.Item>
                  </Col>
                </Row>
              ))}
              <Space wrap>
                <Button icon={<PlusOutlined />} onClick={() => add({ code: '', name: '', weight: 10, maxScore: 10 })}>
                  {s('add')}
                </Button>
                <Typography.Text type={sum === 100 ? 'secondary' : 'warning'}>{s('sum').replace('{sum}', String(sum))}</Typography.Text>
              </Space>
            </>
          )}
        </Form.List>
        <div style={{ marginTop: 16 }}>
          <Button type="primary" htmlType="submit" loading={state.fetching}>
            {s('publish')}
          </Button>
        </div>
      </Form>
    </Card>
  );
}
