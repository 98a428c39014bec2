"""GraphQL for people: who am I, my roles, my volunteer profile; administrators grant and revoke roles."""

from __future__ import annotations

from typing import Any

import graphene
from graphene_django import DjangoObjectType

from huzhu.core.errors import CommonErrorCode, ServiceError
from huzhu.graphql.core import BaseMutation, decode_id, enum_from_choices, error_type
from huzhu.regions.schema import CommonErrorCodeEnum, RegionType, get_region

from . import services
from .models import Role, RoleGrant, User, VolunteerProfile, Workstation

RoleEnum = enum_from_choices("Role", Role)
PeopleError = error_type("PeopleError", CommonErrorCodeEnum)


class RoleGrantType(graphene.ObjectType):
    role = graphene.Field(RoleEnum, required=True)
    region = graphene.Field(RegionType, required=True)


class AvailabilitySlot(graphene.ObjectType):
    weekday = graphene.Int(required=True)
    start = graphene.Int(required=True, description="Minute of the day the slot starts.")
    end = graphene.Int(required=True)


class AvailabilitySlotInput(graphene.InputObjectType):
    weekday = graphene.Int(required=True)
    start = graphene.Int(required=True)
    end = graphene.Int(required=True)


class VolunteerProfileType(DjangoObjectType):
    availability = graphene.List(graphene.NonNull(AvailabilitySlot), required=True)
    skills = graphene.List(graphene.NonNull(graphene.String), required=True)
    languages = graphene.List(graphene.NonNull(graphene.String), required=True)

    class Meta:
        model = VolunteerProfile
        name = "VolunteerProfile"
        fields = ("home_community", "skills", "languages", "availability")


class WorkstationType(DjangoObjectType):
    class Meta:
        model = Workstation
        name = "Workstation"
        fields = ("id", "name", "region")
        interfaces = (graphene.relay.Node,)


class MeType(graphene.ObjectType):
    id = graphene.ID(required=True)
    email = graphene.String(required=True)
    display_name = graphene.String(required=True)
    language = graphene.String(required=True)
    is_superuser = graphene.Boolean(required=True)
    roles = graphene.List(graphene.NonNull(RoleGrantType), required=True)
    volunteer_profile = graphene.Field(VolunteerProfileType)
    member_organisation_ids = graphene.List(
        graphene.NonNull(graphene.ID), required=True,
        description="The charity-project organisations (申报机构) I belong to: who applies for projects.")

    def resolve_id(root: User, _info: Any) -> str:
        return graphene.relay.Node.to_global_id("User", root.pk)

    def resolve_display_name(root: User, _info: Any) -> str:
        return root.display_name or root.email

    def resolve_roles(root: User, _info: Any) -> Any:
        return RoleGrant.objects.filter(user=root).select_related("region").order_by("role", "region__path")

    def resolve_volunteer_profile(root: User, _info: Any) -> Any:
        return VolunteerProfile.objects.filter(user=root).select_related("home_community").first()

    def resolve_member_organisation_ids(root: User, _info: Any) -> list[str]:
        # Imported here: projects builds on people, not the other way round (this one field looks across).
        from huzhu.projects.services.common import member_org_ids

        return [graphene.relay.Node.to_global_id("ProjectOrganisation", pk) for pk in sorted(member_org_ids(root))]


class Query(graphene.ObjectType):
    me = graphene.Field(MeType, description="The signed-in user, or null.")
    workstations = graphene.List(graphene.NonNull(WorkstationType), required=True)

    def resolve_me(root: Any, info: Any) -> Any:
        user = info.context.user
        return user if user.is_authenticated else None

    def resolve_workstations(root: Any, info: Any) -> Any:
        user = info.context.user
        if not user.is_authenticated:
            return Workstation.objects.none()
        # Workstation names and regions are public information on every workstation's door.
        return Workstation.objects.select_related("region").order_by("region__path", "id")


def _get_user(global_id: str, field: str) -> User:
    user = User.objects.filter(id=decode_id(global_id, "User", field=field)).first()
    if user is None:
        raise ServiceError(CommonErrorCode.NOT_FOUND, field=field)
    return user


class RoleGrantMutation(BaseMutation):
    class Arguments:
        user_id = graphene.ID(required=True)
        role = RoleEnum(required=True)
        region_id = graphene.ID(required=True)

    ok = graphene.Boolean()
    errors = graphene.List(graphene.NonNull(PeopleError), required=True)

    @classmethod
    def perform(cls, info: Any, *, user_id: str, role: Any, region_id: str) -> Any:
        region = get_region(region_id, "regionId")
        services.role_grant(
            actor=info.context.user, user=_get_user(user_id, "userId"), role=getattr(role, "value", role),
            region=region,
        )
        return cls(ok=True, errors=[])


class RoleRevokeMutation(BaseMutation):
    class Arguments:
        user_id = graphene.ID(required=True)
        role = RoleEnum(required=True)
        region_id = graphene.ID(required=True)

    ok = graphene.Boolean()
    errors = graphene.List(graphene.NonNull(PeopleError), required=True)

    @classmethod
    def perform(cls, info: Any, *, user_id: str, role: Any, region_id: str) -> Any:
        region = get_region(region_id, "regionId")
        services.role_revoke(
            actor=info.context.user, user=_get_user(user_id, "userId"), role=getattr(role, "value", role),
            region=region,
        )
        return cls(ok=True, errors=[])


class VolunteerProfileUpdate(BaseMutation):
    class Arguments:
        home_community_id = graphene.ID()
        skills = graphene.List(graphene.NonNull(graphene.String))
        languages = graphene.List(graphene.NonNull(graphene.String))
        availability = graphene.List(graphene.NonNull(AvailabilitySlotInput))

    profile = graphene.Field(VolunteerProfileType)
    errors = graphene.List(graphene.NonNull(PeopleError), required=True)

    @classmethod
    def perform(cls, info: Any, **args: Any) -> Any:
        community = get_region(args["home_community_id"], "homeCommunityId") if args.get(
            "home_community_id") else None
        profile = services.volunteer_profile_update(
            actor=info.context.user,
            home_community=community,
            skills=args.get("skills"),
            languages=args.get("languages"),
            availability=[dict(s) for s in args["availability"]] if args.get("availability") is not None
            else None,
        )
        return cls(profile=profile, errors=[])


class Mutation(graphene.ObjectType):
    role_grant = RoleGrantMutation.Field()
    role_revoke = RoleRevokeMutation.Field()
    volunteer_profile_update = VolunteerProfileUpdate.Field()
