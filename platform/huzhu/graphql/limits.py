"""Refuse query bombs before executing them: a depth limit and a cost limit, as validation rules.

Depth: the deepest chain of fields in an operation, following fragments (introspection fields, which begin
with "__", are not counted: GraphiQL's own schema query is deep but bounded by the schema). A query nested
deeper than settings.GRAPHQL_MAX_DEPTH is refused with code QUERY_TOO_DEEP.

Cost: every field costs 1, and a field with `first`/`last` multiplies the cost of what is below it by that
page size — taken from the literal or from the request's variables. A connection asked for without
`first`/`last` returns up to RELAY_CONNECTION_MAX_LIMIT rows, so it is counted at that size. A query asking
100 aliases × 100 households × their needs … is refused (QUERY_TOO_COSTLY) before a single SQL query runs.

Both rules walk the document themselves, safely: a fragment cycle or an unknown fragment is skipped here
(the standard NoFragmentCycles and KnownFragmentNames rules report it), and the walk stops a little past
the limit, so an absurdly deep document cannot exhaust Python's stack.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from graphql import GraphQLError, ValidationRule
from graphql.language import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
)

DEFAULT_PAGE = 100  # graphene-django's RELAY_CONNECTION_MAX_LIMIT: what a connection without first/last returns
DEPTH_WALK_CAP = 200  # stop measuring beyond this: the answer is "too deep" either way


def _fragments(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}


class DepthLimitRule(ValidationRule):
    max_depth = 10

    def enter_document(self, node: DocumentNode, *_args: Any) -> None:
        fragments = _fragments(node)
        memo: dict[str, int] = {}
        for definition in node.definitions:
            if not isinstance(definition, OperationDefinitionNode):
                continue
            depth = self._depth(definition.selection_set, fragments, memo, frozenset(), 0)
            if depth > self.max_depth:
                shown = f"at least {depth}" if depth >= DEPTH_WALK_CAP else str(depth)
                self.report_error(GraphQLError(
                    f"Query is nested {shown} levels deep; the maximum is {self.max_depth}. "
                    "Ask for fewer nested fields.",
                    [definition], extensions={"code": "QUERY_TOO_DEEP", "depth": depth, "max": self.max_depth},
                ))

    def _depth(self, selection_set: SelectionSetNode | None, fragments: dict[str, FragmentDefinitionNode],
               memo: dict[str, int], seen: frozenset[str], level: int) -> int:
        """The depth of the deepest field below `selection_set`, counting from `level`. A fragment's own depth
        is computed once (memo), so fragments that spread each other many times cannot make this exponential."""
        if selection_set is None or level >= DEPTH_WALK_CAP:
            return level
        deepest = level
        for sel in selection_set.selections:
            if isinstance(sel, FieldNode):
                if sel.name.value.startswith("__"):
                    continue
                deepest = max(deepest, self._depth(sel.selection_set, fragments, memo, seen, level + 1))
            elif isinstance(sel, InlineFragmentNode):
                deepest = max(deepest, self._depth(sel.selection_set, fragments, memo, seen, level))
            elif isinstance(sel, FragmentSpreadNode):
                name = sel.name.value
                if name in seen or name not in fragments:
                    continue  # reported by NoFragmentCycles / KnownFragmentNames
                if name not in memo:
                    memo[name] = self._depth(fragments[name].selection_set, fragments, memo, seen | {name}, 0)
                deepest = max(deepest, min(level + memo[name], DEPTH_WALK_CAP))
        return deepest


class CostLimitRule(ValidationRule):
    max_cost = 50000
    variables: dict[str, Any] = {}
    default_page = DEFAULT_PAGE

    def enter_document(self, node: DocumentNode, *_args: Any) -> None:
        fragments = _fragments(node)
        memo: dict[str, int] = {}
        for definition in node.definitions:
            if isinstance(definition, OperationDefinitionNode):
                cost = self._cost(definition.selection_set, fragments, memo, frozenset(), 0)
                if cost > self.max_cost:
                    self.report_error(GraphQLError(
                        f"Query cost {cost} exceeds the maximum of {self.max_cost}: "
                        "ask for fewer items per page or fewer nested lists.",
                        [definition], extensions={"code": "QUERY_TOO_COSTLY", "cost": cost, "max": self.max_cost},
                    ))

    def _cost(self, selection_set: SelectionSetNode | None, fragments: dict[str, FragmentDefinitionNode],
              memo: dict[str, int], seen: frozenset[str], level: int) -> int:
        if selection_set is None or level >= DEPTH_WALK_CAP:
            return 0
        total = 0
        for sel in selection_set.selections:
            if isinstance(sel, FieldNode):
                if sel.name.value.startswith("__"):
                    continue
                child = self._cost(sel.selection_set, fragments, memo, seen, level + 1)
                total += 1 + child * self._multiplier(sel)
            elif isinstance(sel, InlineFragmentNode):
                total += self._cost(sel.selection_set, fragments, memo, seen, level)
            elif isinstance(sel, FragmentSpreadNode):
                name = sel.name.value
                if name in seen or name not in fragments:
                    continue  # cycles and unknown fragments are reported by the standard rules
                if name not in memo:
                    memo[name] = self._cost(fragments[name].selection_set, fragments, memo, seen | {name}, level)
                total += memo[name]
        return total

    def _multiplier(self, field: FieldNode) -> int:
        for arg in field.arguments or ():
            if arg.name.value in ("first", "last"):
                if isinstance(arg.value, IntValueNode):
                    return max(1, int(arg.value.value))
                if isinstance(arg.value, VariableNode):
                    value = (self.variables or {}).get(arg.value.name.value)
                    if isinstance(value, int) and not isinstance(value, bool):
                        return max(1, value)
                return self.default_page
        if field.selection_set is not None and any(
            isinstance(s, FieldNode) and s.name.value == "edges" for s in field.selection_set.selections
        ):
            return self.default_page
        return 1


def validation_rules(variables: dict[str, Any] | None = None) -> list[type[ValidationRule]]:
    """The depth and cost rules, configured from settings; pass the request's variables so that a page size
    given as a variable is counted at its value."""
    depth = type("HuzhuDepthLimit", (DepthLimitRule,), {"max_depth": settings.GRAPHQL_MAX_DEPTH})
    cost = type("HuzhuCostLimit", (CostLimitRule,), {
        "max_cost": settings.GRAPHQL_MAX_COST,
        "variables": dict(variables) if isinstance(variables, dict) else {},
        "default_page": int(getattr(settings, "GRAPHENE", {}).get("RELAY_CONNECTION_MAX_LIMIT") or DEFAULT_PAGE),
    })
    return [depth, cost]
