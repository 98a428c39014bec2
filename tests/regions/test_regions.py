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


MOVE = """mutation($r: ID!, $p: ID!) { regionMove(regionId: $r, parentId: $p) {
  region { code parentId } errors { field code message } } }"""
REGIONS = """query($level: RegionLevel, $under: ID) { regions(level: $level, underId: $under) { code level } }"""


def test_it_refuses_a_move_by_the_administrator_of_another_street(gql: Any, regions: dict[str, Any]) -> None:
    # given the south street's administrator
    from tests.conftest import make_user

    sue = make_user("sue.admin@test.huzhu", ("administrator", regions["south"]))
    # when she moves a north community under her street
    data = gql(MOVE, {"r": gid(regions["north_c1"], "Region"), "p": gid(regions["south"], "Region")}, as_user=sue)
    # then she is refused and the tree is unchanged
    assert data["regionMove"]["errors"][0]["code"] == "PERMISSION_DENIED"
    assert Region.objects.get(code="t-north-c1-g1").path.startswith(regions["north"].path)


def test_it_moves_a_community_through_graphql(gql: Any, regions: dict[str, Any], ada_admin: Any) -> None:
    data = gql(MOVE, {"r": gid(regions["north_c2"], "Region"), "p": gid(regions["south"], "Region")},
               as_user=ada_admin)
    assert data["regionMove"]["errors"] == []
    assert data["regionMove"]["region"] == {"code": "t-north-c2", "parentId": gid(regions["south"], "Region")}
    assert Region.objects.get(code="t-north-c2-g1").path.startswith(regions["south"].path)


def test_it_refuses_moving_a_region_under_its_own_descendant(regions: dict[str, Any], ada_admin: Any) -> None:
    with pytest.raises(ServiceError) as exc:
        region_move(actor=ada_admin, region=regions["north"], new_parent=regions["north_c1"])
    assert exc.value.code == "INVALID"
    assert Region.objects.get(code="t-north").parent_id == regions["district"].id


def test_it_refuses_a_duplicate_code(gql: Any, regions: dict[str, Any], ada_admin: Any) -> None:
    data = gql(
        """mutation($p: ID!) { regionCreate(name: "重复", code: "t-north-c1", level: community, parentId: $p) {
             region { name } errors { field code message } } }""",
        {"p": gid(regions["south"], "Region")}, as_user=ada_admin,
    )
    assert data["regionCreate"]["errors"][0]["field"] == "code"
    assert data["regionCreate"]["errors"][0]["code"] == "CONFLICT"
    assert not Region.objects.filter(name="重复").exists()


def test_it_refuses_an_oversized_name(gql: Any, regions: dict[str, Any], ada_admin: Any) -> None:
    data = gql(
        """mutation($p: ID!, $n: String!) { regionCreate(name: $n, code: "t-big", level: community, parentId: $p) {
             region { name } errors { field code message } } }""",
        {"p": gid(regions["south"], "Region"), "n": "x" * 10_000}, as_user=ada_admin,
    )
    assert data["regionCreate"]["errors"][0]["code"] == "TOO_LONG"
    assert not Region.objects.filter(code="t-big").exists()


def test_it_lists_the_subtree_of_a_street_in_tree_order(gql: Any, regions: dict[str, Any],
                                                        bob_volunteer_north: Any) -> None:
    data = gql(REGIONS, {"under": gid(regions["south"], "Region")}, as_user=bob_volunteer_north)
    assert [r["code"] for r in data["regions"]] == [
        "t-south", "t-south-c1", "t-south-c1-g1", "t-south-c2", "t-south-c2-g1"
    ]
    streets = gql(REGIONS, {"level": "street"}, as_user=bob_volunteer_north)["regions"]
    assert {r["code"] for r in streets} == {"t-north", "t-south"}


def test_it_asks_an_anonymous_caller_to_log_in_for_regions(gql: Any, regions: dict[str, Any]) -> None:
    body = gql.raw(REGIONS, {})
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert body["data"] is None or body["data"].get("regions") is None


def test_it_answers_an_unknown_region_id_with_a_typed_error(gql: Any, regions: dict[str, Any],
                                                            ada_admin: Any) -> None:
    data = gql(MOVE, {"r": "UmVnaW9uOjk5OTk5OTk=", "p": gid(regions["south"], "Region")}, as_user=ada_admin)
    assert data["regionMove"]["errors"][0] == {
        "field": "regionId", "code": "NOT_FOUND", "message": "Not found, or you may not see it."
    }
