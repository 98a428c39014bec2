import { describe, expect, it, vi, beforeEach } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockClient, renderWithProviders } from '../../test/render';
import { MyGiftsPage } from './MyGiftsPage';

// Stripe.js is a script from another origin; here a stand-in with the calls the page makes.
const fake = vi.hoisted(() => ({ createToken: vi.fn(), confirmCardPayment: vi.fn() }));
vi.mock('./stripe', () => ({
  loadStripeJs: () =>
    Promise.resolve(() => ({
      elements: () => ({
        create: () => ({
          mount: (el: HTMLElement) => {
            el.innerHTML = '<input aria-label="card number" />';
          },
          destroy: () => {},
          on: () => {},
        }),
      }),
      createToken: fake.createToken,
      confirmCardPayment: fake.confirmCardPayment,
      confirmCardSetup: vi.fn(),
    })),
}));

const PENDING = 'RG9uYXRpb246MQ==';

function gift(id: string, status: string, channel = 'online', amountFen = '10000') {
  return {
    __typename: 'Donation',
    id,
    amountFen,
    refundedFen: '0',
    status,
    channel,
    createdAt: '2026-11-25T08:00:00+00:00',
    receiptUrl: null,
    earmark: { __typename: 'Earmark', label: '慈善总基金(非定向)' },
    trace:
      status === 'canceled'
        ? [{ __typename: 'DonationTraceStep', at: '2026-11-25T09:00:00+00:00', stage: 'canceled', stageLabel: '已取消', detail: '捐赠人取消了这笔未完成的支付', beneficiary: '', communityName: null, quantity: null, amountFen: amountFen }]
        : [],
  };
}

type Answer = { data?: unknown; error?: Error };

/** The page's queries answered; `mutation` answers donationCancel / donationPayCard. */
function page(mutation: (name: string, vars: Record<string, unknown>) => Answer) {
  return mockClient((vars, name) => {
    if (name === 'GivingConfig')
      return {
        data: {
          givingConfig: {
            __typename: 'GivingConfig',
            onlinePaymentEnabled: true,
            paymentMethodTypes: ['card'],
            maxOnlineAmountFen: '99999999',
            publishableKey: 'pk_test_x',
            stripeJsUrl: 'http://127.0.0.1:9/js.stripe.com/v3/',
          },
        },
      };
    if (name === 'MyDonations')
      return {
        data: {
          myDonations: {
            __typename: 'DonationCountableConnection',
            totalCount: 4,
            pageInfo: { __typename: 'PageInfo', hasNextPage: false, endCursor: null },
            edges: [
              gift(PENDING, 'pending'),
              gift('RG9uYXRpb246Mg==', 'canceled', 'online', '5000'),
              gift('RG9uYXRpb246Mw==', 'succeeded', 'online', '2000'),
              gift('RG9uYXRpb246NA==', 'pending', 'cash', '3000'),
            ].map((node) => ({ __typename: 'DonationCountableEdge', node })),
          },
        },
      };
    if (name === 'MyPledges') return { data: { myPledges: { __typename: 'MyPledges', goods: [], services: [], recurring: [] } } };
    return mutation(name, vars);
  });
}

const item = (id: string) => document.querySelector(`[data-testid="gift"][data-donation-id="${id}"]`) as HTMLElement;

describe('my gifts: an unpaid card gift can be paid again or cancelled', { timeout: 300_000 }, () => {
  beforeEach(() => {
    fake.createToken.mockReset();
    fake.confirmCardPayment.mockReset();
  });

  it('offers 继续支付 and 取消 on the unpaid online gift only, and tags the cancelled one', async () => {
    renderWithProviders(<MyGiftsPage />, { client: page(() => ({ data: {} })) });
    await screen.findAllByTestId('gift');
    const pending = within(item(PENDING));
    expect(pending.getByRole('button', { name: /继续支付/ })).toBeInTheDocument();
    expect(pending.getByRole('button', { name: '取 消' })).toBeInTheDocument();
    expect(screen.getAllByTestId('unpaid-actions')).toHaveLength(1); // not the received, cancelled or cash gift
    const canceled = within(item('RG9uYXRpb246Mg=='));
    expect(canceled.getAllByText('已取消').length).toBeGreaterThan(0);
    expect(canceled.queryByRole('button')).not.toBeInTheDocument();
  });

  it('cancels after a confirmation, calling donationCancel for that gift', async () => {
    const client = page((name) =>
      name === 'DonationCancel'
        ? { data: { donationCancel: { __typename: 'DonationCancel', donation: { __typename: 'Donation', id: PENDING, status: 'canceled', clientSecret: null, trace: [] }, errors: [] } } }
        : { data: {} },
    );
    renderWithProviders(<MyGiftsPage />, { client });
    await screen.findAllByTestId('gift');
    await userEvent.click(within(item(PENDING)).getByRole('button', { name: '取 消' }));
    // nothing is sent before the donor confirms
    expect(client.calls.filter((c) => 'donationId' in c)).toEqual([]);
    const confirm = await screen.findByRole('dialog');
    expect(confirm).toHaveTextContent('取消这笔捐赠？');
    expect(confirm).toHaveTextContent('这笔 ¥100.00 的捐赠尚未付款');
    await userEvent.click(within(confirm).getByRole('button', { name: '确认取消' }));
    await waitFor(() => expect(client.calls.filter((c) => 'donationId' in c)).toEqual([{ donationId: PENDING }]));
    expect(within(item(PENDING)).queryByRole('alert')).not.toBeInTheDocument();
  });

  it('shows the typed error when the gift cannot be cancelled', async () => {
    const message = '这笔付款已完成或正在处理,无法取消;到账后可在“我的捐赠”中查看。';
    const client = page((name) =>
      name === 'DonationCancel'
        ? { data: { donationCancel: { __typename: 'DonationCancel', donation: null, errors: [{ __typename: 'GivingError', field: 'donationId', code: 'PAYMENT_IN_PROGRESS', message }] } } }
        : { data: {} },
    );
    renderWithProviders(<MyGiftsPage />, { client });
    await screen.findAllByTestId('gift');
    await userEvent.click(within(item(PENDING)).getByRole('button', { name: '取 消' }));
    await userEvent.click(await screen.findByRole('button', { name: '确认取消' }));
    const alert = await within(item(PENDING)).findByRole('alert');
    expect(alert).toHaveTextContent(message);
  });

  it('继续支付 opens the card form for the same gift and pays it with donationPayCard', async () => {
    const client = page((name) =>
      name === 'DonationPayCard'
        ? { data: { donationPayCard: { __typename: 'DonationPayCard', paymentStatus: 'requires_action', clientSecret: 'pi_1_secret_x', errors: [] } } }
        : { data: {} },
    );
    fake.createToken.mockResolvedValue({ token: { id: 'tok_again' } });
    fake.confirmCardPayment.mockResolvedValue({ paymentIntent: { status: 'succeeded' } });
    renderWithProviders(<MyGiftsPage />, { client });
    await screen.findAllByTestId('gift');
    await userEvent.click(within(item(PENDING)).getByRole('button', { name: /继续支付/ }));
    const dialog = await screen.findByRole('dialog');
    expect(await within(dialog).findByLabelText('card number')).toBeInTheDocument();
    const pay = within(dialog).getByRole('button', { name: '支付 ¥100.00' });
    await waitFor(() => expect(pay).toBeEnabled());
    await userEvent.click(pay);
    expect(await within(dialog).findByText('支付已提交')).toBeInTheDocument();
    // the same gift, no new donation; 3-D Secure through Stripe.js
    expect(client.calls.filter((c) => 'cardToken' in c)).toEqual([{ donationId: PENDING, cardToken: 'tok_again' }]);
    expect(client.calls.filter((c) => 'amountFen' in c)).toEqual([]);
    expect(fake.confirmCardPayment).toHaveBeenCalledWith('pi_1_secret_x');
  });

  it('shows a declined card next to the card field in the dialog', async () => {
    const declined = '银行卡被拒绝或未通过验证,请换一张卡再试。';
    const client = page((name) =>
      name === 'DonationPayCard'
        ? { data: { donationPayCard: { __typename: 'DonationPayCard', paymentStatus: null, clientSecret: null, errors: [{ __typename: 'GivingError', field: 'card', code: 'CARD_DECLINED', message: declined }] } } }
        : { data: {} },
    );
    fake.createToken.mockResolvedValue({ token: { id: 'tok_bad' } });
    renderWithProviders(<MyGiftsPage />, { client });
    await screen.findAllByTestId('gift');
    await userEvent.click(within(item(PENDING)).getByRole('button', { name: /继续支付/ }));
    const dialog = await screen.findByRole('dialog');
    const pay = within(dialog).getByRole('button', { name: '支付 ¥100.00' });
    await waitFor(() => expect(pay).toBeEnabled());
    await userEvent.click(pay);
    const message = await within(dialog).findByText(declined);
    expect(message.closest('.ant-form-item')).toContainElement(within(dialog).getByTestId('card-element'));
  });
});
