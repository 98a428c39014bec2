"""The household's address: only the task's team, only while the task is on, every reveal audited."""

from __future__ import annotations

from typing import Any

import pytest

from huzhu.core.errors import ServiceError
from huzhu.volunteering.services import service_task_cancel, task_address, task_claim

from .conftest import make_volunteer, service_need

ADDRESS = "北街道梧桐路88弄7号302室"


def audit_rows(household: Any, actor: Any | None = None) -> list[tuple[int, list[str], str]]:
    from huzhu.households.models import PersonalDataAccess

    qs = PersonalDataAccess.objects.filter(household=household, operation="read")
    if actor is not None:
        qs = qs.filter(actor=actor)
    return list(qs.order_by("id").values_list("actor_id", "fields", "purpose"))


def code_of(fn: Any, **kwargs: Any) -> str:
    with pytest.raises(ServiceError) as exc:
        fn(**kwargs)
    return exc.value.code


@pytest.fixture
def need_task(make_task: Any, north_household: Any, alice_staff_north: Any) -> Any:
    return make_task(need=service_need(alice_staff_north, north_household), region=None, slots=1)


def test_it_reveals_the_address_to_a_claimed_volunteer_and_audits_each_read(need_task: Any, north_household: Any,
                                                                            bob_volunteer_north: Any) -> None:
    # given bob holds a slot of the task
    task_claim(actor=bob_volunteer_north, task_id=need_task.id, idempotency_key="b")
    # when he reads the address twice
    assert task_address(actor=bob_volunteer_north, task_id=need_task.id) == ADDRESS
    assert task_address(actor=bob_volunteer_north, task_id=need_task.id) == ADDRESS
    # then two audit rows name him, the address field and the task
    assert audit_rows(north_household, bob_volunteer_north) == [
        (bob_volunteer_north.pk, ["address"], f"task:{need_task.id}")] * 2


def test_it_reveals_the_address_to_the_lead(need_task: Any, north_household: Any,
                                            sam_social_worker_north: Any) -> None:
    assert task_address(actor=sam_social_worker_north, task_id=need_task.id) == ADDRESS
    assert len(audit_rows(north_household, sam_social_worker_north)) == 1


def test_it_refuses_everyone_off_the_team_without_reading(regions: dict, need_task: Any, north_household: Any,
                                                          bob_volunteer_north: Any, alice_staff_north: Any,
                                                          dave_volunteer_south: Any,
                                                          carol_staff_south: Any) -> None:
    before = audit_rows(north_household)
    # a volunteer of the street who has not claimed it
    assert code_of(task_address, actor=bob_volunteer_north, task_id=need_task.id) == "NOT_ON_TEAM"
    # a volunteer only on the waiting list
    task_claim(actor=make_volunteer("x@test.huzhu", regions["north"], regions["north_c1"]), task_id=need_task.id,
               idempotency_key="x")
    task_claim(actor=bob_volunteer_north, task_id=need_task.id, idempotency_key="b", waitlist=True)
    assert code_of(task_address, actor=bob_volunteer_north, task_id=need_task.id) == "NOT_ON_TEAM"
    # staff of the street (they have households' own audited view, not this one)
    assert code_of(task_address, actor=alice_staff_north, task_id=need_task.id) == "NOT_ON_TEAM"
    # another street: the task does not exist for them
    assert code_of(task_address, actor=dave_volunteer_south, task_id=need_task.id) == "NOT_FOUND"
    assert code_of(task_address, actor=carol_staff_south, task_id=need_task.id) == "NOT_FOUND"
    # and nothing was read
    assert audit_rows(north_household) == before


def test_it_stops_revealing_once_the_task_is_over(need_task: Any, bob_volunteer_north: Any,
                                                  sam_social_worker_north: Any) -> None:
    task_claim(actor=bob_volunteer_north, task_id=need_task.id, idempotency_key="b")
    service_task_cancel(actor=sam_social_worker_north, task_id=need_task.id)
    assert code_of(task_address, actor=bob_volunteer_north, task_id=need_task.id) == "NOT_ON_TEAM"


def test_it_has_no_address_for_a_community_activity(make_task: Any, sam_social_worker_north: Any) -> None:
    task = make_task(service_type="community_activity", place="社区活动室")
    assert code_of(task_address, actor=sam_social_worker_north, task_id=task.id) == "NO_ADDRESS"
