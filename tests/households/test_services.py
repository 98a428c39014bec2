"""Household services: registration, updates, needs and their status, visits — each from its own street and
from another, and bad input refused with a typed error and nothing written."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from huzhu.core.errors import ServiceError
from huzhu.households import services
from huzhu.households.models import (
    Household,
    HouseholdMember,
    HouseholdPersonal,
    Need,
    NeedStatusChange,
    PersonalDataAccess,
    Visit,
)
from huzhu.households.services import MemberInput, PersonalInput

from .conftest import id_number, register


def _codes(exc: pytest.ExceptionInfo) -> tuple[str, str | None]:
    return exc.value.code, exc.value.field


def test_it_registers_a_household_with_members_and_encrypted_personal_data(
    regions: dict[str, Any], workstations: dict[str, Any], alice_staff_north: Any
) -> None:
    # given staff of the north street
    # when she registers a household in a grid of her street
    household = register(alice_staff_north, regions["north_c1_g1"], head_name="王秀英", member_names=["王秀英", "王小"])
    # then it has its members, is registered by the north workstation, and its personal data is stored encrypted
    assert household.registered_by == workstations["north"]
    assert [m.relation for m in household.members.order_by("position")] == ["head", "child"]
    row = HouseholdPersonal.objects.get(household=household)
    assert "王秀英" not in row.head_name_enc and row.head_name_enc.startswith("gAAAA")
    assert len(row.id_number_hmac) == 64
    # and the write is in the audit log
    assert PersonalDataAccess.objects.filter(household=household, operation="write").count() == 1


def test_it_prefers_a_community_workstation_over_the_street_one(
    regions: dict[str, Any], workstations: dict[str, Any], alice_staff_north: Any
) -> None:
    from huzhu.people.models import Workstation

    # given a workstation of the community north_c1 besides the street's
    community_ws = Workstation.objects.create(name="北1社区工作站", region=regions["north_c1"])
    # when a household of a grid under that community is registered
    household = register(alice_staff_north, regions["north_c1_g1"])
    # then the community's workstation registered it
    assert household.registered_by == community_ws


def test_it_refuses_registration_in_another_street(
    regions: dict[str, Any], workstations: dict[str, Any], alice_staff_north: Any
) -> None:
    # given north staff, when she registers a household in a south community
    with pytest.raises(ServiceError) as exc:
        register(alice_staff_north, regions["south_c1"])
    # then she is refused, and nothing was written
    assert exc.value.code == "PERMISSION_DENIED"
    assert Household.objects.count() == 0 and HouseholdPersonal.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"region": "north"}, "REGION_LEVEL", "regionId"),
        ({"category": "rich"}, "INVALID", "category"),
        ({"tags": ["elderly_alone", "pirate"]}, "INVALID", "tags"),
        ({"members": []}, "HEAD_REQUIRED", "members"),
        ({"members": [MemberInput(relation="head", age_band="age_80_plus"),
                      MemberInput(relation="head", age_band="age_40_59")]}, "HEAD_REQUIRED", "members"),
        ({"members": [MemberInput(relation="head", age_band="age_200")]}, "INVALID", "members.0.ageBand"),
        ({"members": [MemberInput(relation="head", age_band="age_40_59")] * 21}, "TOO_MANY_MEMBERS", "members"),
        ({"members": [MemberInput(relation="head", age_band="age_40_59", name="名" * 51)]}, "TOO_LONG",
         "members.0.name"),
        ({"id_number": "310112194803120000"}, "INVALID_ID_NUMBER", "idNumber"),
        ({"id_number": "abc"}, "INVALID_ID_NUMBER", "idNumber"),
        ({"id_number": ""}, "REQUIRED", "idNumber"),
        ({"id_number": "3" * 100}, "TOO_LONG", "idNumber"),
        ({"head_name": ""}, "REQUIRED", "headName"),
        ({"head_name": "长" * 51}, "TOO_LONG", "headName"),
        ({"phone": "12345"}, "INVALID_PHONE", "phone"),
        ({"address": "路" * 201}, "TOO_LONG", "address"),
        ({"checked_at": dt.date(2030, 1, 1)}, "OUT_OF_RANGE", "checkedAt"),
        ({"checked_at": dt.date(2024, 5, 1), "next_check_due": dt.date(2024, 4, 1)}, "INVALID", "nextCheckDue"),
    ],
)
def test_it_refuses_bad_registration_input_and_writes_nothing(
    regions: dict[str, Any], workstations: dict[str, Any], alice_staff_north: Any,
    change: dict[str, Any], code: str, field: str,
) -> None:
    # given valid registration arguments with one bad value
    personal = {"head_name": "李桂英", "id_number": id_number(), "phone": "13811112222", "address": "北街道1号"}
    args: dict[str, Any] = {
        "actor": alice_staff_north, "region": regions["north_c1"], "category": "minimum_living",
        "tags": ["elderly_alone"], "members": [MemberInput(relation="head", age_band="age_80_plus")],
    }
    for key, value in change.items():
        if key in personal:
            personal[key] = value
        elif key == "region":
            args["region"] = regions[value]
        else:
            args[key] = value
    # when staff registers it
    with pytest.raises(ServiceError) as exc:
        services.household_register(personal=PersonalInput(**personal), **args)
    # then a typed error names the field, and nothing was written
    assert _codes(exc) == (code, field)
    assert Household.objects.count() == 0
    assert HouseholdMember.objects.count() == 0 and HouseholdPersonal.objects.count() == 0
    assert PersonalDataAccess.objects.count() == 0


def test_it_refuses_a_region_without_a_workstation(regions: dict[str, Any], alice_staff_north: Any) -> None:
    # given no workstation at all, when staff registers a household
    with pytest.raises(ServiceError) as exc:
        register(alice_staff_north, regions["north_c1"])
    # then NO_WORKSTATION
    assert _codes(exc) == ("NO_WORKSTATION", "workstationId")
    assert Household.objects.count() == 0


def test_it_refuses_registration_to_social_workers_volunteers_and_donors(
    regions: dict[str, Any], workstations: dict[str, Any], sam_social_worker_north: Any,
    bob_volunteer_north: Any, dora_donor: Any,
) -> None:
    for actor in (sam_social_worker_north, bob_volunteer_north, dora_donor):
        with pytest.raises(ServiceError) as exc:
            register(actor, regions["north_c1"])
        assert exc.value.code == "PERMISSION_DENIED"
    assert Household.objects.count() == 0


def test_it_updates_category_tags_and_members(north_household: Any, alice_staff_north: Any) -> None:
    # when staff changes the household's category, tags and members
    services.household_update(
        actor=alice_staff_north, household=north_household, category="extreme_poverty", tags=["dementia"],
        members=[MemberInput(relation="head", age_band="age_70_79", name="新名字"),
                 MemberInput(relation="spouse", age_band="age_70_79", name="配偶")],
    )
    # then they changed, and the new member names are stored (encrypted)
    north_household.refresh_from_db()
    assert north_household.category == "extreme_poverty" and north_household.tags == ["dementia"]
    assert north_household.members.count() == 2
    data = services.personal_data_read(actor=alice_staff_north, household=north_household,
                                       fields=["member_names"], purpose="test")
    assert data == {"member_names": ["新名字", "配偶"]}


def test_it_refuses_an_update_from_another_street(north_household: Any, carol_staff_south: Any) -> None:
    with pytest.raises(ServiceError) as exc:
        services.household_update(actor=carol_staff_south, household=north_household, category="extreme_poverty")
    assert exc.value.code == "PERMISSION_DENIED"
    north_household.refresh_from_db()
    assert north_household.category == "minimum_living"


def test_it_refuses_moving_a_household_into_another_street(
    north_household: Any, alice_staff_north: Any, regions: dict[str, Any]
) -> None:
    with pytest.raises(ServiceError) as exc:
        services.household_update(actor=alice_staff_north, household=north_household, region=regions["south_c1"])
    assert exc.value.code == "PERMISSION_DENIED"
    north_household.refresh_from_db()
    assert north_household.region == regions["north_c1_g1"]


# --- needs -------------------------------------------------------------------------------------------------


def test_it_opens_a_need_with_its_history_row(north_household: Any, sam_social_worker_north: Any) -> None:
    # given a social worker of the north street, when he opens a service need
    need = services.need_create(actor=sam_social_worker_north, household=north_household, kind="service",
                                service_type="hospital_escort", minutes=180, urgent=True)
    # then it is open, urgent, and its history has the creation
    assert need.status == "open" and need.urgent
    assert list(need.history.values_list("from_status", "to_status")) == [("", "open")]


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"kind": "money", "amount_fen": -100}, "OUT_OF_RANGE", "amountFen"),
        ({"kind": "money", "amount_fen": 0}, "OUT_OF_RANGE", "amountFen"),
        ({"kind": "money", "amount_fen": 10**15}, "OUT_OF_RANGE", "amountFen"),
        ({"kind": "money"}, "REQUIRED", "amountFen"),
        ({"kind": "money", "amount_fen": 100, "quantity": 3}, "NEED_DETAILS", "quantity"),
        ({"kind": "goods", "goods_item": "大米", "quantity": -1}, "OUT_OF_RANGE", "quantity"),
        ({"kind": "goods", "goods_item": "", "quantity": 1}, "REQUIRED", "goodsItem"),
        ({"kind": "goods", "goods_item": "米" * 101, "quantity": 1}, "TOO_LONG", "goodsItem"),
        ({"kind": "goods", "goods_item": "大米", "quantity": 1, "goods_category": "gold"}, "INVALID",
         "goodsCategory"),
        ({"kind": "goods", "goods_item": "大米", "quantity": 1, "amount_fen": 5}, "NEED_DETAILS", "amountFen"),
        ({"kind": "service", "service_type": "cleaning", "minutes": 0}, "OUT_OF_RANGE", "minutes"),
        ({"kind": "service", "service_type": "juggling", "minutes": 60}, "INVALID", "serviceType"),
        ({"kind": "service", "minutes": 60}, "REQUIRED", "serviceType"),
        ({"kind": "teleport"}, "INVALID", "kind"),
        ({"kind": "money", "amount_fen": 100, "description": "x" * 5001}, "TOO_LONG", "description"),
    ],
)
def test_it_refuses_a_bad_need_and_writes_nothing(
    north_household: Any, alice_staff_north: Any, kwargs: dict[str, Any], code: str, field: str
) -> None:
    with pytest.raises(ServiceError) as exc:
        services.need_create(actor=alice_staff_north, household=north_household, **kwargs)
    assert _codes(exc) == (code, field)
    assert Need.objects.count() == 0 and NeedStatusChange.objects.count() == 0


def test_it_refuses_a_need_for_another_streets_household(south_household: Any, alice_staff_north: Any) -> None:
    with pytest.raises(ServiceError) as exc:
        services.need_create(actor=alice_staff_north, household=south_household, kind="money", amount_fen=100)
    assert exc.value.code == "PERMISSION_DENIED"
    assert Need.objects.count() == 0


def test_it_walks_a_need_through_its_statuses_with_history(north_need: Any, alice_staff_north: Any) -> None:
    # when the need is proposed, matched and fulfilled
    for status in ("proposed", "matched", "fulfilled"):
        services.need_set_status(actor=alice_staff_north, need=north_need, status=status, note=f"to {status}")
    # then every step is in its history, with who and why
    steps = list(north_need.history.order_by("at", "id").values_list("from_status", "to_status", "note"))
    assert steps == [("", "open", ""), ("open", "proposed", "to proposed"), ("proposed", "matched", "to matched"),
                     ("matched", "fulfilled", "to fulfilled")]
    assert all(h.actor == alice_staff_north for h in north_need.history.exclude(from_status=""))


@pytest.mark.parametrize(("path", "bad"), [((), "fulfilled"), (("closed",), "matched"),
                                            (("proposed", "matched", "fulfilled"), "open"), ((), "nonsense")])
def test_it_refuses_an_invalid_status_transition(
    north_need: Any, alice_staff_north: Any, path: tuple[str, ...], bad: str
) -> None:
    for status in path:
        services.need_set_status(actor=alice_staff_north, need=north_need, status=status)
    before = north_need.history.count()
    with pytest.raises(ServiceError) as exc:
        services.need_set_status(actor=alice_staff_north, need=north_need, status=bad)
    assert exc.value.code in ("INVALID_TRANSITION", "INVALID") and exc.value.field == "status"
    assert north_need.history.count() == before
    north_need.refresh_from_db()
    assert north_need.status == (path[-1] if path else "open")


def test_it_reopening_a_need_puts_it_back_at_the_end_of_the_queue(north_need: Any, alice_staff_north: Any) -> None:
    opened = north_need.opened_at
    services.need_set_status(actor=alice_staff_north, need=north_need, status="closed")
    need = services.need_set_status(actor=alice_staff_north, need=north_need, status="open", note="再次需要")
    assert need.status == "open" and need.opened_at > opened


def test_it_lets_a_calling_service_change_status_with_allow(north_need: Any, bob_volunteer_north: Any) -> None:
    # a volunteer may not, but a service that checked itself (allow=True) may, and it is recorded
    with pytest.raises(ServiceError):
        services.need_set_status(actor=bob_volunteer_north, need=north_need, status="proposed")
    need = services.need_set_status(actor=None, need=north_need, status="proposed", allow=True, note="matching")
    assert need.status == "proposed"
    assert need.history.last().actor is None


def test_it_refuses_a_status_change_from_another_street(north_need: Any, carol_staff_south: Any) -> None:
    with pytest.raises(ServiceError) as exc:
        services.need_set_status(actor=carol_staff_south, need=north_need, status="closed")
    assert exc.value.code == "PERMISSION_DENIED"
    north_need.refresh_from_db()
    assert north_need.status == "open"


def test_it_edits_only_open_needs(north_need: Any, alice_staff_north: Any) -> None:
    need = services.need_update(actor=alice_staff_north, need=north_need, quantity=2, urgent=False)
    assert need.quantity == 2 and not need.urgent
    services.need_set_status(actor=alice_staff_north, need=north_need, status="closed")
    with pytest.raises(ServiceError) as exc:
        services.need_update(actor=alice_staff_north, need=north_need, quantity=3)
    assert exc.value.code == "NEED_NOT_EDITABLE"
    north_need.refresh_from_db()
    assert north_need.quantity == 2


def test_it_sends_need_opened_only_after_commit(
    north_household: Any, alice_staff_north: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from huzhu.households import signals

    received: list[dict[str, Any]] = []

    def receiver(sender: Any, **kwargs: Any) -> None:
        received.append(kwargs)

    signals.need_opened.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            need = services.need_create(actor=alice_staff_north, household=north_household, kind="money",
                                        amount_fen=1000, urgent=True)
        assert received == []  # not before commit
        for callback in callbacks:
            callback()
        assert {"need_id": need.id, "urgent": True}.items() <= received[0].items()
    finally:
        signals.need_opened.disconnect(receiver)


# --- visits ------------------------------------------------------------------------------------------------


def test_it_records_a_visit_by_a_social_worker(north_household: Any, sam_social_worker_north: Any) -> None:
    at = timezone.now() - dt.timedelta(hours=2)
    visit = services.visit_record(actor=sam_social_worker_north, household=north_household, visited_at=at,
                                  notes="精神不错")
    assert visit.visitor == sam_social_worker_north and visit.visited_at == at


@pytest.mark.parametrize(
    ("offset", "notes", "code", "field"),
    [(dt.timedelta(days=2), "", "VISIT_IN_FUTURE", "visitedAt"),
     (dt.timedelta(days=-400), "", "OUT_OF_RANGE", "visitedAt"),
     (dt.timedelta(hours=-1), "记" * 5001, "TOO_LONG", "notes")],
)
def test_it_refuses_a_bad_visit_and_writes_nothing(
    north_household: Any, sam_social_worker_north: Any, offset: dt.timedelta, notes: str, code: str, field: str
) -> None:
    with pytest.raises(ServiceError) as exc:
        services.visit_record(actor=sam_social_worker_north, household=north_household,
                              visited_at=timezone.now() + offset, notes=notes)
    assert _codes(exc) == (code, field)
    assert Visit.objects.count() == 0


def test_it_refuses_a_visit_record_from_another_street(south_household: Any, sam_social_worker_north: Any) -> None:
    with pytest.raises(ServiceError) as exc:
        services.visit_record(actor=sam_social_worker_north, household=south_household, visited_at=timezone.now())
    assert exc.value.code == "PERMISSION_DENIED"
    assert Visit.objects.count() == 0
