"""Cancelling an unpaid online gift: the donor's own (donationCancel), or one left unpaid too long (a job).

A gift is unpaid while it is pending, or failed (a declined card or a failed 3-D Secure check: Stripe keeps the
PaymentIntent open in requires_payment_method, so the donor may still pay it with another card, or cancel it).
Cancelling cancels the PaymentIntent in Stripe first, under the gift's row lock, then marks the gift canceled
and adds a "canceled" step to its trace (published live to the donor after commit).

Order of effects: if the transaction fails after Stripe canceled the intent, the gift stays unpaid here and a
retry asks Stripe again with the same idempotency key (Stripe replays "canceled"); Stripe's
payment_intent.canceled webhook would also mark it. If Stripe will not cancel because the money was taken
(succeeded, processing), nothing changes here: PAYMENT_IN_PROGRESS, and the succeeded webhook records it.
A succeeded webhook that still arrives for a canceled gift (Stripe normally refuses to charge a canceled
intent) is recorded received, because the money was taken; see stripe_events._succeeded.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from huzhu.giving import stripe_gateway
from huzhu.giving.errors import GivingError, GivingErrorCode
from huzhu.giving.models import Donation, DonationTraceEvent
from huzhu.people.models import User

from .trace import trace_add

log = logging.getLogger(__name__)

UNPAID = (Donation.Status.PENDING, Donation.Status.FAILED)
# Stripe keeps an unconfirmed PaymentIntent open for ever; an online gift unpaid this long is canceled.
UNPAID_EXPIRY_MINUTES = 24 * 60


def _cancel_locked(donation: Donation, *, detail: str, at: datetime | None = None) -> Donation:
    """Cancel an unpaid online gift whose row the caller has locked (inside the caller's transaction)."""
    if donation.channel != Donation.Channel.ONLINE:
        raise GivingError(GivingErrorCode.NOT_ONLINE_GIFT, field="donationId")
    if donation.status not in UNPAID:
        raise GivingError(GivingErrorCode.NOT_PENDING, field="donationId")
    if donation.stripe_payment_intent_id:
        intent = stripe_gateway.cancel_payment_intent(
            payment_intent_id=donation.stripe_payment_intent_id,
            idempotency_key=f"huzhu-donation-{donation.pk}-cancel",
        )
        status = str(getattr(intent, "status", "") or "")
        if status in ("succeeded", "processing", "requires_capture"):
            raise GivingError(GivingErrorCode.PAYMENT_IN_PROGRESS, field="donationId")
        if status != "canceled":
            log.warning("stripe: intent %s of donation %s is %r after cancel", donation.stripe_payment_intent_id,
                        donation.pk, status)
            raise GivingError(GivingErrorCode.PAYMENT_PROVIDER_ERROR)
    at = at or timezone.now()
    donation.status = Donation.Status.CANCELED
    donation.canceled_at = at
    donation.save(update_fields=["status", "canceled_at"])
    trace_add(stage=DonationTraceEvent.Stage.CANCELED, donation=donation, at=at, amount_fen=donation.amount_fen,
              detail=detail)
    return donation


@transaction.atomic
def donation_cancel(*, actor: User, donation_id: int) -> Donation:
    """The donor cancels their own unpaid online gift (pending, or failed and still payable).

    Raises NOT_FOUND (no such gift, or another person's: the same answer), NOT_ONLINE_GIFT (cash or a bank
    transfer recorded by staff), NOT_PENDING (received or canceled already: a replay changes nothing),
    PAYMENT_IN_PROGRESS (Stripe took or is taking the money), PAYMENT_PROVIDER_ERROR, ONLINE_PAYMENT_DISABLED.
    """
    donation = Donation.objects.select_for_update().filter(pk=donation_id, donor=actor).first()
    if donation is None:
        raise GivingError(GivingErrorCode.NOT_FOUND, field="donationId")
    with translation.override("zh-hans"):  # stored text is written in the first language
        detail = str(_("捐赠人取消了这笔未完成的支付"))
    return _cancel_locked(donation, detail=detail)


def donations_expire_unpaid(*, now: datetime | None = None, older_than_minutes: int = UNPAID_EXPIRY_MINUTES,
                            limit: int = 500) -> int:
    """Cancel online gifts left unpaid longer than `older_than_minutes` (a job; no actor). Each gift in its own
    transaction, so one Stripe failure skips that gift only (it is tried again on the next run). Returns how
    many were canceled."""
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=older_than_minutes)
    ids = list(Donation.objects.filter(channel=Donation.Channel.ONLINE, status__in=UNPAID, created_at__lt=cutoff)
               .order_by("created_at", "id").values_list("id", flat=True)[:limit])
    with translation.override("zh-hans"):
        detail = str(_("长时间未完成支付,已自动取消"))
    canceled = 0
    for donation_id in ids:
        try:
            with transaction.atomic():
                # skip_locked: a gift being paid or canceled right now is left to that request
                donation = (Donation.objects.select_for_update(skip_locked=True)
                            .filter(pk=donation_id, status__in=UNPAID).first())
                if donation is None:
                    continue
                _cancel_locked(donation, detail=detail, at=now)
                canceled += 1
        except GivingError as exc:
            log.warning("giving: unpaid donation %s not expired: %s", donation_id, exc.code)
    return canceled
