"""Confirming hours into the time bank: exactly once under concurrency, corrections by reversal, completion
(visit record, need fulfilled), redemption tasks settled on completion and cancellation."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection

from huzhu.core.errors import ServiceError
from huzhu.volunteering.models import Attendance, MinutesChange, ServiceTask
from huzhu.volunteering.services import (
    hours_confirm,
    hours_correct,
    issue_token,
    service_task_cancel,
    task_check_in,
    task_check_out,
    task_claim,
)

from .conftest import make_volunteer, register_household, service_need, soon


def code_of(fn: Any, **kwargs: Any) -> str:
    with pytest.raises(ServiceError) as exc:
        fn(**kwargs)
    return exc.value.code


def served(task: Any, volunteer: Any, minutes: int) -> Attendance:
    """The volunteer claims, checks in at the start and out `minutes` later."""
    task_claim(actor=volunteer, task_id=task.id, idempotency_key=f"claim-{task.id}-{volunteer.pk}")
    task_check_in(actor=volunteer, token=issue_token(task.id), now=task.starts_at)
    return task_check_out(actor=volunteer, token=issue_token(task.id), now=task.starts_at + timedelta(minutes=minutes))


def balance_of(user: Any) -> int:
    from huzhu.timebank.models import TimeBankMember
    from ledger import api

    member = TimeBankMember.objects.filter(user=user).first()
    return 0 if member is None else api.balance(member.account_id).posted


def earn_records(prefix: str) -> list[tuple[str, int]]:
    from huzhu.timebank.models import EarnRecord

    return list(EarnRecord.objects.filter(idempotency_key__startswith=prefix).order_by("id")
                .values_list("idempotency_key", "minutes"))


def test_it_credits_confirmed_minutes_and_completes_the_task(regions: dict, make_task: Any, north_household: Any,
                                                            alice_staff_north: Any, sam_social_worker_north: Any,
                                                            bob_volunteer_north: Any) -> None:
    from huzhu.households.models import Need, Visit

    # given a task for a household's service need, bob served 100 minutes
    need = service_need(alice_staff_north, north_household)
    task = make_task(need=need, region=None, starts_at=soon(minutes=30), slots=1)
    assert (task.household_id, task.source) == (north_household.id, "need")
    assert Need.objects.get(id=need.id).status == "matched"
    served(task, bob_volunteer_north, 100)
    # when the lead confirms
    confirmed = hours_confirm(actor=sam_social_worker_north, task_id=task.id, visit_notes="老人精神好")
    # then bob's TIME account holds 100 minutes under the task's key, the task is completed, the visit written
    assert [a.volunteer_id for a in confirmed] == [bob_volunteer_north.pk]
    assert earn_records(f"task:{task.id}:") == [(f"task:{task.id}:vol:{bob_volunteer_north.pk}", 100)]
    assert balance_of(bob_volunteer_north) == 100
    task.refresh_from_db()
    assert task.status == ServiceTask.Status.COMPLETED
    visit = Visit.objects.get(household=north_household)
    assert (visit.visitor_id, visit.notes) == (sam_social_worker_north.pk, "老人精神好")
    assert Need.objects.get(id=need.id).status == "fulfilled"
    # and a second click says so and credits nothing
    assert code_of(hours_confirm, actor=sam_social_worker_north, task_id=task.id) == "ALREADY_CONFIRMED"
    assert balance_of(bob_volunteer_north) == 100


def test_it_confirms_one_volunteer_at_a_time(regions: dict, make_task: Any, sam_social_worker_north: Any,
                                            bob_volunteer_north: Any) -> None:
    other = make_volunteer("ann@test.huzhu", regions["north"], regions["north_c1"])
    task = make_task(starts_at=soon(minutes=30))
    task_claim(actor=other, task_id=task.id, idempotency_key="ann")
    served(task, bob_volunteer_north, 60)
    task_check_in(actor=other, token=issue_token(task.id), now=task.starts_at)
    # ann is still checked in: naming her is refused, and nothing is confirmed
    assert code_of(hours_confirm, actor=sam_social_worker_north, task_id=task.id,
                   volunteer_ids=[bob_volunteer_north.pk, other.pk]) == "NOT_CHECKED_OUT"
    assert not Attendance.objects.filter(confirmed_at__isnull=False).exists()
    # bob alone: credited; the task stays in progress until ann is confirmed
    hours_confirm(actor=sam_social_worker_north, task_id=task.id, volunteer_ids=[bob_volunteer_north.pk])
    task.refresh_from_db()
    assert task.status == "in_progress"
    task_check_out(actor=other, token=issue_token(task.id), now=task.starts_at + timedelta(minutes=30))
    hours_confirm(actor=sam_social_worker_north, task_id=task.id)
    task.refresh_from_db()
    assert task.status == "completed"
    assert balance_of(other) == 30 and balance_of(bob_volunteer_north) == 60


@pytest.mark.django_db(transaction=True)
def test_it_credits_exactly_once_when_two_social_workers_confirm_at_once(
        regions: dict, make_task: Any, sam_social_worker_north: Any, tom_social_worker_north: Any,
        bob_volunteer_north: Any) -> None:
    # given bob served 90 minutes
    task = make_task(starts_at=soon(minutes=30))
    served(task, bob_volunteer_north, 90)
    outcomes: list[str] = []
    barrier = threading.Barrier(4)

    def confirm(actor: Any) -> None:
        try:
            barrier.wait()
            hours_confirm(actor=actor, task_id=task.id)
            outcomes.append("ok")
        except ServiceError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    # when sam double-clicks while tom confirms too (four requests at once)
    threads = [threading.Thread(target=confirm, args=(a,)) for a in
               (sam_social_worker_north, sam_social_worker_north, tom_social_worker_north, tom_social_worker_north)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # then one confirmation, one credit of 90 minutes
    assert sorted(outcomes) == ["ALREADY_CONFIRMED"] * 3 + ["ok"]
    assert earn_records(f"task:{task.id}:") == [(f"task:{task.id}:vol:{bob_volunteer_north.pk}", 90)]
    assert balance_of(bob_volunteer_north) == 90


def test_it_corrects_confirmed_minutes_by_reversal_never_by_edit(make_task: Any, sam_social_worker_north: Any,
                                                                 bob_volunteer_north: Any) -> None:
    from huzhu.timebank.models import EarnRecord, EarnReversal

    task = make_task(starts_at=soon(minutes=30))
    served(task, bob_volunteer_north, 120)
    hours_confirm(actor=sam_social_worker_north, task_id=task.id)
    first_key = f"task:{task.id}:vol:{bob_volunteer_north.pk}"
    # adjusting after confirmation is refused: it must be a correction
    from huzhu.volunteering.services import attendance_adjust

    assert code_of(attendance_adjust, actor=sam_social_worker_north, task_id=task.id,
                   volunteer_id=bob_volunteer_north.pk, minutes=90, reason="x") == "ALREADY_CONFIRMED"
    # when the lead corrects 120 → 90
    attendance = hours_correct(actor=sam_social_worker_north, task_id=task.id, volunteer_id=bob_volunteer_north.pk,
                               minutes=90, reason="实际服务 90 分钟")
    # then the first earning is reversed, a new one credited under a new key, the balance is 90
    assert EarnReversal.objects.filter(earn_record__idempotency_key=first_key).count() == 1
    assert earn_records(f"task:{task.id}:") == [(first_key, 120), (f"{first_key}:corr:1", 90)]
    assert EarnRecord.objects.get(idempotency_key=first_key).minutes == 120  # the original is untouched
    assert balance_of(bob_volunteer_north) == 90
    assert (attendance.credited_minutes, attendance.earning_key, attendance.corrections) == (
        90, f"{first_key}:corr:1", 1)
    change = MinutesChange.objects.get(attendance=attendance, kind="correct")
    assert (change.from_minutes, change.to_minutes, change.reversed_key) == (120, 90, first_key)
    # a second correction reverses the first correction
    hours_correct(actor=sam_social_worker_north, task_id=task.id, volunteer_id=bob_volunteer_north.pk, minutes=100,
                  reason="再次核对")
    assert balance_of(bob_volunteer_north) == 100
    assert code_of(hours_correct, actor=sam_social_worker_north, task_id=task.id,
                   volunteer_id=bob_volunteer_north.pk, minutes=100, reason="同") == "INVALID"


def test_it_refuses_corrections_from_another_street(make_task: Any, sara_social_worker_south: Any,
                                                    sam_social_worker_north: Any, bob_volunteer_north: Any) -> None:
    task = make_task(starts_at=soon(minutes=30))
    served(task, bob_volunteer_north, 60)
    assert code_of(hours_confirm, actor=sara_social_worker_south, task_id=task.id) == "NOT_FOUND"
    hours_confirm(actor=sam_social_worker_north, task_id=task.id)
    assert code_of(hours_correct, actor=sara_social_worker_south, task_id=task.id,
                   volunteer_id=bob_volunteer_north.pk, minutes=10, reason="x") == "NOT_FOUND"
    assert balance_of(bob_volunteer_north) == 60


@pytest.fixture
def redemption(regions: dict, sam_social_worker_north: Any) -> Any:
    """An elder volunteer who earned 3 hours and redeems one hour of cleaning in north_c1."""
    from huzhu.timebank.services import earn_service_minutes, timebank_redeem

    elder = make_volunteer("elder@test.huzhu", regions["north"], regions["north_c1"], birth_year=1950)
    earn_service_minutes(volunteer=elder, minutes=180, idempotency_key="elder-earn",
                         confirmed_by=sam_social_worker_north, street=regions["north"], organisation_name="测试",
                         service_date=soon().date())
    return timebank_redeem(actor=elder, service_type="cleaning", minutes=60, region=regions["north_c1"],
                           idempotency_key="elder-redeem")


def test_it_posts_the_redemption_hold_when_its_task_completes(make_task: Any, redemption: Any,
                                                              sam_social_worker_north: Any,
                                                              bob_volunteer_north: Any) -> None:
    task = make_task(redemption=redemption, region=None, service_type="", starts_at=soon(minutes=30),
                     required_skills=[])
    assert (task.source, task.service_type, task.region.code) == ("redemption", "cleaning", "t-north-c1")
    redemption.refresh_from_db()
    assert (redemption.status, redemption.task_id) == ("scheduled", task.id)
    served(task, bob_volunteer_north, 60)
    hours_confirm(actor=sam_social_worker_north, task_id=task.id)
    redemption.refresh_from_db()
    assert redemption.status == "delivered"


def test_it_voids_the_redemption_hold_when_its_task_is_cancelled(make_task: Any, redemption: Any,
                                                                 sam_social_worker_north: Any) -> None:
    task = make_task(redemption=redemption, region=None, service_type="")
    service_task_cancel(actor=sam_social_worker_north, task_id=task.id, reason="老人住院")
    redemption.refresh_from_db()
    assert redemption.status == "cancelled"
    task.refresh_from_db()
    assert task.status == "cancelled"
    assert task.status_changes.last().note == "老人住院"


def test_it_reopens_the_need_when_its_task_is_cancelled(make_task: Any, north_household: Any,
                                                        alice_staff_north: Any) -> None:
    from huzhu.households.models import Need

    need = service_need(alice_staff_north, north_household)
    task = make_task(need=need, region=None)
    service_task_cancel(actor=alice_staff_north, task_id=task.id)
    assert Need.objects.get(id=need.id).status == "open"


def test_it_refuses_a_goods_need(make_task: Any, regions: dict, alice_staff_north: Any) -> None:
    from huzhu.households.services import need_create

    household = register_household(alice_staff_north, regions["north_c2"])
    need = need_create(actor=alice_staff_north, household=household, kind="goods", goods_item="米", quantity=1)
    with pytest.raises(ServiceError) as exc:
        make_task(need=need, region=None)
    assert (exc.value.code, exc.value.field) == ("INVALID", "needId")
    assert not ServiceTask.objects.exists()
