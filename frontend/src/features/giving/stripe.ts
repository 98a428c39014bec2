/**
 * Stripe.js, loaded with a script tag from the URL the server names (givingConfig.stripeJsUrl): Stripe's own
 * https://js.stripe.com/v3/ in production, localstripe's fake Stripe.js (`<localstripe>/js.stripe.com/v3/`) in
 * tests and local development. Only the calls the give page makes are typed here.
 *
 * Card Element, not the Payment Element: localstripe's fake Stripe.js implements only the Card Element (with
 * createToken, confirmCardSetup and confirmCardPayment), so the Card Element is what works the same against
 * Stripe and against localstripe. A one-off gift: createToken(card) → donationPayCard (the server confirms the
 * PaymentIntent) → confirmCardPayment(clientSecret) only when 3-D Secure asks for it. localstripe's
 * confirmCardPayment does not attach a card (it simulates 3-D Secure on an intent that has one), hence the
 * server-side confirmation. Monthly: confirmCardSetup(setupClientSecret, {payment_method: {card}}).
 */

export interface StripeError {
  message?: string;
  code?: string;
}

export interface StripeCardElement {
  mount(target: HTMLElement | string): void;
  destroy(): void;
  on(event: 'change', handler: (event?: { error?: StripeError; complete?: boolean }) => void): void;
}

export interface StripeLike {
  elements(options?: Record<string, unknown>): { create(type: 'card', options?: Record<string, unknown>): StripeCardElement };
  createToken(card: StripeCardElement): Promise<{ token?: { id: string }; error?: StripeError }>;
  confirmCardPayment(clientSecret: string, data?: Record<string, unknown>): Promise<{ paymentIntent?: { status: string }; error?: StripeError }>;
  confirmCardSetup(
    clientSecret: string,
    data: { payment_method: { card: StripeCardElement } },
  ): Promise<{ setupIntent?: { status: string }; error?: StripeError }>;
}

type StripeFactory = (publishableKey: string) => StripeLike;

declare global {
  interface Window {
    Stripe?: StripeFactory;
  }
}

const loading = new Map<string, Promise<StripeFactory>>();

/** Load Stripe.js once per URL (a script tag in <head>); rejects when it cannot be loaded. */
export function loadStripeJs(url: string): Promise<StripeFactory> {
  const known = loading.get(url);
  if (known) return known;
  const promise = new Promise<StripeFactory>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = url;
    script.async = true;
    script.dataset.stripeJs = 'true';
    script.onload = () => (window.Stripe ? resolve(window.Stripe) : reject(new Error('Stripe.js did not define Stripe')));
    script.onerror = () => {
      loading.delete(url);
      script.remove();
      reject(new Error(`Stripe.js could not be loaded from ${url}`));
    };
    document.head.appendChild(script);
  });
  loading.set(url, promise);
  return promise;
}
