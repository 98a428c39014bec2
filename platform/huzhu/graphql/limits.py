"""Refuse query bombs before executing them: a depth limit and a cost limit, as validation rules.

Cost: every field costs 1, and a field with `first`/`last` multiplies the cost of what is below it by that
page size (default 20 when absent on a connection). A query asking 100 households × 100 visits × 100 … is
refused with a clear message before a single SQL query runs.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from graphene.validation import depth_limit_validator
from graphql import GraphQLError, ValidationRule
from graphql.language import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    VariableNode,
)

DEFAULT_PAGE = 20


class CostLimitRule(ValidationRule):
    max_cost = 50000

    def enter_document(self, node: Any, *_args: Any) -> None:
        fragments = {d.name.value: d for d in node.definitions if isinstance(d, FragmentDefinitionNode)}
        variables = self.context.variable_values if hasattr(self.context, "variable_values") else {}
        for definition in node.definitions:
            if isinstance(definition, OperationDefinitionNode):
                cost = self._cost(definition.selection_set, fragments, variables or {}, set())
                if cost > self.max_cost:
                    self.report_error(
                        GraphQLError(
                            f"Query cost {cost} exceeds the maximum of {self.max_cost}: "
                            "ask for fewer items per page or fewer nested lists.",
                            [definition],
                        )
                    )

    def _cost(self, selection_set: Any, fragments: dict, variables: dict, seen: set[str]) -> int:
        if selection_set is None:
            return 0
        total = 0
        for sel in selection_set.selections:
            if isinstance(sel, FieldNode):
                if sel.name.value.startswith("__"):
                    continue
                child = self._cost(sel.selection_set, fragments, variables, seen)
                total += 1 + child * self._multiplier(sel, variables)
            elif isinstance(sel, InlineFragmentNode):
                total += self._cost(sel.selection_set, fragments, variables, seen)
            elif isinstance(sel, FragmentSpreadNode):
                name = sel.name.value
                if name in seen or name not in fragments:
                    continue  # cycles are reported by the standard NoFragmentCycles rule
                total += self._cost(fragments[name].selection_set, fragments, variables, seen | {name})
        return total

    @staticmethod
    def _multiplier(field: FieldNode, variables: dict) -> int:
        for arg in field.arguments or ():
            if arg.name.value in ("first", "last"):
                if isinstance(arg.value, IntValueNode):
                    return max(1, int(arg.value.value))
                if isinstance(arg.value, VariableNode):
                    value = variables.get(arg.value.name.value)
                    return max(1, int(value)) if isinstance(value, int) else DEFAULT_PAGE
        if field.selection_set is not None and any(
            isinstance(s, FieldNode) and s.name.value == "edges" for s in field.selection_set.selections
        ):
            return DEFAULT_PAGE
        return 1


def validation_rules() -> list[type[ValidationRule]]:
    rule = type("HuzhuCostLimit", (CostLimitRule,), {"max_cost": settings.GRAPHQL_MAX_COST})
    return [depth_limit_validator(max_depth=settings.GRAPHQL_MAX_DEPTH), rule]
