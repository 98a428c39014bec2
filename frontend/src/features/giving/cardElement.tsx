/** Stripe's Card Element, shared by the give page and paying an unpaid gift again from My gifts. */
import { useEffect, useRef, useState } from 'react';
import { Alert, Typography } from 'antd';
import { useI18n } from '../../i18n/I18nProvider';
import { loadStripeJs, type StripeCardElement, type StripeLike } from './stripe';

/** What mounting the Card Element needs from givingConfig. */
export interface StripeConfig {
  onlinePaymentEnabled: boolean;
  stripeJsUrl: string;
  publishableKey: string;
}

/** Loads Stripe.js from the configured URL and mounts one Card Element into `mountRef`. */
export function useStripeCard(config: StripeConfig) {
  const mountRef = useRef<HTMLDivElement | null>(null);
  const [status, setStatus] = useState<'off' | 'loading' | 'ready' | 'failed'>(config.onlinePaymentEnabled ? 'loading' : 'off');
  const [error, setError] = useState<string | null>(null);
  const [handles, setHandles] = useState<{ stripe: StripeLike; card: StripeCardElement } | null>(null);
  const { onlinePaymentEnabled, stripeJsUrl, publishableKey } = config;

  useEffect(() => {
    if (!onlinePaymentEnabled || !stripeJsUrl) return;
    let card: StripeCardElement | null = null;
    let alive = true;
    loadStripeJs(stripeJsUrl)
      .then((factory) => {
        if (!alive || !mountRef.current) return;
        const stripe = factory(publishableKey);
        card = stripe.elements({ locale: 'zh' }).create('card', { hidePostalCode: true });
        card.mount(mountRef.current);
        setHandles({ stripe, card });
        setStatus('ready');
      })
      .catch((err: Error) => {
        if (!alive) return;
        setError(err.message);
        setStatus('failed');
      });
    return () => {
      alive = false;
      card?.destroy();
    };
  }, [onlinePaymentEnabled, stripeJsUrl, publishableKey]);

  return { mountRef, status, error, stripe: handles?.stripe ?? null, card: handles?.card ?? null };
}

/** Where Stripe mounts the card fields (an iframe with Stripe.js, plain inputs with localstripe's fake). */
export function CardMount({
  mountRef,
  status,
  error,
  labelledBy = 'give-card-label',
}: {
  mountRef: React.MutableRefObject<HTMLDivElement | null>;
  status: string;
  error: string | null;
  /** The id of the element that names the card fields (each form on a page has its own). */
  labelledBy?: string;
  value?: unknown;
  onChange?: unknown;
}) {
  const { t } = useI18n();
  return (
    <div>
      <div
        ref={mountRef}
        role="group"
        aria-labelledby={labelledBy}
        data-testid="card-element"
        className="give-card-element"
        style={{ padding: '8px 11px', border: '1px solid #d9d9d9', borderRadius: 6, minHeight: 40 }}
      />
      {status === 'loading' && <Typography.Text type="secondary">{t('give.cardLoading')}</Typography.Text>}
      {status === 'failed' && (
        <Alert type="error" role="alert" showIcon message={t('give.cardLoadFailed', { error: error ?? '' })} style={{ marginTop: 8 }} />
      )}
    </div>
  );
}
