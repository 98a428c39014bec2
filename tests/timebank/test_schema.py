"""GraphQL: my time bank, history, give, redeem, cancel, links, certificate; staff views; rules."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from huzhu.timebank.models import Gift, Redemption, TimeBankLink
from tests.conftest import gid

from .helpers import balance, member, set_birth_year, written

pytestmark = pytest.mark.django_db

MY = """{ myTimeBank { balanceMinutes availableMinutes earnedMinutes stars nextStarAt member { displayName } } }"""
HISTORY = """query($first: Int, $after: String) { myTimeBankHistory(first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { node { id minutes heldMinutes kind organisationName } } } }"""
GIVE = """mutation($m: Int!, $k: String!, $to: ID, $pool: ID, $obo: ID) {
  timeBankGive(minutes: $m, idempotencyKey: $k, toMemberId: $to, toPoolStreetId: $pool, onBehalfOfId: $obo) {
    gift { id minutes } myTimeBank { balanceMinutes } errors { field code message } } }"""
REDEEM = """mutation($m: Int!, $k: String!, $r: ID!, $obo: ID) {
  timeBankRedeem(serviceType: "meal_delivery", minutes: $m, idempotencyKey: $k, regionId: $r, onBehalfOfId: $obo) {
    redemption { id status minutes } myTimeBank { availableMinutes } errors { field code message } } }"""
CANCEL = """mutation($id: ID!) { timeBankRedemptionCancel(redemptionId: $id) {
  redemption { status } errors { code } } }"""
LINK = """mutation($email: String, $to: ID) { timeBankLinkRequest(email: $email, toMemberId: $to, relation: "女儿") {
  link { id status } errors { code field } } }"""
ACCEPT = """mutation($id: ID!) { timeBankLinkAccept(linkId: $id) { link { status } errors { code } } }"""
SUMMARY = """query($s: ID!) { timeBankStreetSummary(streetId: $s) { volunteersBalanceMinutes poolBalanceMinutes
  earnedMinutesThisYear overflowDonatedMinutes redemptionsOpen minutesHeld } }"""
RULES = """mutation($input: TimeBankRulesInput!) { timeBankRulesUpdate(input: $input) {
  rules { storageCapMinutes star1Minutes } errors { field code message } } }"""


def test_it_shows_my_balance_earned_minutes_and_stars(gql: Any, earn: Any, bob_volunteer_north: Any) -> None:
    # given bob earned 110 hours
    earn(bob_volunteer_north, 24 * 60, "a")
    earn(bob_volunteer_north, 24 * 60, "b")
    earn(bob_volunteer_north, 24 * 60, "c")
    earn(bob_volunteer_north, 24 * 60, "d")
    earn(bob_volunteer_north, 14 * 60, "e")
    # when he looks at his time bank
    data = gql(MY, as_user=bob_volunteer_north)["myTimeBank"]
    # then
    assert data == {"balanceMinutes": 110 * 60, "availableMinutes": 110 * 60, "earnedMinutes": 110 * 60,
                    "stars": 1, "nextStarAt": 300 * 60, "member": {"displayName": "bob.vol@test.huzhu"}}


def test_it_answers_null_before_the_first_hour_and_requires_login(gql: Any, dave_volunteer_south: Any) -> None:
    assert gql(MY, as_user=dave_volunteer_south)["myTimeBank"] is None
    body = gql.raw(MY)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_it_pages_my_history_with_a_total_count(gql: Any, earn: Any, bob_volunteer_north: Any) -> None:
    # given five earnings
    for i in range(5):
        earn(bob_volunteer_north, 10 + i, f"h{i}")
    # when bob reads two at a time
    page1 = gql(HISTORY, {"first": 2}, as_user=bob_volunteer_north)["myTimeBankHistory"]
    page2 = gql(HISTORY, {"first": 2, "after": page1["pageInfo"]["endCursor"]},
                as_user=bob_volunteer_north)["myTimeBankHistory"]
    # then newest first, with the count of all
    assert page1["totalCount"] == 5
    assert [e["node"]["minutes"] for e in page1["edges"]] == [14, 13]
    assert [e["node"]["minutes"] for e in page2["edges"]] == [12, 11]
    assert page1["edges"][0]["node"]["kind"] == "tb_earn"
    assert page1["edges"][0]["node"]["organisationName"] == "北街道为老服务中心"
    # and every line has its own id (an entry's key is a (transfer, side) pair, carried as one string)
    ids = [e["node"]["id"] for e in page1["edges"] + page2["edges"]]
    assert len(set(ids)) == 4


def test_it_shows_only_my_own_history(gql: Any, earn: Any, bob_volunteer_north: Any, ed_volunteer_north: Any) -> None:
    earn(bob_volunteer_north, 10)
    earn(ed_volunteer_north, 20)
    edges = gql(HISTORY, {"first": 10}, as_user=ed_volunteer_north)["myTimeBankHistory"]["edges"]
    assert [e["node"]["minutes"] for e in edges] == [20]


def test_it_links_by_email_and_gives_through_graphql(
        gql: Any, earn: Any, bob_volunteer_north: Any, ed_volunteer_north: Any) -> None:
    # given bob with 100 minutes
    earn(bob_volunteer_north, 100)
    # when bob asks to link with ed by e-mail and ed accepts
    link = gql(LINK, {"email": "ed.vol@test.huzhu"}, as_user=bob_volunteer_north)["timeBankLinkRequest"]
    assert link["errors"] == [] and link["link"]["status"] == "requested"
    accepted = gql(ACCEPT, {"id": link["link"]["id"]}, as_user=ed_volunteer_north)["timeBankLinkAccept"]
    assert accepted == {"link": {"status": "accepted"}, "errors": []}
    # and bob gives him 40
    data = gql(GIVE, {"m": 40, "k": "g1", "to": gid(member(ed_volunteer_north), "TimeBankMember")},
               as_user=bob_volunteer_north)["timeBankGive"]
    # then
    assert data["errors"] == []
    assert data["gift"]["minutes"] == 40
    assert data["myTimeBank"] == {"balanceMinutes": 60}
    assert balance(ed_volunteer_north).posted == 40


def test_it_returns_typed_errors_and_writes_nothing(
        gql: Any, earn: Any, bob_volunteer_north: Any, ed_volunteer_north: Any, regions: dict[str, Any]) -> None:
    # given bob asked to link with ed (ed has not accepted yet)
    earn(bob_volunteer_north, 100)
    earn(ed_volunteer_north, 5)
    from huzhu.timebank.services import link_request
    link_request(actor=bob_volunteer_north, to_member=member(ed_volunteer_north))
    before = written()
    to_ed = gid(member(ed_volunteer_north), "TimeBankMember")
    cases = [
        ({"m": 0, "k": "a", "to": to_ed}, "OUT_OF_RANGE", "minutes"),
        ({"m": -5, "k": "a", "to": to_ed}, "OUT_OF_RANGE", "minutes"),
        ({"m": 2_000_000_000, "k": "a", "to": to_ed}, "OUT_OF_RANGE", "minutes"),
        ({"m": 10, "k": "a", "to": to_ed}, "NOT_LINKED", "toMemberId"),
        ({"m": 10, "k": "a", "to": "bm90LWFuLWlk"}, "NOT_FOUND", "toMemberId"),
            ({"m": 10, "k": "a", "to": gid(regions["north"], "Region")}, "NOT_FOUND", "toMemberId"),
        ({"m": 10, "k": "", "to": to_ed}, "REQUIRED", "idempotencyKey"),
        ({"m": 10, "k": "x" * 500, "to": to_ed}, "TOO_LONG", "idempotencyKey"),
        ({"m": 10, "k": "a"}, "REQUIRED", "toMemberId"),
    ]
    for variables, code, field in cases:
        errors = gql(GIVE, variables, as_user=bob_volunteer_north)["timeBankGive"]["errors"]
        assert [(e["code"], e["field"]) for e in errors] == [(code, field)], variables
        assert errors[0]["message"]
    assert written() == before


def test_it_refuses_acting_for_someone_elses_account(
        gql: Any, earn: Any, bob_volunteer_north: Any, dave_volunteer_south: Any, regions: dict[str, Any]) -> None:
    # given bob with minutes
    earn(bob_volunteer_north, 100)
    earn(dave_volunteer_south, 10, street=regions["south"], confirmed_by=_sw(regions["south"]))
    before = written()
    # when dave tries to give from bob's account (as if acting for him)
    data = gql(GIVE, {"m": 10, "k": "x", "pool": gid(regions["south"], "Region"),
                      "obo": gid(member(bob_volunteer_north), "TimeBankMember")},
               as_user=dave_volunteer_south)["timeBankGive"]
    # then bob's account is not even found, and nothing moved
    assert [e["code"] for e in data["errors"]] == ["NOT_FOUND"]
    assert written() == before


def _sw(street: Any) -> Any:
    from huzhu.people.models import SocialWorkerProfile, Workstation
    from tests.conftest import make_user

    user = make_user(f"sw.{street.code}@test.huzhu", ("social_worker", street))
    SocialWorkerProfile.objects.create(user=user, workstation=Workstation.objects.create(name="ws", region=street))
    return user


def test_it_redeems_and_cancels_through_graphql(
        gql: Any, earn: Any, bob_volunteer_north: Any, regions: dict[str, Any]) -> None:
    earn(bob_volunteer_north, 200)
    set_birth_year(bob_volunteer_north, date.today().year - 66)
    data = gql(REDEEM, {"m": 60, "k": "r1", "r": gid(regions["south_c1"], "Region")},
               as_user=bob_volunteer_north)["timeBankRedeem"]
    assert data["errors"] == []
    assert data["redemption"]["status"] == "requested"
    assert data["myTimeBank"] == {"availableMinutes": 140}
    cancelled = gql(CANCEL, {"id": data["redemption"]["id"]}, as_user=bob_volunteer_north)
    assert cancelled["timeBankRedemptionCancel"] == {"redemption": {"status": "cancelled"}, "errors": []}
    assert balance(bob_volunteer_north).available == 200


def test_it_tells_a_young_volunteer_the_redemption_age(
        gql: Any, earn: Any, bob_volunteer_north: Any, regions: dict[str, Any]) -> None:
    earn(bob_volunteer_north, 200)
    set_birth_year(bob_volunteer_north, date.today().year - 30)
    data = gql(REDEEM, {"m": 60, "k": "r1", "r": gid(regions["north_c1"], "Region")},
               as_user=bob_volunteer_north)["timeBankRedeem"]
    assert [e["code"] for e in data["errors"]] == ["BELOW_REDEMPTION_AGE"]
    assert Redemption.objects.count() == 0


def test_it_refuses_cancelling_another_persons_redemption(
        gql: Any, earn: Any, bob_volunteer_north: Any, dave_volunteer_south: Any, regions: dict[str, Any]) -> None:
    earn(bob_volunteer_north, 200)
    set_birth_year(bob_volunteer_north, date.today().year - 66)
    data = gql(REDEEM, {"m": 60, "k": "r1", "r": gid(regions["north_c1"], "Region")},
               as_user=bob_volunteer_north)["timeBankRedeem"]
    refused = gql(CANCEL, {"id": data["redemption"]["id"]}, as_user=dave_volunteer_south)
    assert refused["timeBankRedemptionCancel"] == {"redemption": None, "errors": [{"code": "NOT_FOUND"}]}


def test_it_shows_a_streets_summary_to_its_staff_only(
        gql: Any, earn: Any, small_rules: Any, bob_volunteer_north: Any, alice_staff_north: Any,
        carol_staff_south: Any, regions: dict[str, Any]) -> None:
    # given bob earned 700 minutes in the north (600 kept, 100 to the pool) and asked to redeem 60
    earn(bob_volunteer_north, 700)
    set_birth_year(bob_volunteer_north, date.today().year - 70)
    from huzhu.timebank.services import timebank_redeem
    timebank_redeem(actor=bob_volunteer_north, service_type="x", minutes=60, region=regions["north_c2"],
                    idempotency_key="r")
    north = gid(regions["north"], "Region")
    # when alice (north staff) looks: the totals
    data = gql(SUMMARY, {"s": north}, as_user=alice_staff_north)["timeBankStreetSummary"]
    assert data == {"volunteersBalanceMinutes": 600, "poolBalanceMinutes": 100,
                    "earnedMinutesThisYear": 700 if date(2026, 3, 1).year == date.today().year else 0,
                    "overflowDonatedMinutes": 100, "redemptionsOpen": 1, "minutesHeld": 60}
    # when carol (south staff) or bob (a volunteer) look at the north street: nothing
    assert gql(SUMMARY, {"s": north}, as_user=carol_staff_south)["timeBankStreetSummary"] is None
    assert gql(SUMMARY, {"s": north}, as_user=bob_volunteer_north)["timeBankStreetSummary"] is None


def test_it_gives_my_certificate_url(gql: Any, earn: Any, bob_volunteer_north: Any) -> None:
    earn(bob_volunteer_north, 90)
    url = gql("{ myCertificateUrl }", as_user=bob_volunteer_north)["myCertificateUrl"]
    assert url.startswith("/timebank/certificates/") and url.endswith(".pdf")
    from django.test import Client
    client = Client()
    client.force_login(bob_volunteer_north)
    assert client.get(url).content.startswith(b"%PDF")


def test_it_lets_administrators_update_the_rules(gql: Any, ada_admin: Any, alice_staff_north: Any) -> None:
    data = gql(RULES, {"input": {"storageCapMinutes": 1200, "star1Minutes": 50}}, as_user=ada_admin)
    assert data["timeBankRulesUpdate"] == {"rules": {"storageCapMinutes": 1200, "star1Minutes": 50}, "errors": []}
    refused = gql(RULES, {"input": {"storageCapMinutes": 1}}, as_user=alice_staff_north)["timeBankRulesUpdate"]
    assert [e["code"] for e in refused["errors"]] == ["PERMISSION_DENIED"]
    bad = gql(RULES, {"input": {"redemptionAge": 200}}, as_user=ada_admin)["timeBankRulesUpdate"]
    assert [(e["code"], e["field"]) for e in bad["errors"]] == [("OUT_OF_RANGE", "redemptionAge")]
    assert gql("{ timeBankRules { storageCapMinutes redemptionAge } }", as_user=alice_staff_north)[
        "timeBankRules"] == {"storageCapMinutes": 1200, "redemptionAge": 65}


def test_it_hides_a_linked_persons_circumstances(
        gql: Any, earn: Any, bob_volunteer_north: Any, register_elder: Any, alice_staff_north: Any) -> None:
    # given an elder registered by alice, linked with bob by alice acting for the elder
    elder = register_elder("王奶奶", age=84, lives_alone=True, disabled=True)
    earn(bob_volunteer_north, 10)
    from huzhu.timebank.services import link_accept, link_request
    link = link_request(actor=alice_staff_north, on_behalf_of=elder, to_member=member(bob_volunteer_north))
    link_accept(actor=bob_volunteer_north, link_id=link.pk)
    query = "{ myTimeBankLinks { fromMember { displayName birthYear disabled livesAlone } } }"
    # then bob sees her name only; alice sees her circumstances
    mine = gql(query, as_user=bob_volunteer_north)["myTimeBankLinks"]
    assert mine == [{"fromMember": {"displayName": "王奶奶", "birthYear": None, "disabled": None, "livesAlone": None}}]
    assert TimeBankLink.objects.get().status == "accepted"
    assert Gift.objects.count() == 0


REDEMPTIONS = """query($status: TimeBankRedemptionStatus) { timeBankRedemptions(first: 20, status: $status) {
  totalCount edges { node { minutes region { code } member { displayName } } } } }"""


def test_it_lists_redemptions_to_the_staff_of_the_region_where_they_are_delivered(
        gql: Any, earn: Any, bob_volunteer_north: Any, alice_staff_north: Any, carol_staff_south: Any,
        dave_volunteer_south: Any, regions: dict[str, Any]) -> None:
    # given bob (north) asked for one service in the north and one in the south
    from huzhu.timebank.services import timebank_redeem
    earn(bob_volunteer_north, 300)
    set_birth_year(bob_volunteer_north, date.today().year - 70)
    for key, region in (("n", regions["north_c1"]), ("s", regions["south_c1"])):
        timebank_redeem(actor=bob_volunteer_north, service_type="x", minutes=60, region=region, idempotency_key=key)
    # then each street's staff sees the one delivered there, bob sees both, dave none
    def codes(user: Any) -> list[str]:
        data = gql(REDEMPTIONS, {"status": "requested"}, as_user=user)["timeBankRedemptions"]
        return sorted(e["node"]["region"]["code"] for e in data["edges"])

    assert codes(alice_staff_north) == ["t-north-c1"]
    assert codes(carol_staff_south) == ["t-south-c1"]
    assert codes(bob_volunteer_north) == ["t-north-c1", "t-south-c1"]
    assert codes(dave_volunteer_south) == []


def test_it_reads_a_page_of_history_in_a_fixed_number_of_queries(
        gql: Any, earn: Any, bob_volunteer_north: Any) -> None:
    # given 30 entries; a page of 3 and a page of 30 cost the same number of queries (no query per line)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    for i in range(30):
        earn(bob_volunteer_north, 10, f"q{i}")
    counts = []
    for first in (3, 30):
        with CaptureQueriesContext(connection) as ctx:
            data = gql(HISTORY, {"first": first}, as_user=bob_volunteer_north)
        assert len(data["myTimeBankHistory"]["edges"]) == first
        counts.append(len(ctx))
    assert counts[0] == counts[1]


def test_it_resolves_global_ids_only_within_the_actors_scope(
        earn: Any, bob_volunteer_north: Any, alice_staff_north: Any, carol_staff_south: Any,
        regions: dict[str, Any]) -> None:
    # given bob's redemption in the north
    from types import SimpleNamespace

    from huzhu.timebank.schema import TimeBankMemberType, TimeBankRedemptionType
    from huzhu.timebank.services import timebank_redeem
    earn(bob_volunteer_north, 100)
    set_birth_year(bob_volunteer_north, date.today().year - 70)
    redemption = timebank_redeem(actor=bob_volunteer_north, service_type="x", minutes=60,
                                 region=regions["north_c1"], idempotency_key="r")

    def fetch(kind: Any, pk: int, user: Any) -> Any:
        return kind.get_node(SimpleNamespace(context=SimpleNamespace(user=user)), str(pk))

    # then a fetch by id (relay node) answers for bob and alice, and not for carol
    assert fetch(TimeBankRedemptionType, redemption.pk, bob_volunteer_north) == redemption
    assert fetch(TimeBankRedemptionType, redemption.pk, alice_staff_north) == redemption
    assert fetch(TimeBankRedemptionType, redemption.pk, carol_staff_south) is None
    assert fetch(TimeBankMemberType, member(bob_volunteer_north).pk, carol_staff_south) is None


def test_it_edits_the_rules_singleton_in_django_admin(db: Any, regions: dict[str, Any]) -> None:
    # given a superuser in Django admin
    from django.test import Client

    from huzhu.timebank.models import TimeBankRules
    from tests.conftest import make_user
    root = make_user("root@test.huzhu", superuser=True)
    client = Client()
    client.force_login(root)
    # when they open the rules list, they land on the one row
    response = client.get("/admin/timebank/timebankrules/")
    assert response.status_code == 302 and response["Location"].endswith("/timebankrules/1/change/")
    page = client.get(response["Location"])
    assert page.status_code == 200
    # and saving a change stores it with who made it
    form = {f: getattr(TimeBankRules.objects.get(pk=1), f) for f in (
        "storage_cap_minutes", "max_service_minutes", "star1_minutes", "star2_minutes", "star3_minutes",
        "star4_minutes", "star5_minutes", "yearly_give_cap_minutes", "redemption_age", "hardship_redemption_age",
        "max_redemption_minutes", "redemption_hold_days", "key_elder_age", "elder_min_age",
        "pool_allotment_minutes")}
    form["storage_cap_minutes"] = 1000 * 60
    saved = client.post("/admin/timebank/timebankrules/1/change/", form)
    assert saved.status_code == 302, saved.content[:2000]
    rules = TimeBankRules.objects.get(pk=1)
    assert (rules.storage_cap_minutes, rules.updated_by_id) == (60000, root.pk)
