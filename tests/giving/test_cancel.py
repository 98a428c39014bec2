"""Unpaid online gifts: the donor cancels one (its PaymentIntent canceled in localstripe, read back with the SDK),
pays one again later on the same PaymentIntent, and a job expires the ones left unpaid for a day."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import stripe
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from huzhu.giving import tasks
from huzhu.giving.models import Donation, DonationTraceEvent, StripeEvent
from tests.conftest import gid
from tests.giving.conftest import STRIPE_KEY, event_json, fund_balance, intent_object, offline_gift, sign
from tests.giving.test_card_pay import PAY, browser_token

pytestmark = pytest.mark.django_db

CREATE = """mutation($key: String!) { donationCreate(amountFen: "10000", idempotencyKey: $key) {
  donation { id } errors { field code message } } }"""
CANCEL = """mutation($id: ID!) { donationCancel(donationId: $id) {
  donation { id status trace { stage stageLabel detail } } errors { field code message } } }"""
MINE = "{ myDonations(first: 20) { totalCount edges { node { status clientSecret trace { stage stageLabel } } } } }"


def sdk(localstripe_url: str) -> stripe.StripeClient:
    return stripe.StripeClient(STRIPE_KEY, base_addresses={"api": localstripe_url})


def start(gql: Any, user: Any, key: str = "c1") -> Donation:
    out = gql(CREATE, {"key": key}, as_user=user)["donationCreate"]
    assert out["errors"] == [], out["errors"]
    return Donation.objects.get(donor=user, idempotency_key=key)


def cancel(gql: Any, user: Any, donation: Donation) -> dict:
    return gql(CANCEL, {"id": gid(donation)}, as_user=user)["donationCancel"]


def intent_status(localstripe_url: str, donation: Donation) -> str:
    return str(sdk(localstripe_url).v1.payment_intents.retrieve(donation.stripe_payment_intent_id).status)


def codes(out: dict) -> list[tuple[str | None, str]]:
    return [(e["field"], e["code"]) for e in out["errors"]]


@pytest.fixture
def published() -> Any:
    from huzhu.realtime import events

    seen: list[dict] = []

    def hook(_groups: list[str], message: dict) -> None:
        seen.append(message)

    events.add_hook(hook)
    yield seen
    events.remove_hook(hook)


def test_it_cancels_my_pending_gift_and_its_payment_intent_and_tells_me_live(
        gql, stripe_on, dora_donor, published, django_capture_on_commit_callbacks):
    # given dora's gift, abandoned before she paid it
    donation = start(gql, dora_donor)
    assert intent_status(stripe_on, donation) == "requires_payment_method"
    # when she cancels it
    with django_capture_on_commit_callbacks(execute=True):
        out = cancel(gql, dora_donor, donation)
    # then the gift is canceled with one "canceled" step, and Stripe's PaymentIntent is canceled too
    assert out["errors"] == []
    assert out["donation"]["status"] == "canceled"
    assert out["donation"]["trace"] == [{"stage": "canceled", "stageLabel": "Cancelled",
                                         "detail": "捐赠人取消了这笔未完成的支付"}]
    donation.refresh_from_db()
    assert donation.status == "canceled" and donation.canceled_at is not None
    assert intent_status(stripe_on, donation) == "canceled"
    # and the step went out on her live trace, to her only
    traces = [m for m in published if m["topic"] == "donation_trace"]
    assert [(m["payload"]["stage"], m["payload"]["donation_id"], m["user_id"]) for m in traces] == [
        ("canceled", donation.pk, dora_donor.pk)]


def test_someone_elses_gift_is_not_found_and_nothing_changes(gql, stripe_on, dora_donor, bob_volunteer_north):
    donation = start(gql, dora_donor)
    out = cancel(gql, bob_volunteer_north, donation)
    assert codes(out) == [("donationId", "NOT_FOUND")] and out["donation"] is None
    # the same answer as for a gift that does not exist
    assert codes(gql(CANCEL, {"id": gid(Donation(pk=donation.pk + 1000))}, as_user=dora_donor)["donationCancel"]) \
        == [("donationId", "NOT_FOUND")]
    donation.refresh_from_db()
    assert donation.status == "pending" and donation.canceled_at is None and not donation.trace.exists()
    assert intent_status(stripe_on, donation) == "requires_payment_method"


def test_a_replay_changes_nothing(gql, stripe_on, dora_donor):
    donation = start(gql, dora_donor)
    assert cancel(gql, dora_donor, donation)["errors"] == []
    first = Donation.objects.get(pk=donation.pk).canceled_at
    out = cancel(gql, dora_donor, donation)
    assert codes(out) == [("donationId", "NOT_PENDING")]
    assert out["errors"][0]["message"] == "This gift has been received or cancelled already; it cannot be cancelled."
    assert Donation.objects.get(pk=donation.pk).canceled_at == first
    assert donation.trace.count() == 1


def test_a_received_gift_is_refused_and_stays_received(gql, stripe_on, dora_donor):
    donation = start(gql, dora_donor)
    Donation.objects.filter(pk=donation.pk).update(status=Donation.Status.SUCCEEDED)
    assert codes(cancel(gql, dora_donor, donation)) == [("donationId", "NOT_PENDING")]
    assert Donation.objects.get(pk=donation.pk).status == "succeeded"
    assert intent_status(stripe_on, donation) == "requires_payment_method"  # Stripe was not asked


def test_a_gift_stripe_has_charged_is_not_canceled_before_its_webhook_arrives(gql, stripe_on, dora_donor):
    # given a gift paid by card, whose success webhook has not arrived yet (no webhook server here)
    donation = start(gql, dora_donor)
    paid = gql(PAY, {"id": gid(donation), "token": browser_token(stripe_on, "4242424242424242")},
               as_user=dora_donor)["donationPayCard"]
    assert paid["paymentStatus"] == "succeeded"
    # when dora cancels it from another tab
    out = cancel(gql, dora_donor, donation)
    # then she is told the money was taken; nothing changed here or in Stripe
    assert codes(out) == [("donationId", "PAYMENT_IN_PROGRESS")]
    assert Donation.objects.get(pk=donation.pk).status == "pending" and not donation.trace.exists()
    assert intent_status(stripe_on, donation) == "succeeded"


def test_an_offline_gift_is_not_an_online_gift(gql, stripe_on, alice_staff_north, workstations, dora_donor):
    gift = offline_gift(alice_staff_north, workstations["north"], 500, key="cash", donor_email=dora_donor.email)
    Donation.objects.filter(pk=gift.pk).update(status=Donation.Status.PENDING)  # even were it unpaid
    assert codes(cancel(gql, dora_donor, gift)) == [("donationId", "NOT_ONLINE_GIFT")]
    assert Donation.objects.get(pk=gift.pk).status == "pending"


def test_a_failed_gift_whose_intent_is_still_open_can_be_canceled(gql, stripe_on, dora_donor):
    # payment_intent.payment_failed marked it failed; Stripe keeps the intent open for another card
    donation = start(gql, dora_donor)
    Donation.objects.filter(pk=donation.pk).update(status=Donation.Status.FAILED)
    assert cancel(gql, dora_donor, donation)["errors"] == []
    assert intent_status(stripe_on, donation) == "canceled"


def test_without_stripe_an_online_gift_cannot_be_canceled(gql, stripe_on, settings, dora_donor):
    donation = start(gql, dora_donor)
    settings.STRIPE_SECRET_KEY = ""
    assert [e["code"] for e in cancel(gql, dora_donor, donation)["errors"]] == ["ONLINE_PAYMENT_DISABLED"]
    assert Donation.objects.get(pk=donation.pk).status == "pending"


def test_a_canceled_gift_cannot_be_paid(gql, stripe_on, dora_donor):
    donation = start(gql, dora_donor)
    assert cancel(gql, dora_donor, donation)["errors"] == []
    out = gql(PAY, {"id": gid(donation), "token": browser_token(stripe_on, "4242424242424242")},
              as_user=dora_donor)["donationPayCard"]
    assert codes(out) == [("donationId", "WRONG_STATE")]
    assert intent_status(stripe_on, donation) == "canceled"


def test_a_success_webhook_for_a_canceled_gift_records_it_received_and_flags_it(
        gql, stripe_on, dora_donor, caplog):
    # given a canceled gift (Stripe should then refuse to charge it)
    donation = start(gql, dora_donor)
    assert cancel(gql, dora_donor, donation)["errors"] == []
    donation.refresh_from_db()
    # when Stripe says its PaymentIntent succeeded all the same
    payload = event_json("evt_after_cancel", "payment_intent.succeeded", intent_object(donation))
    response = Client().post("/stripe/webhook", payload, content_type="application/json",
                             HTTP_STRIPE_SIGNATURE=sign(payload))
    # then the money taken is recorded (ledger, receipt), and the event is kept flagged, with an error logged
    assert response.status_code == 200 and response.json()["outcome"] == "applied_after_cancel"
    donation.refresh_from_db()
    assert donation.status == "succeeded" and donation.receipt_number
    assert fund_balance(donation.fund) == 10000
    assert StripeEvent.objects.get(pk="evt_after_cancel").outcome == "applied_after_cancel"
    assert [t.stage for t in donation.trace.all()] == ["canceled", "received", "earmarked"]
    assert any("was canceled but its PaymentIntent" in r.message and r.levelname == "ERROR" for r in caplog.records)


# --- paying an unpaid gift again ----------------------------------------------------------------------------


def test_an_abandoned_gift_is_paid_later_on_the_same_payment_intent(gql, stripe_on, dora_donor):
    # given a gift started, then abandoned (the page closed before the card was entered)
    donation = start(gql, dora_donor)
    intents_before = len(sdk(stripe_on).v1.payment_intents.list().data)
    # when dora comes back from My gifts and pays it, after a first try with a declined card
    declined = gql(PAY, {"id": gid(donation), "token": browser_token(stripe_on, "4000000000000002")},
                   as_user=dora_donor)["donationPayCard"]
    assert codes(declined) == [("card", "CARD_DECLINED")]
    out = gql(PAY, {"id": gid(donation), "token": browser_token(stripe_on, "4242424242424242")},
              as_user=dora_donor)["donationPayCard"]
    # then the gift's own PaymentIntent is paid: no second one was created
    assert out["errors"] == [] and out["paymentStatus"] == "succeeded"
    assert Donation.objects.get(pk=donation.pk).stripe_payment_intent_id == donation.stripe_payment_intent_id
    assert len(sdk(stripe_on).v1.payment_intents.list().data) == intents_before
    assert intent_status(stripe_on, donation) == "succeeded"


def test_a_failed_gift_is_paid_again_with_another_card(gql, stripe_on, dora_donor):
    donation = start(gql, dora_donor)
    Donation.objects.filter(pk=donation.pk).update(status=Donation.Status.FAILED)  # as payment_failed does
    out = gql(PAY, {"id": gid(donation), "token": browser_token(stripe_on, "4242424242424242")},
              as_user=dora_donor)["donationPayCard"]
    assert out["errors"] == [] and out["paymentStatus"] == "succeeded"
    assert intent_status(stripe_on, donation) == "succeeded"


# --- the list ---------------------------------------------------------------------------------------------------


def test_my_gifts_show_canceled_gifts_in_a_fixed_number_of_queries(gql, stripe_on, dora_donor):
    def queries_for_page() -> int:
        with CaptureQueriesContext(connection) as ctx:
            gql(MINE, as_user=dora_donor)
        return len(ctx.captured_queries)

    gifts = [start(gql, dora_donor, key=f"q{i}") for i in range(5)]
    assert cancel(gql, dora_donor, gifts[0])["errors"] == []
    few = queries_for_page()
    for g in gifts[1:]:
        assert cancel(gql, dora_donor, g)["errors"] == []
    start(gql, dora_donor, key="still-pending")
    # the page costs the same with one canceled gift or four more canceled gifts (their steps are prefetched)
    assert queries_for_page() == few
    nodes = [e["node"] for e in gql(MINE, as_user=dora_donor)["myDonations"]["edges"]]
    assert sorted(n["status"] for n in nodes) == ["canceled"] * 5 + ["pending"]
    assert all(n["trace"] == [{"stage": "canceled", "stageLabel": "Cancelled"}] and n["clientSecret"] is None
               for n in nodes if n["status"] == "canceled")


# --- the job ------------------------------------------------------------------------------------------------


def test_the_hourly_job_cancels_online_gifts_unpaid_for_a_day(gql, stripe_on, dora_donor, alice_staff_north,
                                                              workstations):
    old = start(gql, dora_donor, key="old")
    failed = start(gql, dora_donor, key="old-failed")
    recent = start(gql, dora_donor, key="recent")
    received = start(gql, dora_donor, key="old-received")
    cash = offline_gift(alice_staff_north, workstations["north"], 500, key="cash", donor_email=dora_donor.email)
    day_ago = timezone.now() - timedelta(hours=25)
    Donation.objects.filter(pk__in=[old.pk, failed.pk, received.pk, cash.pk]).update(created_at=day_ago)
    Donation.objects.filter(pk=failed.pk).update(status=Donation.Status.FAILED)
    Donation.objects.filter(pk=received.pk).update(status=Donation.Status.SUCCEEDED)
    # when the periodic task runs
    assert tasks.expire_unpaid_donations(timestamp=int(timezone.now().timestamp())) == 2
    # then the two unpaid day-old gifts are canceled, here and in Stripe; the others are untouched
    status = dict(Donation.objects.values_list("pk", "status"))
    assert (status[old.pk], status[failed.pk], status[recent.pk], status[received.pk], status[cash.pk]) == (
        "canceled", "canceled", "pending", "succeeded", "succeeded")
    assert intent_status(stripe_on, old) == intent_status(stripe_on, failed) == "canceled"
    assert intent_status(stripe_on, recent) == "requires_payment_method"
    assert DonationTraceEvent.objects.get(donation=old).detail == "长时间未完成支付,已自动取消"
    # and a second run finds nothing left to do
    assert tasks.expire_unpaid_donations(timestamp=0) == 0


def test_the_job_skips_a_gift_stripe_has_charged_and_goes_on(gql, stripe_on, dora_donor):
    charged = start(gql, dora_donor, key="charged")
    gql(PAY, {"id": gid(charged), "token": browser_token(stripe_on, "4242424242424242")}, as_user=dora_donor)
    unpaid = start(gql, dora_donor, key="unpaid")
    Donation.objects.update(created_at=timezone.now() - timedelta(days=2))
    assert tasks.expire_unpaid_donations(timestamp=0) == 1
    assert Donation.objects.get(pk=charged.pk).status == "pending"  # its webhook will make it received
    assert Donation.objects.get(pk=unpaid.pk).status == "canceled"
