"""Claims: the slot race, overlap/skill/weekly/suspension refusals, the waiting list, withdrawal, groups, minors."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection

from huzhu.core.errors import ServiceError
from huzhu.volunteering.models import GroupReservation, ServiceTask, Suspension, TaskClaim, TaskStatusChange
from huzhu.volunteering.services import (
    group_reservation_create,
    group_reservation_release,
    task_claim,
    task_withdraw,
    volunteering_rules_update,
)

from .conftest import make_volunteer, soon


def code_of(fn: Any, **kwargs: Any) -> str:
    with pytest.raises(ServiceError) as exc:
        fn(**kwargs)
    return exc.value.code


@pytest.mark.django_db(transaction=True)
def test_it_gives_the_last_slot_to_exactly_one_of_fifty_concurrent_claims(regions: dict, make_task: Any) -> None:
    # given a task with one slot and fifty volunteers of its street
    task = make_task(slots=1)
    volunteers = [make_volunteer(f"race{i}@test.huzhu", regions["north"], regions["north_c1"]) for i in range(50)]
    results: list[str] = []
    barrier = threading.Barrier(50)

    def claim(user: Any) -> None:
        try:
            barrier.wait()
            task_claim(actor=user, task_id=task.id, idempotency_key=f"race-{user.pk}")
            results.append("won")
        except ServiceError as exc:
            results.append(exc.code)
        finally:
            connection.close()

    # when all fifty claim at once
    threads = [threading.Thread(target=claim, args=(v,)) for v in volunteers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # then exactly one wins, the others are told the task is full, and the counter never went below zero
    assert results.count("won") == 1
    assert results.count("TASK_FULL") == 49
    task.refresh_from_db()
    assert task.slots_left == 0
    assert task.status == ServiceTask.Status.FULL
    assert TaskClaim.objects.filter(task=task, status="claimed").count() == 1
    assert TaskStatusChange.objects.filter(task=task, to_status="full").count() == 1


def test_it_returns_the_first_claim_for_a_retried_idempotency_key(make_task: Any, bob_volunteer_north: Any) -> None:
    # given a claim made with key k1
    task = make_task(slots=3)
    first = task_claim(actor=bob_volunteer_north, task_id=task.id, idempotency_key="k1")
    # when the same request is retried
    again = task_claim(actor=bob_volunteer_north, task_id=task.id, idempotency_key="k1")
    # then it is the same claim and only one slot was taken
    assert again.pk == first.pk
    task.refresh_from_db()
    assert task.slots_left == 2
    # and the key used for another task is refused
    other = make_task()
    assert code_of(task_claim, actor=bob_volunteer_north, task_id=other.id, idempotency_key="k1") == \
        "IDEMPOTENCY_MISMATCH"


def test_it_refuses_overlapping_tasks(make_task: Any, bob_volunteer_north: Any) -> None:
    # given bob on a task from 2 days at 0h to +2h
    start = soon(days=2)
    first = make_task(starts_at=start)
    task_claim(actor=bob_volunteer_north, task_id=first.id, idempotency_key="a")
    # when he claims one that starts an hour into it
    clash = make_task(starts_at=start + timedelta(hours=1))
    # then OVERLAP, and nothing was taken from it
    assert code_of(task_claim, actor=bob_volunteer_north, task_id=clash.id, idempotency_key="b") == "OVERLAP"
    clash.refresh_from_db()
    assert clash.slots_left == 3
    # and one right after the first ends is fine
    after = make_task(starts_at=start + timedelta(hours=2))
    task_claim(actor=bob_volunteer_north, task_id=after.id, idempotency_key="c")


def test_it_refuses_a_task_whose_skills_the_volunteer_lacks(make_task: Any, bob_volunteer_north: Any) -> None:
    task = make_task(required_skills=["home_visit", "first_aid"])
    with pytest.raises(ServiceError) as exc:
        task_claim(actor=bob_volunteer_north, task_id=task.id, idempotency_key="k")
    assert exc.value.code == "MISSING_SKILL"
    assert "first_aid" in exc.value.message
    assert not TaskClaim.objects.filter(task=task).exists()


def test_it_refuses_claims_beyond_the_weekly_hours_limit(make_task: Any, bob_volunteer_north: Any,
                                                        ada_admin: Any) -> None:
    # given a limit of 3 hours a week and bob on a 2-hour task
    volunteering_rules_update(actor=ada_admin, max_hours_per_week=3)
    monday = soon(days=8)
    monday = (monday - timedelta(days=monday.weekday())).replace(hour=9, minute=0, second=0, microsecond=0)
    task_claim(actor=bob_volunteer_north, task_id=make_task(starts_at=monday).id, idempotency_key="a")
    # when he claims another 2 hours the same week
    second = make_task(starts_at=monday + timedelta(days=2))
    # then WEEKLY_LIMIT; one hour more is fine; the next week counts afresh
    assert code_of(task_claim, actor=bob_volunteer_north, task_id=second.id, idempotency_key="b") == "WEEKLY_LIMIT"
    short = make_task(starts_at=monday + timedelta(days=3), ends_at=monday + timedelta(days=3, hours=1))
    task_claim(actor=bob_volunteer_north, task_id=short.id, idempotency_key="c")
    next_week = make_task(starts_at=monday + timedelta(days=7))
    task_claim(actor=bob_volunteer_north, task_id=next_week.id, idempotency_key="d")


def test_it_refuses_a_suspended_volunteer(make_task: Any, bob_volunteer_north: Any) -> None:
    Suspension.objects.create(volunteer=bob_volunteer_north, starts_at=soon(days=-1), until=soon(days=5),
                              no_shows=3)
    task = make_task()
    assert code_of(task_claim, actor=bob_volunteer_north, task_id=task.id, idempotency_key="k") == "SUSPENDED"


def test_it_refuses_another_streets_task_as_not_found(make_task: Any, dave_volunteer_south: Any) -> None:
    task = make_task()
    assert code_of(task_claim, actor=dave_volunteer_south, task_id=task.id, idempotency_key="k") == "NOT_FOUND"
    task.refresh_from_db()
    assert task.slots_left == 3


def test_it_promotes_the_first_waiting_volunteer_when_a_slot_is_freed(regions: dict, make_task: Any,
                                                                     bob_volunteer_north: Any) -> None:
    # given a full one-slot task with two volunteers waiting
    task = make_task(slots=1)
    task_claim(actor=bob_volunteer_north, task_id=task.id, idempotency_key="b")
    w1 = make_volunteer("w1@test.huzhu", regions["north"], regions["north_c2"])
    w2 = make_volunteer("w2@test.huzhu", regions["north"], regions["north_c1"])
    assert code_of(task_claim, actor=w1, task_id=task.id, idempotency_key="w1") == "TASK_FULL"
    c1 = task_claim(actor=w1, task_id=task.id, idempotency_key="w1", waitlist=True)
    c2 = task_claim(actor=w2, task_id=task.id, idempotency_key="w2", waitlist=True)
    assert (c1.status, c2.status) == ("waitlisted", "waitlisted")
    # when bob withdraws before the cut-off
    task_withdraw(actor=bob_volunteer_north, task_id=task.id)
    # then the first on the list gets the slot, the task stays full, the second keeps waiting
    c1.refresh_from_db()
    c2.refresh_from_db()
    task.refresh_from_db()
    assert c1.status == "claimed" and c1.promoted_at is not None
    assert c2.status == "waitlisted"
    assert task.slots_left == 0 and task.status == "full"


def test_it_frees_the_slot_for_everyone_when_nobody_waits(make_task: Any, bob_volunteer_north: Any) -> None:
    task = make_task(slots=1)
    task_claim(actor=bob_volunteer_north, task_id=task.id, idempotency_key="b")
    task_withdraw(actor=bob_volunteer_north, task_id=task.id)
    task.refresh_from_db()
    assert (task.slots_left, task.status) == (1, "open")
    assert list(task.status_changes.values_list("to_status", flat=True)) == ["draft", "open", "full", "open"]


def test_it_refuses_withdrawal_after_the_cut_off(make_task: Any, bob_volunteer_north: Any) -> None:
    # given a task starting in 10 hours (cut-off 24 hours)
    task = make_task(starts_at=soon(hours=10))
    task_claim(actor=bob_volunteer_north, task_id=task.id, idempotency_key="b")
    # then withdrawing is refused and the claim stands
    assert code_of(task_withdraw, actor=bob_volunteer_north, task_id=task.id) == "WITHDRAWAL_CLOSED"
    assert TaskClaim.objects.get(task=task, volunteer=bob_volunteer_north).status == "claimed"


def test_it_lets_minors_serve_only_within_a_group(regions: dict, make_task: Any, sam_social_worker_north: Any) -> None:
    # given a 16-year-old volunteer and a task with a school's reserved block
    this_year = soon().year
    minor = make_volunteer("kid@test.huzhu", regions["north"], regions["north_c1"], birth_year=this_year - 16)
    task = make_task(slots=4)
    reservation = group_reservation_create(actor=sam_social_worker_north, task_id=task.id,
                                           organisation_name="北街道中学", reserved_slots=2,
                                           release_at=task.starts_at - timedelta(hours=12))
    task.refresh_from_db()
    assert task.slots_left == 2
    # when the minor claims on their own: refused
    assert code_of(task_claim, actor=minor, task_id=task.id, idempotency_key="solo") == "UNDER_18_GROUP_ONLY"
    # with a wrong code: refused
    assert code_of(task_claim, actor=minor, task_id=task.id, idempotency_key="bad",
                   group_code="NOPE") == "GROUP_CODE_INVALID"
    # with the school's code: a reserved slot, the public slots untouched
    claim = task_claim(actor=minor, task_id=task.id, idempotency_key="grp", group_code=reservation.join_code)
    assert claim.from_group_block and claim.group_id == reservation.id
    reservation.refresh_from_db()
    task.refresh_from_db()
    assert (reservation.slots_left, task.slots_left) == (1, 2)


def test_it_reopens_unused_reserved_slots_at_release_time(regions: dict, make_task: Any, bob_volunteer_north: Any,
                                                          sam_social_worker_north: Any) -> None:
    # given a 2-slot task entirely reserved for a company, and bob waiting
    task = make_task(slots=2)
    reservation = group_reservation_create(actor=sam_social_worker_north, task_id=task.id,
                                           organisation_name="某公司党支部", reserved_slots=2,
                                           release_at=task.starts_at - timedelta(hours=6))
    task.refresh_from_db()
    assert task.status == "full"
    task_claim(actor=bob_volunteer_north, task_id=task.id, idempotency_key="b", waitlist=True)
    # when the release job runs before the release time: nothing; after it: slots go to bob, then to everyone
    assert group_reservation_release(reservation_id=reservation.id) == 0
    at = reservation.release_at + timedelta(minutes=1)
    assert group_reservation_release(reservation_id=reservation.id, now=at) == 2
    assert group_reservation_release(reservation_id=reservation.id, now=at) == 0  # idempotent
    task.refresh_from_db()
    reservation.refresh_from_db()
    assert TaskClaim.objects.get(task=task, volunteer=bob_volunteer_north).status == "claimed"
    assert (task.slots_left, task.status, reservation.slots_left) == (1, "open", 0)


def test_it_refuses_a_reservation_released_after_the_start_and_writes_nothing(make_task: Any,
                                                                             sam_social_worker_north: Any) -> None:
    task = make_task(slots=2)
    assert code_of(group_reservation_create, actor=sam_social_worker_north, task_id=task.id, organisation_name="x",
                   reserved_slots=1, release_at=task.starts_at + timedelta(minutes=1)) == "RELEASE_AFTER_START"
    assert code_of(group_reservation_create, actor=sam_social_worker_north, task_id=task.id, organisation_name="x",
                   reserved_slots=3, release_at=task.starts_at - timedelta(hours=1)) == "SLOTS_TAKEN"
    assert not GroupReservation.objects.exists()
    task.refresh_from_db()
    assert task.slots_left == 2
