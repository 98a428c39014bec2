"""The authorization matrix, generated: every role × every households query and mutation × its own street and
another street. Each cell asserts the expected answer (allowed or refused), that a refused mutation wrote
nothing, and that no response leaks personal data or a household it should not show.

Every persona holds its one role at the NORTH street (so "another street" is the south street for all of
them); "anonymous" is not signed in. The expected table is declared once, below, from DESIGN.md:
- full view (households, household, householdPersonalData, needs, overdueVisits, householdVisits, myVisits):
  staff, social workers, administrators of the area;
- anonymised open needs: every signed-in role in its area;
- writes: staff and administrators; social workers may also open needs and record visits.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from huzhu.households.models import (
    Household,
    HouseholdMember,
    Need,
    NeedStatusChange,
    PersonalDataAccess,
    Visit,
)
from tests.conftest import gid, make_user
from tests.households.conftest import id_number, register

ROLES = ["administrator", "workstation_staff", "social_worker", "volunteer", "donor", "foundation_reviewer",
         "anonymous"]
FULL = {"administrator", "workstation_staff", "social_worker"}
MANAGE = {"administrator", "workstation_staff"}
PUBLIC = set(ROLES) - {"anonymous"}

PERSONAL = {
    "north": {"head": "司马北辰", "phone": "13966660001", "address": "北街道望海路101弄1号", "member": "司马小北"},
    "south": {"head": "上官南风", "phone": "13966660002", "address": "南街道听雨路202弄2号", "member": "上官小南"},
}


@dataclass
class World:
    households: dict[str, Any]  # street → household
    needs: dict[str, Any]  # street → open need
    regions: dict[str, Any]
    id_numbers: dict[str, str]

    def secrets(self, street: str) -> list[str]:
        return [*PERSONAL[street].values(), self.id_numbers[street]]

    def snapshot(self) -> dict[str, Any]:
        """What a refused mutation must leave unchanged."""
        return {
            "households": list(Household.objects.order_by("id").values_list(
                "id", "category", "tags", "region_id", "economic_check_status", "updated_at")),
            "members": HouseholdMember.objects.count(),
            "needs": list(Need.objects.order_by("id").values_list("id", "status", "quantity", "urgent",
                                                                  "updated_at")),
            "history": NeedStatusChange.objects.count(),
            "visits": Visit.objects.count(),
            "audit": PersonalDataAccess.objects.count(),
            "personal": list(Household.objects.order_by("id").values_list("personal__updated_at", flat=True)),
        }


@pytest.fixture
def world(regions: dict[str, Any], workstations: dict[str, Any]) -> World:
    households, needs, numbers = {}, {}, {}
    from huzhu.households.services import need_create

    for street, community in (("north", "north_c1"), ("south", "south_c1")):
        registrar = make_user(f"registrar.{street}@test.huzhu", ("workstation_staff", regions[street]))
        numbers[street] = id_number()
        p = PERSONAL[street]
        households[street] = register(
            registrar, regions[community], head_name=p["head"], id_no=numbers[street], phone=p["phone"],
            address=p["address"], member_names=[p["head"], p["member"]], tags=["elderly_alone"],
        )
        needs[street] = need_create(actor=registrar, household=households[street], kind="goods",
                                    goods_category="food", goods_item="大米", quantity=2,
                                    description="家中缺米")
    return World(households=households, needs=needs, regions=regions, id_numbers=numbers)


def persona(role: str, regions: dict[str, Any], workstations: dict[str, Any]) -> Any:
    if role == "anonymous":
        return None
    user = make_user(f"{role}.north@test.huzhu", (role, regions["north"]))
    if role == "social_worker":
        from huzhu.people.models import SocialWorkerProfile

        SocialWorkerProfile.objects.create(user=user, workstation=workstations["north"])
    return user


# --- operations: each sends its request and says whether the target was shown / changed ---------------------


@dataclass
class Op:
    name: str
    allowed_roles: set[str]
    run: Callable[[Any, Any, World, str], tuple[bool, dict[str, Any]]]
    writes: bool = False


def _ids(body: dict[str, Any], field: str) -> set[str]:
    data = (body.get("data") or {}).get(field) or {}
    return {e["node"]["id"] for e in data.get("edges", [])}


def _payload_ok(body: dict[str, Any], field: str, result: str) -> bool:
    payload = (body.get("data") or {}).get(field)
    return bool(payload) and payload["errors"] == [] and payload.get(result) is not None


def q_households(gql: Any, user: Any, w: World, street: str) -> tuple[bool, dict[str, Any]]:
    body = gql.raw("query { households(first: 50) { edges { node { id category members { relation } } } } }",
                   as_user=user)
    return gid(w.households[street], "Household") in _ids(body, "households"), body


def q_household(gql: Any, user: Any, w: World, street: str) -> tuple[bool, dict[str, Any]]:
    body = gql.raw("query($id: ID!) { household(id: $id) { id category needs { id description } } }",
                   {"id": gid(w.households[street], "Household")}, as_user=user)
    return bool((body.get("data") or {}).get("household")), body


def q_personal(gql: Any, user: Any, w: World, street: str) -> tuple[bool, dict[str, Any]]:
    before = PersonalDataAccess.objects.filter(operation="read").count()
    body = gql.raw("""query($id: ID!) { householdPersonalData(id: $id, purpose: "matrix") {
        personalData { headName idNumber phone address memberNames } errors { code } } }""",
                   {"id": gid(w.households[street], "Household")}, as_user=user)
    payload = (body.get("data") or {}).get("householdPersonalData") or {}
    allowed = bool(payload.get("personalData"))
    # exactly one audit row per allowed read, none for a refused one
    assert PersonalDataAccess.objects.filter(operation="read").count() == before + (1 if allowed else 0)
    return allowed, body


def q_needs(gql: Any, user: Any, w: World, street: str) -> tuple[bool, dict[str, Any]]:
    body = gql.raw("query { needs(first: 50) { edges { node { id description household { id } } } } }",
                   as_user=user)
    return gid(w.needs[street], "Need") in _ids(body, "needs"), body


def q_open_needs(gql: Any, user: Any, w: World, street: str) -> tuple[bool, dict[str, Any]]:
    body = gql.raw("""query { openNeeds(first: 50) { edges { node { id kind goodsItem quantity household {
        id category tags headAgeBand communityName } } } } }""", as_user=user)
    return gid(w.needs[street], "PublicNeed") in _ids(body, "openNeeds"), body


def q_overdue(gql: Any, user: Any, w: World, street: str) -> tuple[bool, dict[str, Any]]:
    body = gql.raw("query { overdueVisits { community { name } households { id } } }", as_user=user)
    groups = (body.get("data") or {}).get("overdueVisits") or []
    ids = {h["id"] for g in groups for h in g["households"]}
    return gid(w.households[street], "Household") in ids, body


def q_household_visits(gql: Any, user: Any, w: World, street: str) -> tuple[bool, dict[str, Any]]:
    visitor = make_user(f"visitor.{street}.{Visit.objects.count()}@test.huzhu")
    Visit.objects.create(household=w.households[street], visitor=visitor, visited_at=timezone.now(),
                         notes=f"matrix visit {street}")
    before = PersonalDataAccess.objects.filter(fields=["visit_notes"]).count()
    body = gql.raw("""query($id: ID!) { householdVisits(householdId: $id, first: 10) {
        edges { node { id notes householdId } } } }""", {"id": gid(w.households[street], "Household")}, as_user=user)
    edges = ((body.get("data") or {}).get("householdVisits") or {}).get("edges") or []
    allowed = any(e["node"]["notes"] == f"matrix visit {street}" for e in edges)
    # one audit row per allowed read, none for a refused one
    assert PersonalDataAccess.objects.filter(fields=["visit_notes"]).count() == before + (1 if allowed else 0)
    return allowed, body


def q_my_visits(gql: Any, user: Any, w: World, street: str) -> tuple[bool, dict[str, Any]]:
    if user is not None:  # a visit of theirs to the target household (written directly: whoever they are)
        Visit.objects.create(household=w.households[street], visitor=user, visited_at=timezone.now(), notes="mine")
    body = gql.raw("query { myVisits(first: 10) { edges { node { id notes householdId } } } }", as_user=user)
    edges = ((body.get("data") or {}).get("myVisits") or {}).get("edges") or []
    return any(e["node"]["householdId"] == gid(w.households[street], "Household") for e in edges), body


def m_register(gql: Any, user: Any, w: World, street: str) -> tuple[bool, dict[str, Any]]:
    body = gql.raw("""mutation($r: ID!, $n: String!) { householdRegister(regionId: $r, category: minimum_living,
        members: [{relation: head, ageBand: age_60_69}], headName: "新户主", idNumber: $n, address: "某路1号") {
        household { id } errors { code } } }""",
                   {"r": gid(w.regions[f"{street}_c2"], "Region"), "n": id_number()}, as_user=user)
    return _payload_ok(body, "householdRegister", "household"), body


def m_update(gql: Any, user: Any, w: World, street: str) -> tuple[bool, dict[str, Any]]:
    body = gql.raw("""mutation($id: ID!) { householdUpdate(id: $id, category: extreme_poverty, tags: [dementia]) {
        household { id category } errors { code } } }""", {"id": gid(w.households[street], "Household")},
                   as_user=user)
    return _payload_ok(body, "householdUpdate", "household"), body


def m_personal_update(gql: Any, user: Any, w: World, street: str) -> tuple[bool, dict[str, Any]]:
    body = gql.raw("""mutation($id: ID!) { householdPersonalDataUpdate(id: $id, phone: "13911119999") {
        household { id } errors { code } } }""", {"id": gid(w.households[street], "Household")}, as_user=user)
    return _payload_ok(body, "householdPersonalDataUpdate", "household"), body


def m_need_create(gql: Any, user: Any, w: World, street: str) -> tuple[bool, dict[str, Any]]:
    body = gql.raw("""mutation($id: ID!) { needCreate(householdId: $id, kind: money, amountFen: "5000") {
        need { id } errors { code } } }""", {"id": gid(w.households[street], "Household")}, as_user=user)
    return _payload_ok(body, "needCreate", "need"), body


def m_need_update(gql: Any, user: Any, w: World, street: str) -> tuple[bool, dict[str, Any]]:
    body = gql.raw("""mutation($id: ID!) { needUpdate(id: $id, quantity: 5, urgent: true) {
        need { id quantity } errors { code } } }""", {"id": gid(w.needs[street], "Need")}, as_user=user)
    return _payload_ok(body, "needUpdate", "need"), body


def m_need_status(gql: Any, user: Any, w: World, street: str) -> tuple[bool, dict[str, Any]]:
    body = gql.raw("""mutation($id: ID!) { needUpdateStatus(id: $id, status: closed, note: "matrix") {
        need { id status } errors { code } } }""", {"id": gid(w.needs[street], "Need")}, as_user=user)
    return _payload_ok(body, "needUpdateStatus", "need"), body


def m_visit(gql: Any, user: Any, w: World, street: str) -> tuple[bool, dict[str, Any]]:
    body = gql.raw("""mutation($id: ID!, $at: DateTime!) { visitRecord(householdId: $id, visitedAt: $at) {
        visit { id } errors { code } } }""",
                   {"id": gid(w.households[street], "Household"), "at": timezone.now().isoformat()}, as_user=user)
    return _payload_ok(body, "visitRecord", "visit"), body


OPERATIONS = [
    Op("households", FULL, q_households),
    Op("household", FULL, q_household),
    Op("householdPersonalData", FULL, q_personal),
    Op("needs", FULL, q_needs),
    Op("openNeeds", PUBLIC, q_open_needs),
    Op("overdueVisits", FULL, q_overdue),
    Op("householdVisits", FULL, q_household_visits),
    Op("myVisits", FULL, q_my_visits),
    Op("householdRegister", MANAGE, m_register, writes=True),
    Op("householdUpdate", MANAGE, m_update, writes=True),
    Op("householdPersonalDataUpdate", MANAGE, m_personal_update, writes=True),
    Op("needCreate", FULL, m_need_create, writes=True),
    Op("needUpdate", MANAGE, m_need_update, writes=True),
    Op("needUpdateStatus", MANAGE, m_need_status, writes=True),
    Op("visitRecord", FULL, m_visit, writes=True),
]
CELLS = [(role, op, street) for op in OPERATIONS for role in ROLES for street in ("own", "other")]


def test_the_matrix_covers_every_households_field_of_the_schema() -> None:
    """A new households query or mutation must be added to the matrix (this fails until it is)."""
    from huzhu.households.schema import Mutation, Query

    fields = set(Query._meta.fields) | set(Mutation._meta.fields)
    camel = {"".join(p if i == 0 else p.capitalize() for i, p in enumerate(f.split("_"))) for f in fields}
    assert camel == {op.name for op in OPERATIONS}


@pytest.mark.parametrize(("role", "op", "street"), CELLS,
                         ids=[f"{r}-{o.name}-{s}" for r, o, s in CELLS])
def test_authorization_matrix(
    gql: Any, world: World, regions: dict[str, Any], workstations: dict[str, Any], role: str, op: Op, street: str
) -> None:
    # given a persona holding `role` at the north street, and a household with an open need in each street
    user = persona(role, regions, workstations)
    target = "north" if street == "own" else "south"
    expected = role in op.allowed_roles and street == "own"
    before = world.snapshot()
    # when it sends the operation against its own street's or the other street's household
    allowed, body = op.run(gql, user, world, target)
    # then it is allowed exactly where the table says
    assert allowed == expected, json.dumps(body, ensure_ascii=False)[:500]
    if role == "anonymous":
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    # and a refused write changed nothing
    if op.writes and not expected:
        assert world.snapshot() == before
    # and no response leaks: never the other street's personal data; personal data of one's own street only
    # from householdPersonalData when allowed; a refused cell names no household of the target's
    text = json.dumps(body, ensure_ascii=False)
    for secret in world.secrets("south"):
        assert secret not in text
    if not (op.name == "householdPersonalData" and expected):
        for secret in world.secrets("north"):
            assert secret not in text
    if not expected:
        assert gid(world.households[target], "Household") not in text
        assert gid(world.needs[target], "Need") not in text
        assert gid(world.needs[target], "PublicNeed") not in text
