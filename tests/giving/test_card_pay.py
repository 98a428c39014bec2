"""A one-off gift paid with a card tokenised by Stripe.js (what the web app's Card Element does): the server
confirms the PaymentIntent against localstripe, localstripe's signed webhook turns the gift succeeded."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from huzhu.giving.models import Donation
from tests.conftest import gid
from tests.giving.conftest import wait_until

pytestmark = pytest.mark.django_db(transaction=True)

CREATE = """mutation($key: String!) { donationCreate(amountFen: "10000", idempotencyKey: $key) {
  donation { id } clientSecret errors { field code message } } }"""
PAY = """mutation($id: ID!, $token: String!) { donationPayCard(donationId: $id, cardToken: $token) {
  paymentStatus clientSecret donation { id status } errors { field code message } } }"""


def browser_token(localstripe_url: str, number: str) -> str:
    """What Stripe.js createToken(cardElement) does: the card goes to Stripe with the publishable key only."""
    response = httpx.post(f"{localstripe_url}/v1/tokens", data={
        "card[number]": number, "card[exp_month]": "12", "card[exp_year]": "2034", "card[cvc]": "123",
        "key": "pk_test_huzhu"})
    assert response.status_code == 200, response.text
    return str(response.json()["id"])


def start(gql: Any, user: Any, key: str = "card-1") -> str:
    out = gql(CREATE, {"key": key}, as_user=user)["donationCreate"]
    assert out["errors"] == []
    return str(out["donation"]["id"])


def test_a_card_token_pays_the_gift_and_the_webhook_makes_it_succeed(gql, stripe_on, webhook_server, dora_donor):
    # given dora's pending ¥100 gift
    donation_id = start(gql, dora_donor)
    # when her browser tokenises 4242 4242 4242 4242 and the server confirms the PaymentIntent with it
    out = gql(PAY, {"id": donation_id, "token": browser_token(stripe_on, "4242424242424242")},
              as_user=dora_donor)["donationPayCard"]
    # then the intent succeeded at once, the gift waits for the webhook, which arrives and posts it
    assert out["errors"] == [] and out["paymentStatus"] == "succeeded"
    donation = Donation.objects.get()
    wait_until(lambda: Donation.objects.get(pk=donation.pk).status == "succeeded", what="the webhook")
    assert [t.stage for t in Donation.objects.get(pk=donation.pk).trace.all()] == ["received", "earmarked"]


def test_a_3d_secure_card_asks_the_browser_for_the_next_action(gql, stripe_on, dora_donor):
    donation_id = start(gql, dora_donor, key="card-3ds")
    out = gql(PAY, {"id": donation_id, "token": browser_token(stripe_on, "4000002500003155")},
              as_user=dora_donor)["donationPayCard"]
    assert out["errors"] == [] and out["paymentStatus"] == "requires_action"
    assert out["clientSecret"] == Donation.objects.get().stripe_client_secret
    assert out["donation"]["status"] == "pending"


def test_a_declined_card_is_a_typed_error_on_the_card_field_and_the_gift_stays_payable(
        gql, stripe_on, dora_donor):
    donation_id = start(gql, dora_donor, key="card-declined")
    out = gql(PAY, {"id": donation_id, "token": browser_token(stripe_on, "4000000000000002")},
              as_user=dora_donor)["donationPayCard"]
    assert [(e["field"], e["code"]) for e in out["errors"]] == [("card", "CARD_DECLINED")]
    assert Donation.objects.get().status == "pending"
    # another card then pays it
    out = gql(PAY, {"id": donation_id, "token": browser_token(stripe_on, "4242424242424242")},
              as_user=dora_donor)["donationPayCard"]
    assert out["errors"] == [] and out["paymentStatus"] == "succeeded"


def test_nobody_pays_someone_elses_gift_and_a_paid_one_is_not_paid_again(
        gql, stripe_on, dora_donor, bob_volunteer_north):
    donation_id = start(gql, dora_donor, key="card-other")
    token = browser_token(stripe_on, "4242424242424242")
    out = gql(PAY, {"id": donation_id, "token": token}, as_user=bob_volunteer_north)["donationPayCard"]
    assert [(e["field"], e["code"]) for e in out["errors"]] == [("donationId", "NOT_FOUND")]
    Donation.objects.update(status=Donation.Status.SUCCEEDED)
    out = gql(PAY, {"id": donation_id, "token": token}, as_user=dora_donor)["donationPayCard"]
    assert [(e["field"], e["code"]) for e in out["errors"]] == [("donationId", "WRONG_STATE")]


def test_without_stripe_paying_by_card_is_refused(gql, stripe_off, dora_donor):
    out = gql(PAY, {"id": gid(Donation(pk=1)), "token": "tok_x"}, as_user=dora_donor)["donationPayCard"]
    assert [e["code"] for e in out["errors"]] == ["ONLINE_PAYMENT_DISABLED"]
