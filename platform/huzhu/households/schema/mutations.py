"""Mutations: householdRegister, householdUpdate, householdPersonalDataUpdate, needCreate, needUpdate,
needUpdateStatus, visitRecord. Each parses, calls one service, and returns typed errors in `errors`.

Ids are looked up through the scoped selectors first, so another street's household or need answers
NOT_FOUND exactly like an id that does not exist; a region outside the actor's area is PERMISSION_DENIED
(regions are public, their existence is no secret).
"""

from __future__ import annotations

from typing import Any

import graphene

from huzhu.core.errors import ServiceError
from huzhu.graphql.core import BaseMutation, decode_id
from huzhu.graphql.scalars import Fen
from huzhu.people.models import Workstation
from huzhu.regions.schema import get_region

from .. import selectors, services
from ..errors import HouseholdErrorCode
from .types import (
    AgeBandEnum,
    CategoryEnum,
    EconomicCheckStatusEnum,
    GoodsCategoryEnum,
    HouseholdError,
    HouseholdType,
    NeedKindEnum,
    NeedStatusEnum,
    NeedType,
    RelationEnum,
    ServiceTypeEnum,
    SexEnum,
    TagEnum,
    VisitType,
    enum_value,
)

ERRORS = graphene.List(graphene.NonNull(HouseholdError), required=True)


class HouseholdMemberInput(graphene.InputObjectType):
    relation = RelationEnum(required=True)
    age_band = AgeBandEnum(required=True)
    sex = SexEnum()
    tags = graphene.List(graphene.NonNull(TagEnum))
    name = graphene.String(description="Personal data: stored encrypted, never shown in lists.")


def _members(items: list[Any] | None) -> list[services.MemberInput] | None:
    if items is None:
        return None
    return [
        services.MemberInput(
            relation=enum_value(m.relation), age_band=enum_value(m.age_band),
            sex=enum_value(m.sex) if m.sex else "unknown", tags=[enum_value(t) for t in (m.tags or [])],
            name=m.name or "",
        )
        for m in items
    ]


def _household(info: Any, global_id: str, field: str) -> Any:
    return selectors.household_get(
        actor=info.context.user, household_id=decode_id(global_id, "Household", field=field), field=field
    )


def _detail(info: Any, household_id: int) -> Any:
    return selectors.household_detail(actor=info.context.user, household_id=household_id)


class HouseholdRegister(BaseMutation):
    """Register a household with its members and personal data (workstation staff, administrators)."""

    class Arguments:
        region_id = graphene.ID(required=True, description="A community or grid.")
        workstation_id = graphene.ID(description="Default: the nearest workstation above the region.")
        category = CategoryEnum(required=True)
        tags = graphene.List(graphene.NonNull(TagEnum))
        economic_check_status = EconomicCheckStatusEnum()
        checked_at = graphene.Date()
        next_check_due = graphene.Date()
        members = graphene.List(graphene.NonNull(HouseholdMemberInput), required=True)
        head_name = graphene.String(required=True)
        id_number = graphene.String(required=True)
        phone = graphene.String()
        address = graphene.String(required=True)

    household = graphene.Field(HouseholdType)
    errors = ERRORS

    @classmethod
    def perform(cls, info: Any, **a: Any) -> Any:
        workstation = None
        if a.get("workstation_id"):
            workstation = Workstation.objects.select_related("region").filter(
                id=decode_id(a["workstation_id"], "Workstation", field="workstationId")).first()
            if workstation is None:
                raise ServiceError(HouseholdErrorCode.NO_WORKSTATION, field="workstationId")
        household = services.household_register(
            actor=info.context.user,
            region=get_region(a["region_id"], "regionId"),
            workstation=workstation,
            category=enum_value(a["category"]),
            tags=[enum_value(t) for t in a.get("tags") or []],
            economic_check_status=enum_value(a.get("economic_check_status")) or "not_checked",
            checked_at=a.get("checked_at"),
            next_check_due=a.get("next_check_due"),
            members=_members(a["members"]) or [],
            personal=services.PersonalInput(
                head_name=a["head_name"], id_number=a["id_number"], phone=a.get("phone") or "",
                address=a["address"],
            ),
        )
        return cls(household=_detail(info, household.id), errors=[])


class HouseholdUpdate(BaseMutation):
    """Change a household; an argument left out stays as it is. `members` replaces all members."""

    class Arguments:
        id = graphene.ID(required=True)
        region_id = graphene.ID()
        category = CategoryEnum()
        tags = graphene.List(graphene.NonNull(TagEnum))
        economic_check_status = EconomicCheckStatusEnum()
        checked_at = graphene.Date()
        next_check_due = graphene.Date()
        members = graphene.List(graphene.NonNull(HouseholdMemberInput))

    household = graphene.Field(HouseholdType)
    errors = ERRORS

    @classmethod
    def perform(cls, info: Any, **a: Any) -> Any:
        household = _household(info, a["id"], "id")
        changes: dict[str, Any] = {}
        if a.get("region_id"):
            changes["region"] = get_region(a["region_id"], "regionId")
        for key in ("category", "economic_check_status"):
            if a.get(key) is not None:
                changes[key] = enum_value(a[key])
        if a.get("tags") is not None:
            changes["tags"] = [enum_value(t) for t in a["tags"]]
        for key in ("checked_at", "next_check_due"):
            if key in a:  # present, possibly null to clear
                changes[key] = a[key]
        if a.get("members") is not None:
            changes["members"] = _members(a["members"])
        services.household_update(actor=info.context.user, household=household, **changes)
        return cls(household=_detail(info, household.id), errors=[])


class HouseholdPersonalDataUpdate(BaseMutation):
    """Replace personal fields (an argument left out stays). The response carries no personal data."""

    class Arguments:
        id = graphene.ID(required=True)
        head_name = graphene.String()
        id_number = graphene.String()
        phone = graphene.String()
        address = graphene.String()
        member_names = graphene.List(graphene.NonNull(graphene.String))

    household = graphene.Field(HouseholdType)
    errors = ERRORS

    @classmethod
    def perform(cls, info: Any, **a: Any) -> Any:
        household = _household(info, a["id"], "id")
        services.personal_data_update(
            actor=info.context.user, household=household, head_name=a.get("head_name"),
            id_number=a.get("id_number"), phone=a.get("phone"), address=a.get("address"),
            member_names=a.get("member_names"),
        )
        return cls(household=_detail(info, household.id), errors=[])


class NeedCreate(BaseMutation):
    """Open a need: money (amountFen), goods (goodsItem, quantity) or service (serviceType, minutes)."""

    class Arguments:
        household_id = graphene.ID(required=True)
        kind = NeedKindEnum(required=True)
        amount_fen = Fen()
        goods_category = GoodsCategoryEnum()
        goods_item = graphene.String()
        quantity = graphene.Int()
        service_type = ServiceTypeEnum()
        minutes = graphene.Int()
        urgent = graphene.Boolean(description="救急难: jumps every queue.")
        description = graphene.String()

    need = graphene.Field(NeedType)
    errors = ERRORS

    @classmethod
    def perform(cls, info: Any, **a: Any) -> Any:
        household = _household(info, a["household_id"], "householdId")
        need = services.need_create(
            actor=info.context.user, household=household, kind=enum_value(a["kind"]),
            amount_fen=a.get("amount_fen"), goods_category=enum_value(a.get("goods_category")) or "",
            goods_item=a.get("goods_item") or "", quantity=a.get("quantity"),
            service_type=enum_value(a.get("service_type")) or "", minutes=a.get("minutes"),
            urgent=bool(a.get("urgent")), description=a.get("description") or "",
        )
        return cls(need=selectors.with_need_relations(selectors.need_scope(actor=info.context.user))
                   .get(id=need.id), errors=[])


class NeedUpdate(BaseMutation):
    """Edit an open need (an argument left out stays)."""

    class Arguments:
        id = graphene.ID(required=True)
        amount_fen = Fen()
        goods_category = GoodsCategoryEnum()
        goods_item = graphene.String()
        quantity = graphene.Int()
        service_type = ServiceTypeEnum()
        minutes = graphene.Int()
        urgent = graphene.Boolean()
        description = graphene.String()

    need = graphene.Field(NeedType)
    errors = ERRORS

    @classmethod
    def perform(cls, info: Any, **a: Any) -> Any:
        need = selectors.need_get(actor=info.context.user, need_id=decode_id(a["id"], "Need"))
        need = services.need_update(
            actor=info.context.user, need=need, amount_fen=a.get("amount_fen"),
            goods_category=enum_value(a.get("goods_category")), goods_item=a.get("goods_item"),
            quantity=a.get("quantity"), service_type=enum_value(a.get("service_type")), minutes=a.get("minutes"),
            urgent=a.get("urgent"), description=a.get("description"),
        )
        return cls(need=need, errors=[])


class NeedUpdateStatus(BaseMutation):
    """open → proposed → matched → fulfilled / closed; back to open from proposed, matched or closed."""

    class Arguments:
        id = graphene.ID(required=True)
        status = NeedStatusEnum(required=True)
        note = graphene.String()

    need = graphene.Field(NeedType)
    errors = ERRORS

    @classmethod
    def perform(cls, info: Any, **a: Any) -> Any:
        need = selectors.need_get(actor=info.context.user, need_id=decode_id(a["id"], "Need"))
        need = services.need_set_status(
            actor=info.context.user, need=need, status=enum_value(a["status"]), note=a.get("note") or ""
        )
        return cls(need=need, errors=[])


class VisitRecord(BaseMutation):
    """Record a visit (探访) to a household by the signed-in staff member or social worker."""

    class Arguments:
        household_id = graphene.ID(required=True)
        visited_at = graphene.DateTime(required=True)
        notes = graphene.String()

    visit = graphene.Field(VisitType)
    errors = ERRORS

    @classmethod
    def perform(cls, info: Any, **a: Any) -> Any:
        household = _household(info, a["household_id"], "householdId")
        visit = services.visit_record(
            actor=info.context.user, household=household, visited_at=a["visited_at"], notes=a.get("notes") or ""
        )
        return cls(visit=visit, errors=[])


class Mutation(graphene.ObjectType):
    household_register = HouseholdRegister.Field()
    household_update = HouseholdUpdate.Field()
    household_personal_data_update = HouseholdPersonalDataUpdate.Field()
    need_create = NeedCreate.Field()
    need_update = NeedUpdate.Field()
    need_update_status = NeedUpdateStatus.Field()
    visit_record = VisitRecord.Field()
