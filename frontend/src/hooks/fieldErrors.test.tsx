import { describe, expect, it } from 'vitest';
import { act, render, screen, waitFor } from '@testing-library/react';
import { Form, Input } from 'antd';
import { CombinedError } from 'urql';
import { combinedErrorMessage, fieldPath, mapPayloadErrors, useFieldErrors, type PayloadError } from './fieldErrors';

describe('fieldPath', () => {
  it('splits dotted paths, keeps list indexes as numbers and camel-cases snake_case parts', () => {
    expect(fieldPath('members.0.ageBand')).toEqual(['members', 0, 'ageBand']);
    expect(fieldPath('region_id')).toEqual(['regionId']);
    expect(fieldPath('amountFen')).toEqual(['amountFen']);
  });
});

describe('mapPayloadErrors', () => {
  const errors: PayloadError[] = [
    { field: 'regionId', code: 'NOT_FOUND', message: '区域不存在' },
    { field: 'members.1.ageBand', code: 'INVALID', message: '年龄段无效' },
    { field: 'regionId', code: 'PERMISSION_DENIED', message: '无权在此区域登记' },
    { field: null, code: 'CONFLICT', message: '已被他人修改' },
    { field: 'somethingElse', code: 'INVALID', message: '表单上没有的字段' },
  ];

  it('groups messages per field and keeps the rest for the form', () => {
    const mapped = mapPayloadErrors(errors, { known: ['regionId', 'members'] });
    expect(mapped.fields).toEqual([
      { name: ['regionId'], errors: ['区域不存在', '无权在此区域登记'] },
      { name: ['members', 1, 'ageBand'], errors: ['年龄段无效'] },
    ]);
    expect(mapped.form.map((e) => e.code)).toEqual(['CONFLICT', 'INVALID']);
  });

  it('renames server fields to the form fields with aliases', () => {
    const mapped = mapPayloadErrors([{ field: 'regionId', code: 'REQUIRED', message: '必填' }], {
      aliases: { regionId: 'region' },
      known: ['region'],
    });
    expect(mapped.fields).toEqual([{ name: ['region'], errors: ['必填'] }]);
    expect(mapped.form).toEqual([]);
  });

  it('treats null and undefined as no errors', () => {
    expect(mapPayloadErrors(null)).toEqual({ fields: [], form: [] });
    expect(mapPayloadErrors(undefined)).toEqual({ fields: [], form: [] });
  });
});

describe('combinedErrorMessage', () => {
  it('shows GraphQL messages, and the fallback for a network failure', () => {
    const gql = new CombinedError({ graphQLErrors: [{ message: '请先登录。' }] });
    expect(combinedErrorMessage(gql, 'offline')).toBe('请先登录。');
    const many = new CombinedError({
      graphQLErrors: ['a', 'b', 'a', 'c', 'd', 'e'].map((m) => ({ message: `bad ${m}` })),
    });
    expect(combinedErrorMessage(many, 'x')).toBe('bad a；bad b；bad c；… (+2)');
    const net = new CombinedError({ networkError: new Error('Failed to fetch') });
    expect(combinedErrorMessage(net, 'offline')).toBe('offline');
  });
});

describe('useFieldErrors', () => {
  function Harness({ onReady }: { onReady: (api: ReturnType<typeof useFieldErrors>) => void }) {
    const [form] = Form.useForm();
    const api = useFieldErrors(form, { known: ['name', 'phone'] });
    onReady(api);
    return (
      <Form form={form}>
        <Form.Item name="name" label="姓名">
          <Input />
        </Form.Item>
        <Form.Item name="phone" label="电话">
          <Input />
        </Form.Item>
        <div data-testid="form-errors">{api.formErrors.join('|')}</div>
      </Form>
    );
  }

  it('puts each message next to its field, the rest above the form, and clears them on the next submit', async () => {
    let api!: ReturnType<typeof useFieldErrors>;
    render(<Harness onReady={(a) => (api = a)} />);
    let had = false;
    await act(async () => {
      had = api.apply([
        { field: 'phone', code: 'INVALID', message: '电话号码格式不对' },
        { field: null, code: 'CONFLICT', message: '请刷新后重试' },
      ]);
    });
    expect(had).toBe(true);
    const phoneItem = screen.getByLabelText('电话').closest('.ant-form-item');
    await waitFor(() => expect(phoneItem).toHaveTextContent('电话号码格式不对'));
    expect(screen.getByLabelText('姓名').closest('.ant-form-item')).not.toHaveTextContent('电话号码格式不对');
    expect(screen.getByTestId('form-errors')).toHaveTextContent('请刷新后重试');

    await act(async () => api.clear());
    await waitFor(() => expect(screen.queryByText('电话号码格式不对')).toBeNull());
    expect(screen.getByTestId('form-errors')).toBeEmptyDOMElement();
  });

  it('reports no errors for an empty list', async () => {
    let api!: ReturnType<typeof useFieldErrors>;
    render(<Harness onReady={(a) => (api = a)} />);
    let had = true;
    await act(async () => {
      had = api.apply([]);
    });
    expect(had).toBe(false);
    expect(screen.getByTestId('form-errors')).toBeEmptyDOMElement();
  });
});
