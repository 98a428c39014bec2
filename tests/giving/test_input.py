"""Bad input to online giving, and other people's gifts: a typed error and nothing written."""

from __future__ import annotations

import pytest

from huzhu.giving.models import Donation
from tests.conftest import gid

CREATE = """
mutation($amount: Fen!, $currency: String, $key: String!, $need: ID, $region: ID) {
  donationCreate(amountFen: $amount, currency: $currency, idempotencyKey: $key, earmarkNeedId: $need,
                 earmarkRegionId: $region) {
    donation { id } clientSecret errors { field code message }
  }
}"""


@pytest.mark.parametrize(("amount", "currency", "code"), [
    ("0", "CNY", "INVALID_AMOUNT"),
    ("-500", "CNY", "INVALID_AMOUNT"),
    ("100000000", "CNY", "INVALID_AMOUNT"),  # above Stripe's 8-digit limit
    ("100", "USD", "CURRENCY_NOT_SUPPORTED"),
])
def test_it_refuses_bad_amounts_and_currencies(gql, stripe_on, dora_donor, amount, currency, code):
    out = gql(CREATE, {"amount": amount, "currency": currency, "key": "k"}, as_user=dora_donor)["donationCreate"]
    assert out["errors"][0]["code"] == code
    assert out["errors"][0]["message"]
    assert out["donation"] is None and out["clientSecret"] is None
    assert Donation.objects.count() == 0


def test_it_refuses_a_non_numeric_or_gigantic_amount_at_the_scalar(gql, stripe_on, dora_donor):
    for amount in ("12.5", "abc", "9" * 30):
        body = gql.raw(CREATE, {"amount": amount, "key": "k"}, as_user=dora_donor)
        assert body["errors"], amount
    assert Donation.objects.count() == 0


def test_it_says_online_payment_is_off_without_a_key(gql, stripe_off, dora_donor):
    out = gql(CREATE, {"amount": "100", "key": "k"}, as_user=dora_donor)["donationCreate"]
    assert out["errors"][0]["code"] == "ONLINE_PAYMENT_DISABLED"
    assert Donation.objects.count() == 0


def test_it_refuses_an_earmark_for_a_need_that_does_not_exist_or_a_grid(gql, stripe_on, dora_donor, regions):
    for variables in ({"need": gid(type("X", (), {"pk": 999999})(), "PublicNeed")},
                      {"region": gid(regions["north_c1_g1"], "Region")},
                      {"need": "not-an-id"}):
        out = gql(CREATE, {"amount": "100", "key": "k", **variables}, as_user=dora_donor)["donationCreate"]
        assert out["errors"][0]["code"] in ("EARMARK_INVALID", "INVALID", "NOT_FOUND"), variables
    assert Donation.objects.count() == 0


def test_it_earmarks_a_household_need_seen_as_a_public_need(gql, stripe_on, dora_donor, need_north):
    out = gql(CREATE, {"amount": "100", "key": "k", "need": gid(need_north, "PublicNeed")},
              as_user=dora_donor)["donationCreate"]
    assert out["errors"] == []
    assert Donation.objects.get().fund.need_id == need_north.pk


def test_it_hides_someone_elses_donation(gql, stripe_on, dora_donor, bob_volunteer_north):
    out = gql(CREATE, {"amount": "100", "key": "k"}, as_user=dora_donor)["donationCreate"]
    donation_id = out["donation"]["id"]
    query = "query($id: ID!) { donation(id: $id) { id clientSecret } donationReceiptUrl(donationId: $id) }"
    assert gql(query, {"id": donation_id}, as_user=bob_volunteer_north) == {"donation": None,
                                                                            "donationReceiptUrl": None}
    mine = gql(query, {"id": donation_id}, as_user=dora_donor)
    assert mine["donation"]["clientSecret"]
    assert gql("{ myDonations(first: 5) { totalCount } }", as_user=bob_volunteer_north)["myDonations"][
        "totalCount"] == 0
    # node(id:) goes through the same scope
    node = gql("query($id: ID!) { node(id: $id) { id } }", {"id": donation_id}, as_user=bob_volunteer_north) \
        if "node" in str(gql.raw("{ __schema { queryType { fields { name } } } }")) else {"node": None}
    assert node["node"] is None


def test_it_returns_the_first_donation_for_a_retried_create_and_refuses_a_changed_one(gql, stripe_on, dora_donor):
    first = gql(CREATE, {"amount": "100", "key": "same"}, as_user=dora_donor)["donationCreate"]
    again = gql(CREATE, {"amount": "100", "key": "same"}, as_user=dora_donor)["donationCreate"]
    assert again["donation"]["id"] == first["donation"]["id"] and again["clientSecret"] == first["clientSecret"]
    changed = gql(CREATE, {"amount": "200", "key": "same"}, as_user=dora_donor)["donationCreate"]
    assert changed["errors"][0]["code"] == "IDEMPOTENCY_MISMATCH"
    assert Donation.objects.count() == 1


def test_it_needs_a_login(gql, stripe_on):
    body = gql.raw(CREATE, {"amount": "100", "key": "k"})
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert Donation.objects.count() == 0
