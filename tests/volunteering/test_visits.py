"""Monthly visits (月探访): the job plans each key-group household once a month; month-end reminders; the
dashboard against hand-counted fixtures."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from huzhu.core.errors import ServiceError
from huzhu.volunteering.models import Attendance, MonthlyVisit, ServiceTask, TaskClaim
from huzhu.volunteering.selectors import volunteering_dashboard
from huzhu.volunteering.services import hours_confirm, monthly_visit_reminders, monthly_visits_plan

from .conftest import make_volunteer, register_household, soon
from .test_hours import served


def visit(actor: Any, household: Any, at: datetime) -> None:
    from huzhu.households.services import visit_record

    visit_record(actor=actor, household=household, visited_at=at, notes="探访")


def month_start_dt() -> datetime:
    today = timezone.localdate()
    return datetime.combine(today.replace(day=1), time.min, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def households(regions: dict, workstations: dict, alice_staff_north: Any, carol_staff_south: Any) -> dict[str, Any]:
    """Hand-counted: north c1 has 3 key-group households (2 visited this month) and 1 other; north c2 has 2 key
    (one visited only last month, one in a grid never visited); south c1 has 1 key, visited this month."""
    now = timezone.now()
    last_month = month_start_dt() - timedelta(days=3)
    h = {
        "n1a": register_household(alice_staff_north, regions["north_c1"], tags=["elderly_alone"]),
        "n1b": register_household(alice_staff_north, regions["north_c1"], tags=["dementia", "empty_nest"]),
        "n1c": register_household(alice_staff_north, regions["north_c1"], tags=["severe_disability"]),
        "n1_other": register_household(alice_staff_north, regions["north_c1"], tags=["poor_student"]),
        "n2a": register_household(alice_staff_north, regions["north_c2"], tags=["child_in_difficulty"]),
        "n2b": register_household(alice_staff_north, regions["north_c2_g1"], tags=["disabled_elderly"]),
        "s1a": register_household(carol_staff_south, regions["south_c1"], tags=["elderly_alone"]),
    }
    visit(alice_staff_north, h["n1a"], now - timedelta(minutes=5))
    visit(alice_staff_north, h["n1b"], now - timedelta(minutes=5))
    visit(alice_staff_north, h["n1b"], now - timedelta(minutes=4))  # two visits still count once
    visit(alice_staff_north, h["n2a"], last_month)
    visit(alice_staff_north, h["n1_other"], now - timedelta(minutes=5))
    visit(carol_staff_south, h["s1a"], now - timedelta(minutes=5))
    return h


def test_it_plans_one_visit_per_unvisited_key_household_and_is_idempotent(
        regions: dict, households: dict, sam_social_worker_north: Any, sara_social_worker_south: Any) -> None:
    # when the monthly job runs
    planned = monthly_visits_plan()
    # then the three key-group households not visited this month get one open visit task each
    assert planned == 3
    tasks = {t.household_id: t for t in ServiceTask.objects.filter(source="monthly_visit")}
    assert set(tasks) == {households["n1c"].id, households["n2a"].id, households["n2b"].id}
    for task in tasks.values():
        assert (task.status, task.slots, task.lead_id, task.service_type) == (
            "open", 1, sam_social_worker_north.pk, "home_visit")
        assert task.starts_at > timezone.now()
    assert tasks[households["n2b"].id].region_id == regions["north_c2"].id  # the grid's community
    # and running it again (the daily run) creates nothing more
    assert monthly_visits_plan() == 0
    assert MonthlyVisit.objects.count() == 3
    assert ServiceTask.objects.count() == 3


def test_it_skips_a_household_already_planned_this_month_even_if_its_task_was_cancelled(
        households: dict, sam_social_worker_north: Any) -> None:
    from huzhu.volunteering.services import service_task_cancel

    monthly_visits_plan()
    task = ServiceTask.objects.get(household=households["n1c"])
    service_task_cancel(actor=sam_social_worker_north, task_id=task.id)
    assert monthly_visits_plan() == 0


def test_it_reminds_the_communitys_social_workers_near_month_end_once_a_day(
        households: dict, sam_social_worker_north: Any, sara_social_worker_south: Any) -> None:
    from huzhu.realtime.models import Notification

    today = timezone.localdate()
    month_end = (today.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    # early in the month: nothing
    assert monthly_visit_reminders(today=today.replace(day=1)) == 0
    # two days before the end: sam for north c1 (1 due) and north c2 (2 due); south has none due
    assert monthly_visit_reminders(today=month_end - timedelta(days=1)) == 2
    assert monthly_visit_reminders(today=month_end - timedelta(days=1)) == 0
    bodies = sorted(Notification.objects.filter(user=sam_social_worker_north, kind="monthly_visit_reminder")
                    .values_list("data", flat=True), key=lambda d: d["due"])
    assert [d["due"] for d in bodies] == [1, 2]
    assert not Notification.objects.filter(user=sara_social_worker_south, kind="monthly_visit_reminder").exists()


def test_dashboard_matches_the_hand_counted_fixture(regions: dict, households: dict, make_task: Any,
                                                    sam_social_worker_north: Any, bob_volunteer_north: Any,
                                                    alice_staff_north: Any, ada_admin: Any) -> None:
    # given bob served 60 and ann 30 confirmed minutes this month on two north tasks, and an old confirmed
    # attendance from last month that must not count
    ann = make_volunteer("ann@test.huzhu", regions["north"], regions["north_c2"])
    t1 = make_task(starts_at=soon(minutes=30))
    served(t1, bob_volunteer_north, 60)
    hours_confirm(actor=sam_social_worker_north, task_id=t1.id)
    t2 = make_task(starts_at=soon(minutes=20), ends_at=soon(minutes=25), region=regions["north_c2"])
    served(t2, ann, 30)
    hours_confirm(actor=sam_social_worker_north, task_id=t2.id)
    old = make_task(starts_at=soon(days=3))
    claim = TaskClaim.objects.create(task=old, volunteer=ann, idempotency_key="old")
    long_ago = month_start_dt() - timedelta(days=2)
    Attendance.objects.create(claim=claim, task=old, volunteer=ann, checked_in_at=long_ago, check_in_method="qr",
                              checked_in_by=ann, checked_out_at=long_ago + timedelta(hours=1), minutes=60,
                              confirmed_at=long_ago, credited_minutes=60, confirmed_by=sam_social_worker_north)

    board = volunteering_dashboard(actor=alice_staff_north, region=regions["north"], month=timezone.localdate())
    rates = {r.region.code: (r.key_households, r.visited, r.rate_percent) for r in board.communities}
    assert rates == {"t-north-c1": (3, 2, 66), "t-north-c2": (2, 0, 0)}
    assert [(r.region.code, r.key_households, r.visited, r.rate_percent) for r in board.streets] == [
        ("t-north", 5, 2, 40)]
    assert board.overdue_count == 3
    assert {o.household_id for o in board.overdue} == {households[k].id for k in ("n1c", "n2a", "n2b")}
    assert board.overdue[-1].household_id == households["n2a"].id  # visited last month: least overdue, last
    assert [(h.region.code, h.minutes, h.active_volunteers, h.tasks_served) for h in board.hours] == [
        ("t-north", 90, 2, 2)]
    assert (board.minutes_total, board.active_volunteers) == (90, 2)

    district = volunteering_dashboard(actor=ada_admin, region=regions["district"], month=timezone.localdate())
    assert [(r.region.code, r.key_households, r.visited) for r in district.streets] == [
        ("t-north", 5, 2), ("t-south", 1, 1)]
    assert (district.total.key_households, district.total.visited, district.total.rate_percent) == (6, 3, 50)


def test_dashboard_is_refused_to_another_street_and_to_volunteers(regions: dict, households: dict,
                                                                  carol_staff_south: Any,
                                                                  bob_volunteer_north: Any) -> None:
    for actor in (carol_staff_south, bob_volunteer_north):
        with pytest.raises(ServiceError) as exc:
            volunteering_dashboard(actor=actor, region=regions["north"], month=timezone.localdate())
        assert exc.value.code == "PERMISSION_DENIED"
