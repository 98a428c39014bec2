"""The root schema: it joins the Query, Mutation and Subscription classes of each app's schema module.

An app contributes by defining any of those three classes (graphene ObjectTypes used as mixins) in
`huzhu.<app>.schema`; nothing else needs to change here.
"""

from __future__ import annotations

import importlib
from typing import Any

import graphene

from huzhu.graphql.scalars import Fen

APPS = ["regions", "people", "households", "giving", "volunteering", "timebank", "projects", "matching",
        "realtime"]


def _parts(kind: str) -> list[type]:
    parts = []
    for app in APPS:
        try:
            module = importlib.import_module(f"huzhu.{app}.schema")
        except ModuleNotFoundError as exc:
            if exc.name != f"huzhu.{app}.schema":
                raise
            continue
        if hasattr(module, kind):
            parts.append(getattr(module, kind))
    return parts


def _root(kind: str) -> Any:
    parts = _parts(kind)
    if not parts:
        return None
    return type(kind, (*parts, graphene.ObjectType), {})


schema = graphene.Schema(
    query=_root("Query"),
    mutation=_root("Mutation"),
    subscription=_root("Subscription"),
    types=[Fen],
)
