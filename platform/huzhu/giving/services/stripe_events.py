"""Applying Stripe's webhook events: each event id exactly once, in any order.

The view has verified the signature; this stores the event id first (a second delivery, even a concurrent
one, hits the primary key and changes nothing), then applies it under the donation's row lock:

    payment_intent.succeeded       pending/failed → succeeded: ledger, receipt, trace (amount and currency
                                   must equal the donation's, else the event is kept as "mismatch");
                                   canceled → succeeded too (the money was taken), kept as
                                   "applied_after_cancel" and logged as an error for a person to check
    payment_intent.payment_failed  pending → failed (a later success with the same intent still wins)
    payment_intent.canceled        pending → canceled
    charge.refunded                cumulative amount_refunded → reversal of what is not yet reversed;
                                   before the success arrives it is remembered and applied on success

Refunds are taken from charge.refunded only (not refund.created as well), so one refund is never counted twice.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from huzhu.giving.models import Donation, StripeEvent

from .donations import donation_succeed, stripe_refund_apply

log = logging.getLogger(__name__)


def _get(obj: Any, key: str, default: Any = None) -> Any:
    try:
        value = obj.get(key, default) if hasattr(obj, "get") else getattr(obj, key, default)
    except (AttributeError, KeyError):
        return default
    return default if value is None else value


def _donation_for_intent(intent: Any) -> Donation | None:
    intent_id = _get(intent, "id")
    qs = Donation.objects.select_for_update(of=("self",)).select_related("fund", "donor")
    donation = qs.filter(stripe_payment_intent_id=intent_id).first() if intent_id else None
    if donation is None:
        raw = str(_get(_get(intent, "metadata", {}), "donation_id", "") or "")
        if raw.isdigit():
            donation = qs.filter(pk=int(raw), stripe_payment_intent_id=intent_id).first()
    return donation


def _succeeded(intent: Any) -> tuple[str, str]:
    donation = _donation_for_intent(intent)
    if donation is None:
        return "unknown_object", f"no donation for {_get(intent, 'id')}"
    if donation.status == Donation.Status.SUCCEEDED:
        return "already_applied", ""
    amount = int(_get(intent, "amount_received", 0) or _get(intent, "amount", 0) or 0)
    currency = str(_get(intent, "currency", "")).lower()
    if amount != donation.amount_fen or currency != "cny":
        log.error("stripe: donation %s paid %s %s, expected %s cny", donation.pk, amount, currency,
                  donation.amount_fen)
        return "mismatch", f"paid {amount} {currency}, expected {donation.amount_fen} cny"
    after_cancel = donation.status == Donation.Status.CANCELED
    if after_cancel:
        # Stripe refuses to charge a canceled PaymentIntent, so this should not happen; if it does, the money was
        # taken: record the gift received (ledger, receipt) rather than hide money, and flag it for a person
        # (the stored event's outcome, and an error in the log) who may refund it.
        log.error("stripe: donation %s was canceled but its PaymentIntent %s succeeded: recorded received",
                  donation.pk, donation.stripe_payment_intent_id)
    donation_succeed(donation)
    if after_cancel:
        return "applied_after_cancel", "the donor had canceled this gift; Stripe took the money: check, refund?"
    if donation.stripe_refund_target_fen:
        charge = _get(intent, "latest_charge", "")
        charge_id = charge if isinstance(charge, str) else str(_get(charge, "id", ""))
        outcome = stripe_refund_apply(donation, amount_refunded=donation.stripe_refund_target_fen,
                                      charge_id=charge_id or "early")
        return "applied", f"and early refund {outcome}"
    return "applied", ""


def _failed(intent: Any, status: str) -> tuple[str, str]:
    donation = _donation_for_intent(intent)
    if donation is None:
        return "unknown_object", ""
    if donation.status != Donation.Status.PENDING:
        return "ignored", f"donation is {donation.status}"
    donation.status = status
    donation.failed_at = timezone.now()
    error = _get(intent, "last_payment_error", {}) or {}
    donation.failure_reason = str(_get(error, "message", "") or _get(error, "code", ""))[:200]
    donation.save(update_fields=["status", "failed_at", "failure_reason"])
    return "applied", ""


def _refunded(charge: Any) -> tuple[str, str]:
    intent_id = _get(charge, "payment_intent")
    donation = (Donation.objects.select_for_update(of=("self",)).select_related("fund")
                .filter(stripe_payment_intent_id=intent_id).first() if intent_id else None)
    if donation is None:
        return "unknown_object", f"no donation for charge {_get(charge, 'id')}"
    amount_refunded = int(_get(charge, "amount_refunded", 0) or 0)
    if str(_get(charge, "currency", "cny")).lower() != "cny":
        return "mismatch", "refund currency"
    if donation.status != Donation.Status.SUCCEEDED:
        # The refund overtook the success: remember it; the success applies it.
        if amount_refunded > donation.stripe_refund_target_fen:
            donation.stripe_refund_target_fen = min(amount_refunded, donation.amount_fen)
            donation.save(update_fields=["stripe_refund_target_fen"])
        return "deferred", "refund before success"
    return stripe_refund_apply(donation, amount_refunded=amount_refunded, charge_id=str(_get(charge, "id", ""))), ""


@transaction.atomic
def stripe_event_process(*, event: Any) -> str:
    """Apply one verified Stripe event once. Returns the outcome ("duplicate" for an id seen before)."""
    event_id = str(_get(event, "id", ""))
    event_type = str(_get(event, "type", ""))
    obj = _get(_get(event, "data", {}), "object", {})
    try:
        with transaction.atomic():
            stored = StripeEvent.objects.create(id=event_id, type=event_type, outcome="processing",
                                                payload=_plain(event))
    except IntegrityError:
        return "duplicate"
    if event_type == "payment_intent.succeeded":
        outcome, note = _succeeded(obj)
    elif event_type == "payment_intent.payment_failed":
        outcome, note = _failed(obj, Donation.Status.FAILED)
    elif event_type == "payment_intent.canceled":
        outcome, note = _failed(obj, Donation.Status.CANCELED)
    elif event_type == "charge.refunded":
        outcome, note = _refunded(obj)
    else:
        outcome, note = "ignored", ""
    stored.outcome = outcome
    stored.note = note[:500]
    stored.save(update_fields=["outcome", "note"])
    return outcome


def _plain(event: Any) -> dict:
    if hasattr(event, "to_dict"):
        try:
            return event.to_dict()
        except Exception:  # pragma: no cover - an SDK object that cannot be serialised is stored without body
            return {}
    return dict(event) if isinstance(event, dict) else {}
