"""Events and notifications: task_changed after commit on every slot/status change (nothing on rollback),
claim/promotion/reminder/confirmation notifications, urgent tasks notifying nearby qualified volunteers, and
the background jobs' bodies."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction

from huzhu.core.errors import ServiceError
from huzhu.volunteering.models import ServiceTask, Suspension
from huzhu.volunteering.services import (
    hours_confirm,
    issue_token,
    service_task_open,
    task_check_in,
    task_check_out,
    task_claim,
    task_reminders_send,
    task_withdraw,
)

from .conftest import make_volunteer, soon


@pytest.fixture
def published() -> Any:
    """The task_changed messages the realtime layer sent in this process."""
    from huzhu.realtime import events

    seen: list[dict] = []

    def hook(_groups: list[str], message: dict) -> None:
        if message["topic"] == events.TASK_CHANGED:
            seen.append(message["payload"])

    events.add_hook(hook)
    yield seen
    events.remove_hook(hook)


def inbox(user: Any, kind: str | None = None) -> list[str]:
    from huzhu.realtime.models import Notification

    qs = Notification.objects.filter(user=user)
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs.order_by("id").values_list("kind", flat=True))


def test_it_publishes_task_changed_after_commit_only(make_task: Any, bob_volunteer_north: Any, published: list,
                                                     django_capture_on_commit_callbacks: Any) -> None:
    task = make_task(slots=1)
    # a claim that commits: one event with the new slots and status
    with django_capture_on_commit_callbacks(execute=True):
        task_claim(actor=bob_volunteer_north, task_id=task.id, idempotency_key="b")
    assert published == [{"task_id": task.id, "status": "full", "slots_left": 0, "kind": "claimed"}]
    # a withdrawal that rolls back (a later error in the same transaction) publishes nothing
    published.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError), \
            transaction.atomic():
        task_withdraw(actor=bob_volunteer_north, task_id=task.id)
        raise RuntimeError("roll back")
    assert published == [] and callbacks == []
    task.refresh_from_db()
    assert task.slots_left == 0


def test_it_notifies_claim_promotion_reminders_and_confirmed_hours(regions: dict, make_task: Any,
                                                                   bob_volunteer_north: Any,
                                                                   sam_social_worker_north: Any) -> None:
    waiting = make_volunteer("wait@test.huzhu", regions["north"], regions["north_c1"])
    task = make_task(slots=1, starts_at=soon(days=2))
    task_claim(actor=bob_volunteer_north, task_id=task.id, idempotency_key="b")
    task_claim(actor=waiting, task_id=task.id, idempotency_key="w", waitlist=True)
    task_withdraw(actor=bob_volunteer_north, task_id=task.id)
    assert inbox(bob_volunteer_north) == ["task_claim_confirmed"]
    assert inbox(waiting) == ["task_waitlisted", "task_promoted"]
    # reminders: the day before (once), then the hour before (once)
    assert task_reminders_send(now=task.starts_at - timedelta(hours=30)) == 0
    assert task_reminders_send(now=task.starts_at - timedelta(hours=20)) == 1
    assert task_reminders_send(now=task.starts_at - timedelta(hours=19)) == 0
    assert task_reminders_send(now=task.starts_at - timedelta(minutes=50)) == 1
    assert task_reminders_send(now=task.starts_at - timedelta(minutes=40)) == 0
    assert inbox(waiting)[-2:] == ["task_reminder_day", "task_reminder_hour"]
    # hours confirmed
    soon_task = make_task(starts_at=soon(minutes=30))
    task_claim(actor=bob_volunteer_north, task_id=soon_task.id, idempotency_key="s")
    task_check_in(actor=bob_volunteer_north, token=issue_token(soon_task.id), now=soon_task.starts_at)
    task_check_out(actor=bob_volunteer_north, token=issue_token(soon_task.id),
                   now=soon_task.starts_at + timedelta(minutes=45))
    hours_confirm(actor=sam_social_worker_north, task_id=soon_task.id)
    assert inbox(bob_volunteer_north, "hours_confirmed") == ["hours_confirmed"]


def test_an_urgent_task_notifies_nearby_qualified_volunteers_at_once(regions: dict, make_task: Any,
                                                                    dave_volunteer_south: Any) -> None:
    # given volunteers of the north street with and without the skill, a suspended one, a minor, and dave south
    this_year = soon().year
    near = make_volunteer("near@test.huzhu", regions["north"], regions["north_c1"], skills=["hospital_escort"])
    street = make_volunteer("street@test.huzhu", regions["north"], regions["north_c2"], skills=["hospital_escort"])
    unskilled = make_volunteer("unskilled@test.huzhu", regions["north"], regions["north_c1"], skills=["tutoring"])
    suspended = make_volunteer("susp@test.huzhu", regions["north"], regions["north_c1"], skills=["hospital_escort"])
    Suspension.objects.create(volunteer=suspended, starts_at=soon(days=-1), until=soon(days=3), no_shows=3)
    minor = make_volunteer("minor@test.huzhu", regions["north"], regions["north_c1"], skills=["hospital_escort"],
                           birth_year=this_year - 15)
    # when an urgent escort task in north c1 is opened
    task = make_task(open_now=False, urgent=True, service_type="hospital_escort", required_skills=["hospital_escort"])
    from huzhu.volunteering.services import rules_get

    rules_get()
    service_task_open(actor=task.lead, task_id=task.id)
    # then the qualified adults of the street are told at once; nobody else
    assert inbox(near) == ["urgent_task"] and inbox(street) == ["urgent_task"]
    for user in (unskilled, suspended, minor, dave_volunteer_south):
        assert inbox(user) == []


def test_urgent_tasks_sort_first(make_task: Any, bob_volunteer_north: Any) -> None:
    from huzhu.volunteering.selectors import task_list

    normal = make_task(starts_at=soon(days=1))
    urgent = make_task(starts_at=soon(days=5), urgent=True)
    assert [t.id for t in task_list(actor=bob_volunteer_north)] == [urgent.id, normal.id]


def test_the_job_bodies_call_the_services_idempotently(regions: dict, make_task: Any, alice_staff_north: Any,
                                                       sam_social_worker_north: Any) -> None:
    from huzhu.volunteering import tasks as jobs

    from .conftest import register_household

    register_household(alice_staff_north, regions["north_c1"], tags=["elderly_alone"])
    jobs.monthly_visits_daily(timestamp=0)
    jobs.monthly_visits_monthly(timestamp=0)
    assert ServiceTask.objects.filter(source="monthly_visit").count() == 1
    jobs.volunteering_sweep(timestamp=0)  # nothing due: no error, nothing changed
    assert ServiceTask.objects.filter(status="cancelled").count() == 0


def test_opening_needs_a_manager_and_a_draft(make_task: Any, bob_volunteer_north: Any,
                                            sam_social_worker_north: Any) -> None:
    task = make_task(open_now=False)
    with pytest.raises(ServiceError) as exc:
        service_task_open(actor=bob_volunteer_north, task_id=task.id)
    assert exc.value.code == "NOT_FOUND"  # volunteers do not see drafts at all
    service_task_open(actor=sam_social_worker_north, task_id=task.id)
    with pytest.raises(ServiceError) as exc:
        service_task_open(actor=sam_social_worker_north, task_id=task.id)
    assert exc.value.code == "BAD_TRANSITION"


def test_each_check_in_and_check_out_is_announced_for_the_leads_screen(regions: dict, make_task: Any,
                                                                      bob_volunteer_north: Any, published: list,
                                                                      django_capture_on_commit_callbacks: Any) -> None:
    # given a task starting soon with two volunteers on it
    other = make_volunteer("second@test.huzhu", regions["north"], regions["north_c1"])
    task = make_task(starts_at=soon(minutes=30), slots=2)
    task_claim(actor=bob_volunteer_north, task_id=task.id, idempotency_key="b")
    task_claim(actor=other, task_id=task.id, idempotency_key="o")
    published.clear()
    # when both check in and one checks out, each in its own committed transaction
    with django_capture_on_commit_callbacks(execute=True):
        task_check_in(actor=bob_volunteer_north, token=issue_token(task.id), now=task.starts_at)
    with django_capture_on_commit_callbacks(execute=True):
        task_check_in(actor=other, token=issue_token(task.id), now=task.starts_at)
    with django_capture_on_commit_callbacks(execute=True):
        task_check_out(actor=bob_volunteer_north, token=issue_token(task.id),
                       now=task.starts_at + timedelta(minutes=40))
    # then the first arrival starts the task, the second is its own event, and so is the check-out
    assert [(p["kind"], p["status"]) for p in published] == [
        ("started", "in_progress"), ("checked_in", "in_progress"), ("checked_out", "in_progress")]
    assert {p["task_id"] for p in published} == {task.id}
    # a check-out refused (already checked out) announces nothing
    published.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ServiceError):
        task_check_out(actor=bob_volunteer_north, token=issue_token(task.id),
                       now=task.starts_at + timedelta(minutes=41))
    assert published == []
