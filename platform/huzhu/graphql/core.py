"""The pieces every app's schema.py uses: ids, typed errors, the base mutation, counted connections."""

from __future__ import annotations

from typing import Any

import graphene
from django.db import models
from django.utils.translation import gettext as _
from graphene import relay
from graphql import GraphQLError
from graphql_relay import from_global_id, to_global_id

from huzhu.core.errors import CommonErrorCode, ServiceError


class CountableConnection(relay.Connection):
    """A relay connection with totalCount (graphene-django sets `length` to the queryset's count)."""

    class Meta:
        abstract = True

    total_count = graphene.Int(required=True)

    def resolve_total_count(root, _info: Any) -> int:
        return int(getattr(root, "length", 0) or 0)


def gid(type_name: str, pk: int | str) -> str:
    return to_global_id(type_name, str(pk))


def decode_id(global_id: str | None, type_name: str, *, field: str = "id") -> int:
    """The database id inside a relay global id of the expected type, or a typed NOT_FOUND/INVALID error."""
    if not global_id or len(global_id) > 200:
        raise ServiceError(CommonErrorCode.INVALID, field=field)
    try:
        kind, raw = from_global_id(global_id)
    except Exception:  # malformed base64 and friends: all the caller needs to know is "invalid id"
        raise ServiceError(CommonErrorCode.INVALID, field=field)
    if kind != type_name or not raw.isdigit() or len(raw) > 18:
        raise ServiceError(CommonErrorCode.NOT_FOUND, field=field)
    return int(raw)


def enum_from_choices(name: str, choices: type[models.TextChoices]) -> type[graphene.Enum]:
    return graphene.Enum(name, [(c.value, c.value) for c in choices])  # type: ignore[return-value]


_error_types: dict[str, type[graphene.ObjectType]] = {}


def error_type(name: str, code_enum: type[graphene.Enum]) -> type[graphene.ObjectType]:
    """An error object type `name` with field (camelCase input name or null), code and a translated message."""
    if name not in _error_types:
        _error_types[name] = type(
            name,
            (graphene.ObjectType,),
            {
                "field": graphene.String(description="The camelCase input field, or null for the whole input."),
                "code": graphene.Field(code_enum, required=True),
                "message": graphene.String(required=True),
            },
        )
    return _error_types[name]


def require_login(info: Any) -> Any:
    user = info.context.user
    if not user.is_authenticated:
        raise GraphQLError(_("请先登录。"), extensions={"code": "UNAUTHENTICATED"})
    return user


class BaseMutation(graphene.Mutation):
    """Login check, then `perform`; a ServiceError becomes one item of the payload's `errors` list.

    Subclasses declare `errors = graphene.List(graphene.NonNull(SomeError), required=True)` and implement
    `perform(cls, info, **arguments)`. No business rules here: services raise ServiceError.
    """

    class Meta:
        abstract = True

    login_required = True

    @classmethod
    def mutate(cls, root: Any, info: Any, **arguments: Any) -> Any:
        if cls.login_required:
            require_login(info)
        try:
            return cls.perform(info, **arguments)
        except ServiceError as exc:
            return cls(errors=[{"field": exc.field, "code": exc.code, "message": exc.message}])

    @classmethod
    def perform(cls, info: Any, *args: Any, **arguments: Any) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError
