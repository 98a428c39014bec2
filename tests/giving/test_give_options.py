"""What the donor's give page reads: the goods taxonomy (its categories as enum values), whether online payment
is on and where Stripe.js comes from, and the public disclosure without a login."""

from __future__ import annotations

from typing import Any

OPTIONS = """{ givingConfig { onlinePaymentEnabled publishableKey stripeJsUrl }
  goodsTaxonomy { key category item name unit } workstations { id name } }"""


def test_the_give_page_options_load_for_a_donor(gql: Any, dora_donor: Any, workstations: Any, stripe_off: Any) -> None:
    data = gql(OPTIONS, as_user=dora_donor)
    assert data["givingConfig"] == {"onlinePaymentEnabled": False, "publishableKey": "", "stripeJsUrl": ""}
    quilt = next(i for i in data["goodsTaxonomy"] if i["key"] == "clothes_bedding/quilt")
    assert quilt == {"key": "clothes_bedding/quilt", "category": "clothes_bedding", "item": "quilt", "name": "棉被",
                     "unit": "床"}
    assert {i["category"] for i in data["goodsTaxonomy"]} >= {"clothes_bedding", "food_grain_oil", "stationery"}
    assert len(data["workstations"]) == len(workstations)


def test_stripe_js_comes_from_the_configured_url(gql: Any, dora_donor: Any, settings: Any,
                                                 monkeypatch: Any) -> None:
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_x"
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"
    monkeypatch.setenv("STRIPE_JS_URL", "http://127.0.0.1:9/js.stripe.com/v3/")
    settings.STRIPE_JS_URL = "http://127.0.0.1:9/js.stripe.com/v3/"
    config = gql(OPTIONS, as_user=dora_donor)["givingConfig"]
    assert config == {"onlinePaymentEnabled": True, "publishableKey": "pk_test_x",
                      "stripeJsUrl": "http://127.0.0.1:9/js.stripe.com/v3/"}


def test_the_disclosure_is_public(gql: Any) -> None:
    data = gql("{ publicDisclosure { year totalIncomeFen income { month } } }")
    assert data["publicDisclosure"]["totalIncomeFen"] == "0"
    assert data["publicDisclosure"]["income"] == []
