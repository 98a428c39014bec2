from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from huzhu.core.errors import ServiceError
from huzhu.regions.models import Region
from huzhu.regions.selectors import region_subtree
from huzhu.regions.services import region_create, region_move
from tests.conftest import gid


def test_it_finds_a_subtree_with_one_indexed_prefix_predicate(regions: dict[str, Any]) -> None:
    with CaptureQueriesContext(connection) as ctx:
        codes = sorted(r.code for r in region_subtree(regions["north"]))
    assert codes == ["t-north", "t-north-c1", "t-north-c1-g1", "t-north-c2", "t-north-c2-g1"]
    assert len(ctx.captured_queries) == 1
    assert "LIKE" in ctx.captured_queries[0]["sql"]


def test_it_uses_the_path_index_for_subtree_queries(regions: dict[str, Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM regions_region WHERE path LIKE %s", [regions["north"].path + "%"]
        )
        plan = " ".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "region_path_prefix_idx" in plan


def test_it_moves_a_community_with_its_grids(regions: dict[str, Any], ada_admin: Any) -> None:
    moved = region_move(actor=ada_admin, region=regions["north_c1"], new_parent=regions["south"])
    assert moved.parent_id == regions["south"].id
    grid = Region.objects.get(code="t-north-c1-g1")
    assert grid.path.startswith(regions["south"].path)
    assert grid.path == f"{regions['south'].path}{moved.id}.{grid.id}."


def test_it_refuses_moving_a_region_under_a_wrong_level(regions: dict[str, Any], ada_admin: Any) -> None:
    with pytest.raises(ServiceError) as exc:
        region_move(actor=ada_admin, region=regions["north_c1"], new_parent=regions["south_c1"])
    assert exc.value.code == "INVALID"
    assert Region.objects.get(code="t-north-c1").parent_id == regions["north"].id


def test_it_refuses_region_creation_to_staff(regions: dict[str, Any], alice_staff_north: Any) -> None:
    with pytest.raises(ServiceError) as exc:
        region_create(actor=alice_staff_north, name="新社区", code="new", level="community",
                      parent=regions["north"])
    assert exc.value.code == "PERMISSION_DENIED"
    assert not Region.objects.filter(code="new").exists()


def test_admin_creates_a_region_through_graphql(gql: Any, regions: dict[str, Any], ada_admin: Any) -> None:
    data = gql(
        """mutation($p: ID!) { regionCreate(name: "新社区", code: "t-new", level: community, parentId: $p) {
             region { name level } errors { field code message } } }""",
        {"p": gid(regions["north"], "Region")}, as_user=ada_admin,
    )
    assert data["regionCreate"]["errors"] == []
    assert data["regionCreate"]["region"] == {"name": "新社区", "level": "community"}


def test_it_answers_a_wrong_level_with_a_typed_error(gql: Any, regions: dict[str, Any], ada_admin: Any) -> None:
    data = gql(
        """mutation($p: ID!) { regionCreate(name: "x", code: "t-x", level: district, parentId: $p) {
             region { name } errors { field code message } } }""",
        {"p": gid(regions["north"], "Region")}, as_user=ada_admin,
    )
    assert data["regionCreate"]["region"] is None
    assert data["regionCreate"]["errors"][0]["field"] == "level"
    assert data["regionCreate"]["errors"][0]["code"] == "INVALID"
    assert not Region.objects.filter(code="t-x").exists()
