"""Scalars. Money travels as Fen, a string of digits: GraphQL's Int is 32-bit and a large gift would overflow it."""

from __future__ import annotations

from typing import Any

import graphene
from graphql import GraphQLError
from graphql.language import ast

from huzhu.core.errors import MAX_FEN


def _parse(value: Any) -> int:
    if isinstance(value, bool):
        raise GraphQLError("Fen must be a string of digits, e.g. \"1250\" for ¥12.50.")
    if isinstance(value, int):
        parsed = value
    elif isinstance(value, str) and value.lstrip("-").isdigit() and len(value) <= 20:
        parsed = int(value)
    else:
        raise GraphQLError("Fen must be a string of digits, e.g. \"1250\" for ¥12.50.")
    if abs(parsed) > MAX_FEN * 10:
        raise GraphQLError("Fen amount is out of range.")
    return parsed


class Fen(graphene.Scalar):
    """An amount of money in integer fen (分, 1/100 yuan), as a string of digits."""

    @staticmethod
    def serialize(value: int) -> str:
        return str(int(value))

    @staticmethod
    def parse_value(value: Any) -> int:
        return _parse(value)

    @staticmethod
    def parse_literal(node: ast.ValueNode, _variables: Any = None) -> int:
        if isinstance(node, (ast.StringValueNode, ast.IntValueNode)):
            return _parse(node.value)
        raise GraphQLError("Fen must be a string of digits.")
