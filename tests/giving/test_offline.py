"""Offline gifts recorded by staff: same ledger, receipt and trace path as online gifts."""

from __future__ import annotations

from typing import Any

from huzhu.giving.models import Donation, DonationTraceEvent
from ledger import api
from tests.conftest import gid
from tests.giving.conftest import fund_balance

RECORD = """
mutation($ws: ID!, $amount: Fen!, $key: String!, $channel: DonationChannel!, $receipt: String, $name: String,
         $email: String, $currency: String, $category: GivingNeedCategory) {
  offlineDonationRecord(workstationId: $ws, amountFen: $amount, idempotencyKey: $key, channel: $channel,
                        receiptNumber: $receipt, donorName: $name, donorEmail: $email, currency: $currency,
                        earmarkCategory: $category) {
    donation { id amountFen status receiptNumber receiptUrl earmark { kind label } trace { stage } }
    errors { field code message }
  }
}"""


def _record(gql: Any, user: Any, ws: Any, amount: str, key: str = "k1", **extra: Any) -> Any:
    variables = {"ws": gid(ws, "Workstation"), "amount": amount, "key": key, "channel": "cash", **extra}
    return gql(RECORD, variables, as_user=user)["offlineDonationRecord"]


def test_it_records_a_cash_gift_through_the_ledger_with_a_receipt(gql, alice_staff_north, workstations):
    # given alice, staff of the north workstation
    # when she records ¥123.45 in cash, earmarked for medical aid
    out = _record(gql, alice_staff_north, workstations["north"], "12345", category="medical", name="王先生")
    # then it succeeded at once, has a receipt number, and the medical fund holds the money
    assert out["errors"] == []
    donation = out["donation"]
    assert donation["status"] == "succeeded"
    assert donation["receiptNumber"].startswith("HZ")
    assert donation["earmark"]["kind"] == "category"
    assert [s["stage"] for s in donation["trace"]] == ["received", "earmarked"]
    row = Donation.objects.get()
    assert fund_balance(row.fund) == 12345
    clearing = api.account_get("giving:clearing:cash")
    assert api.balance(clearing.pk).posted == -12345
    # and a receipt email job was queued in the same transaction
    from procrastinate.contrib.django.models import ProcrastinateJob

    assert ProcrastinateJob.objects.filter(task_name="huzhu.giving.send_receipt_email").count() == 1


def test_it_returns_the_first_gift_for_a_retried_record(gql, alice_staff_north, workstations):
    # given a recorded gift
    first = _record(gql, alice_staff_north, workstations["north"], "5000", key="same")
    # when the same request is sent again
    second = _record(gql, alice_staff_north, workstations["north"], "5000", key="same")
    # then it is the same gift, posted once
    assert second["donation"]["id"] == first["donation"]["id"]
    assert Donation.objects.count() == 1
    assert fund_balance(Donation.objects.get().fund) == 5000


def test_it_refuses_a_workstation_in_another_street(gql, alice_staff_north, workstations):
    # when alice records a gift at the south workstation
    out = _record(gql, alice_staff_north, workstations["south"], "5000")
    # then it is not found for her, and nothing was written
    assert out["errors"][0]["code"] == "NOT_FOUND"
    assert Donation.objects.count() == 0


def test_it_refuses_a_volunteer_recording_gifts(gql, bob_volunteer_north, workstations):
    out = _record(gql, bob_volunteer_north, workstations["north"], "5000")
    assert out["errors"][0]["code"] == "NOT_FOUND"
    assert Donation.objects.count() == 0


def test_it_refuses_a_receipt_number_already_used(gql, alice_staff_north, workstations):
    # given a gift recorded with paper receipt number A-001
    _record(gql, alice_staff_north, workstations["north"], "5000", key="k1", receipt="A-001")
    # when another gift is recorded with the same number
    out = _record(gql, alice_staff_north, workstations["north"], "7000", key="k2", receipt="A-001")
    # then it is refused and only the first exists
    assert out["errors"][0]["code"] == "RECEIPT_NUMBER_TAKEN"
    assert Donation.objects.count() == 1


def test_it_refuses_bad_amounts_and_currency_and_writes_nothing(gql, alice_staff_north, workstations):
    ws = workstations["north"]
    for amount in ("0", "-100", str(10**13 + 1)):
        out = _record(gql, alice_staff_north, ws, amount, key=f"bad{amount}")
        assert out["errors"][0]["code"] == "INVALID_AMOUNT", amount
    out = _record(gql, alice_staff_north, ws, "100", key="usd", currency="USD")
    assert out["errors"][0]["code"] == "CURRENCY_NOT_SUPPORTED"
    assert out["errors"][0]["message"]
    assert Donation.objects.count() == 0
    assert DonationTraceEvent.objects.count() == 0


def test_it_links_an_offline_gift_to_the_donor_account_by_email(gql, alice_staff_north, workstations, dora_donor):
    # when alice records a bank transfer from dora's email address
    out = _record(gql, alice_staff_north, workstations["north"], "20000", email="DORA.donor@test.huzhu")
    # then dora sees it among her donations
    data = gql("{ myDonations(first: 10) { totalCount edges { node { id amountFen } } } }", as_user=dora_donor)
    assert data["myDonations"]["totalCount"] == 1
    assert data["myDonations"]["edges"][0]["node"]["id"] == out["donation"]["id"]


def test_it_works_with_online_payment_off(gql, stripe_off, alice_staff_north, workstations):
    # given no Stripe key, GraphQL says online payment is off
    config = gql("{ givingConfig { onlinePaymentEnabled publishableKey stripeJsUrl } }")["givingConfig"]
    assert config == {"onlinePaymentEnabled": False, "publishableKey": "", "stripeJsUrl": ""}
    # and offline giving still works
    out = _record(gql, alice_staff_north, workstations["north"], "100")
    assert out["errors"] == [] and out["donation"]["status"] == "succeeded"


def test_it_tells_the_donor_live_after_commit(alice_staff_north, workstations, dora_donor,
                                              django_capture_on_commit_callbacks):
    # given someone listening to published realtime messages
    from huzhu.realtime import events
    from tests.giving.conftest import offline_gift

    seen: list[dict] = []

    def hook(_groups: list[str], message: dict) -> None:
        seen.append(message)

    events.add_hook(hook)
    try:
        # when a gift linked to dora is recorded and the transaction commits
        with django_capture_on_commit_callbacks(execute=True):
            gift = offline_gift(alice_staff_north, workstations["north"], 800, key="live",
                                donor_email=dora_donor.email)
    finally:
        events.remove_hook(hook)
    # then dora's trace stages went out to her, and she has a notification
    traces = [m for m in seen if m["topic"] == "donation_trace"]
    assert [m["payload"]["stage"] for m in traces] == ["received", "earmarked"]
    assert all(m["user_id"] == dora_donor.pk and m["payload"]["donation_id"] == gift.pk for m in traces)
    assert any(m["topic"] == "notification" and m["user_id"] == dora_donor.pk for m in seen)


def test_it_lists_recorded_gifts_to_staff_of_the_street_only(gql, alice_staff_north, carol_staff_south,
                                                              workstations):
    _record(gql, alice_staff_north, workstations["north"], "5000", key="n")
    query = "{ recordedDonations(first: 10) { totalCount edges { node { amountFen donorName } } } }"
    assert gql(query, as_user=alice_staff_north)["recordedDonations"]["totalCount"] == 1
    assert gql(query, as_user=carol_staff_south)["recordedDonations"]["totalCount"] == 0


def test_it_lists_my_donations_in_a_fixed_number_of_queries(gql, alice_staff_north, workstations, dora_donor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.giving.conftest import offline_gift

    query = "{ myDonations(first: 20) { totalCount edges { node { amountFen earmark { kind label } " \
            "trace { stage communityName } } } } }"

    def queries_for_page() -> int:
        with CaptureQueriesContext(connection) as ctx:
            gql(query, as_user=dora_donor)
        return len(ctx.captured_queries)

    for i in range(2):
        offline_gift(alice_staff_north, workstations["north"], 100 + i, key=f"a{i}", donor_email=dora_donor.email,
                     announce=False)
    few = queries_for_page()
    for i in range(10):
        offline_gift(alice_staff_north, workstations["north"], 100 + i, key=f"b{i}", donor_email=dora_donor.email,
                     announce=False)
    many = queries_for_page()
    # the page costs the same number of queries whether it holds 2 gifts or 12 (traces are prefetched)
    assert many == few
    data = gql(query, as_user=dora_donor)
    assert data["myDonations"]["totalCount"] == 12
    assert all(len(e["node"]["trace"]) == 2 for e in data["myDonations"]["edges"])
