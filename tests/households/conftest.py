"""Households fixtures: a registered household per street with known personal data, and a factory.

The personal values are distinctive strings so a test can search raw response JSON for them.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest

_seq = itertools.count(1)


def id_number(birth: str = "19480312", area: str = "310112") -> str:
    """A valid, unique ID number for tests (the sequence makes each call different)."""
    from huzhu.households.personal import make_id_number

    return make_id_number(area, birth, next(_seq))


NORTH_PERSONAL = {
    "head_name": "诸葛秀英",
    "id_number": "",  # filled in by the fixture
    "phone": "13900112233",
    "address": "北街道梧桐路88弄7号302室",
    "member_names": ["诸葛秀英", "诸葛小明"],
}
SOUTH_PERSONAL = {
    "head_name": "欧阳建国",
    "id_number": "",
    "phone": "13700998877",
    "address": "南街道银杏路16弄3号101室",
    "member_names": ["欧阳建国"],
}


def register(
    actor: Any,
    region: Any,
    *,
    head_name: str = "测试户主",
    id_no: str | None = None,
    phone: str = "13800000000",
    address: str = "测试地址1号",
    member_names: list[str] | None = None,
    category: str = "minimum_living",
    tags: list[str] | None = None,
    members: list[Any] | None = None,
) -> Any:
    from huzhu.households.services import MemberInput, PersonalInput, household_register

    if members is None:
        names = member_names or [head_name]
        members = [MemberInput(relation="head", age_band="age_80_plus", sex="female", name=names[0])]
        members += [MemberInput(relation="child", age_band="age_6_17", sex="male", name=n) for n in names[1:]]
    return household_register(
        actor=actor, region=region, category=category, tags=tags if tags is not None else ["elderly_alone"],
        members=members,
        personal=PersonalInput(head_name=head_name, id_number=id_no or id_number(), phone=phone, address=address),
    )


@pytest.fixture
def north_personal() -> dict[str, Any]:
    return {**NORTH_PERSONAL, "id_number": id_number("19450101")}


@pytest.fixture
def south_personal() -> dict[str, Any]:
    return {**SOUTH_PERSONAL, "id_number": id_number("19600606")}


@pytest.fixture
def north_household(regions: dict[str, Any], workstations: dict[str, Any], alice_staff_north: Any,
                    north_personal: dict[str, Any]) -> Any:
    return register(
        alice_staff_north, regions["north_c1_g1"], head_name=north_personal["head_name"],
        id_no=north_personal["id_number"], phone=north_personal["phone"], address=north_personal["address"],
        member_names=north_personal["member_names"], tags=["elderly_alone", "disabled_elderly"],
    )


@pytest.fixture
def south_household(regions: dict[str, Any], workstations: dict[str, Any], carol_staff_south: Any,
                    south_personal: dict[str, Any]) -> Any:
    return register(
        carol_staff_south, regions["south_c1"], head_name=south_personal["head_name"],
        id_no=south_personal["id_number"], phone=south_personal["phone"], address=south_personal["address"],
        member_names=south_personal["member_names"], category="extreme_poverty", tags=["severe_disability"],
    )


@pytest.fixture
def north_need(north_household: Any, alice_staff_north: Any) -> Any:
    from huzhu.households.services import need_create

    return need_create(actor=alice_staff_north, household=north_household, kind="goods", goods_category="mobility_aid",
                       goods_item="轮椅", quantity=1, urgent=True, description="诸葛秀英 needs a wheelchair")


@pytest.fixture
def south_need(south_household: Any, carol_staff_south: Any) -> Any:
    from huzhu.households.services import need_create

    return need_create(actor=carol_staff_south, household=south_household, kind="money", amount_fen=50000,
                       description="欧阳建国 medical bills")
