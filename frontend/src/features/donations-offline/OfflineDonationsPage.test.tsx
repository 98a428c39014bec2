import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MeProvider } from '../../auth/MeProvider';
import { connectionOf, mockByOperation, renderWithProviders, type mockClient } from '../../test/render';
import { STAFF_STREET as STREET, staffMe as me } from '../../test/fixtures';
import { OfflineDonationsPage } from './OfflineDonationsPage';

const workstations = {
  workstations: [{ id: 'V29ya3N0YXRpb246MQ==', name: '江川路街道慈善工作站', region: { id: STREET, name: '江川路街道', parentId: null } }],
};
const gift = {
  id: 'RG9uYXRpb246MQ==',
  donorName: '张伟',
  anonymous: false,
  amountFen: '123450',
  channel: 'cash',
  status: 'succeeded',
  receiptNumber: 'HZ-2026-000123',
  message: '',
  createdAt: '2026-11-24T09:30:00+08:00',
  earmark: { kind: 'general', label: '非定向' },
};
const list = (nodes: object[]) => ({ recordedDonations: connectionOf(nodes) });

const answer = (overrides: Parameters<typeof mockByOperation>[1] = {}) =>
  mockByOperation({ Me: me, Workstations: workstations, RecordedDonations: list([gift]) }, overrides);

function renderPage(client: ReturnType<typeof mockClient>) {
  return renderWithProviders(
    <MeProvider>
      <OfflineDonationsPage />
    </MeProvider>,
    { client },
  );
}

describe('OfflineDonationsPage', () => {
  it('lists the recorded gifts with amount in yuan, channel and receipt', async () => {
    renderPage(answer());
    expect(await screen.findByText('张伟')).toBeInTheDocument();
    expect(screen.getByText('¥1,234.50')).toBeInTheDocument();
    expect(screen.getByText('HZ-2026-000123')).toBeInTheDocument();
    expect(screen.getByText('已到账')).toBeInTheDocument();
    expect(screen.getByText(/共 1 条/)).toBeInTheDocument();
  });

  it('says a malformed amount itself, sends yuan as integer fen, and shows the typed error next to the amount', async () => {
    const client = answer({
      OfflineDonationRecord: {
        data: {
          offlineDonationRecord: {
            donation: null,
            errors: [{ field: 'amountFen', code: 'INVALID_AMOUNT', message: '金额须大于 0 且不超过上限。' }],
          },
        },
      },
    });
    renderPage(client);
    const amount = await screen.findByLabelText('金额');
    fireEvent.change(amount, { target: { value: '12.345' } });
    await userEvent.click(screen.getByRole('button', { name: /登记捐赠/ }));
    expect(await screen.findByText('请输入金额（元），例如 100 或 99.50', {}, { timeout: 20_000 })).toBeInTheDocument();
    expect(client.calls.some((v) => 'amountFen' in v)).toBe(false);

    fireEvent.change(amount, { target: { value: '0' } });
    await userEvent.click(screen.getByRole('button', { name: /登记捐赠/ }));
    expect(await screen.findByText('金额须大于 0 且不超过上限。', {}, { timeout: 20_000 })).toBeInTheDocument();
    // next to the field: inside the amount's form item
    expect(amount.closest('.ant-form-item')).toHaveTextContent('金额须大于 0 且不超过上限。');
    const sent = client.calls.find((v) => 'amountFen' in v);
    expect(sent).toMatchObject({ amountFen: '0', channel: 'cash', workstationId: workstations.workstations[0]!.id });
  });

  it('records a gift of 99.5 yuan as 9950 fen and shows the empty and error states of the list', async () => {
    const client = answer({
      RecordedDonations: { data: list([]) },
      OfflineDonationRecord: {
        data: { offlineDonationRecord: { donation: { id: 'RG9uYXRpb246Mg==', amountFen: '9950', receiptNumber: 'HZ-1' }, errors: [] } },
      },
    });
    renderPage(client);
    expect(await screen.findByText('暂无线下捐赠记录')).toBeInTheDocument();
    fireEvent.change(screen.getByLabelText('金额'), { target: { value: '99.5' } });
    await userEvent.click(screen.getByRole('button', { name: /登记捐赠/ }));
    await waitFor(() => expect(client.calls.find((v) => 'amountFen' in v)).toMatchObject({ amountFen: '9950' }), { timeout: 20_000 });
    expect(await screen.findByText('已登记 ¥99.50，票据号 HZ-1', {}, { timeout: 20_000 })).toBeInTheDocument();
  });

  it('shows the error state of a failed list with a retry', async () => {
    renderPage(answer({ RecordedDonations: { error: new Error('boom') } }));
    expect(await screen.findByRole('alert', {}, { timeout: 20_000 })).toHaveTextContent('出错了');
    expect(screen.getByRole('button', { name: /重\s*试/ })).toBeInTheDocument();
  });
});
