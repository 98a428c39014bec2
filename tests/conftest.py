"""Shared fixtures: real PostgreSQL (embedded or DATABASE_URL), personas by role and street, a GraphQL client.

Personas (STYLE.md): the district 闵行 has streets north and south, each with two communities.
alice_staff_north, bob_volunteer_north, carol_staff_south, dave_volunteer_south, sam_social_worker_north,
dora_donor, rita_reviewer, ada_admin.
"""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

os.environ.setdefault("HUZHU_FAST_HASHER", "1")
# pytest-django imports the settings before this file, so the variable above comes too late for settings.py:
# switch to the fast hasher here too (nothing has been hashed yet, so Django has not cached the slow one).
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def regions(db: Any) -> dict[str, Any]:
    from huzhu.regions.services import region_insert

    district = region_insert(name="闵行区", code="t-district", level="district", parent=None)
    north = region_insert(name="北街道", code="t-north", level="street", parent=district)
    south = region_insert(name="南街道", code="t-south", level="street", parent=district)
    out = {"district": district, "north": north, "south": south}
    for street, key in ((north, "north"), (south, "south")):
        for i in (1, 2):
            community = region_insert(
                name=f"{street.name}{i}社区", code=f"t-{key}-c{i}", level="community", parent=street
            )
            out[f"{key}_c{i}"] = community
            out[f"{key}_c{i}_g1"] = region_insert(
                name=f"{community.name}1网格", code=f"t-{key}-c{i}-g1", level="grid", parent=community
            )
    return out


def make_user(email: str, *grants: tuple[str, Any], superuser: bool = False) -> Any:
    from huzhu.people.models import RoleGrant, User

    if superuser:
        user = User.objects.create_superuser(email=email, password="pw-123456")
    else:
        user = User.objects.create_user(email=email, password="pw-123456")
    for role, region in grants:
        RoleGrant.objects.create(user=user, role=role, region=region)
    return user


@pytest.fixture
def workstations(regions: dict[str, Any]) -> dict[str, Any]:
    from huzhu.people.models import Workstation

    return {
        "north": Workstation.objects.create(name="北街道慈善工作站", region=regions["north"]),
        "south": Workstation.objects.create(name="南街道慈善工作站", region=regions["south"]),
    }


@pytest.fixture
def ada_admin(regions: dict[str, Any]) -> Any:
    return make_user("ada.admin@test.huzhu", ("administrator", regions["district"]))


@pytest.fixture
def alice_staff_north(regions: dict[str, Any]) -> Any:
    return make_user("alice.staff@test.huzhu", ("workstation_staff", regions["north"]))


@pytest.fixture
def carol_staff_south(regions: dict[str, Any]) -> Any:
    return make_user("carol.staff@test.huzhu", ("workstation_staff", regions["south"]))


@pytest.fixture
def sam_social_worker_north(regions: dict[str, Any], workstations: dict[str, Any]) -> Any:
    from huzhu.people.models import SocialWorkerProfile

    user = make_user("sam.sw@test.huzhu", ("social_worker", regions["north"]))
    SocialWorkerProfile.objects.create(user=user, workstation=workstations["north"])
    return user


@pytest.fixture
def bob_volunteer_north(regions: dict[str, Any]) -> Any:
    from huzhu.people.models import VolunteerProfile

    user = make_user("bob.vol@test.huzhu", ("volunteer", regions["north"]))
    VolunteerProfile.objects.create(user=user, home_community=regions["north_c1"], skills=["home_visit"])
    return user


@pytest.fixture
def dave_volunteer_south(regions: dict[str, Any]) -> Any:
    from huzhu.people.models import VolunteerProfile

    user = make_user("dave.vol@test.huzhu", ("volunteer", regions["south"]))
    VolunteerProfile.objects.create(user=user, home_community=regions["south_c1"], skills=["home_visit"])
    return user


@pytest.fixture
def dora_donor(regions: dict[str, Any]) -> Any:
    return make_user("dora.donor@test.huzhu", ("donor", regions["district"]))


@pytest.fixture
def rita_reviewer(regions: dict[str, Any]) -> Any:
    return make_user("rita.reviewer@test.huzhu", ("foundation_reviewer", regions["district"]))


class GQL:
    """POSTs to /graphql as a given user; returns `data`, or raises with the errors when there are any."""

    def __call__(self, query: str, variables: dict[str, Any] | None = None, *, as_user: Any = None,
                 expect_errors: bool = False) -> Any:
        body = self.raw(query, variables, as_user=as_user)
        if expect_errors:
            assert body.get("errors"), body
            return body
        assert not body.get("errors"), body.get("errors")
        return body["data"]

    def raw(self, query: str, variables: dict[str, Any] | None = None, *, as_user: Any = None) -> Any:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        if as_user is not None:
            client.force_login(as_user)
        response = client.post(
            "/graphql", json.dumps({"query": query, "variables": variables or {}}),
            content_type="application/json",
        )
        assert response.status_code in (200, 400), response.content
        return response.json()


@pytest.fixture
def gql(db: Any) -> GQL:
    return GQL()


def gid(obj: Any, type_name: str | None = None) -> str:
    from graphql_relay import to_global_id

    return to_global_id(type_name or type(obj).__name__, str(obj.pk))


def signed_in_client(user: Any) -> Any:
    """A logged-in test client: the login's own queries happen here, outside a counted block."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def post_graphql(client: Any, query: str, variables: dict[str, Any]) -> Any:
    """POST a GraphQL document as `client`; the data, after asserting there were no errors."""
    import json

    body = client.post("/graphql", json.dumps({"query": query, "variables": variables}),
                       content_type="application/json").json()
    assert not body.get("errors"), body["errors"]
    return body["data"]
