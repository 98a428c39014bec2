"""Volunteering fixtures: a task factory (created through the service), volunteers with skills and birth years,
a south social worker, and key-group households registered through households' own service."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from tests.conftest import make_user

_seq = itertools.count(1)


def soon(**delta: Any) -> datetime:
    return timezone.now() + timedelta(**delta)


def make_volunteer(email: str, region: Any, community: Any, *, skills: list[str] | None = None,
                   birth_year: int | None = 1990) -> Any:
    from huzhu.people.models import VolunteerProfile

    user = make_user(email, ("volunteer", region))
    VolunteerProfile.objects.create(user=user, home_community=community, skills=skills or ["home_visit"],
                                    birth_year=birth_year)
    return user


@pytest.fixture
def sara_social_worker_south(regions: dict[str, Any], workstations: dict[str, Any]) -> Any:
    from huzhu.people.models import SocialWorkerProfile

    user = make_user("sara.sw@test.huzhu", ("social_worker", regions["south"]))
    SocialWorkerProfile.objects.create(user=user, workstation=workstations["south"])
    return user


@pytest.fixture
def tom_social_worker_north(regions: dict[str, Any], workstations: dict[str, Any]) -> Any:
    """A second social worker of the north street (confirms at the same time as sam)."""
    from huzhu.people.models import SocialWorkerProfile

    user = make_user("tom.sw@test.huzhu", ("social_worker", regions["north"]))
    SocialWorkerProfile.objects.create(user=user, workstation=workstations["north"])
    return user


@pytest.fixture
def make_task(regions: dict[str, Any], alice_staff_north: Any, sam_social_worker_north: Any) -> Any:
    """make_task(**overrides) → an open task in north_c1 led by sam, starting in two days, 2 hours, 3 slots."""
    from huzhu.volunteering.services import service_task_create

    def factory(**overrides: Any) -> Any:
        starts_at = overrides.pop("starts_at", None) or soon(days=2)
        args: dict[str, Any] = {
            "actor": alice_staff_north, "title": f"上门探访 {next(_seq)}", "service_type": "home_visit",
            "region": regions["north_c1"], "starts_at": starts_at,
            "ends_at": overrides.pop("ends_at", None) or starts_at + timedelta(hours=2),
            "slots": 3, "lead": sam_social_worker_north, "open_now": True,
        }
        args.update(overrides)
        return service_task_create(**args)

    return factory


def register_household(actor: Any, region: Any, *, tags: list[str] | None = None, address: str = "北街道测试路1号",
                       category: str = "minimum_living") -> Any:
    from huzhu.households.personal import make_id_number
    from huzhu.households.services import MemberInput, PersonalInput, household_register

    n = next(_seq)
    return household_register(
        actor=actor, region=region, category=category, tags=tags if tags is not None else ["elderly_alone"],
        members=[MemberInput(relation="head", age_band="age_80_plus", sex="female", name=f"户主{n}")],
        personal=PersonalInput(head_name=f"户主{n}", id_number=make_id_number("310112", "19400101", n),
                               phone="13800000000", address=address),
    )


@pytest.fixture
def north_household(regions: dict[str, Any], workstations: dict[str, Any], alice_staff_north: Any) -> Any:
    return register_household(alice_staff_north, regions["north_c1"], address="北街道梧桐路88弄7号302室")


def service_need(actor: Any, household: Any, *, urgent: bool = False, service_type: str = "home_visit") -> Any:
    from huzhu.households.services import need_create

    return need_create(actor=actor, household=household, kind="service", service_type=service_type, minutes=120,
                       urgent=urgent)
