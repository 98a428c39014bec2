import { describe, expect, it, vi, beforeEach } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockClient, renderWithProviders } from '../../test/render';
import type { GiveOptionsQuery } from '../../gql/graphql';
import { MoneyForm } from './GivePage';
import { amountProblem, moneyVariables } from './giveForm';

// Stripe.js is a script from another origin; here a stand-in with the calls the page makes.
const fake = vi.hoisted(() => ({
  createToken: vi.fn(),
  confirmCardPayment: vi.fn(),
  confirmCardSetup: vi.fn(),
  loads: [] as string[],
}));
vi.mock('./stripe', () => ({
  loadStripeJs: (url: string) => {
    fake.loads.push(url);
    return Promise.resolve(() => ({
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
      confirmCardSetup: fake.confirmCardSetup,
    }));
  },
}));

const on: GiveOptionsQuery['givingConfig'] = {
  onlinePaymentEnabled: true,
  publishableKey: 'pk_test_x',
  stripeJsUrl: 'http://127.0.0.1:9/js.stripe.com/v3/',
  paymentMethodTypes: ['card'],
  maxOnlineAmountFen: '99999999',
};

const err = (field: string | null, code: string, message: string) => ({ __typename: 'GivingError', field, code, message });

function created() {
  return {
    data: {
      donationCreate: {
        __typename: 'DonationCreate',
        donation: { __typename: 'Donation', id: 'RG9uYXRpb246MQ==', status: 'pending' },
        clientSecret: 'pi_1_secret_x',
        errors: [],
      },
    },
  };
}

describe('give: amounts in yuan become integer fen', () => {
  it('converts and checks the amount without floats', () => {
    expect(moneyVariables({ amountYuan: '100' }).amountFen).toBe('10000');
    expect(moneyVariables({ amountYuan: '0.1' }).amountFen).toBe('10');
    expect(moneyVariables({ amountYuan: '123.45' }).amountFen).toBe('12345');
    expect(amountProblem('100', '99999999')).toBeNull();
    expect(amountProblem('1.005', '99999999')).toBe('invalid');
    expect(amountProblem('abc', '99999999')).toBe('invalid');
    expect(amountProblem('0.00', '99999999')).toBe('zero');
    expect(amountProblem('999999.99', '99999999')).toBeNull();
    expect(amountProblem('1000000', '99999999')).toBe('tooLarge');
  });

  it('sends only the earmark that was chosen', () => {
    expect(moneyVariables({ amountYuan: '5', earmarkKind: 'category', earmarkCategory: 'medical', earmarkProjectId: 'P1' })).toEqual({
      amountFen: '500',
      earmarkCategory: 'medical',
      earmarkProjectId: null,
      message: '',
      anonymous: false,
    });
    expect(moneyVariables({ amountYuan: '5', earmarkKind: 'general', earmarkCategory: 'medical' }).earmarkCategory).toBeNull();
  });
});

describe('MoneyForm', () => {
  beforeEach(() => {
    fake.createToken.mockReset();
    fake.confirmCardPayment.mockReset();
    fake.loads.length = 0;
  });

  it('says plainly that online payment is off, and loads no Stripe.js', () => {
    renderWithProviders(<MoneyForm config={{ ...on, onlinePaymentEnabled: false, publishableKey: '', stripeJsUrl: '' }} />);
    expect(screen.getByText('在线支付未开启')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /支付/ })).not.toBeInTheDocument();
    expect(fake.loads).toEqual([]);
  });

  it('refuses an amount with three decimals next to the field, before asking the server', async () => {
    const client = mockClient(() => created());
    renderWithProviders(<MoneyForm config={on} />, { client });
    await userEvent.type(screen.getByLabelText('捐赠金额（元）'), '1.005');
    await userEvent.click(await screen.findByRole('button', { name: /支付/ }));
    expect(await screen.findByText('请输入金额，最多两位小数')).toBeInTheDocument();
    expect(client.calls).toEqual([]);
  });

  it('sends the amount in fen and shows the server’s typed error next to the amount field', async () => {
    const client = mockClient(() => ({
      data: {
        donationCreate: {
          __typename: 'DonationCreate',
          donation: null,
          clientSecret: null,
          errors: [err('amountFen', 'INVALID_AMOUNT', '捐赠金额必须是大于零的整数(分),且不超过单笔上限。')],
        },
      },
    }));
    renderWithProviders(<MoneyForm config={on} />, { client });
    expect(fake.loads).toEqual([on.stripeJsUrl]);
    await userEvent.type(screen.getByLabelText('捐赠金额（元）'), '100');
    const pay = await screen.findByRole('button', { name: '支付 ¥100.00' });
    await waitFor(() => expect(pay).toBeEnabled());
    await userEvent.click(pay);
    const message = await screen.findByText('捐赠金额必须是大于零的整数(分),且不超过单笔上限。');
    // next to its field: inside the amount's form item
    expect(message.closest('.ant-form-item')).toContainElement(screen.getByLabelText('捐赠金额（元）'));
    expect(client.calls[0]).toMatchObject({ amountFen: '10000', earmarkCategory: null, earmarkProjectId: null });
    expect(fake.createToken).not.toHaveBeenCalled();
  });

  it('shows a declined card next to the card, then pays the same gift with another card (3-D Secure)', async () => {
    let payments = 0;
    const client = mockClient((_vars, name) => {
      if (name === 'DonationCreate') return created();
      payments += 1;
      return {
        data: {
          donationPayCard:
            payments === 1
              ? { __typename: 'DonationPayCard', paymentStatus: null, clientSecret: null, errors: [err('card', 'CARD_DECLINED', '银行卡被拒绝或未通过验证,请换一张卡再试。')] }
              : { __typename: 'DonationPayCard', paymentStatus: 'requires_action', clientSecret: 'pi_1_secret_x', errors: [] },
        },
      };
    });
    fake.createToken.mockResolvedValue({ token: { id: 'tok_1' } });
    fake.confirmCardPayment.mockResolvedValue({ paymentIntent: { status: 'succeeded' } });
    renderWithProviders(<MoneyForm config={on} />, { client });
    await userEvent.type(screen.getByLabelText('捐赠金额（元）'), '100');
    const pay = await screen.findByRole('button', { name: '支付 ¥100.00' });
    await waitFor(() => expect(pay).toBeEnabled());
    await userEvent.click(pay);
    const declined = await screen.findByText('银行卡被拒绝或未通过验证,请换一张卡再试。');
    expect(declined.closest('.ant-form-item')).toContainElement(screen.getByTestId('card-element'));
    await userEvent.click(screen.getByRole('button', { name: '支付 ¥100.00' }));
    expect(await screen.findByText('支付已提交')).toBeInTheDocument();
    // one gift, paid twice (declined, then with the next card); 3-D Secure through Stripe.js
    expect(client.calls.filter((c) => 'amountFen' in c)).toHaveLength(1);
    expect(client.calls.filter((c) => 'cardToken' in c)).toEqual([
      { donationId: 'RG9uYXRpb246MQ==', cardToken: 'tok_1' },
      { donationId: 'RG9uYXRpb246MQ==', cardToken: 'tok_1' },
    ]);
    expect(fake.confirmCardPayment).toHaveBeenCalledWith('pi_1_secret_x');
  });

  it('shows Stripe.js’s own card error (incomplete number) next to the card', async () => {
    const client = mockClient(() => created());
    fake.createToken.mockResolvedValue({ error: { message: 'Your card number is incomplete.' } });
    renderWithProviders(<MoneyForm config={on} />, { client });
    await userEvent.type(screen.getByLabelText('捐赠金额（元）'), '20.5');
    const pay = await screen.findByRole('button', { name: '支付 ¥20.50' });
    await waitFor(() => expect(pay).toBeEnabled());
    await userEvent.click(pay);
    const message = await screen.findByText('Your card number is incomplete.');
    expect(message.closest('.ant-form-item')).toContainElement(screen.getByTestId('card-element'));
    expect(client.calls[0]).toMatchObject({ amountFen: '2050' });
  });
});
