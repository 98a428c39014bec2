import { useState } from 'react';
import { Alert, Button, Form, Modal, Result, Space, Typography } from 'antd';
import { useMutation } from 'urql';
import { useFieldErrors } from '../../hooks/fieldErrors';
import { useI18n } from '../../i18n/I18nProvider';
import { formatFen } from '../../i18n/format';
import { CardMount, useStripeCard, type StripeConfig } from './cardElement';
import { DonationPayCardDocument } from './documents';

interface Props {
  gift: { id: string; amountFen: string };
  config: StripeConfig;
  onClose: () => void;
  /** The payment went through (the webhook then turns the gift received, live). */
  onPaid: () => void;
}

/**
 * Pay an unpaid gift again (abandoned page, 3-D Secure not finished, card declined): the same Card Element as
 * the give page, the same gift and PaymentIntent (donationPayCard), never a new gift.
 */
export function ResumePayment({ gift, config, onClose, onPaid }: Props) {
  const { t } = useI18n();
  const [paid, setPaid] = useState(false);
  return (
    <Modal open title={t('give.resume.title', { amount: formatFen(gift.amountFen) })} onCancel={onClose} footer={null} destroyOnClose>
      {paid ? (
        <Result
          status="success"
          title={t('give.paid')}
          subTitle={t('give.paidBody')}
          extra={
            <Button type="primary" onClick={onClose}>
              {t('give.resume.close')}
            </Button>
          }
        />
      ) : (
        <ResumeForm
          gift={gift}
          config={config}
          onPaid={() => {
            setPaid(true);
            onPaid();
          }}
        />
      )}
    </Modal>
  );
}

function ResumeForm({ gift, config, onPaid }: Omit<Props, 'onClose'>) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ card?: unknown }>();
  const errors = useFieldErrors(form, { known: ['card'] });
  const [, payCard] = useMutation(DonationPayCardDocument);
  const [busy, setBusy] = useState(false);
  const stripe = useStripeCard(config);
  const cardError = (message: string) => form.setFields([{ name: 'card', errors: [message] }]);

  async function pay() {
    errors.clear();
    if (!stripe.stripe || !stripe.card) return cardError(stripe.error ?? t('give.cardLoading'));
    const tokenized = await stripe.stripe.createToken(stripe.card);
    if (tokenized.error || !tokenized.token) return cardError(tokenized.error?.message || t('give.cardIncomplete'));
    const result = await payCard({ donationId: gift.id, cardToken: tokenized.token.id });
    if (result.error) return errors.applyCombined(result.error, t('app.networkError'));
    const out = result.data?.donationPayCard;
    if (errors.apply(out?.errors)) return;
    if (out?.paymentStatus === 'requires_action') {
      // 3-D Secure: Stripe.js runs the bank's check on the intent the server confirmed
      const confirmed = await stripe.stripe.confirmCardPayment(out.clientSecret ?? '');
      if (confirmed.error) return cardError(confirmed.error.message || t('app.error'));
    } else if (out?.paymentStatus !== 'succeeded' && out?.paymentStatus !== 'processing') {
      return cardError(t('app.error'));
    }
    onPaid();
  }

  return (
    <Form
      form={form}
      layout="vertical"
      name="resume-payment"
      disabled={busy}
      onFinish={async () => {
        setBusy(true);
        try {
          await pay();
        } finally {
          setBusy(false);
        }
      }}
    >
      {errors.formErrors.length > 0 && <Alert type="error" role="alert" showIcon message={errors.formErrors.join(' ')} style={{ marginBottom: 12 }} />}
      <Typography.Paragraph type="secondary">{t('give.resume.body')}</Typography.Paragraph>
      <Form.Item name="card" label={<span id="resume-card-label">{t('give.card')}</span>} extra={t('give.cardHelp')}>
        <CardMount mountRef={stripe.mountRef} status={stripe.status} error={stripe.error} labelledBy="resume-card-label" />
      </Form.Item>
      <Space>
        <Button type="primary" htmlType="submit" loading={busy} disabled={stripe.status !== 'ready'}>
          {t('give.pay', { amount: formatFen(gift.amountFen) })}
        </Button>
      </Space>
    </Form>
  );
}
