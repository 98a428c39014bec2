"""The webhook in-process: concurrent duplicate deliveries apply once; events we do not handle are stored."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client

from huzhu.giving.models import Donation, StripeEvent
from tests.giving.conftest import event_json, fund_balance, intent_object, sign


def _pending_donation(user) -> Donation:
    from huzhu.giving.services import general_fund

    return Donation.objects.create(donor=user, channel="online", amount_fen=4200, fund=general_fund(),
                                   idempotency_key="k", stripe_payment_intent_id="pi_test_concurrent")


def _post(payload: str) -> tuple[int, str]:
    response = Client().post("/stripe/webhook", payload, content_type="application/json",
                             HTTP_STRIPE_SIGNATURE=sign(payload))
    return response.status_code, response.json().get("outcome", "")


@pytest.mark.django_db(transaction=True)
def test_it_applies_a_success_once_when_eight_deliveries_race(stripe_on, dora_donor):
    # given a pending gift and its signed success event
    donation = _pending_donation(dora_donor)
    payload = event_json("evt_race", "payment_intent.succeeded", intent_object(donation))
    results: list[tuple[int, str]] = []
    barrier = threading.Barrier(8)

    def deliver() -> None:
        try:
            barrier.wait()
            results.append(_post(payload))
        finally:
            connection.close()

    # when eight deliveries of it arrive at the same moment
    threads = [threading.Thread(target=deliver) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    # then one applied it, seven saw a duplicate, and the fund holds the gift once
    assert sorted(results) == [(200, "applied")] + [(200, "duplicate")] * 7
    assert fund_balance(Donation.objects.get().fund) == 4200
    assert Donation.objects.get().trace.count() == 2


def test_it_stores_and_ignores_events_it_does_not_handle(stripe_on, dora_donor):
    payload = event_json("evt_other", "customer.created", {"id": "cus_1", "object": "customer"})
    assert _post(payload) == (200, "ignored")
    assert StripeEvent.objects.get().type == "customer.created"


def test_it_refuses_every_event_when_no_webhook_secret_is_configured(stripe_off, dora_donor):
    donation = _pending_donation(dora_donor)
    payload = event_json("evt_nosecret", "payment_intent.succeeded", intent_object(donation))
    response = Client().post("/stripe/webhook", payload, content_type="application/json",
                             HTTP_STRIPE_SIGNATURE=sign(payload))
    assert response.status_code == 400
    assert Donation.objects.get().status == "pending" and StripeEvent.objects.count() == 0


def test_it_cancels_a_pending_gift_and_keeps_a_late_failure_from_undoing_a_success(stripe_on, dora_donor):
    donation = _pending_donation(dora_donor)
    assert _post(event_json("evt_ok", "payment_intent.succeeded", intent_object(donation)))[1] == "applied"
    late = intent_object(donation) | {"status": "requires_payment_method"}
    assert _post(event_json("evt_late_fail", "payment_intent.payment_failed", late))[1] == "ignored"
    assert Donation.objects.get().status == "succeeded"
    unknown = intent_object(donation) | {"id": "pi_unknown", "metadata": {}}
    assert _post(event_json("evt_unknown", "payment_intent.succeeded", unknown))[1] == "unknown_object"
