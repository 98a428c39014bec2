"""The one place that talks to Stripe, through the official SDK's StripeClient.

With STRIPE_SECRET_KEY unset online payment is off (the platform runs, offline giving works); with
STRIPE_API_BASE set the client talks to that base URL instead of api.stripe.com (localstripe in tests and
local development: `StripeClient(base_addresses={"api": ...})`). Every create call carries an idempotency key,
so a retried request never creates a second PaymentIntent or refund.

Which payment methods a PaymentIntent offers is HUZHU_STRIPE_PAYMENT_METHOD_TYPES (default "card"; e.g.
"card,alipay,wechat_pay" on an account that has them). Listing them explicitly, rather than automatic payment
methods, works the same with the Payment Element and with localstripe.
"""

from __future__ import annotations

import logging
import os
from functools import lru_cache
from typing import Any

import stripe
from django.conf import settings

from .errors import GivingError, GivingErrorCode

log = logging.getLogger(__name__)

# Stripe's limit for one charge in a two-decimal currency is 8 digits of the smallest unit.
STRIPE_MAX_AMOUNT_FEN = 99_999_999


def online_payment_enabled() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)


def publishable_key() -> str:
    return settings.STRIPE_PUBLISHABLE_KEY if online_payment_enabled() else ""


def stripe_js_url() -> str:
    """Stripe.js; with localstripe (STRIPE_API_BASE set and STRIPE_JS_URL not) its fake Stripe.js."""
    if not online_payment_enabled():
        return ""
    if settings.STRIPE_API_BASE and not os.environ.get("STRIPE_JS_URL"):
        return settings.STRIPE_API_BASE.rstrip("/") + "/js.stripe.com/v3/"
    return settings.STRIPE_JS_URL


def payment_method_types() -> list[str]:
    raw = os.environ.get("HUZHU_STRIPE_PAYMENT_METHOD_TYPES", "card")
    return [t.strip() for t in raw.split(",") if t.strip()] or ["card"]


@lru_cache(maxsize=4)
def _client(api_key: str, api_base: str) -> stripe.StripeClient:
    base = {"api": api_base.rstrip("/")} if api_base else None
    return stripe.StripeClient(api_key, base_addresses=base, max_network_retries=2)  # type: ignore[arg-type]


def client() -> stripe.StripeClient:
    if not online_payment_enabled():
        raise GivingError(GivingErrorCode.ONLINE_PAYMENT_DISABLED)
    return _client(settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE or "")


def _call(what: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, **kwargs)
    except stripe.CardError:
        raise
    except stripe.StripeError as exc:
        log.warning("stripe %s failed: %s", what, exc)
        raise GivingError(GivingErrorCode.PAYMENT_PROVIDER_ERROR)


def create_payment_intent(
    *, amount_fen: int, metadata: dict[str, str], idempotency_key: str, customer: str | None = None,
    payment_method: str | None = None, off_session: bool = False,
) -> Any:
    params: dict[str, Any] = {"amount": amount_fen, "currency": "cny", "metadata": metadata}
    if off_session:
        params.update(customer=customer, payment_method=payment_method, confirm=True, off_session=True)
    else:
        types = payment_method_types()
        params["payment_method_types"] = types
        if "wechat_pay" in types:
            params["payment_method_options"] = {"wechat_pay": {"client": "web"}}
        if customer:
            params["customer"] = customer
    return _call("payment_intents.create", client().v1.payment_intents.create, params=params,
                 options={"idempotency_key": idempotency_key})


def create_refund(*, payment_intent_id: str, amount_fen: int, metadata: dict[str, str], idempotency_key: str) -> Any:
    return _call("refunds.create", client().v1.refunds.create,
                 params={"payment_intent": payment_intent_id, "amount": amount_fen, "metadata": metadata},
                 options={"idempotency_key": idempotency_key})


def create_customer(*, email: str, metadata: dict[str, str], idempotency_key: str) -> Any:
    return _call("customers.create", client().v1.customers.create,
                 params={"email": email, "metadata": metadata}, options={"idempotency_key": idempotency_key})


def create_setup_intent(*, customer_id: str, metadata: dict[str, str], idempotency_key: str) -> Any:
    return _call("setup_intents.create", client().v1.setup_intents.create,
                 params={"customer": customer_id, "usage": "off_session", "payment_method_types": ["card"],
                         "metadata": metadata},
                 options={"idempotency_key": idempotency_key})


def retrieve_setup_intent(setup_intent_id: str) -> Any:
    return _call("setup_intents.retrieve", client().v1.setup_intents.retrieve, setup_intent_id)


def ensure_attached(*, payment_method_id: str, customer_id: str) -> None:
    """Stripe attaches a SetupIntent's card to its customer; localstripe does not: attach when it is not."""
    pm = _call("payment_methods.retrieve", client().v1.payment_methods.retrieve, payment_method_id)
    if getattr(pm, "customer", None) != customer_id:
        _call("payment_methods.attach", client().v1.payment_methods.attach, payment_method_id,
              params={"customer": customer_id})


def construct_event(payload: bytes, signature: str | None) -> Any:
    """Verify the Stripe-Signature header with the endpoint secret; raises ValueError or SignatureVerificationError."""
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        raise stripe.SignatureVerificationError("no webhook secret configured", signature)
    return stripe.Webhook.construct_event(payload, signature, secret)


def pay_intent_with_card_token(*, payment_intent_id: str, card_token: str, email: str, metadata: dict[str, str],
                               idempotency_key: str) -> Any:
    """Server-side confirmation of a one-off gift with a card the browser tokenised (stripe.createToken(card)):
    a customer holding the card, the card set on the PaymentIntent, confirm. The answer's status is succeeded,
    processing or requires_action (3-D Secure: the browser then calls stripe.confirmCardPayment(clientSecret),
    which performs the next action). The card number never reaches this server, only the token.

    Why not confirmCardPayment(clientSecret, {payment_method: {card}}) in the browser alone: localstripe's
    fake Stripe.js does not attach the card there (it only simulates 3-D Secure on an intent that already has
    a payment method), while createToken + this call works the same with it and with Stripe.
    Raises stripe.CardError when the card is declined (on attach or on charge)."""
    customer = _call("customers.create", client().v1.customers.create,
                     params={"email": email, "source": card_token, "metadata": metadata},
                     options={"idempotency_key": f"{idempotency_key}-customer"})
    card_id = customer.default_source if isinstance(customer.default_source, str) else customer.default_source.id
    _call("payment_intents.update", client().v1.payment_intents.update, payment_intent_id,
          params={"customer": customer.id, "payment_method": card_id})
    return _call("payment_intents.confirm", client().v1.payment_intents.confirm, payment_intent_id,
                 options={"idempotency_key": f"{idempotency_key}-confirm"})


def retrieve_payment_intent(payment_intent_id: str) -> Any:
    return _call("payment_intents.retrieve", client().v1.payment_intents.retrieve, payment_intent_id)


def cancel_payment_intent(*, payment_intent_id: str, idempotency_key: str) -> Any:
    """Cancel a PaymentIntent that has not been paid; returns the intent as Stripe then has it.

    Stripe refuses to cancel an intent that succeeded or is processing (and one canceled already): then the
    intent is read back, and the caller decides by its status (canceled → done; succeeded/processing → the money
    was taken, the webhook will say so). No cancellation_reason is sent: localstripe takes no parameters here."""
    try:
        return client().v1.payment_intents.cancel(payment_intent_id, options={"idempotency_key": idempotency_key})
    except stripe.InvalidRequestError as exc:
        log.info("stripe payment_intents.cancel %s refused (%s): reading its status", payment_intent_id, exc)
        return retrieve_payment_intent(payment_intent_id)
    except stripe.StripeError as exc:
        log.warning("stripe payment_intents.cancel failed: %s", exc)
        raise GivingError(GivingErrorCode.PAYMENT_PROVIDER_ERROR)
