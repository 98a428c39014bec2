import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockClient, renderWithProviders } from '../../test/render';
import { TimeBankActionsPage } from './TimeBankActionsPage';

const me = { id: 'TWVtYmVyOjE=', displayName: '志愿者 一', street: { id: 'UmVnaW9uOjI=', name: '江川路街道' } };
const auntie = { id: 'TWVtYmVyOjI=', displayName: '王阿姨' };
const stranger = { id: 'TWVtYmVyOjM=', displayName: '李叔叔' };

function actions(links: object[] = []) {
  return {
    myTimeBank: { availableMinutes: 600, member: me },
    myTimeBankLinks: links,
    timeBankRules: { yearlyGiveCapMinutes: 6000, redemptionAge: 65, hardshipRedemptionAge: 60, maxRedemptionMinutes: 480 },
    regions: [me.street, { id: 'UmVnaW9uOjM=', name: '吴泾镇' }],
  };
}

const noRedemptions = { timeBankRedemptions: { totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] } };

// each test renders antd forms and tabs several times: minutes, not seconds, when the machine is loaded
describe('TimeBankActionsPage', { timeout: 400_000 }, () => {
  it('gives to the street pool by default, keeps the idempotency key across a refused submit and renews it after success', async () => {
    const gives: Record<string, unknown>[] = [];
    const client = mockClient((vars, name) => {
      if (name === 'TimeBankActions') return { data: actions() };
      if (name === 'MyRedemptions') return { data: noRedemptions };
      if (name === 'TimeBankGiveAction') {
        gives.push(vars);
        const errors =
          gives.length === 1 ? [{ field: 'minutes', code: 'INSUFFICIENT_BALANCE', message: '可用时长不足' }] : [];
        return { data: { timeBankGive: { gift: errors.length ? null : { id: 'g1', minutes: 30 }, myTimeBank: null, errors } } };
      }
      return { data: {} };
    });
    renderWithProviders(<TimeBankActionsPage />, { client });
    const minutes = await screen.findByLabelText('时长（分钟）');
    fireEvent.change(minutes, { target: { value: '9999' } });
    await userEvent.click(screen.getByRole('button', { name: /赠\s*与/ }));
    // the server's typed error appears next to the field
    expect(await screen.findByText('可用时长不足')).toBeInTheDocument();
    expect(gives[0]).toMatchObject({ minutes: 9999, toPoolStreetId: me.street.id });
    expect(gives[0]).not.toHaveProperty('toMemberId');

    fireEvent.change(minutes, { target: { value: '30' } });
    await userEvent.click(screen.getByRole('button', { name: /赠\s*与/ }));
    await waitFor(() => expect(gives).toHaveLength(2));
    // a retry of the same intended gift carries the same key (the server answers a replay with the first result)
    expect(gives[1]?.idempotencyKey).toBe(gives[0]?.idempotencyKey);
    await waitFor(() => expect(screen.queryByText('可用时长不足')).not.toBeInTheDocument());
    // wait for the success path (it renews the key) before the next gift
    expect(await screen.findByText('已赠与 30 分钟')).toBeInTheDocument();

    fireEvent.change(minutes, { target: { value: '15' } });
    await userEvent.click(screen.getByRole('button', { name: /赠\s*与/ }));
    await waitFor(() => expect(gives).toHaveLength(3));
    expect(gives[2]).toMatchObject({ minutes: 15 });
    expect(gives[2]?.idempotencyKey).not.toBe(gives[1]?.idempotencyKey);
  });

  it('gives to a linked relative only once the link is accepted, and offers accept on incoming requests', async () => {
    const gives: Record<string, unknown>[] = [];
    const links = [
      { id: 'L1', relation: '母亲', status: 'accepted', createdAt: '2026-11-01T00:00:00Z', fromMember: me, toMember: auntie },
      { id: 'L2', relation: '邻居', status: 'requested', createdAt: '2026-11-02T00:00:00Z', fromMember: stranger, toMember: me },
    ];
    const client = mockClient((vars, name) => {
      if (name === 'TimeBankActions') return { data: actions(links) };
      if (name === 'MyRedemptions') return { data: noRedemptions };
      if (name === 'TimeBankGiveAction') {
        gives.push(vars);
        return { data: { timeBankGive: { gift: { id: 'g', minutes: 60 }, myTimeBank: null, errors: [] } } };
      }
      return { data: {} };
    });
    renderWithProviders(<TimeBankActionsPage />, { client, route: '/?tab=links' });
    const [outgoing, incoming] = await screen.findAllByTestId('timebank-link');
    expect(within(outgoing!).queryByRole('button', { name: '确认关联' })).toBeNull();
    expect(within(incoming!).getByRole('button', { name: '确认关联' })).toBeInTheDocument();

    await userEvent.click(screen.getByRole('tab', { name: '赠与时长' }));
    await userEvent.click(await screen.findByText('关联的亲友'));
    // only the accepted link's other side is offered: a requested link cannot receive hours yet
    await userEvent.click(await screen.findByRole('combobox', { name: '亲友' }));
    expect(await screen.findByTitle('王阿姨')).toBeInTheDocument();
    expect(screen.queryByTitle('李叔叔')).toBeNull();
    await userEvent.click(screen.getByTitle('王阿姨'));
    fireEvent.change(screen.getByLabelText('时长（分钟）'), { target: { value: '60' } });
    await userEvent.click(screen.getByRole('button', { name: /赠\s*与/ }));
    await waitFor(() => expect(gives).toHaveLength(1));
    expect(gives[0]).toMatchObject({ minutes: 60, toMemberId: auntie.id });
    expect(gives[0]).not.toHaveProperty('toPoolStreetId');
  });

  it('shows a redemption refused for age above the form, and lists redemptions with cancel for open ones', async () => {
    const client = mockClient((_vars, name) => {
      if (name === 'TimeBankActions') return { data: actions() };
      if (name === 'MyRedemptions')
        return {
          data: {
            timeBankRedemptions: {
              totalCount: 2,
              pageInfo: { hasNextPage: false, endCursor: null },
              edges: [
                { node: { id: 'R1', serviceType: 'cleaning', minutes: 90, status: 'requested', createdAt: '2026-11-20T02:00:00Z', onBehalf: false, region: me.street, member: me } },
                { node: { id: 'R2', serviceType: 'haircut', minutes: 30, status: 'delivered', createdAt: '2026-11-10T02:00:00Z', onBehalf: false, region: me.street, member: me } },
              ],
            },
          },
        };
      if (name === 'TimeBankRedeemAction')
        return { data: { timeBankRedeem: { redemption: null, myTimeBank: null, errors: [{ field: null, code: 'BELOW_REDEMPTION_AGE', message: '65 岁起可兑换服务。' }] } } };
      return { data: {} };
    });
    renderWithProviders(<TimeBankActionsPage />, { client, route: '/?tab=redemptions' });
    expect(await screen.findByText('1 小时30 分钟')).toBeInTheDocument();
    expect(screen.getAllByRole('button', { name: /^取消 R/ })).toHaveLength(1); // delivered ones cannot be cancelled

    await userEvent.click(screen.getByRole('tab', { name: '兑换服务' }));
    await userEvent.click(screen.getByRole('combobox', { name: '服务类型' }));
    await userEvent.click(await screen.findByTitle('理发'));
    fireEvent.change(await screen.findByLabelText('时长（分钟）'), { target: { value: '60' } });
    await userEvent.click(screen.getByRole('button', { name: '申请兑换' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('65 岁起可兑换服务。');
  });
});
