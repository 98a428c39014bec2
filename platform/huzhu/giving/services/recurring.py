"""Monthly giving: a card saved with a Stripe SetupIntent (usage off_session), charged once a month by a job
with an off-session PaymentIntent. Each charge is an ordinary Donation: pending until the webhook says
succeeded, with its own receipt.

Why not Stripe Billing subscriptions: a subscription needs Products and Prices and pays through invoices,
which localstripe supports only partly (and not for the tests' webhook path), while saved payment methods and
off-session PaymentIntents it supports fully; and one success path (payment_intent.succeeded) for one-off and
monthly gifts keeps the ledger and the receipts simple.
"""

from __future__ import annotations

import calendar
import logging
from datetime import date

import stripe
from django.db import transaction
from django.utils import timezone

from huzhu.core.errors import check_text
from huzhu.giving import stripe_gateway
from huzhu.giving.errors import GivingError, GivingErrorCode
from huzhu.giving.models import Donation, RecurringDonation
from huzhu.people.models import User

from .donations import MAX_MESSAGE, check_donation_amount
from .funds import Earmark, fund_for_earmark

log = logging.getLogger(__name__)
MAX_FAILURES = 3


def next_month_on(day: date, day_of_month: int) -> date:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, min(day_of_month, calendar.monthrange(year, month)[1]))


@transaction.atomic
def recurring_create(
    *, actor: User, amount_fen: int, message: str = "", anonymous: bool = False, earmark: Earmark | None = None,
    day_of_month: int | None = None, idempotency_key: str,
) -> RecurringDonation:
    """Start monthly giving: a Stripe customer and a SetupIntent whose client secret the web app confirms with
    the card (confirmCardSetup / Payment Element). recurring_activate then checks it and charges month one."""
    if not stripe_gateway.online_payment_enabled():
        raise GivingError(GivingErrorCode.ONLINE_PAYMENT_DISABLED)
    amount_fen = check_donation_amount(amount_fen, maximum=stripe_gateway.STRIPE_MAX_AMOUNT_FEN)
    message = check_text(message, field="message", max_length=MAX_MESSAGE)
    idempotency_key = check_text(idempotency_key, field="idempotencyKey", max_length=100, required=True)
    day = timezone.localdate().day if day_of_month is None else day_of_month
    if isinstance(day, bool) or not isinstance(day, int) or not 1 <= day <= 31:
        raise GivingError(GivingErrorCode.OUT_OF_RANGE, field="dayOfMonth")
    day = min(day, 28)
    fund = fund_for_earmark(earmark)
    if existing := RecurringDonation.objects.filter(donor=actor, idempotency_key=idempotency_key).first():
        if (existing.amount_fen, existing.fund_id) != (amount_fen, fund.pk):
            raise GivingError(GivingErrorCode.IDEMPOTENCY_MISMATCH, field="idempotencyKey")
        return existing
    plan = RecurringDonation.objects.create(donor=actor, amount_fen=amount_fen, fund=fund, message=message,
                                            anonymous=bool(anonymous), day_of_month=day,
                                            idempotency_key=idempotency_key)
    customer = stripe_gateway.create_customer(email=actor.email, metadata={"user_id": str(actor.pk)},
                                              idempotency_key=f"huzhu-recurring-customer-{plan.pk}")
    setup = stripe_gateway.create_setup_intent(customer_id=customer.id, metadata={"recurring_id": str(plan.pk)},
                                               idempotency_key=f"huzhu-recurring-setup-{plan.pk}")
    plan.stripe_customer_id = customer.id
    plan.stripe_setup_intent_id = setup.id
    plan.stripe_setup_client_secret = setup.client_secret or ""
    plan.save(update_fields=["stripe_customer_id", "stripe_setup_intent_id", "stripe_setup_client_secret"])
    return plan


@transaction.atomic
def recurring_activate(*, actor: User, recurring_id: int) -> RecurringDonation:
    """After the card is confirmed in the browser: read the SetupIntent from Stripe (never trust the client),
    keep its payment method, and make the first charge due today."""
    plan = RecurringDonation.objects.select_for_update().filter(pk=recurring_id, donor=actor).first()
    if plan is None:
        raise GivingError(GivingErrorCode.NOT_FOUND, field="recurringId")
    if plan.status == RecurringDonation.Status.ACTIVE:
        return plan
    if plan.status != RecurringDonation.Status.SETUP_PENDING:
        raise GivingError(GivingErrorCode.WRONG_STATE)
    setup = stripe_gateway.retrieve_setup_intent(plan.stripe_setup_intent_id)
    if setup.status != "succeeded" or not setup.payment_method:
        raise GivingError(GivingErrorCode.RECURRING_SETUP_INCOMPLETE)
    pm = setup.payment_method if isinstance(setup.payment_method, str) else setup.payment_method.id
    stripe_gateway.ensure_attached(payment_method_id=pm, customer_id=plan.stripe_customer_id)
    plan.stripe_payment_method_id = pm
    plan.status = RecurringDonation.Status.ACTIVE
    plan.next_charge_on = timezone.localdate()
    plan.save(update_fields=["stripe_payment_method_id", "status", "next_charge_on"])
    return plan


@transaction.atomic
def recurring_cancel(*, actor: User, recurring_id: int) -> RecurringDonation:
    plan = RecurringDonation.objects.select_for_update().filter(pk=recurring_id, donor=actor).first()
    if plan is None:
        raise GivingError(GivingErrorCode.NOT_FOUND, field="recurringId")
    if plan.status != RecurringDonation.Status.CANCELED:
        plan.status = RecurringDonation.Status.CANCELED
        plan.canceled_at = timezone.now()
        plan.save(update_fields=["status", "canceled_at"])
    return plan


def recurring_charge_one(plan_id: int, *, today: date) -> Donation | None:
    """Charge one due plan (its own transaction): a pending Donation and an off-session PaymentIntent. The
    donation's idempotency key names the month, so a re-run of the job never charges a month twice."""
    with transaction.atomic():
        plan = (RecurringDonation.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("donor", "fund")
                .filter(pk=plan_id, status=RecurringDonation.Status.ACTIVE, next_charge_on__lte=today).first())
        if plan is None:
            return None
        due = plan.next_charge_on
        assert due is not None
        key = f"recurring:{plan.pk}:{due.isoformat()}"
        donation, created = Donation.objects.get_or_create(
            donor=plan.donor, idempotency_key=key,
            defaults={"channel": Donation.Channel.ONLINE, "amount_fen": plan.amount_fen, "fund": plan.fund,
                      "message": plan.message, "anonymous": plan.anonymous, "recurring": plan},
        )
        if created:
            try:
                intent = stripe_gateway.create_payment_intent(
                    amount_fen=plan.amount_fen, metadata={"donation_id": str(donation.pk), "recurring_id":
                                                          str(plan.pk)},
                    idempotency_key=f"huzhu-donation-{donation.pk}", customer=plan.stripe_customer_id,
                    payment_method=plan.stripe_payment_method_id, off_session=True,
                )
                donation.stripe_payment_intent_id = intent.id
                donation.save(update_fields=["stripe_payment_intent_id"])
            except (stripe.CardError, GivingError) as exc:
                log.warning("recurring %s: charge failed: %s", plan.pk, exc)
                donation.status = Donation.Status.FAILED
                donation.failed_at = timezone.now()
                donation.failure_reason = str(getattr(exc, "user_message", None) or exc)[:200]
                donation.save(update_fields=["status", "failed_at", "failure_reason"])
                plan.failure_count += 1
                if plan.failure_count >= MAX_FAILURES:
                    plan.status = RecurringDonation.Status.CANCELED
                    plan.canceled_at = timezone.now()
        plan.last_charged_on = today
        plan.next_charge_on = next_month_on(due, plan.day_of_month)
        plan.save(update_fields=["last_charged_on", "next_charge_on", "failure_count", "status", "canceled_at"])
        return donation


def recurring_charge_due(*, today: date | None = None) -> int:
    """Charge every active plan that is due; returns how many charges were started."""
    today = today or timezone.localdate()
    ids = list(RecurringDonation.objects.filter(status=RecurringDonation.Status.ACTIVE, next_charge_on__lte=today)
               .values_list("pk", flat=True))
    return sum(1 for plan_id in ids if recurring_charge_one(plan_id, today=today) is not None)
