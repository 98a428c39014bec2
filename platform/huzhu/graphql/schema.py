"""The root schema: it joins the Query, Mutation and Subscription classes of each app's schema module.

An app contributes by defining any of those three classes (graphene ObjectTypes used as mixins) in
`huzhu.<app>.schema`; nothing else needs to change here.
"""

from __future__ import annotations

import importlib
from typing import Any

import graphene
from django.conf import settings
from django.utils import translation

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


# Descriptions come from translatable labels (model choices, help texts) and are fixed when the apps' schema
# modules are imported and the schema is built. Build it in the default language, whichever request (in
# whichever language) happens to import it first, so that the served schema and schema.graphql do not change.
with translation.override(settings.LANGUAGE_CODE):
    schema = graphene.Schema(
        query=_root("Query"),
        mutation=_root("Mutation"),
        subscription=_root("Subscription"),
        types=[Fen],
    )
