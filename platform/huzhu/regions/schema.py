"""GraphQL for the region tree: read by any signed-in user, written by administrators."""

from __future__ import annotations

from typing import Any

import graphene
from graphene_django import DjangoObjectType

from huzhu.core.errors import CommonErrorCode, ServiceError
from huzhu.graphql.core import BaseMutation, decode_id, enum_from_choices, error_type, require_login

from . import selectors, services
from .models import Region

RegionLevelEnum = enum_from_choices("RegionLevel", Region.Level)
CommonErrorCodeEnum = enum_from_choices("CommonErrorCode", CommonErrorCode)
RegionError = error_type("RegionError", CommonErrorCodeEnum)


class RegionType(DjangoObjectType):
    level = graphene.Field(RegionLevelEnum, required=True)
    parent_id = graphene.ID()

    class Meta:
        model = Region
        name = "Region"
        fields = ("id", "name", "code", "level", "parent", "depth")
        interfaces = (graphene.relay.Node,)

    def resolve_parent_id(root: Region, _info: Any) -> str | None:
        return graphene.relay.Node.to_global_id("Region", root.parent_id) if root.parent_id else None


def get_region(global_id: str, field: str) -> Region:
    region = Region.objects.filter(id=decode_id(global_id, "Region", field=field)).first()
    if region is None:
        raise ServiceError(CommonErrorCode.NOT_FOUND, field=field)
    return region


class Query(graphene.ObjectType):
    regions = graphene.List(
        graphene.NonNull(RegionType),
        required=True,
        level=RegionLevelEnum(),
        under_id=graphene.ID(),
        description="The region tree (names only, no personal data), in tree order.",
    )

    def resolve_regions(root: Any, info: Any, level: Any = None, under_id: str | None = None) -> Any:
        require_login(info)
        under = get_region(under_id, "underId") if under_id else None
        return selectors.region_list(level=level.value if hasattr(level, "value") else level, under=under)


class RegionCreate(BaseMutation):
    class Arguments:
        name = graphene.String(required=True)
        code = graphene.String(required=True)
        level = RegionLevelEnum(required=True)
        parent_id = graphene.ID()

    region = graphene.Field(RegionType)
    errors = graphene.List(graphene.NonNull(RegionError), required=True)

    @classmethod
    def perform(cls, info: Any, *, name: str, code: str, level: Any, parent_id: str | None = None) -> Any:
        parent = get_region(parent_id, "parentId") if parent_id else None
        region = services.region_create(
            actor=info.context.user, name=name, code=code, level=getattr(level, "value", level), parent=parent
        )
        return cls(region=region, errors=[])


class RegionMove(BaseMutation):
    class Arguments:
        region_id = graphene.ID(required=True)
        parent_id = graphene.ID(required=True)

    region = graphene.Field(RegionType)
    errors = graphene.List(graphene.NonNull(RegionError), required=True)

    @classmethod
    def perform(cls, info: Any, *, region_id: str, parent_id: str) -> Any:
        region = services.region_move(
            actor=info.context.user,
            region=get_region(region_id, "regionId"),
            new_parent=get_region(parent_id, "parentId"),
        )
        return cls(region=region, errors=[])


class Mutation(graphene.ObjectType):
    region_create = RegionCreate.Field()
    region_move = RegionMove.Field()
