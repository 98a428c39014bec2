"""Online gifts end to end: the official stripe SDK against localstripe, whose signed webhooks really arrive at
`huzhu serve` running as a subprocess on this run's test database."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import stripe

from huzhu.giving.models import Donation, DonationRefund, RecurringDonation, StripeEvent
from tests.giving.conftest import (
    STRIPE_KEY,
    WEBHOOK_SECRET,
    charge_object,
    event_json,
    fund_balance,
    intent_object,
    sign,
    wait_until,
)

pytestmark = pytest.mark.django_db(transaction=True)

CREATE = """
mutation($amount: Fen!, $key: String!, $currency: String, $need: ID) {
  donationCreate(amountFen: $amount, idempotencyKey: $key, currency: $currency, message: "加油",
                 earmarkNeedId: $need) {
    donation { id status amountFen clientSecret }
    clientSecret
    errors { field code message }
  }
}"""


def sdk(localstripe_url: str) -> stripe.StripeClient:
    return stripe.StripeClient(STRIPE_KEY, base_addresses={"api": localstripe_url})


def pay(localstripe_url: str, intent_id: str, card: str = "pm_card_visa") -> Any:
    """What the browser does with the client secret: attach a card and confirm."""
    client = sdk(localstripe_url)
    client.v1.payment_intents.update(intent_id, params={"payment_method": card})
    return client.v1.payment_intents.confirm(intent_id)


def donate(gql: Any, user: Any, amount: str = "12345", key: str = "k1", **extra: Any) -> Any:
    out = gql(CREATE, {"amount": amount, "key": key, **extra}, as_user=user)["donationCreate"]
    assert out["errors"] == [], out["errors"]
    return out


def post_event(server: str, payload: str, *, secret: str = WEBHOOK_SECRET, header: str | None = None) -> httpx.Response:
    headers = {"Content-Type": "application/json"}
    signature = header if header is not None else sign(payload, secret)
    if signature:
        headers["Stripe-Signature"] = signature
    return httpx.post(f"{server}/stripe/webhook", content=payload.encode(), headers=headers, timeout=10)


def refresh(donation_id: int) -> Donation:
    return Donation.objects.select_related("fund").get(pk=donation_id)


def test_it_succeeds_once_when_localstripe_delivers_and_redelivers(gql, stripe_on, webhook_server, dora_donor):
    # given dora starts a gift of ¥123.45: pending, with a client secret for the Payment Element
    out = donate(gql, dora_donor)
    donation = Donation.objects.get()
    assert out["donation"]["status"] == "pending"
    assert out["clientSecret"] == donation.stripe_client_secret and out["clientSecret"]
    assert fund_balance(donation.fund) == 0
    # when she pays, and localstripe delivers the signed payment_intent.succeeded to our server
    assert pay(stripe_on, donation.stripe_payment_intent_id).status == "succeeded"
    wait_until(lambda: refresh(donation.pk).status == "succeeded", what="the webhook")
    # then the gift is posted to its fund once, with a receipt number and its trace
    donation = refresh(donation.pk)
    assert fund_balance(donation.fund) == 12345
    assert donation.receipt_number
    assert [t.stage for t in donation.trace.all()] == ["received", "earmarked"]
    stored = StripeEvent.objects.get(type="payment_intent.succeeded")
    assert stored.outcome == "applied"
    # when the same event is delivered twice more (Stripe retries), signed like the original
    payload = json.dumps(stored.payload)
    for _ in range(2):
        response = post_event(webhook_server, payload)
        assert response.status_code == 200 and response.json()["outcome"] == "duplicate"
    # and a new event id for the same success arrives too
    again = event_json("evt_dup_success", "payment_intent.succeeded", intent_object(donation))
    assert post_event(webhook_server, again).json()["outcome"] == "already_applied"
    # then nothing was posted again
    assert fund_balance(refresh(donation.pk).fund) == 12345
    assert refresh(donation.pk).trace.count() == 2


def test_it_refuses_forged_and_unsigned_events_and_changes_nothing(gql, stripe_on, webhook_server, dora_donor):
    # given a pending gift
    donate(gql, dora_donor, amount="5000")
    donation = Donation.objects.get()
    payload = event_json("evt_forged", "payment_intent.succeeded", intent_object(donation))
    # when someone posts its success signed with another secret, with a garbage header, or unsigned
    assert post_event(webhook_server, payload, secret="whsec_attacker").status_code == 400
    assert post_event(webhook_server, payload, header="t=1,v1=deadbeef").status_code == 400
    assert post_event(webhook_server, payload, header="").status_code == 400
    # or replays a correctly signed body with an altered amount
    signature = sign(payload)
    tampered = payload.replace('"amount": 5000', '"amount": 1')
    assert post_event(webhook_server, tampered, header=signature).status_code == 400
    # then the gift is still pending and no event was stored
    assert refresh(donation.pk).status == "pending"
    assert StripeEvent.objects.count() == 0
    assert fund_balance(donation.fund) == 0


def test_it_posts_a_reversal_for_a_partial_then_a_full_refund(gql, stripe_on, webhook_server, dora_donor):
    # given a succeeded gift of ¥100
    donate(gql, dora_donor, amount="10000")
    donation = Donation.objects.get()
    pay(stripe_on, donation.stripe_payment_intent_id)
    wait_until(lambda: refresh(donation.pk).status == "succeeded", what="the webhook")
    # when Stripe reports a ¥30 refund (charge.refunded: localstripe does not send it, the test signs it)
    partial = event_json("evt_refund_1", "charge.refunded", charge_object(donation, amount_refunded=3000))
    assert post_event(webhook_server, partial).json()["outcome"] == "applied"
    # then the ledger reversed ¥30 out of the fund
    donation = refresh(donation.pk)
    assert donation.refunded_fen == 3000
    assert fund_balance(donation.fund) == 7000
    # when the full refund (cumulative ¥100) arrives, then the old partial event again (out of order)
    full = event_json("evt_refund_2", "charge.refunded", charge_object(donation, amount_refunded=10000))
    assert post_event(webhook_server, full).json()["outcome"] == "applied"
    stale = event_json("evt_refund_1b", "charge.refunded", charge_object(donation, amount_refunded=3000))
    assert post_event(webhook_server, stale).json()["outcome"] == "already_applied"
    # then exactly the whole gift was reversed, in two reversals
    donation = refresh(donation.pk)
    assert donation.refunded_fen == 10000
    assert fund_balance(donation.fund) == 0
    assert sorted(DonationRefund.objects.values_list("amount_fen", flat=True)) == [3000, 7000]
    assert donation.trace.filter(stage="refunded").count() == 2


def test_it_applies_a_refund_that_arrives_before_the_success(gql, stripe_on, webhook_server, dora_donor):
    # given a pending gift whose refund event overtakes its success event
    donate(gql, dora_donor, amount="8000")
    donation = Donation.objects.get()
    refund = event_json("evt_early_refund", "charge.refunded", charge_object(donation, amount_refunded=2000))
    assert post_event(webhook_server, refund).json()["outcome"] == "deferred"
    assert refresh(donation.pk).status == "pending" and fund_balance(donation.fund) == 0
    # when the success arrives
    success = event_json("evt_late_success", "payment_intent.succeeded", intent_object(donation))
    assert post_event(webhook_server, success).json()["outcome"] == "applied"
    # then the gift is succeeded and the early refund is reversed
    donation = refresh(donation.pk)
    assert donation.status == "succeeded"
    assert donation.refunded_fen == 2000
    assert fund_balance(donation.fund) == 6000


def test_it_keeps_a_success_with_the_wrong_amount_or_currency_unapplied(gql, stripe_on, webhook_server, dora_donor):
    donate(gql, dora_donor, amount="8000")
    donation = Donation.objects.get()
    wrong_amount = event_json("evt_wrong_amount", "payment_intent.succeeded", intent_object(donation, amount=1))
    wrong_currency = event_json("evt_wrong_cur", "payment_intent.succeeded", intent_object(donation, currency="usd"))
    assert post_event(webhook_server, wrong_amount).json()["outcome"] == "mismatch"
    assert post_event(webhook_server, wrong_currency).json()["outcome"] == "mismatch"
    assert refresh(donation.pk).status == "pending"
    assert fund_balance(donation.fund) == 0


def test_it_marks_a_declined_card_failed(gql, stripe_on, webhook_server, dora_donor):
    # given a pending gift paid with a card that is declined when charged
    donate(gql, dora_donor, amount="3000")
    donation = Donation.objects.get()
    with pytest.raises(stripe.CardError):
        pay(stripe_on, donation.stripe_payment_intent_id, card="pm_card_chargeCustomerFail")
    # then localstripe's payment_intent.payment_failed makes it failed, and nothing is posted
    wait_until(lambda: refresh(donation.pk).status == "failed", what="the failure webhook")
    assert fund_balance(donation.fund) == 0


def test_it_refunds_through_stripe_when_an_administrator_asks(gql, stripe_on, webhook_server, dora_donor, ada_admin):
    # given a succeeded online gift
    donate(gql, dora_donor, amount="6000")
    donation = Donation.objects.get()
    pay(stripe_on, donation.stripe_payment_intent_id)
    wait_until(lambda: refresh(donation.pk).status == "succeeded", what="the webhook")
    from tests.conftest import gid

    mutation = """mutation($id: ID!) { donationRefund(donationId: $id, amountFen: "2500", idempotencyKey: "r1",
                  reason: "捐赠人申请") { refundedFen errors { code } } }"""
    # when dora herself asks: not found for her; when the administrator asks: refunded
    assert gql(mutation, {"id": gid(donation, "Donation")}, as_user=dora_donor)["donationRefund"]["errors"][0][
        "code"] == "NOT_FOUND"
    out = gql(mutation, {"id": gid(donation, "Donation")}, as_user=ada_admin)["donationRefund"]
    assert out == {"refundedFen": "2500", "errors": []}
    # then Stripe (localstripe) holds the refund and the ledger reversed it
    refunds = sdk(stripe_on).v1.refunds.list(params={"payment_intent": donation.stripe_payment_intent_id})
    assert [r.amount for r in refunds.data] == [2500]
    assert fund_balance(refresh(donation.pk).fund) == 3500
    # and the charge.refunded that follows (cumulative 2500) posts nothing more
    follow = event_json("evt_follow", "charge.refunded", charge_object(donation, amount_refunded=2500))
    assert post_event(webhook_server, follow).json()["outcome"] == "already_applied"
    assert fund_balance(refresh(donation.pk).fund) == 3500


def test_it_charges_monthly_giving_off_session(gql, stripe_on, webhook_server, dora_donor):
    # given dora sets up ¥50 a month: a SetupIntent she confirms with her card (the browser's part)
    out = gql("""mutation { recurringDonationCreate(amountFen: "5000", idempotencyKey: "m1", dayOfMonth: 5) {
                  recurringDonation { id status } setupClientSecret errors { code } } }""",
              as_user=dora_donor)["recurringDonationCreate"]
    assert out["errors"] == [] and out["setupClientSecret"]
    plan = RecurringDonation.objects.get()
    sdk(stripe_on).v1.setup_intents.confirm(plan.stripe_setup_intent_id, params={"payment_method": "pm_card_visa"})
    activated = gql("""mutation($id: ID!) { recurringDonationActivate(id: $id) {
                        recurringDonation { status } errors { code } } }""",
                    {"id": out["recurringDonation"]["id"]}, as_user=dora_donor)["recurringDonationActivate"]
    assert activated == {"recurringDonation": {"status": "active"}, "errors": []}
    # when the monthly job runs (twice, as a retried job would)
    from huzhu.giving.services import recurring_charge_due

    assert recurring_charge_due() == 1
    assert recurring_charge_due() == 0
    # then one off-session PaymentIntent was charged, and its webhook made the month's gift succeeded
    donation = Donation.objects.get(recurring=plan)
    wait_until(lambda: refresh(donation.pk).status == "succeeded", what="the recurring webhook")
    assert fund_balance(refresh(donation.pk).fund) == 5000
    plan.refresh_from_db()
    assert plan.next_charge_on.day == 5 and plan.next_charge_on > plan.last_charged_on


def test_it_says_online_payment_is_on_with_a_stripe_key(gql, stripe_on):
    config = gql("{ givingConfig { onlinePaymentEnabled publishableKey stripeJsUrl paymentMethodTypes } }")
    assert config["givingConfig"] == {"onlinePaymentEnabled": True, "publishableKey": "pk_test_huzhu",
                                      "stripeJsUrl": stripe_on + "/js.stripe.com/v3/", "paymentMethodTypes": ["card"]}
