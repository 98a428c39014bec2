"""Matching over GraphQL: the review queue with explanations, decisions with typed errors, scoping, rounds."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from huzhu.matching.models import MatchProposal
from huzhu.matching.services import propose_for_need
from tests.conftest import gid
from tests.matching.conftest import make_need, receive

QUEUE = """query($status: MatchProposalStatus) { matchProposals(first: 50, status: $status) { totalCount
  edges { node { id score status supplyKind supplyLabel explanation regionName
                 components { code points label } need { id urgent } } } } }"""
ACCEPT = """mutation($id: ID!) { matchProposalAccept(proposalId: $id) { proposal { status }
  errors { field code message } } }"""
REJECT = """mutation($id: ID!, $r: String!) { matchProposalReject(proposalId: $id, reason: $r) {
  proposal { status reason } nextProposal { id supplyLabel } errors { field code message } } }"""


def test_staff_see_their_queue_with_explanations(gql: Any, regions: Any, workstations: Any, north_stock: Any,
                                                alice_staff_north: Any, carol_staff_south: Any) -> None:
    need = make_need(regions["north_c1"], workstations["north"], goods_item="棉被", urgent=True)
    propose_for_need(need_id=need.pk)
    data = gql(QUEUE, {"status": "proposed"}, as_user=alice_staff_north)["matchProposals"]
    assert data["totalCount"] == 1
    node = data["edges"][0]["node"]
    assert node["score"] == sum(c["points"] for c in node["components"])
    assert "Urgent" in node["explanation"] or "救急难" in node["explanation"]
    assert node["supplyLabel"].startswith("棉被 × 1")
    # another street's staff see nothing
    assert gql(QUEUE, {}, as_user=carol_staff_south)["matchProposals"]["totalCount"] == 0


def test_donors_and_volunteers_see_no_proposals(gql: Any, regions: Any, workstations: Any, north_stock: Any,
                                               dora_donor: Any, bob_volunteer_north: Any) -> None:
    propose_for_need(need_id=make_need(regions["north_c1"], workstations["north"], goods_item="棉被").pk)
    for user in (dora_donor, bob_volunteer_north):
        assert gql(QUEUE, {}, as_user=user)["matchProposals"]["totalCount"] == 0


def test_the_queue_runs_a_fixed_number_of_queries(gql: Any, regions: Any, workstations: Any, north_stock: Any,
                                                 alice_staff_north: Any) -> None:
    def run() -> int:
        with CaptureQueriesContext(connection) as ctx:
            gql(QUEUE, {}, as_user=alice_staff_north)
        return len(ctx.captured_queries)

    propose_for_need(need_id=make_need(regions["north_c1"], workstations["north"], goods_item="棉被").pk)
    one = run()
    for _ in range(5):
        propose_for_need(need_id=make_need(regions["north_c2"], workstations["north"], goods_item="毛衣").pk)
    assert MatchProposal.objects.count() >= 3
    assert run() == one


def test_accept_and_a_second_accept_gets_a_typed_error(gql: Any, regions: Any, workstations: Any, north_stock: Any,
                                                      alice_staff_north: Any) -> None:
    proposal = propose_for_need(need_id=make_need(regions["north_c1"], workstations["north"], goods_item="棉被").pk)
    first = gql(ACCEPT, {"id": gid(proposal, "MatchProposal")}, as_user=alice_staff_north)["matchProposalAccept"]
    assert first == {"proposal": {"status": "accepted"}, "errors": []}
    second = gql(ACCEPT, {"id": gid(proposal, "MatchProposal")}, as_user=alice_staff_north)["matchProposalAccept"]
    assert second["proposal"] is None
    assert second["errors"][0]["code"] == "NOT_PROPOSED"


def test_another_streets_staff_get_not_found(gql: Any, regions: Any, workstations: Any, north_stock: Any,
                                            carol_staff_south: Any) -> None:
    proposal = propose_for_need(need_id=make_need(regions["north_c1"], workstations["north"], goods_item="棉被").pk)
    for query, variables in ((ACCEPT, {}), (REJECT, {"r": "no"})):
        body = gql(query, {"id": gid(proposal, "MatchProposal"), **variables}, as_user=carol_staff_south)
        payload = next(iter(body.values()))
        assert payload["errors"][0]["code"] == "NOT_FOUND"
    assert MatchProposal.objects.get(pk=proposal.pk).status == "proposed"


def test_bad_ids_are_typed_errors(gql: Any, alice_staff_north: Any) -> None:
    for bad in ("not-an-id", gid(alice_staff_north, "User"), gid(type("X", (), {"pk": 999999})(), "MatchProposal")):
        payload = gql(ACCEPT, {"id": bad}, as_user=alice_staff_north)["matchProposalAccept"]
        assert payload["errors"][0]["code"] in ("INVALID", "NOT_FOUND")


def test_reject_returns_the_next_candidate(gql: Any, regions: Any, workstations: Any, north_stock: Any,
                                          alice_staff_north: Any) -> None:
    proposal = propose_for_need(need_id=make_need(regions["north_c1"], workstations["north"], goods_item="冬衣").pk)
    data = gql(REJECT, {"id": gid(proposal, "MatchProposal"), "r": "尺码不合"},
               as_user=alice_staff_north)["matchProposalReject"]
    assert data["errors"] == []
    assert data["proposal"] == {"status": "rejected", "reason": "尺码不合"}
    assert data["nextProposal"] is not None


def test_a_round_proposes_the_optimal_assignment(gql: Any, regions: Any, workstations: Any,
                                                alice_staff_north: Any) -> None:
    # given 2 quilts and 3 quilt needs, one urgent
    receive(alice_staff_north, workstations["north"], "clothes_bedding/quilt", 2)
    needs = [make_need(regions["north_c1"], workstations["north"], goods_item="棉被", urgent=(i == 0))
             for i in range(3)]
    data = gql("""mutation($r: ID!) { matchRoundRun(regionId: $r) { round { needs supplies proposed totalScore
                 greedyScore } errors { code } } }""", {"r": gid(regions["north"], "Region")},
               as_user=alice_staff_north)["matchRoundRun"]
    assert data["errors"] == []
    assert data["round"]["proposed"] == 2 and data["round"]["needs"] == 3
    assert data["round"]["totalScore"] >= data["round"]["greedyScore"]
    assert MatchProposal.objects.filter(need=needs[0], status="proposed").exists()


def test_rules_update_needs_an_administrator(gql: Any, alice_staff_north: Any, ada_admin: Any) -> None:
    query = """mutation($w: JSONString) { matchingRulesUpdate(weights: $w, monthlyCapPerHousehold: 2) {
                 rules { monthlyCapPerHousehold weights } errors { code field } } }"""
    denied = gql(query, {"w": '{"urgent": 50}'}, as_user=alice_staff_north)["matchingRulesUpdate"]
    assert denied["errors"][0]["code"] == "PERMISSION_DENIED"
    ok = gql(query, {"w": '{"urgent": 50}'}, as_user=ada_admin)["matchingRulesUpdate"]
    assert ok["errors"] == [] and ok["rules"]["monthlyCapPerHousehold"] == 2
    assert '"urgent": 50' in ok["rules"]["weights"]
