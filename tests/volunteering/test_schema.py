"""GraphQL: the browse query's fixed query count, the whole flow, another street refused for every mutation,
bad input → typed error and nothing written."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from graphql_relay import from_global_id

from huzhu.volunteering.models import (
    Attendance,
    GroupReservation,
    MinutesChange,
    ServiceTask,
    TaskClaim,
    TaskStatusChange,
    UsedCheckinToken,
    VolunteeringRules,
)
from huzhu.volunteering.services import issue_token, task_check_in, task_check_out, task_claim
from tests.conftest import gid

from .conftest import make_volunteer, soon

TASKS = """query($first: Int, $filters: ServiceTaskFilter) {
  serviceTasks(first: $first, filters: $filters) {
    totalCount
    edges { node { id title serviceType status urgent slots slotsLeft startsAt endsAt plannedMinutes requiredSkills
      proximity myClaimStatus canManage isLead claimedCount waitlistCount
      region { name } street { name } lead { displayName } household { category tags }
      claims { status volunteer { displayName } attendance { minutes checkInMethod } }
      reservations { organisationName slotsLeft } statusHistory { toStatus at } } }
  }
}"""


def tid(task: Any) -> str:
    return gid(task, "ServiceTask")


def uid(user: Any) -> str:
    return gid(user, "User")


def count_queries(query: str, variables: dict, user: Any) -> tuple[int, Any]:
    """SQL queries of one /graphql request (the login happens before counting)."""
    client = Client()
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.post("/graphql", json.dumps({"query": query, "variables": variables}),
                               content_type="application/json")
    body = response.json()
    assert not body.get("errors"), body
    return len(ctx.captured_queries), body["data"]


@pytest.mark.parametrize("persona", ["bob_volunteer_north", "alice_staff_north"])
def test_it_lists_tasks_with_a_fixed_number_of_queries(request: Any, gql: Any, regions: dict, make_task: Any,
                                                       persona: str) -> None:
    user = request.getfixturevalue(persona)
    others = [make_volunteer(f"v{i}@test.huzhu", regions["north"], regions["north_c1"]) for i in range(3)]

    made = [0]

    def add(n: int) -> None:
        for _i in range(n):
            made[0] += 1
            task = make_task(starts_at=soon(days=2 + made[0]))
            i = made[0]
            for v in others[: i % 3]:
                task_claim(actor=v, task_id=task.id, idempotency_key=f"{task.id}-{v.pk}")

    add(5)
    small, data = count_queries(TASKS, {"first": 100}, user)
    assert data["serviceTasks"]["totalCount"] == 5
    add(25)
    large, data = count_queries(TASKS, {"first": 100}, user)
    assert data["serviceTasks"]["totalCount"] == 30 and len(data["serviceTasks"]["edges"]) == 30
    # session, user, role grants, volunteer profile, count, page, claims, reservations, status history
    assert (small, large) == (9, 9)


def test_it_orders_urgent_first_then_own_community_then_street(gql: Any, regions: dict, make_task: Any,
                                                               bob_volunteer_north: Any) -> None:
    start = soon(days=2)
    far = make_task(region=regions["north_c2"], starts_at=start, title="c2")
    near = make_task(region=regions["north_c1"], starts_at=start + timedelta(hours=5), title="c1")
    urgent = make_task(region=regions["north_c2"], starts_at=start + timedelta(hours=9), title="urgent", urgent=True)
    data = gql(TASKS, {"first": 10}, as_user=bob_volunteer_north)
    titles = [e["node"]["title"] for e in data["serviceTasks"]["edges"]]
    assert titles == [urgent.title, near.title, far.title]
    assert [e["node"]["proximity"] for e in data["serviceTasks"]["edges"]] == ["STREET", "COMMUNITY", "STREET"]
    # filters: type, skill, date
    make_task(region=regions["north_c1"], starts_at=start, title="tutor", service_type="tutoring",
              required_skills=["tutoring"])
    data = gql(TASKS, {"first": 10, "filters": {"serviceType": "tutoring"}}, as_user=bob_volunteer_north)
    assert [e["node"]["title"] for e in data["serviceTasks"]["edges"]] == ["tutor"]
    data = gql(TASKS, {"first": 10, "filters": {"skill": "tutoring"}}, as_user=bob_volunteer_north)
    assert data["serviceTasks"]["totalCount"] == 1
    data = gql(TASKS, {"first": 10, "filters": {"qualifiedOnly": True}}, as_user=bob_volunteer_north)
    assert "tutor" not in [e["node"]["title"] for e in data["serviceTasks"]["edges"]]
    day = (start + timedelta(days=5)).date().isoformat()
    data = gql(TASKS, {"first": 10, "filters": {"dateFrom": day}}, as_user=bob_volunteer_north)
    assert data["serviceTasks"]["totalCount"] == 0


def test_it_hides_claims_from_volunteers_and_other_streets_see_nothing(gql: Any, make_task: Any,
                                                                       bob_volunteer_north: Any,
                                                                       dave_volunteer_south: Any,
                                                                       carol_staff_south: Any) -> None:
    task = make_task()
    task_claim(actor=bob_volunteer_north, task_id=task.id, idempotency_key="b")
    node = gql(TASKS, {"first": 5}, as_user=bob_volunteer_north)["serviceTasks"]["edges"][0]["node"]
    assert node["myClaimStatus"] == "claimed" and node["claims"] == [] and node["claimedCount"] == 1
    for outsider in (dave_volunteer_south, carol_staff_south):
        assert gql(TASKS, {"first": 5}, as_user=outsider)["serviceTasks"]["totalCount"] == 0
        got = gql("query($id: ID!) { serviceTask(id: $id) { id } }", {"id": tid(task)}, as_user=outsider)
        assert got["serviceTask"] is None


CREATE = """mutation($input: ServiceTaskCreateInput!) { serviceTaskCreate(input: $input) {
  task { id status slotsLeft } errors { field code message } } }"""


def create_input(regions: dict, lead: Any, **over: Any) -> dict:
    start = soon(days=3)
    base = {"title": "助餐送餐", "serviceType": "meal_delivery", "regionId": gid(regions["north_c1"], "Region"),
            "startsAt": start.isoformat(), "endsAt": (start + timedelta(hours=1)).isoformat(), "slots": 2,
            "leadId": uid(lead), "requiredSkills": ["meal_delivery"], "openNow": True}
    base.update(over)
    return base


def test_the_whole_flow_through_graphql(gql: Any, regions: dict, alice_staff_north: Any,
                                        sam_social_worker_north: Any) -> None:
    from huzhu.realtime.models import Notification

    vol = make_volunteer("flow@test.huzhu", regions["north"], regions["north_c1"], skills=["meal_delivery"])
    start = soon(minutes=40)
    data = gql(CREATE, {"input": create_input(regions, sam_social_worker_north, startsAt=start.isoformat(),
                                              endsAt=(start + timedelta(hours=1)).isoformat())},
               as_user=alice_staff_north)["serviceTaskCreate"]
    assert data["errors"] == [] and data["task"]["status"] == "open"
    task_id = data["task"]["id"]
    claim = gql("""mutation($t: ID!) { taskClaim(taskId: $t, idempotencyKey: "k-1") {
        claim { status } task { slotsLeft myClaimStatus } errors { code } } }""", {"t": task_id}, as_user=vol)
    assert claim["taskClaim"] == {"claim": {"status": "claimed"},
                                  "task": {"slotsLeft": 1, "myClaimStatus": "claimed"}, "errors": []}
    assert Notification.objects.filter(user=vol, kind="task_claim_confirmed").count() == 1
    qr = gql("""query($t: ID!) { taskCheckinQr(taskId: $t) { qr { token svgDataUri refreshInSeconds }
        errors { code } } }""", {"t": task_id}, as_user=sam_social_worker_north)["taskCheckinQr"]
    assert qr["errors"] == [] and qr["qr"]["svgDataUri"].startswith("data:image/svg+xml")
    checkin = gql("""mutation($token: String!, $t: ID) { taskCheckIn(token: $token, taskId: $t) {
        attendance { checkInMethod } errors { code message } } }""", {"token": qr["qr"]["token"], "t": task_id},
                  as_user=vol)["taskCheckIn"]
    assert checkin == {"attendance": {"checkInMethod": "qr"}, "errors": []}
    replay = gql("""mutation($token: String!) { taskCheckIn(token: $token) { errors { code message } } }""",
                 {"token": qr["qr"]["token"]}, as_user=vol)["taskCheckIn"]
    assert replay["errors"][0]["code"] == "TOKEN_REPLAYED"
    out = gql("""mutation($token: String!) { taskCheckOut(token: $token) { attendance { minutes checkOutMethod }
        errors { code } } }""", {"token": qr["qr"]["token"]}, as_user=vol)["taskCheckOut"]
    assert out["errors"] == [] and out["attendance"]["checkOutMethod"] == "qr"
    confirm = gql("""mutation($t: ID!) { hoursConfirm(taskId: $t) { attendances { minutes confirmedAt }
        task { status } errors { code } } }""", {"t": task_id}, as_user=sam_social_worker_north)["hoursConfirm"]
    assert confirm["errors"] == [] and confirm["task"]["status"] == "completed"
    again = gql("""mutation($t: ID!) { hoursConfirm(taskId: $t) { errors { code message } } }""", {"t": task_id},
                as_user=sam_social_worker_north)["hoursConfirm"]
    assert again["errors"][0]["code"] == "ALREADY_CONFIRMED"
    history = gql("{ myServiceHistory(first: 5) { totalCount edges { node { minutes task { title } } } } }",
                  as_user=vol)["myServiceHistory"]
    assert history["totalCount"] == 1 and history["edges"][0]["node"]["task"]["title"] == "助餐送餐"
    mine = gql("query { myTasks(past: true) { title status } }", as_user=vol)["myTasks"]
    assert mine == [{"title": "助餐送餐", "status": "completed"}]


def snapshot() -> tuple:
    """Everything volunteering writes, to check that a refused mutation changed nothing."""
    return (
        list(ServiceTask.objects.order_by("id").values_list("id", "status", "slots_left", "updated_at")),
        TaskClaim.objects.count(), Attendance.objects.count(), TaskStatusChange.objects.count(),
        GroupReservation.objects.count(), MinutesChange.objects.count(), UsedCheckinToken.objects.count(),
        list(Attendance.objects.values_list("minutes", "confirmed_at", "checked_out_at")),
        list(VolunteeringRules.objects.values_list("max_hours_per_week", "updated_at")),
    )


@pytest.fixture
def north_scene(regions: dict, make_task: Any, bob_volunteer_north: Any, sam_social_worker_north: Any) -> dict:
    """A north task in progress with bob checked in and out, and an open north task with free slots."""
    running = make_task(starts_at=soon(minutes=30))
    task_claim(actor=bob_volunteer_north, task_id=running.id, idempotency_key="b")
    task_check_in(actor=bob_volunteer_north, token=issue_token(running.id), now=running.starts_at)
    task_check_out(actor=bob_volunteer_north, token=issue_token(running.id),
                   now=running.starts_at + timedelta(minutes=60))
    open_task = make_task()
    draft = make_task(open_now=False)
    return {"running": running, "open": open_task, "draft": draft, "token": issue_token(running.id)}


MUTATIONS = [
    ("serviceTaskOpen", 'serviceTaskOpen(taskId: "{draft}")'),
    ("serviceTaskCancel", 'serviceTaskCancel(taskId: "{open}", reason: "x")'),
    ("taskClaim", 'taskClaim(taskId: "{open}", idempotencyKey: "evil")'),
    ("taskWithdraw", 'taskWithdraw(taskId: "{running}")'),
    ("taskCheckIn", 'taskCheckIn(token: "{token}")'),
    ("taskCheckOut", 'taskCheckOut(token: "{token}")'),
    ("taskManualCheckIn", 'taskManualCheckIn(taskId: "{open}", volunteerId: "{bob}")'),
    ("taskManualCheckOut", 'taskManualCheckOut(taskId: "{running}", volunteerId: "{bob}")'),
    ("attendanceAdjust", 'attendanceAdjust(taskId: "{running}", volunteerId: "{bob}", minutes: 5, reason: "x")'),
    ("hoursConfirm", 'hoursConfirm(taskId: "{running}")'),
    ("hoursCorrect", 'hoursCorrect(taskId: "{running}", volunteerId: "{bob}", minutes: 5, reason: "x")'),
    ("groupReservationCreate", 'groupReservationCreate(taskId: "{open}", organisationName: "x", reservedSlots: 1, '
                               'releaseAt: "{release}")'),
    ("volunteeringRulesUpdate", "volunteeringRulesUpdate(input: {{maxHoursPerWeek: 99}})"),
]
REFUSED = {"NOT_FOUND", "PERMISSION_DENIED", "TOKEN_OTHER_TASK"}


@pytest.mark.parametrize("persona", ["carol_staff_south", "dave_volunteer_south", "sara_social_worker_south",
                                     "dora_donor", "rita_reviewer"])
@pytest.mark.parametrize(("name", "call"), MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_another_streets_people_are_refused_for_every_mutation(request: Any, gql: Any, north_scene: dict,
                                                               bob_volunteer_north: Any, persona: str, name: str,
                                                               call: str) -> None:
    # given the north scene and someone of the south street
    user = request.getfixturevalue(persona)
    args = {k: tid(v) for k, v in north_scene.items() if k != "token"}
    args.update(token=north_scene["token"], bob=uid(bob_volunteer_north),
                release=(north_scene["open"].starts_at - timedelta(hours=1)).isoformat())
    before = snapshot()
    # when they call the mutation on north objects
    data = gql("mutation { " + call.format(**args) + " { errors { code field } } }", as_user=user)
    # then a typed refusal, and nothing changed
    errors = data[name]["errors"]
    assert errors and errors[0]["code"] in REFUSED, errors
    assert snapshot() == before


BAD_INPUTS = [
    ({"title": ""}, "REQUIRED", "title"),
    ({"title": "x" * 101}, "TOO_LONG", "title"),
    ({"slots": 0}, "OUT_OF_RANGE", "slots"),
    ({"slots": 10_000}, "OUT_OF_RANGE", "slots"),
    ({"startsAt": soon(days=-1).isoformat()}, "TIME_IN_PAST", "startsAt"),
    ({"endsAt": soon(days=2).isoformat()}, "BAD_TIME_RANGE", "endsAt"),
    ({"requiredSkills": ["x" * 41]}, "INVALID", "requiredSkills"),
    ({"regionId": "not-an-id"}, "NOT_FOUND", "regionId"),
    ({"leadId": "VXNlcjo5OTk5OTk="}, "NOT_FOUND", "leadId"),
    ({"description": "长" * 2001}, "TOO_LONG", "description"),
]


@pytest.mark.parametrize(("over", "code", "field"), BAD_INPUTS, ids=[b[1] + "-" + b[2] for b in BAD_INPUTS])
def test_bad_input_is_a_typed_error_and_writes_nothing(gql: Any, regions: dict, alice_staff_north: Any,
                                                       sam_social_worker_north: Any, over: dict, code: str,
                                                       field: str) -> None:
    data = gql(CREATE, {"input": create_input(regions, sam_social_worker_north, **over)},
               as_user=alice_staff_north)["serviceTaskCreate"]
    assert data["task"] is None
    assert (data["errors"][0]["code"], data["errors"][0]["field"]) == (code, field)
    assert data["errors"][0]["message"]
    assert not ServiceTask.objects.exists() and not TaskStatusChange.objects.exists()


def test_a_lead_must_be_a_social_worker_of_the_place(gql: Any, regions: dict, alice_staff_north: Any,
                                                     bob_volunteer_north: Any, sara_social_worker_south: Any) -> None:
    for lead in (bob_volunteer_north, sara_social_worker_south):
        data = gql(CREATE, {"input": create_input(regions, lead)}, as_user=alice_staff_north)["serviceTaskCreate"]
        assert data["errors"][0]["code"] == "LEAD_NOT_SOCIAL_WORKER"
    assert not ServiceTask.objects.exists()


def test_volunteers_cannot_create_tasks_or_change_rules(gql: Any, regions: dict, bob_volunteer_north: Any,
                                                        sam_social_worker_north: Any, ada_admin: Any) -> None:
    data = gql(CREATE, {"input": create_input(regions, sam_social_worker_north)},
               as_user=bob_volunteer_north)["serviceTaskCreate"]
    assert data["errors"][0]["code"] == "PERMISSION_DENIED"
    rules = """mutation($v: Int) { volunteeringRulesUpdate(input: {maxHoursPerWeek: $v}) {
        rules { maxHoursPerWeek } errors { code field } } }"""
    assert gql(rules, {"v": 10}, as_user=sam_social_worker_north)["volunteeringRulesUpdate"]["errors"][0]["code"] == \
        "PERMISSION_DENIED"
    bad = gql(rules, {"v": 0}, as_user=ada_admin)["volunteeringRulesUpdate"]
    assert bad["errors"][0] == {"code": "OUT_OF_RANGE", "field": "maxHoursPerWeek"}
    ok = gql(rules, {"v": 10}, as_user=ada_admin)["volunteeringRulesUpdate"]
    assert ok == {"rules": {"maxHoursPerWeek": 10}, "errors": []}


@pytest.mark.parametrize("id_type", ["Need", "PublicNeed"])
def test_a_task_for_a_need_takes_its_staff_or_its_public_id(gql: Any, regions: dict, north_household: Any,
                                                           alice_staff_north: Any, sam_social_worker_north: Any,
                                                           carol_staff_south: Any, id_type: str) -> None:
    """The open-needs list gives a social worker PublicNeed ids: publishing one as a task takes it like the
    staff id; the service, community and urgency come from the need; another street's staff learn nothing."""
    from huzhu.households.models import Need, NeedStatus

    from .conftest import service_need

    need = service_need(alice_staff_north, north_household, urgent=True)
    over = {"needId": gid(need, id_type), "serviceType": None, "regionId": None}
    before = ServiceTask.objects.count()
    refused = gql(CREATE, {"input": create_input(regions, sam_social_worker_north, **over)},
                  as_user=carol_staff_south)["serviceTaskCreate"]
    assert refused["task"] is None and refused["errors"][0]["field"] in ("needId", "leadId")
    assert ServiceTask.objects.count() == before
    data = gql(CREATE, {"input": create_input(regions, sam_social_worker_north, **over)},
               as_user=sam_social_worker_north)["serviceTaskCreate"]
    assert data["errors"] == []
    task = ServiceTask.objects.get(pk=int(from_global_id(data["task"]["id"])[1]))
    assert (task.need_id, task.service_type, task.urgent, task.region_id) == (
        need.pk, "home_visit", True, north_household.region_id)
    assert Need.objects.get(pk=need.pk).status == NeedStatus.MATCHED


def test_the_address_query_is_for_the_team_and_audited(gql: Any, make_task: Any, north_household: Any,
                                                       alice_staff_north: Any, bob_volunteer_north: Any,
                                                       dave_volunteer_south: Any) -> None:
    from huzhu.households.models import PersonalDataAccess

    from .conftest import service_need

    task = make_task(need=service_need(alice_staff_north, north_household), region=None)
    query = "query($t: ID!) { taskAddress(taskId: $t) { address errors { code } } }"
    before = PersonalDataAccess.objects.filter(operation="read").count()
    assert gql(query, {"t": tid(task)}, as_user=bob_volunteer_north)["taskAddress"]["errors"][0]["code"] == \
        "NOT_ON_TEAM"
    assert gql(query, {"t": tid(task)}, as_user=dave_volunteer_south)["taskAddress"]["errors"][0]["code"] == \
        "NOT_FOUND"
    assert PersonalDataAccess.objects.filter(operation="read").count() == before
    task_claim(actor=bob_volunteer_north, task_id=task.id, idempotency_key="b")
    got = gql(query, {"t": tid(task)}, as_user=bob_volunteer_north)["taskAddress"]
    assert got == {"address": "北街道梧桐路88弄7号302室", "errors": []}
    assert PersonalDataAccess.objects.filter(operation="read").count() == before + 1


def test_the_dashboard_query(gql: Any, regions: dict, alice_staff_north: Any, carol_staff_south: Any) -> None:
    query = """query($r: ID!) { volunteeringDashboard(regionId: $r) { total { keyHouseholds ratePercent }
        communities { region { code } ratePercent } hours { region { code } minutes } overdueCount } }"""
    data = gql(query, {"r": gid(regions["north"], "Region")}, as_user=alice_staff_north)["volunteeringDashboard"]
    assert data["total"] == {"keyHouseholds": 0, "ratePercent": 100}
    assert [c["region"]["code"] for c in data["communities"]] == ["t-north-c1", "t-north-c2"]
    body = gql.raw(query, {"r": gid(regions["north"], "Region")}, as_user=carol_staff_south)
    assert body["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"
