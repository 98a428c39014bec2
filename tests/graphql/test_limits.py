"""Query bombs are refused before anything runs: a depth limit and a cost limit (huzhu/graphql/limits.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext


def _nested(depth: int) -> str:
    """regions { parent { parent { … name } } } with `depth` levels of fields."""
    return "query Deep { regions { " + "parent { " * (depth - 2) + "name" + " }" * (depth - 2) + " } }"


def _household_reads(captured: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if "households_" in q["sql"] or "regions_" in q["sql"]]


def test_it_refuses_a_depth_30_query_with_a_clear_error(gql: Any, alice_staff_north: Any) -> None:
    # given a query nested 30 levels deep
    with CaptureQueriesContext(connection) as captured:
        body = gql.raw(_nested(30), as_user=alice_staff_north)
    # then it is refused with a message that says what and how much, and nothing was read
    assert body.get("data") is None
    error = body["errors"][0]
    assert error["message"] == "Query is nested 30 levels deep; the maximum is 10. Ask for fewer nested fields."
    assert error["extensions"]["code"] == "QUERY_TOO_DEEP"
    assert _household_reads(captured) == []


def test_it_allows_a_query_at_the_maximum_depth(gql: Any, alice_staff_north: Any) -> None:
    data = gql(_nested(10), as_user=alice_staff_north)
    assert data["regions"]


def test_it_refuses_depth_hidden_in_fragments(gql: Any, alice_staff_north: Any) -> None:
    query = ("query { regions { ...A } } fragment A on Region { parent { ...B } } "
             "fragment B on Region { parent { parent { parent { parent { parent { parent { parent { parent { "
             "parent { name } } } } } } } } } }")
    body = gql.raw(query, as_user=alice_staff_north)
    assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_DEEP"


@pytest.mark.parametrize(
    "query",
    [
        "query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }",  # a fragment cycle
        "query { regions { ...Missing } }",  # an unknown fragment
        "query { " + "regions { " * 3000 + "name" + " }" * 3000 + " }",  # absurdly deep
    ],
)
def test_it_answers_malformed_bombs_with_an_error_not_a_crash(gql: Any, alice_staff_north: Any, query: str) -> None:
    body = gql.raw(query, as_user=alice_staff_north)
    assert body.get("data") is None
    assert body["errors"][0]["message"]


def test_it_refuses_a_cost_bomb_before_executing(gql: Any, alice_staff_north: Any) -> None:
    # given 100 aliases each asking for 100 households with their needs and history
    fields = " ".join(
        f"a{i}: households(first: 100) {{ edges {{ node {{ id needs {{ id history {{ toStatus }} }} }} }} }}"
        for i in range(100)
    )
    with CaptureQueriesContext(connection) as captured:
        body = gql.raw("query Bomb { " + fields + " }", as_user=alice_staff_north)
    # then it is refused with the cost and the maximum, and no household was read
    assert body.get("data") is None
    error = body["errors"][0]
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert error["message"].startswith("Query cost ") and "exceeds the maximum of 50000" in error["message"]
    assert _household_reads(captured) == []


def test_it_counts_a_page_size_given_as_a_variable(gql: Any, alice_staff_north: Any) -> None:
    # the same bomb with `first: $n` must cost as much as with a literal 100
    fields = " ".join(
        f"a{i}: households(first: $n) {{ edges {{ node {{ id needs {{ id history {{ toStatus }} }} }} }} }}"
        for i in range(100)
    )
    body = gql.raw("query Bomb($n: Int!) { " + fields + " }", {"n": 100}, as_user=alice_staff_north)
    assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"


def test_it_counts_a_connection_without_first_at_the_largest_page(gql: Any, alice_staff_north: Any) -> None:
    # a connection asked for without first/last returns up to 100 rows, so it costs like first: 100
    fields = " ".join(
        f"a{i}: households {{ edges {{ node {{ id needs {{ id history {{ toStatus }} }} }} }} }}" for i in range(100)
    )
    body = gql.raw("query { " + fields + " }", as_user=alice_staff_north)
    assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"


def test_it_lets_a_large_legitimate_page_through(gql: Any, alice_staff_north: Any) -> None:
    data = gql("""query { households(first: 100) { totalCount edges { node { id category tags memberCount
        members { relation ageBand } needs { id kind status history { toStatus } }
        duplicateFlags { message } community { name } } } } }""", as_user=alice_staff_north)
    assert data["households"]["totalCount"] == 0


def test_graphiql_introspection_still_works(gql: Any, alice_staff_north: Any) -> None:
    from graphql import get_introspection_query

    data = gql(get_introspection_query(descriptions=True), as_user=alice_staff_north)
    assert any(t["name"] == "Household" for t in data["__schema"]["types"])


def test_it_refuses_an_exponential_fragment_bomb_quickly(gql: Any, alice_staff_north: Any) -> None:
    import time

    # given 40 fragments, each spreading the next one twice: 2^40 copies of the leaf if expanded
    fragments = " ".join(
        f"fragment F{i} on Query {{ ... on Query {{ ...F{i + 1} }} ... on Query {{ ...F{i + 1} }} }}"
        for i in range(40)
    )
    query = "query { ...F0 } " + fragments + " fragment F40 on Query { regions { name } }"
    started = time.monotonic()
    body = gql.raw(query, as_user=alice_staff_north)
    # then it is refused, and measuring it did not expand it
    assert body.get("data") is None and body["errors"]
    assert time.monotonic() - started < 10
