"""Duplicate aid: the same ID number registered by two streets flags both households, each street sees only
"registered in <street> on <date>", never the other's personal data; the same street twice is refused."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from django.db import connection

from huzhu.core.errors import ServiceError
from huzhu.households.models import DuplicateFlag, Household
from huzhu.households.services import personal_data_update
from tests.conftest import gid, make_user

from .conftest import id_number, register

FLAGS = """query { households(first: 20, possibleDuplicate: true) { totalCount edges { node { id possibleDuplicate
  duplicateFlags { streetName registeredOn message } } } } }"""
PERSONAL = """query($id: ID!) { householdPersonalData(id: $id, purpose: "核对重复") {
  personalData { headName idNumber phone address memberNames } errors { code } } }"""


@pytest.fixture
def same_person(regions: dict[str, Any], workstations: dict[str, Any], alice_staff_north: Any,
                carol_staff_south: Any) -> dict[str, Any]:
    number = id_number("19400101")
    north = register(alice_staff_north, regions["north_c1"], head_name="北方登记名", id_no=number,
                     phone="13511110000", address="北街道某路1号")
    south = register(carol_staff_south, regions["south_c2_g1"], head_name="南方登记名", id_no=number,
                     phone="13522220000", address="南街道某路2号")
    return {"number": number, "north": north, "south": south}


def test_it_flags_both_households_when_two_streets_register_the_same_id(
    gql: Any, same_person: dict[str, Any], alice_staff_north: Any, carol_staff_south: Any, regions: dict[str, Any]
) -> None:
    # given the same ID number registered first by the north street, then by the south street
    north, south = same_person["north"], same_person["south"]
    # then both households are flagged
    assert Household.objects.get(id=north.id).possible_duplicate
    assert Household.objects.get(id=south.id).possible_duplicate
    # and each street's staff sees its own household flagged with the other street's name and date
    north_view = gql(FLAGS, as_user=alice_staff_north)["households"]
    south_view = gql(FLAGS, as_user=carol_staff_south)["households"]
    assert [e["node"]["id"] for e in north_view["edges"]] == [gid(north, "Household")]
    assert [e["node"]["id"] for e in south_view["edges"]] == [gid(south, "Household")]
    north_flag = north_view["edges"][0]["node"]["duplicateFlags"]
    south_flag = south_view["edges"][0]["node"]["duplicateFlags"]
    assert [f["streetName"] for f in north_flag] == [regions["south"].name]
    assert [f["streetName"] for f in south_flag] == [regions["north"].name]
    assert north_flag[0]["message"] == (
        f"Possible duplicate aid: also registered in {regions['south'].name} on {north_flag[0]['registeredOn']}."
    )


def test_neither_street_sees_the_others_personal_data(
    gql: Any, same_person: dict[str, Any], alice_staff_north: Any, carol_staff_south: Any
) -> None:
    north, south = same_person["north"], same_person["south"]
    # when each street's staff reads every field of its flagged household and tries the other one
    own_north = gql.raw(PERSONAL, {"id": gid(north, "Household")}, as_user=alice_staff_north)
    other_for_north = gql.raw(PERSONAL, {"id": gid(south, "Household")}, as_user=alice_staff_north)
    flags_for_north = gql.raw(FLAGS, as_user=alice_staff_north)
    own_south = gql.raw(PERSONAL, {"id": gid(south, "Household")}, as_user=carol_staff_south)
    other_for_south = gql.raw(PERSONAL, {"id": gid(north, "Household")}, as_user=carol_staff_south)
    # then each sees its own record, not one value of the other's
    assert own_north["data"]["householdPersonalData"]["personalData"]["headName"] == "北方登记名"
    assert own_south["data"]["householdPersonalData"]["personalData"]["headName"] == "南方登记名"
    assert other_for_north["data"]["householdPersonalData"]["errors"] == [{"code": "NOT_FOUND"}]
    assert other_for_south["data"]["householdPersonalData"]["errors"] == [{"code": "NOT_FOUND"}]
    north_text = json.dumps([own_north, other_for_north, flags_for_north], ensure_ascii=False)
    for secret in ("南方登记名", "13522220000", "南街道某路2号"):
        assert secret not in north_text
    south_text = json.dumps([own_south, other_for_south], ensure_ascii=False)
    for secret in ("北方登记名", "13511110000", "北街道某路1号"):
        assert secret not in south_text


def test_it_refuses_the_same_id_twice_in_one_street(
    regions: dict[str, Any], workstations: dict[str, Any], alice_staff_north: Any
) -> None:
    number = id_number()
    register(alice_staff_north, regions["north_c1"], id_no=number)
    with pytest.raises(ServiceError) as exc:
        register(alice_staff_north, regions["north_c2"], id_no=number.lower())
    assert (exc.value.code, exc.value.field) == ("DUPLICATE_ID_NUMBER", "idNumber")
    assert Household.objects.count() == 1 and not DuplicateFlag.objects.exists()


def test_correcting_an_id_number_clears_the_flags(
    same_person: dict[str, Any], alice_staff_north: Any
) -> None:
    north, south = same_person["north"], same_person["south"]
    # when the north street corrects its household's ID number
    personal_data_update(actor=alice_staff_north, household=north, id_number=id_number("19400102"))
    # then neither household is flagged any longer
    assert not DuplicateFlag.objects.exists()
    assert not Household.objects.get(id=north.id).possible_duplicate
    assert not Household.objects.get(id=south.id).possible_duplicate


def test_a_third_street_is_flagged_against_both(
    same_person: dict[str, Any], regions: dict[str, Any]
) -> None:
    from huzhu.people.models import Workstation
    from huzhu.regions.services import region_insert

    east = region_insert(name="东街道", code="t-east", level="street", parent=regions["district"])
    east_c1 = region_insert(name="东1社区", code="t-east-c1", level="community", parent=east)
    Workstation.objects.create(name="东街道工作站", region=east)
    erin = make_user("erin.staff@test.huzhu", ("workstation_staff", east))
    third = register(erin, east_c1, id_no=same_person["number"])
    streets = sorted(f.other_street.name for f in DuplicateFlag.objects.filter(household=third))
    assert streets == sorted([regions["north"].name, regions["south"].name])
    assert DuplicateFlag.objects.count() == 6


@pytest.mark.django_db(transaction=True)
def test_it_flags_both_when_two_streets_register_the_same_id_at_the_same_moment(
    regions: dict[str, Any], workstations: dict[str, Any], alice_staff_north: Any, carol_staff_south: Any
) -> None:
    # given the same ID number, registered concurrently by the north and the south street
    number = id_number("19330303")
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run(actor: Any, region: Any) -> None:
        try:
            barrier.wait(timeout=10)
            register(actor, region, id_no=number)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(alice_staff_north, regions["north_c1"])),
               threading.Thread(target=run, args=(carol_staff_south, regions["south_c1"]))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    # then both registrations went through and both households are flagged (the advisory lock serialised them)
    assert errors == []
    assert Household.objects.count() == 2
    assert Household.objects.filter(possible_duplicate=True).count() == 2
    assert DuplicateFlag.objects.count() == 2
