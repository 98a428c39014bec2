"""QR check-in/out (码上办): expiry, replay, another task's code; manual check-in; minutes; auto check-out;
no-shows and suspension."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest

from huzhu.core.errors import ServiceError
from huzhu.volunteering.models import Attendance, MinutesChange, ServiceTask, Suspension, TaskClaim, UsedCheckinToken
from huzhu.volunteering.services import (
    attendance_adjust,
    attendance_auto_checkout,
    issue_token,
    task_check_in,
    task_check_out,
    task_checkin_qr,
    task_claim,
    task_close_attendance,
    task_manual_check_in,
    volunteering_rules_update,
)

from .conftest import make_volunteer, soon


def code_of(fn: Any, **kwargs: Any) -> str:
    with pytest.raises(ServiceError) as exc:
        fn(**kwargs)
    return exc.value.code


@pytest.fixture
def on_task(make_task: Any, bob_volunteer_north: Any) -> Any:
    """A 2-hour task starting in 30 minutes (check-in is open), bob on it."""
    task = make_task(starts_at=soon(minutes=30))
    task_claim(actor=bob_volunteer_north, task_id=task.id, idempotency_key="bob")
    return task


def test_it_shows_the_qr_code_to_the_lead_only(on_task: Any, sam_social_worker_north: Any,
                                               alice_staff_north: Any, bob_volunteer_north: Any) -> None:
    qr = task_checkin_qr(actor=sam_social_worker_north, task_id=on_task.id)
    assert qr.svg_data_uri.startswith("data:image/svg+xml")
    assert qr.refresh_in_seconds == 60
    assert code_of(task_checkin_qr, actor=alice_staff_north, task_id=on_task.id) == "NOT_LEAD"
    assert code_of(task_checkin_qr, actor=bob_volunteer_north, task_id=on_task.id) == "NOT_LEAD"


def test_it_checks_in_by_qr_and_starts_the_task(on_task: Any, sam_social_worker_north: Any,
                                                bob_volunteer_north: Any) -> None:
    token = task_checkin_qr(actor=sam_social_worker_north, task_id=on_task.id).token
    attendance = task_check_in(actor=bob_volunteer_north, token=token)
    assert attendance.check_in_method == "qr" and attendance.checked_in_by_id == bob_volunteer_north.pk
    on_task.refresh_from_db()
    assert on_task.status == ServiceTask.Status.IN_PROGRESS


def test_it_refuses_a_replayed_code(on_task: Any, sam_social_worker_north: Any, bob_volunteer_north: Any) -> None:
    token = task_checkin_qr(actor=sam_social_worker_north, task_id=on_task.id).token
    task_check_in(actor=bob_volunteer_north, token=token)
    # the same code again, for check-in: replayed (not merely "already checked in")
    assert code_of(task_check_in, actor=bob_volunteer_north, token=token) == "TOKEN_REPLAYED"
    # the same code once for check-out is a different action; a second check-out with it is replayed
    task_check_out(actor=bob_volunteer_north, token=token)
    assert code_of(task_check_out, actor=bob_volunteer_north, token=token) == "TOKEN_REPLAYED"
    assert UsedCheckinToken.objects.filter(volunteer=bob_volunteer_north).count() == 2


def test_it_refuses_an_expired_code_and_writes_nothing(on_task: Any, bob_volunteer_north: Any) -> None:
    token = issue_token(on_task.id, at=time.time() - 121)
    assert code_of(task_check_in, actor=bob_volunteer_north, token=token) == "TOKEN_EXPIRED"
    assert not Attendance.objects.exists() and not UsedCheckinToken.objects.exists()
    # a code from 100 seconds ago still works (the screen rotates every minute, scans take a moment)
    task_check_in(actor=bob_volunteer_north, token=issue_token(on_task.id, at=time.time() - 100))


def test_it_refuses_another_tasks_code(on_task: Any, make_task: Any, bob_volunteer_north: Any,
                                       sam_social_worker_north: Any) -> None:
    other = make_task(starts_at=soon(minutes=20), ends_at=soon(minutes=25))
    other_token = task_checkin_qr(actor=sam_social_worker_north, task_id=other.id).token
    # bob is not on the other task
    assert code_of(task_check_in, actor=bob_volunteer_north, token=other_token) == "TOKEN_OTHER_TASK"
    # and scanning from his own task's page, a code of another task is refused before anything else
    assert code_of(task_check_in, actor=bob_volunteer_north, token=other_token,
                   task_id=on_task.id) == "TOKEN_OTHER_TASK"
    assert not Attendance.objects.exists()


def test_it_refuses_a_forged_code(on_task: Any, bob_volunteer_north: Any) -> None:
    token = issue_token(on_task.id)
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    assert code_of(task_check_in, actor=bob_volunteer_north, token=forged) == "TOKEN_INVALID"
    assert code_of(task_check_in, actor=bob_volunteer_north, token="x" * 400) == "TOKEN_INVALID"


def test_it_refuses_check_in_long_before_the_start(make_task: Any, bob_volunteer_north: Any) -> None:
    task = make_task(starts_at=soon(hours=5))
    task_claim(actor=bob_volunteer_north, task_id=task.id, idempotency_key="b")
    assert code_of(task_check_in, actor=bob_volunteer_north, token=issue_token(task.id)) == "CHECKIN_NOT_OPEN"


def test_it_caps_minutes_at_the_planned_length_plus_tolerance(on_task: Any, bob_volunteer_north: Any) -> None:
    # given check-in at the start and check-out 5 hours later on a 2-hour task (tolerance 30 minutes)
    task_check_in(actor=bob_volunteer_north, token=issue_token(on_task.id), now=on_task.starts_at)
    attendance = task_check_out(actor=bob_volunteer_north, token=issue_token(on_task.id),
                                now=on_task.starts_at + timedelta(hours=5))
    assert attendance.minutes == 150


def test_it_counts_minutes_served_when_within_the_plan(on_task: Any, bob_volunteer_north: Any) -> None:
    task_check_in(actor=bob_volunteer_north, token=issue_token(on_task.id), now=on_task.starts_at)
    attendance = task_check_out(actor=bob_volunteer_north, token=issue_token(on_task.id),
                                now=on_task.starts_at + timedelta(minutes=95, seconds=59))
    assert attendance.minutes == 95


def test_it_records_a_manual_check_in_as_such(on_task: Any, sam_social_worker_north: Any,
                                              bob_volunteer_north: Any, dave_volunteer_south: Any) -> None:
    attendance = task_manual_check_in(actor=sam_social_worker_north, task_id=on_task.id,
                                      volunteer_id=bob_volunteer_north.pk)
    assert (attendance.check_in_method, attendance.checked_in_by_id) == ("manual", sam_social_worker_north.pk)
    assert code_of(task_manual_check_in, actor=sam_social_worker_north, task_id=on_task.id,
                   volunteer_id=dave_volunteer_south.pk) == "NOT_CLAIMED"
    # a volunteer cannot check others in
    assert code_of(task_manual_check_in, actor=bob_volunteer_north, task_id=on_task.id,
                   volunteer_id=bob_volunteer_north.pk) == "PERMISSION_DENIED"


def test_it_checks_out_the_forgotten_at_the_planned_end_and_flags_them(on_task: Any, bob_volunteer_north: Any,
                                                                       sam_social_worker_north: Any) -> None:
    from huzhu.realtime.models import Notification

    task_check_in(actor=bob_volunteer_north, token=issue_token(on_task.id), now=on_task.starts_at)
    # before the end: nothing
    assert attendance_auto_checkout(task_id=on_task.id, now=on_task.ends_at - timedelta(minutes=1)) == 0
    # after it: checked out at the planned end, flagged, the lead told; a second run changes nothing
    assert attendance_auto_checkout(task_id=on_task.id, now=on_task.ends_at + timedelta(hours=3)) == 1
    assert attendance_auto_checkout(task_id=on_task.id, now=on_task.ends_at + timedelta(hours=4)) == 0
    attendance = Attendance.objects.get(task=on_task)
    assert attendance.checked_out_at == on_task.ends_at
    assert (attendance.check_out_method, attendance.flagged, attendance.minutes) == ("auto", True, 120)
    assert Notification.objects.filter(user=sam_social_worker_north, kind="attendance_flagged").count() == 1


def test_it_lets_the_lead_adjust_minutes_with_a_reason(on_task: Any, bob_volunteer_north: Any,
                                                       sam_social_worker_north: Any) -> None:
    task_check_in(actor=bob_volunteer_north, token=issue_token(on_task.id), now=on_task.starts_at)
    attendance_auto_checkout(task_id=on_task.id, now=on_task.ends_at + timedelta(minutes=5))
    assert code_of(attendance_adjust, actor=sam_social_worker_north, task_id=on_task.id,
                   volunteer_id=bob_volunteer_north.pk, minutes=80, reason="  ") == "REQUIRED"
    assert code_of(attendance_adjust, actor=sam_social_worker_north, task_id=on_task.id,
                   volunteer_id=bob_volunteer_north.pk, minutes=-5, reason="x") == "OUT_OF_RANGE"
    attendance = attendance_adjust(actor=sam_social_worker_north, task_id=on_task.id,
                                   volunteer_id=bob_volunteer_north.pk, minutes=80, reason="提前离开")
    assert (attendance.minutes, attendance.flagged) == (80, False)
    change = MinutesChange.objects.get(attendance=attendance)
    assert (change.kind, change.from_minutes, change.to_minutes, change.reason) == ("adjust", 120, 80, "提前离开")


def test_it_records_no_shows_and_suspends_after_the_limit(regions: dict, make_task: Any, ada_admin: Any,
                                                          bob_volunteer_north: Any) -> None:
    volunteering_rules_update(actor=ada_admin, no_show_limit=2, suspension_days=7)
    other = make_volunteer("came@test.huzhu", regions["north"], regions["north_c1"])
    first = make_task(starts_at=soon(minutes=30), ends_at=soon(minutes=60))
    second = make_task(starts_at=soon(minutes=70), ends_at=soon(minutes=90))
    for task in (first, second):
        task_claim(actor=bob_volunteer_north, task_id=task.id, idempotency_key=f"b{task.id}")
    task_claim(actor=other, task_id=second.id, idempotency_key="o")
    task_check_in(actor=other, token=issue_token(second.id), now=second.starts_at)
    # the first task ends with nobody there: bob's first no-show; the task is cancelled
    result = task_close_attendance(task_id=first.id, now=first.ends_at + timedelta(minutes=1))
    assert result == {"checked_out": 0, "no_shows": 1, "cancelled": 1}
    assert not Suspension.objects.exists()
    # the second ends: the other volunteer is auto-checked-out, bob's second no-show suspends him for 7 days
    result = task_close_attendance(task_id=second.id, now=second.ends_at + timedelta(minutes=1))
    assert result == {"checked_out": 1, "no_shows": 1, "cancelled": 0}
    assert task_close_attendance(task_id=second.id, now=second.ends_at + timedelta(hours=1))["no_shows"] == 0
    suspension = Suspension.objects.get(volunteer=bob_volunteer_north)
    assert suspension.no_shows == 2
    assert TaskClaim.objects.filter(volunteer=bob_volunteer_north, no_show=True).count() == 2
    new_task = make_task()
    assert code_of(task_claim, actor=bob_volunteer_north, task_id=new_task.id, idempotency_key="new") == "SUSPENDED"
