"""Paying a pending online gift with a card tokenised in the browser (server-side confirmation).

The web app mounts Stripe's Card Element, asks Stripe.js for a token (stripe.createToken) and passes it here;
the PaymentIntent is confirmed from the server. The gift still becomes succeeded only by the signed webhook
(payment_intent.succeeded), through the one success path of donations.donation_succeed.
"""

from __future__ import annotations

from dataclasses import dataclass

import stripe
from django.db import transaction

from huzhu.core.errors import check_text
from huzhu.giving import stripe_gateway
from huzhu.giving.errors import GivingError, GivingErrorCode
from huzhu.giving.models import Donation
from huzhu.people.models import User


@dataclass(frozen=True)
class CardPayment:
    donation: Donation
    status: str  # the PaymentIntent's: succeeded, processing, requires_action, requires_payment_method, …
    client_secret: str


@transaction.atomic
def donation_pay_card(*, actor: User, donation_id: int, card_token: str) -> CardPayment:
    """Attach the donor's tokenised card to their pending online gift and confirm its PaymentIntent.

    Raises NOT_FOUND (not the actor's gift), WRONG_STATE (not an unpaid — pending or failed — online gift with a
    PaymentIntent: received or canceled),
    REQUIRED (no token), CARD_DECLINED (field "card": declined or failed verification; the gift stays
    pending and may be paid with another card), PAYMENT_PROVIDER_ERROR, ONLINE_PAYMENT_DISABLED.
    """
    if not stripe_gateway.online_payment_enabled():
        raise GivingError(GivingErrorCode.ONLINE_PAYMENT_DISABLED)
    card_token = check_text(card_token, field="card", max_length=200, required=True)
    donation = Donation.objects.select_for_update().filter(pk=donation_id, donor=actor).first()
    if donation is None:
        raise GivingError(GivingErrorCode.NOT_FOUND, field="donationId")
    # A failed gift is payable too: after a declined charge or a failed 3-D Secure check Stripe's
    # payment_intent.payment_failed marks it failed, while the PaymentIntent stays open
    # (requires_payment_method). Paying again reuses that one PaymentIntent: never a second one for a gift.
    if (donation.channel != Donation.Channel.ONLINE
            or donation.status not in (Donation.Status.PENDING, Donation.Status.FAILED)
            or not donation.stripe_payment_intent_id):
        raise GivingError(GivingErrorCode.WRONG_STATE, field="donationId")
    try:
        intent = stripe_gateway.pay_intent_with_card_token(
            payment_intent_id=donation.stripe_payment_intent_id, card_token=card_token, email=actor.email,
            metadata={"user_id": str(actor.pk), "donation_id": str(donation.pk)},
            idempotency_key=f"huzhu-donation-{donation.pk}-card-{card_token}"[:255],
        )
    except stripe.CardError:
        raise GivingError(GivingErrorCode.CARD_DECLINED, field="card")
    return CardPayment(donation=donation, status=str(intent.status or ""),
                       client_secret=donation.stripe_client_secret)
